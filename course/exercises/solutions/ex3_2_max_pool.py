"""Reference solution for exercise 3.2.

Why it is written this way: cropping drops the partial windows, and the
reshape lines every window up along axes 1 and 3, so one max does them all.
"""

import numpy as np


def max_pool(x, size=2):
    h, w = x.shape[0] // size, x.shape[1] // size
    return x[:h * size, :w * size].reshape(h, size, w, size).max(axis=(1, 3))
