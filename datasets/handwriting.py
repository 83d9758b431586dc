"""Handwriting that is not MNIST: the UCI digits, written by other people, rendered as scans on paper.

A model is only useful if it reads digits it was never shown, written by other
people on other paper. `uci_digits.csv.gz` holds the 1,797 digits of the UCI
"Optical Recognition of Handwritten Digits" test set (43 writers, none of them
MNIST's), as scikit-learn ships them: each digit an 8x8 grid of counts 0-16
(how many of 16 pixels of the original 32x32 bitmap were ink).

`scans()` renders each one as a page would come out of a scanner or a phone:
dark ink on light, slightly uneven paper, at several sizes, somewhere off-centre
on a larger sheet. Those pages are what `course predict` must read right.

    from course.datasets.handwriting import load_uci_digits, scans
    images, labels = load_uci_digits()               # (1797, 8, 8) uint8 0-16, (1797,) int64
    for page, label, how in scans(seed=0):           # page: (h, w) uint8, dark ink on light paper
        ...
"""

import gzip
from importlib import resources

import numpy as np

SIZES = (28, 48, 96, 160)  # the digit's height in pixels on the page
INK_LEVEL, PAPER_LEVEL = 40, 235  # a dark pen on off-white paper, 0-255


def load_uci_digits():
    """(images (1797, 8, 8) uint8 in 0-16, labels (1797,) int64)."""
    with (resources.files("course.datasets") / "uci_digits.csv.gz").open("rb") as compressed:
        table = np.loadtxt(gzip.open(compressed), delimiter=",", dtype=np.int64)
    return table[:, :64].reshape(-1, 8, 8).astype(np.uint8), table[:, 64]


def scan_on_paper(grid, size, rng, shadow=0):
    """One 8x8 count grid -> a page (uint8, dark ink on light paper) with the digit `size` pixels tall.

    The grid is enlarged smoothly (bicubic) to size x size, its counts become ink
    darkness, and it is placed at a random spot on a sheet 1.3 to 2.5 times larger,
    whose brightness drifts slightly from one side to the other and carries grain.
    shadow > 0 photographs it instead of scanning it: the light falls off across the
    page, in a random direction, until the far edge is `shadow` levels darker.
    """
    from PIL import Image

    ink = np.asarray(Image.fromarray(grid.astype(np.float32) / 16, mode="F").resize((size, size),
                                                                                    Image.Resampling.BICUBIC))
    ink = np.clip(ink, 0, 1)
    sheet = int(size * rng.uniform(1.3, 2.5)), int(size * rng.uniform(1.3, 2.5))
    top, left = rng.integers(0, sheet[0] - size + 1), rng.integers(0, sheet[1] - size + 1)
    drift = np.linspace(0, rng.uniform(-15, 15), sheet[1])[None, :]
    paper = PAPER_LEVEL + drift + rng.normal(0, 4, sheet)
    page = paper.copy()
    where = (slice(top, top + size), slice(left, left + size))
    page[where] = ink * INK_LEVEL + (1 - ink) * paper[where]
    if shadow:
        angle = rng.uniform(0, 2 * np.pi)
        rows, cols = np.indices(sheet)
        ramp = rows * np.sin(angle) + cols * np.cos(angle)
        ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
        page *= 1 - shadow / PAPER_LEVEL * ramp
    return np.clip(page, 0, 255).astype(np.uint8)


def scans(seed=0, sizes=SIZES, count=None, shadow=0):
    """Every UCI digit (or the first `count`) at every size: yields (page, label, "size 48, digit 17")."""
    rng = np.random.default_rng(seed)
    grids, labels = load_uci_digits()
    for index in range(len(labels) if count is None else count):
        for size in sizes:
            yield scan_on_paper(grids[index], size, rng, shadow), int(labels[index]), f"size {size}, digit {index}"

