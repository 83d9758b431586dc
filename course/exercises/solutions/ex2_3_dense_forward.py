"""Reference solution for exercise 2.3.

Why it is written this way: a Dense layer is z = x W + b with W stored as
(inputs, units), then the activation; each activation is one line of NumPy.
"""

import numpy as np


def dense_forward(x, W, b, activation):
    z = x @ W + b
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if activation == "tanh":
        return np.tanh(z)
    if activation == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if activation == "linear":
        return z
    raise ValueError(f"unknown activation {activation!r}")
