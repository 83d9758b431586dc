"""Handwritten digits for the lessons: real MNIST, or the bundled sample of it offline.

One function does it all::

    from course.data import load_digits
    digits = load_digits()            # "auto": full MNIST if it can be had, else the sample
    digits.x_train.shape              # (n, 28, 28) uint8, 0 = paper, 255 = ink

Sources:
- "mnist": the 70,000 MNIST digits through tensorflow-datasets (`tfds.load("mnist")`),
  from `data_dir`, else $TFDS_DATA_DIR, else ~/tensorflow_datasets.
- "sample": 5,000 real MNIST digits shipped inside the package (4,000 train / 1,000 test,
  balanced), read with NumPy alone: offline, no TensorFlow, well under a second.
- "auto": "mnist" if prepared; else one quick download attempt; else "sample", with a notice.
"""

import hashlib
import os
import socket
import threading
import zipfile
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from course.places import DATA_SOURCES as SOURCES, course_home, tfds_data_dir

MNIST_HOST = ("storage.googleapis.com", 443)  # where tensorflow-datasets downloads MNIST from
DOWNLOAD_PROBE_SECONDS = 3.0
HOW_TO_GET_MNIST = "go online once, or run `course data import DIR` with the four MNIST files"


class DataError(RuntimeError):
    """The digits asked for cannot be loaded; the message says why and what to do."""


@dataclass(frozen=True)
class Digits:
    """Train and test digits, and where they came from.

    x_train, x_test: uint8 arrays (n, 28, 28), pixel intensities 0 (paper) to 255 (ink).
    y_train, y_test: int64 arrays (n,), the digit 0-9 each image shows.
    source: "mnist" or "sample"; location: the file or folder they were read from.
    notice: a one-line message for the learner (why the sample was used), or None.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    location: str
    notice: str | None = None

    @property
    def counts(self):
        return {"train": len(self.y_train), "test": len(self.y_test)}

    def head(self, train, test):
        """The first `train` and `test` digits (the sources are shuffled, so every class is there)."""
        return replace(self, x_train=self.x_train[:train], y_train=self.y_train[:train],
                       x_test=self.x_test[:test], y_test=self.y_test[:test])


def load_digits(source="auto", data_dir=None):
    """Load MNIST digits from `source` ("auto", "mnist" or "sample"); returns a `Digits`."""
    if source not in SOURCES:
        raise DataError(f"unknown data source {source!r}; choose one of {', '.join(SOURCES)}")
    if source == "sample":
        return load_sample()
    data_dir = tfds_data_dir(data_dir)
    if source == "mnist":
        if not mnist_prepared(data_dir):
            raise DataError(f"MNIST is not prepared in {data_dir}: {HOW_TO_GET_MNIST}")
        return load_mnist(data_dir)
    if mnist_prepared(data_dir):
        return load_mnist(data_dir)
    if mnist_host_reachable():
        try:
            return load_mnist(data_dir, download=True)
        except Exception as error:  # any download failure falls back to the sample, with the reason
            reason = f"downloading MNIST failed ({type(error).__name__})"
    else:
        reason = f"no MNIST in {data_dir}, no network"
    sample = load_sample()
    notice = (f"Using the bundled sample of {len(sample.y_train) + len(sample.y_test):,} real MNIST digits "
              f"({reason}); for all 70,000: {HOW_TO_GET_MNIST}.")
    return replace(sample, notice=notice)


def sample_path():
    """The bundled sample file inside the installed package."""
    return Path(str(resources.files("course.datasets") / "mnist_sample.npz"))


def load_sample():
    path = sample_path()
    with np.load(path, allow_pickle=False) as arrays:
        return Digits(arrays["x_train"], arrays["y_train"].astype(np.int64),
                      arrays["x_test"], arrays["y_test"].astype(np.int64), "sample", str(path))


def mnist_prepared(data_dir=None):
    """The folder of the prepared tensorflow-datasets `mnist` under data_dir, or None.

    Checked on disk, without importing tensorflow-datasets.
    """
    versions = sorted(tfds_data_dir(data_dir).glob("mnist/*/dataset_info.json"))
    return versions[-1].parent if versions else None


def load_mnist(data_dir=None, download=False):
    """Full MNIST through tensorflow-datasets, as NumPy arrays.

    Decoding tensorflow-datasets' files takes seconds, so the decoded arrays are kept
    (55 MB, in course_home()/data) and read back on the next load, until the prepared
    files change. An unreadable copy is decoded again and replaced.
    """
    data_dir = tfds_data_dir(data_dir)
    prepared = mnist_prepared(data_dir)
    if prepared:
        try:
            with np.load(decoded_copy(prepared), allow_pickle=False) as arrays:
                return Digits(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                              "mnist", str(prepared))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # not decoded yet, or an unreadable copy

    from course.quiet import quiet_tensorflow

    quiet_tensorflow()
    import tensorflow_datasets as tfds

    train, test = tfds.as_numpy(tfds.load("mnist", split=["train", "test"], batch_size=-1, as_supervised=True,
                                          data_dir=str(data_dir), download=download))
    prepared = mnist_prepared(data_dir)
    digits = Digits(train[0][..., 0], train[1].astype(np.int64), test[0][..., 0], test[1].astype(np.int64),
                    "mnist", str(prepared or data_dir))
    if prepared:
        keep_decoded_copy(digits, decoded_copy(prepared))
    return digits


def decoded_copy(prepared):
    """Where the decoded arrays of the prepared folder are kept: named by the folder, and by its files'
    sizes and times, so a re-import is decoded afresh."""
    folder = Path(prepared).resolve()
    files = sorted((str(f.relative_to(folder)), f.stat().st_size, f.stat().st_mtime_ns)
                   for f in folder.rglob("*") if f.is_file())
    where = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    what = hashlib.sha256(repr(files).encode()).hexdigest()[:12]
    return course_home() / "data" / f"mnist-{where}-{what}.npz"


def keep_decoded_copy(digits, path):
    """Write the arrays under a temporary name and rename it into place, replacing older copies of the same
    folder; a folder that cannot be written to only means decoding again next time."""
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as file:
            np.savez(file, x_train=digits.x_train, y_train=digits.y_train, x_test=digits.x_test,
                     y_test=digits.y_test)
        os.replace(partial, path)
        for older in path.parent.glob(f"{path.stem.rsplit('-', 1)[0]}-*.npz"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError:
        partial.unlink(missing_ok=True)


def mnist_host_reachable(seconds=DOWNLOAD_PROBE_SECONDS):
    """Can we open a connection to the MNIST download host within a few seconds?

    Runs in a thread because a name lookup can hang far longer than the socket
    timeout on a machine with no network.
    """
    result = []

    def probe():
        try:
            socket.create_connection(MNIST_HOST, timeout=seconds).close()
            result.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(seconds)
    return bool(result)


def import_mnist(folder, data_dir=None, replace=False):
    """Prepare tensorflow-datasets' `mnist` from the four IDX files in folder; returns (folder, counts).

    Every file is read and checked before anything is written.
    """
    from course.datasets import mnist_idx

    try:
        splits = mnist_idx.read_mnist_folder(folder)
    except mnist_idx.IdxError as error:
        raise DataError(str(error)) from None
    data_dir = tfds_data_dir(data_dir)
    existing = mnist_prepared(data_dir)
    if existing and not replace:
        raise DataError(f"MNIST is already prepared in {existing}; add --replace to import over it")
    from course.quiet import quiet_tensorflow

    quiet_tensorflow()
    prepared = mnist_idx.prepare_tfds_mnist(splits, data_dir, replace=replace)
    return prepared, {split: len(labels) for split, (_, labels) in splits.items()}


def describe_sources(data_dir=None):
    """One row per source: name, ready or not, where, and its size on disk."""
    sample = sample_path()
    prepared = mnist_prepared(data_dir)
    return [
        {"source": "sample", "ready": sample.is_file(), "where": str(sample),
         "bytes": sample.stat().st_size if sample.is_file() else 0},
        {"source": "mnist", "ready": prepared is not None,
         "where": str(prepared or tfds_data_dir(data_dir) / "mnist"),
         "bytes": sum(f.stat().st_size for f in prepared.rglob("*") if f.is_file()) if prepared else 0},
    ]
