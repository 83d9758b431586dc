"""Reference solution for exercise 4.1.

Why it is written this way: each MNIST step is one short block: flip so ink is
high, crop to the ink, shrink with area averaging (as MNIST's anti-aliasing
did) to fit 20x20, then place it so the centre of mass is at (14, 14).
"""

import numpy as np
from PIL import Image


def mnistify(image):
    image = np.asarray(image, dtype=np.float32)
    if image.max() > 1:
        image = image / 255
    ink = 1 - image
    ink[ink < 0.15] = 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = 20 / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    small = np.asarray(Image.fromarray(ink, mode="F").resize(size, Image.Resampling.BOX), dtype=np.float32)
    small = np.clip(small / small.max(), 0, 1)
    r, c = np.indices(small.shape)
    top = int(np.clip(round(14 - (r * small).sum() / small.sum()), 0, 28 - small.shape[0]))
    left = int(np.clip(round(14 - (c * small).sum() / small.sum()), 0, 28 - small.shape[1]))
    out = np.zeros((28, 28), dtype=np.float32)
    out[top:top + small.shape[0], left:left + small.shape[1]] = small
    return out
