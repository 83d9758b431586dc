"""Reference solution for exercise 2.1.

Why it is written this way: np.maximum compares element by element and returns
a new array, so z is left as it was; the 0 is cast to z's dtype.
"""

import numpy as np


def relu(z):
    return np.maximum(z, np.zeros((), dtype=np.asarray(z).dtype))
