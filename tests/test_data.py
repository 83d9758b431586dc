import gzip

import numpy as np
import pytest
from click.testing import CliRunner

from helpers import FULL_MNIST_DIR, full_mnist
from course import data
from course.cli import cli
from course.data import DataError, describe_sources, import_mnist, load_digits, load_sample, mnist_prepared
from course.datasets.mnist_idx import FILES, MAGIC


def test_sample_is_real_balanced_mnist():
    digits = load_sample()
    assert digits.x_train.shape == (4000, 28, 28) and digits.x_test.shape == (1000, 28, 28)
    assert digits.x_train.dtype == np.uint8 and digits.y_train.dtype == np.int64
    assert np.bincount(digits.y_train).tolist() == [400] * 10
    assert np.bincount(digits.y_test).tolist() == [100] * 10
    assert digits.source == "sample" and digits.notice is None
    # MNIST's signature: an (almost always) empty frame, ink up to 255, about 19% of pixels inked.
    assert digits.x_train[:, 0, :].mean() < 0.5
    assert digits.x_train.max() == 255
    assert 0.15 < np.mean(digits.x_train > 0) < 0.25
    # No digit appears in both train and test.
    train = {image.tobytes() for image in digits.x_train}
    assert not any(image.tobytes() in train for image in digits.x_test)


def test_head_keeps_a_prefix_with_every_class():
    small = load_sample().head(300, 100)
    assert small.counts == {"train": 300, "test": 100}
    assert set(small.y_train) == set(range(10))


def write_idx(path, array, kind, compress):
    header = MAGIC[kind].to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)


@pytest.fixture
def idx_folder(tmp_path):
    """The four IDX files made from 30 + 10 real sample digits; the images files gzipped, the labels not."""
    digits = load_sample()
    folder = tmp_path / "idx"
    folder.mkdir()
    arrays = {("train", "images"): digits.x_train[:30], ("train", "labels"): digits.y_train[:30],
              ("test", "images"): digits.x_test[:10], ("test", "labels"): digits.y_test[:10]}
    for key, array in arrays.items():
        name = FILES[key] + (".gz" if key[1] == "images" else "")
        write_idx(folder / name, array, key[1], compress=key[1] == "images")
    return folder, arrays


def test_idx_import_round_trip_through_tensorflow_datasets(idx_folder, tmp_path):
    folder, arrays = idx_folder
    data_dir = tmp_path / "tfds"
    result = CliRunner().invoke(cli, ["data", "import", str(folder), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "30 train and 10 test digits" in result.output
    digits = load_digits("mnist", data_dir)
    assert digits.source == "mnist" and digits.counts == {"train": 30, "test": 10}
    # tensorflow-datasets shuffles on write: compare as sets of (image, label).
    for split, x, y in (("train", digits.x_train, digits.y_train), ("test", digits.x_test, digits.y_test)):
        expected = sorted((i.tobytes(), int(l)) for i, l in zip(arrays[(split, "images")], arrays[(split, "labels")]))
        assert sorted((i.tobytes(), int(l)) for i, l in zip(x, y)) == expected
    assert describe_sources(data_dir)[1]["ready"]
    assert load_digits("auto", data_dir).source == "mnist"  # auto prefers the prepared full set
    with pytest.raises(DataError, match="already prepared"):
        import_mnist(folder, data_dir)
    assert import_mnist(folder, data_dir, replace=True)[1] == {"train": 30, "test": 10}


def test_decoded_mnist_is_kept_read_back_and_renewed(idx_folder, tmp_path):
    folder, arrays = idx_folder
    data_dir = tmp_path / "tfds"
    import_mnist(folder, data_dir)
    decoded = load_digits("mnist", data_dir)
    copies = list((tmp_path / "home" / "data").glob("mnist-*.npz"))
    assert len(copies) == 1
    with np.load(copies[0]) as kept:
        np.testing.assert_array_equal(kept["x_train"], decoded.x_train)

    # The next load reads the kept copy: change it, and the change comes back.
    marked = decoded.x_train.copy()
    marked[0, 0, 0] = 77
    np.savez(copies[0], x_train=marked, y_train=decoded.y_train, x_test=decoded.x_test, y_test=decoded.y_test)
    assert load_digits("mnist", data_dir).x_train[0, 0, 0] == 77

    # An unreadable copy is decoded again from tensorflow-datasets' files, and replaced.
    copies[0].write_bytes(b"PK\x03\x04 not a whole zip file")
    again = load_digits("mnist", data_dir)
    np.testing.assert_array_equal(again.x_train, decoded.x_train)
    with np.load(copies[0]) as kept:
        np.testing.assert_array_equal(kept["y_test"], decoded.y_test)

    # Importing other digits over them is seen: they are decoded afresh, and the old copy is removed.
    other = tmp_path / "other"
    other.mkdir()
    digits = load_sample()
    for (split, kind), name in FILES.items():
        array = (digits.x_train[100:120] if split == "train" else digits.x_test[100:105]) if kind == "images" \
            else (digits.y_train[100:120] if split == "train" else digits.y_test[100:105])
        write_idx(other / name, array, kind, compress=False)
    import_mnist(other, data_dir, replace=True)
    assert load_digits("mnist", data_dir).counts == {"train": 20, "test": 5}
    assert len(list((tmp_path / "home" / "data").glob("mnist-*.npz"))) == 1


def corrupt_truncate(path):
    path.write_bytes(path.read_bytes()[:-5])


def corrupt_magic(path):
    raw = bytearray(path.read_bytes())
    raw[3] = 0x03  # the images' magic number on a labels file
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage, file_key, message", [
    (lambda p: p.unlink(), ("test", "labels"), "missing"),
    (corrupt_truncate, ("train", "labels"), "truncated"),
    (corrupt_magic, ("test", "labels"), "magic number"),
    (lambda p: p.write_bytes(b"\x1f\x8b not really gzip"), ("train", "images"), "cannot be read"),
])
def test_bad_idx_files_get_a_clear_error_and_prepare_nothing(idx_folder, tmp_path, damage, file_key, message):
    folder, _ = idx_folder
    name = FILES[file_key]
    path = next(folder.glob(name + "*"))
    damage(path)
    data_dir = tmp_path / "tfds"
    result = CliRunner().invoke(cli, ["data", "import", str(folder), "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error:") and name in error and message in error
    assert mnist_prepared(data_dir) is None
    assert not data_dir.exists() or not list(data_dir.glob("**/dataset_info.json"))


def test_counts_must_match_between_images_and_labels(idx_folder):
    folder, arrays = idx_folder
    write_idx(folder / FILES[("test", "labels")], arrays[("test", "labels")][:9], "labels", compress=False)
    with pytest.raises(DataError, match="10 images but .* 9 labels"):
        import_mnist(folder)


def test_auto_falls_back_to_the_sample_when_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MNIST_HOST", ("127.0.0.1", 9))  # nothing listens there: refused at once
    digits = load_digits("auto", tmp_path / "empty")
    assert digits.source == "sample"
    assert "course data import" in digits.notice and "\n" not in digits.notice


def test_asking_for_unprepared_mnist_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match="not prepared.*course data import"):
        load_digits("mnist", tmp_path / "empty")
    with pytest.raises(DataError, match="unknown data source"):
        load_digits("emnist")


@full_mnist
def test_full_mnist_loads_with_its_standard_counts():
    digits = load_digits("mnist", FULL_MNIST_DIR)
    assert digits.counts == {"train": 60000, "test": 10000}
    assert np.bincount(digits.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
