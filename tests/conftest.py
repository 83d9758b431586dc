"""Shared test set-up: every test writes only under its own tmp_path, headless, offline.

Tests use the bundled sample. Tests marked `full_mnist` use the real prepared
MNIST (`course data import ../shared/data/mnist`) and skip cleanly without it.
"""

import os

import numpy as np
import pytest
from PIL import Image

from course.data import mnist_prepared

# Read before any test changes TFDS_DATA_DIR: where the user's full MNIST is, if anywhere.
FULL_MNIST_DIR = mnist_prepared() and str(mnist_prepared().parents[1])
full_mnist = pytest.mark.skipif(not FULL_MNIST_DIR, reason="full MNIST is not prepared "
                                "(run `course data import DIR`, or set TFDS_DATA_DIR)")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "no-tfds-data"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def picture(path):
    """The PNG at path decoded as an RGB array; fails unless it shows something (not one flat colour)."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    assert pixels.shape[0] > 50 and pixels.shape[1] > 50, pixels.shape
    assert pixels.std() > 10, f"{path} is blank"
    return pixels
