import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from helpers import picture
from course.data import load_sample
from course.plots import (confusion_counts, confusion_matrix, digit_grid, intensity_table, intensity_text,
                          learning_curves, show_digit, weights_image)

DIGITS = load_sample()


def saved(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    return picture(path)


def test_show_digit_draws_the_pixels_it_was_given(tmp_path):
    image = DIGITS.x_train[0]
    fig = show_digit(image, title="first")
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), image)
    assert fig.axes[0].get_title() == "first"
    pixels = saved(fig, tmp_path, "digit")
    assert pixels.min() < 50  # dark ink is drawn


def test_intensity_text_prints_the_real_numbers_around_the_ink():
    image = DIGITS.x_train[3]
    lines = intensity_text(image).splitlines()
    columns = [int(c) for c in lines[0].split()]
    table = {int(line.split()[0]): [int(v) for v in line.split()[1:]] for line in lines[1:]}
    for row, values in table.items():
        np.testing.assert_array_equal(values, image[row, columns[0]:columns[-1] + 1])
    ink_rows = np.flatnonzero(image.any(axis=1))
    assert set(ink_rows) <= set(table)  # the crop keeps every row with ink
    assert len(table) < 28 or len(columns) < 28  # and drops empty ones where it can


def test_intensity_table_annotates_each_pixel(tmp_path):
    image = DIGITS.x_train[3]
    fig = intensity_table(image)
    written = [int(t.get_text()) for t in fig.axes[0].texts]
    rows, cols = np.flatnonzero(image.any(1)), np.flatnonzero(image.any(0))
    crop = image[rows[0] - 1: rows[-1] + 2, cols[0] - 1: cols[-1] + 2]
    assert sorted(written) == sorted(crop.ravel().tolist())
    saved(fig, tmp_path, "table")


def test_digit_grid_frames_exactly_the_wrong_answers(tmp_path):
    labels = DIGITS.y_test[:12]
    predictions = labels.copy()
    predictions[[2, 7]] = (labels[[2, 7]] + 1) % 10
    fig = digit_grid(DIGITS.x_test[:12], labels, predictions, probabilities=np.linspace(0, 1, 12), columns=5)
    ax = fig.axes[0]
    frames = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(frames) == 2
    captions = [t.get_text() for t in ax.texts]
    assert captions[2].startswith(f"{labels[2]}→{predictions[2]}")
    assert captions[0].startswith(f"{labels[0]} ✓")
    saved(fig, tmp_path, "grid")


def test_weights_image_is_the_vector_on_a_symmetric_scale(tmp_path):
    weights = np.linspace(-0.5, 2.0, 784)
    fig = weights_image(weights)
    shown = fig.axes[0].images[0]
    np.testing.assert_array_equal(shown.get_array(), weights.reshape(28, 28))
    assert shown.get_clim() == (-2.0, 2.0)  # white means exactly zero
    saved(fig, tmp_path, "weights")


def test_learning_curves_plot_the_history(tmp_path):
    history = {"accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.55, 0.75, 0.85]}
    fig = learning_curves({"model": history})
    lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), history["accuracy"])
    np.testing.assert_allclose(lines[1].get_ydata(), history["val_accuracy"])
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    saved(fig, tmp_path, "curves")


def test_confusion_matrix_counts(tmp_path):
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(confusion_counts(labels, predictions, 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    fig = confusion_matrix(labels, predictions)
    assert sum(int(t.get_text()) for t in fig.axes[0].texts) == len(labels)
    saved(fig, tmp_path, "confusion")


def test_every_plot_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 3)
    assert show_digit(DIGITS.x_train[0], ax=axes[0]) is fig
    assert weights_image(np.arange(784.0), ax=axes[1]) is fig
    assert digit_grid(DIGITS.x_train[:3], DIGITS.y_train[:3], ax=axes[2]) is fig
    assert plt.get_fignums() == [fig.number]  # no figure of their own
    np.testing.assert_array_equal(axes[0].images[0].get_array(), DIGITS.x_train[0])
    np.testing.assert_array_equal(axes[1].images[0].get_array(), np.arange(784.0).reshape(28, 28))
    assert [t.get_text()[0] for t in axes[2].texts] == [str(d) for d in DIGITS.y_train[:3]]
