"""Reference solution for exercise 3.1.

Why it is written this way: the two loops make every output number visible as
one sum of products; the kernel is used as it is (not flipped), as Keras does.
"""

import numpy as np


def conv2d(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = np.sum(image[r:r + kh, c:c + kw] * kernel)
    return out
