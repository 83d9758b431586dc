"""Reference solution for exercise 1.2.

Why it is written this way: exp(-|z|) is always between 0 and 1, so it never
overflows. For z >= 0 the sigmoid is 1 / (1 + e), for z < 0 it is e / (1 + e),
with e = exp(-|z|): the same function, rewritten so no huge number appears.
"""

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    result = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return result if result.ndim else float(result)
