"""The four standard MNIST files (IDX format), checked and prepared for tensorflow-datasets.

IDX is the format LeCun, Cortes and Burges published MNIST in: a 4-byte magic
number (0x0803 for images, 0x0801 for labels), one 4-byte big-endian size per
dimension, then the raw uint8 values. `read_mnist_folder` reads and checks the
four files; `prepare_tfds_mnist` writes them as the `mnist` dataset of
tensorflow-datasets, so that `tfds.load("mnist", download=False)` works offline.
"""

import gzip
import shutil
import tempfile
import zlib
from pathlib import Path

import numpy as np

FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}
MAGIC = {"images": 0x0803, "labels": 0x0801}  # 0x08 = unsigned byte, then the number of dimensions
TFDS_NAME = "mnist"


class IdxError(ValueError):
    """A missing, truncated or malformed IDX file; the message names the file."""


def find_file(folder, name):
    """`name` or `name.gz` inside folder (the files are often kept compressed)."""
    for candidate in (Path(folder) / name, Path(folder) / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise IdxError(f"{name}[.gz] is missing from {folder}")


def read_idx(path, kind):
    """The array stored in one IDX file of `kind` "images" (n, 28, 28) or "labels" (n,), checked."""
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise IdxError(f"{path}: cannot be read or decompressed ({error})") from None
    if len(raw) < 4:
        raise IdxError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    if magic != MAGIC[kind]:
        raise IdxError(f"{path}: magic number 0x{magic:08x}, expected 0x{MAGIC[kind]:08x} for an IDX {kind} file")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IdxError(f"{path}: truncated header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if kind == "images" and shape[1:] != (28, 28):
        raise IdxError(f"{path}: images are {shape[1]}x{shape[2]}, MNIST images are 28x28")
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise IdxError(f"{path}: {problem} ({len(raw):,} bytes, the header promises {expected:,})")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_mnist_folder(folder):
    """{"train": (images, labels), "test": (images, labels)} from the four files in folder, all checked."""
    splits = {}
    for split in ("train", "test"):
        images_path = find_file(folder, FILES[(split, "images")])
        labels_path = find_file(folder, FILES[(split, "labels")])
        images, labels = read_idx(images_path, "images"), read_idx(labels_path, "labels")
        if len(images) != len(labels):
            raise IdxError(f"{images_path} holds {len(images):,} images but {labels_path} "
                           f"holds {len(labels):,} labels")
        if len(labels) and labels.max() > 9:
            raise IdxError(f"{labels_path}: label {labels.max()} is not a digit 0-9")
        splits[split] = (images, labels)
    return splits


def _local_builder(splits, data_dir):
    """tensorflow-datasets' own MNIST builder, fed from arrays instead of the download mirrors."""
    from tensorflow_datasets.image_classification.mnist import MNIST

    class LocalMNIST(MNIST, skip_registration=True):
        name = TFDS_NAME  # same name and version: `tfds.load("mnist")` finds what it writes

        def _split_generators(self, dl_manager):
            return {split: self._generate_examples(*arrays) for split, arrays in splits.items()}

        def _generate_examples(self, images, labels):
            for index, (image, label) in enumerate(zip(images, labels)):
                yield index, {"image": image[..., None], "label": int(label)}

    return LocalMNIST(data_dir=str(data_dir))


def prepare_tfds_mnist(splits, data_dir, replace=False):
    """Write `splits` as tensorflow-datasets' `mnist` under data_dir; return the prepared folder.

    Everything is built in a scratch folder beside the target and moved in with
    one rename, so an interrupted import never leaves a dataset that loads.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".course-import-", dir=data_dir) as scratch:
        builder = _local_builder(splits, scratch)
        builder.download_and_prepare()
        built = Path(builder.data_dir)
        target = data_dir / built.relative_to(scratch)
        if target.exists():
            if not replace:
                raise FileExistsError(target)
            target.rename(Path(scratch) / "replaced")  # removed with the scratch folder
        target.parent.mkdir(parents=True, exist_ok=True)
        built.rename(target)
    return target
