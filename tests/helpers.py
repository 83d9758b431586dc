"""What several test modules share: where full MNIST is, how a lesson is run, how a figure and a page are checked, how to wait on a process.

Fixtures live in conftest.py; everything a test imports lives here.
"""

import json
import signal
import subprocess
import time

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from course.cli import cli
from course.data import mnist_prepared

# Read when the tests are collected, before any test changes TFDS_DATA_DIR: where the user's full MNIST is.
FULL_MNIST_DIR = mnist_prepared() and str(mnist_prepared().parents[1])
full_mnist = pytest.mark.skipif(not FULL_MNIST_DIR, reason="full MNIST is not prepared "
                                "(run `course data import DIR`, or set TFDS_DATA_DIR)")


def picture(path):
    """The PNG at path decoded as an RGB array; fails unless it shows something (not one flat colour)."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    assert pixels.shape[0] > 50 and pixels.shape[1] > 50, pixels.shape
    assert pixels.std() > 10, f"{path} is blank"
    return pixels


def run_lesson(number, folder, *extra, quick=True):
    """`course lesson N --quick --data sample` as a learner runs it (quick=False: the whole sample, every
    epoch); every figure must decode and show something.

    Returns (printed output, summary JSON): tests read measured numbers from the summary's "measured".
    """
    folder.mkdir(parents=True, exist_ok=True)
    summary = folder / f"summary{number}.json"
    result = CliRunner().invoke(cli, ["lesson", str(number), *(["--quick"] if quick else []), "--data", "sample",
                                      "--out", str(folder / f"out{number}"), "--summary-json", str(summary), *extra])
    assert result.exit_code == 0, result.output
    report = json.loads(summary.read_text())
    for path in report["figures"]:
        picture(path)
    return result.output, report


def unseen_digits(count, seed):
    """`count` of the sample's test digits (never trained on), in an order fixed by `seed`."""
    from course.data import load_sample

    sample = load_sample()
    order = np.random.default_rng(seed).permutation(len(sample.y_test))
    return sample.x_test[order[:count]], sample.y_test[order[:count]]


def png_bytes(picture):
    """A uint8 picture (grey, RGB or RGBA) as the bytes of a PNG file, as a web page uploads it."""
    import io

    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return buffer.getvalue()


def on_paper(digit, height=140, width=110, top=30, left=12, paper=228, ink=25):
    """An MNIST digit written large (84x84) and off-centre on a light page: dark ink, as on paper."""
    page = np.full((height, width), paper, np.float32)
    strokes = np.asarray(Image.fromarray(digit).resize((84, 84), Image.Resampling.BILINEAR), np.float32) / 255
    page[top:top + 84, left:left + 84] = strokes * ink + (1 - strokes) * paper
    return page.astype(np.uint8)


def wait_until(condition, process, patience=300):
    """Poll condition() while `process` runs. A hang guard, not a timing: it fails only after `patience` seconds
    of polling, or when the process ends first."""
    for _ in range(patience * 20):
        if condition():
            return
        assert process.poll() is None, "the process ended before it got there"
        time.sleep(0.05)
    raise AssertionError(f"still not there after {patience} s of polling")


def started_as_from_a_terminal(command, **options):
    """subprocess.Popen(command, **options) with Ctrl-C (SIGINT) at its default, as in a learner's terminal. A
    shell that runs a job in the background (`.ci/run &`, `nohup`) has Ctrl-C ignored in it, every process it
    starts inherits that, and a test that stops a program with Ctrl-C would wait for ever."""
    return subprocess.Popen(command, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **options)
