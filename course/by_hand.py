"""The math of a network's layers, by hand in NumPy: what Keras computes, written so you can read it.

Every lesson recomputes its models with these functions and compares the result
with Keras's own. Only NumPy is imported, so using them never loads TensorFlow.

    from course import by_hand
    p = by_hand.dense(x, W, b, "softmax")        # one Dense layer
    maps = by_hand.conv2d(image, kernel)         # one kernel slid over one image
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def sigmoid(z):
    """1 / (1 + e^-z), computed so that it never overflows: e^-|z| is at most 1.

    For z >= 0 that is 1 / (1 + e^-z) itself; for z < 0 the same number written as
    e^z / (1 + e^z). The naive 1 / (1 + np.exp(-z)) overflows for z below about -710.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z):
    """e^z_i / sum_j e^z_j along the last axis; subtracting each row's largest score first
    changes nothing in the result but keeps e^z from overflowing."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def relu(z):
    """max(z, 0), number by number."""
    return np.maximum(z, 0)


def linear(z):
    """No activation at all: the weighted sum as it is."""
    return z


ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh, "softmax": softmax, "linear": linear}


def dense(x, weights, bias, activation="linear"):
    """A Dense layer: activation(x W + b), with W stored as Keras stores it, (inputs, units)."""
    return ACTIVATIONS[activation](x @ weights + bias)


def conv2d(image, kernel):
    """Slide the kernel over the image; at each place, multiply the overlapping numbers and add them up.

    "Valid" cross-correlation, exactly what Keras Conv2D computes: the kernel is not
    flipped and only visits places where it fits. image (h, w) with kernel (kh, kw)
    gives (h-kh+1, w-kw+1); a layer's maps (h, w, channels in) with its kernels
    (kh, kw, channels in, channels out) give (h-kh+1, w-kw+1, channels out).
    """
    if kernel.ndim == 2:
        windows = sliding_window_view(image, kernel.shape)  # (rows, cols, kh, kw): every place's window
        return np.einsum("rcij,ij->rc", windows, kernel)
    windows = sliding_window_view(image, kernel.shape[:2], axis=(0, 1))  # (rows, cols, channels in, kh, kw)
    return np.einsum("rcdij,ijdf->rcf", windows, kernel)


def max_pool(x, size=2):
    """Keep the largest number of every size x size block (of every map, for x (h, w, channels)).

    Rows and columns that do not fill a whole block are dropped, as Keras MaxPooling2D does.
    """
    h, w = x.shape[0] // size, x.shape[1] // size
    return x[:h * size, :w * size].reshape(h, size, w, size, *x.shape[2:]).max(axis=(1, 3))
