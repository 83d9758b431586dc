"""Figures of digits, weights and training, for the lessons and for your own code::

    from course.plots import show_digit
    fig = show_digit(digits.x_train[0], title="a 5")
    fig.savefig("five.png")

Every function returns a matplotlib Figure and draws into `ax` when you pass one,
so you can compose your own layouts. None of them calls plt.show(): in a
notebook the figure appears by itself; in a script call plt.show() or savefig.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from course.preprocess import MNISTIFIED, ink_box

INK = "gray_r"  # ink dark on light paper, as the digit was written
VOTES = "RdBu_r"  # red pushes towards one answer, blue towards the other, white abstains
WRONG = "tab:red"


def panels(rows, columns, panel_size=(3.0, 2.8)):
    """A new figure of rows x columns panels (a 2-D array of Axes) for composing the plots below."""
    fig, axes = plt.subplots(rows, columns, figsize=(panel_size[0] * columns, panel_size[1] * rows),
                             layout="constrained", squeeze=False)
    return fig, axes


def _axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _as_image(values):
    """A (28, 28) view of an image or of a flat 784 vector."""
    values = np.asarray(values)
    side = int(round(np.sqrt(values.size)))
    return values.reshape(side, side) if values.ndim == 1 else values


def show_digit(image, ax=None, title=None):
    """One digit as the learner would see it on paper; the colour bar gives the intensity scale."""
    fig, ax = _axes(ax, (3.2, 3))
    image = _as_image(image)
    top = 255 if np.asarray(image).dtype == np.uint8 else 1
    shown = ax.imshow(image, cmap=INK, vmin=0, vmax=top)
    fig.colorbar(shown, ax=ax, shrink=0.8, label="intensity")
    ax.set_title(title or f"{image.shape[0]}x{image.shape[1]} pixels")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def crop_of_interest(image, margin=1):
    """The rows and columns around the ink (plus a margin): the part of the table worth reading."""
    image = _as_image(image)
    box = ink_box(image)
    if box is None:
        return slice(0, image.shape[0]), slice(0, image.shape[1])
    rows, cols = box
    return (slice(max(rows.start - margin, 0), min(rows.stop + margin, image.shape[0])),
            slice(max(cols.start - margin, 0), min(cols.stop + margin, image.shape[1])))


def intensity_text(image, crop=True):
    """The numbers behind the picture, as a table to print: one row per pixel row.

    Row and column numbers are the pixel coordinates in the full image; with
    crop=True only the part around the ink is shown, so it fits a terminal.
    """
    image = _as_image(image)
    rows, cols = crop_of_interest(image) if crop else (slice(None), slice(None))
    part = image[rows, cols]
    integers = np.asarray(image).dtype.kind in "iu"
    width = 3 if integers else 4
    cell = (lambda v: f"{int(v):>{width}d}") if integers else (lambda v: f"{v:>{width}.2f}")
    first_col, first_row = cols.start or 0, rows.start or 0
    header = "    " + " ".join(f"{c:>{width}d}" for c in range(first_col, first_col + part.shape[1]))
    lines = [header] + [f"{r:>3d} " + " ".join(cell(v) for v in row)
                        for r, row in zip(range(first_row, first_row + part.shape[0]), part)]
    return "\n".join(lines)


def intensity_table(image, ax=None, crop=True, title="the numbers behind the picture"):
    """An annotated heatmap: every pixel's intensity written on it (the part around the ink)."""
    image = _as_image(image)
    rows, cols = crop_of_interest(image) if crop else (slice(0, image.shape[0]), slice(0, image.shape[1]))
    part = image[rows, cols]
    fig, ax = _axes(ax, (0.36 * part.shape[1] + 1.2, 0.36 * part.shape[0] + 0.8))
    top = 255 if np.asarray(image).dtype == np.uint8 else 1
    extent = (cols.start - 0.5, cols.stop - 0.5, rows.stop - 0.5, rows.start - 0.5)
    ax.imshow(part, cmap=INK, vmin=0, vmax=top, extent=extent)
    for (r, c), value in np.ndenumerate(part):
        text = f"{int(value)}" if top == 255 else f"{value:.1f}"
        ax.text(cols.start + c, rows.start + r, text, ha="center", va="center", fontsize=5.5,
                color="white" if value > top / 2 else "black")
    ax.set_title(title)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def digit_grid(images, labels, predictions=None, probabilities=None, ax=None, columns=10, title=None):
    """Many digits in one picture, each captioned with its label (and the model's answer).

    With predictions, a digit the model got wrong is framed in red and captioned
    "label→prediction"; `probabilities` (one per digit) is added to the caption.
    """
    images = [_as_image(image) for image in images]
    count = len(images)
    columns = max(1, min(columns, count))
    rows = max(1, -(-count // columns))
    fig, ax = _axes(ax, (1.1 * columns + 0.4, 1.25 * rows + 0.6))
    side = images[0].shape[0] if images else 28
    step = side + 10  # room for a caption under each digit
    canvas = np.zeros((rows * step, columns * (side + 4)), dtype=np.float32)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        top = 255 if np.asarray(image).dtype == np.uint8 else 1
        canvas[r * step: r * step + side, c * (side + 4): c * (side + 4) + side] = np.asarray(image) / top
    ax.imshow(canvas, cmap=INK, vmin=0, vmax=1)
    for i in range(count):
        r, c = divmod(i, columns)
        x, y = c * (side + 4), r * step
        caption = f"{labels[i]}"
        wrong = predictions is not None and predictions[i] != labels[i]
        if predictions is not None:
            caption = f"{labels[i]}→{predictions[i]}" if wrong else f"{labels[i]} ✓"
        if probabilities is not None:
            caption += f" {probabilities[i]:.2f}"
        ax.text(x + side / 2, y + side + 4, caption, ha="center", va="center", fontsize=7,
                color=WRONG if wrong else "black")
        if wrong:
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), side, side, fill=False, edgecolor=WRONG, linewidth=1.5))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return fig


def feature_maps(maps, titles=None, ax=None, columns=8, title=None):
    """Many small 2-D maps (feature maps, or filters) side by side, each on its own symmetric colour scale.

    Red: a strong positive response (or weight), blue: negative, white: zero.
    maps: (count, height, width). Each map is scaled by its own largest absolute
    value, so a weak map is still visible; the numbers are in the arrays.
    """
    maps = np.asarray(maps, dtype=np.float32)
    count, height, width = maps.shape
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    gap = max(1, height // 6)
    caption = (height // 3 + 3) if titles is not None else 0
    canvas = np.full((rows * (height + gap + caption), columns * (width + gap)), np.nan, dtype=np.float32)
    for i, feature in enumerate(maps):
        r, c = divmod(i, columns)
        scale = float(np.abs(feature).max()) or 1.0
        top, left = r * (height + gap + caption), c * (width + gap)
        canvas[top:top + height, left:left + width] = feature / scale
    fig, ax = _axes(ax, (1.0 * columns + 0.4, (1.0 + 0.3 * bool(titles)) * rows + 0.5))
    ax.imshow(canvas, cmap=VOTES, vmin=-1, vmax=1)
    for i in range(count if titles is not None else 0):
        r, c = divmod(i, columns)
        ax.text(c * (width + gap) + width / 2, r * (height + gap + caption) + height + caption / 2,
                titles[i], ha="center", va="center", fontsize=6)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def weights_image(weights, ax=None, title="learned weights", labels=("votes against", "votes for")):
    """A weight vector (784,) as a 28x28 map: each pixel's vote. Red pushes the answer up, blue down.

    The colour scale is symmetric around 0 so that white always means "this pixel does not matter".
    """
    weights = _as_image(weights)
    fig, ax = _axes(ax, (4, 3.4))
    limit = float(np.abs(weights).max()) or 1.0
    shown = ax.imshow(weights, cmap=VOTES, vmin=-limit, vmax=limit)
    bar = fig.colorbar(shown, ax=ax, shrink=0.85)
    bar.set_label(f"{labels[0]}  ←  weight  →  {labels[1]}", fontsize=7)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def learning_curves(histories, metric="accuracy", ax=None, title=None):
    """How `metric` changed epoch by epoch, for one or several trainings.

    histories: {name: keras History.history dict}. Solid lines are the training
    data, dashed the validation data the model never trained on.
    """
    fig, ax = _axes(ax, (5, 3.4))
    for i, (name, history) in enumerate(histories.items()):
        colour = f"C{i}"
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "-o", color=colour, markersize=3, label=f"{name} (train)")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "--s", color=colour, markersize=3,
                    label=f"{name} (validation)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} during training")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return fig


def confusion_counts(labels, predictions, num_classes=10):
    """counts[true, predicted]: how many digits of each true class got each answer."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels), np.asarray(predictions)), 1)
    return counts


def confusion_matrix(labels, predictions, ax=None, class_names=None, title="confusion matrix"):
    """Rows: the true digit; columns: the model's answer; the diagonal holds the right answers."""
    num_classes = len(class_names) if class_names else int(max(np.max(labels), np.max(predictions))) + 1
    class_names = class_names or [str(i) for i in range(num_classes)]
    counts = confusion_counts(labels, predictions, num_classes)
    fig, ax = _axes(ax, (0.45 * num_classes + 2, 0.45 * num_classes + 1.5))
    ax.imshow(counts, cmap="Blues")
    for (r, c), value in np.ndenumerate(counts):
        ax.text(c, r, str(value), ha="center", va="center", fontsize=7,
                color="white" if value > counts.max() / 2 else "black")
    ax.set_xticks(range(num_classes), class_names)
    ax.set_yticks(range(num_classes), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    return fig


def probability_bars(probabilities, ax=None, title="the model's probabilities"):
    """Ten bars, one per digit; the answer (the tallest) is highlighted and labelled with its value."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    fig, ax = _axes(ax, (3.6, 2.6))
    answer = int(np.argmax(probabilities))
    colours = ["tab:blue" if digit == answer else "tab:gray" for digit in range(len(probabilities))]
    ax.bar(range(len(probabilities)), probabilities, color=colours)
    ax.text(answer, probabilities[answer], f"{probabilities[answer]:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(probabilities)))
    ax.set_ylim(0, 1.1)
    ax.set_xlabel("digit")
    ax.set_ylabel("probability")
    ax.set_title(title, fontsize=9)
    return fig


def saliency_image(saliency, image=None, ax=None, title="saliency",
                   labels=("more ink here: the other answer", "more ink here: this answer"), extent=None):
    """A map of gradients (red: more ink pushes towards the answer, blue: away), over the digit's outline.

    extent: (left, right, bottom, top) in the image's pixel coordinates, for a map coarser than the
    image (an occlusion map has one value per position of the square, not per pixel).
    """
    saliency = _as_image(saliency)
    fig, ax = _axes(ax, (3.6, 3))
    limit = float(np.abs(saliency).max()) or 1.0
    shown = ax.imshow(saliency, cmap=VOTES, vmin=-limit, vmax=limit, extent=extent)
    if image is not None:
        image = _as_image(image)
        ax.contour(image, levels=[0.5], colors="black", linewidths=0.6)
        ax.set_xlim(-0.5, image.shape[1] - 0.5)
        ax.set_ylim(image.shape[0] - 0.5, -0.5)
    bar = fig.colorbar(shown, ax=ax, shrink=0.8)
    bar.set_label(f"{labels[0]} ← → {labels[1]}", fontsize=6)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def preprocessing_steps(steps, axes=None):
    """Every stage of `mnistify_steps` side by side, each titled with its name and size."""
    if axes is None:
        fig, axes = panels(1, len(steps), (2.1, 2.2))
        axes = axes[0]
    for ax, (name, picture) in zip(axes, steps.items()):
        picture = np.asarray(picture)
        # The first two look like the paper; from "ink made high" on, ink is bright on black, as in MNIST.
        ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None, vmin=0,
                  vmax=255 if picture.dtype == np.uint8 else 1)
        ax.set_title(f"{name}\n{picture.shape[1]}x{picture.shape[0]}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return axes[0].figure


def prediction_figure(steps, saliency, probabilities, title=None):
    """One picture explaining one prediction: the pre-processing steps, the saliency of the answer, the probabilities."""
    fig, axes = panels(1, len(steps) + 2, (2.2, 2.4))
    preprocessing_steps(steps, axes[0, :len(steps)])
    answer = int(np.argmax(probabilities))
    saliency_image(saliency, steps[MNISTIFIED], ax=axes[0, -2],
                   title=f"saliency of {answer}", labels=("less", "more"))
    probability_bars(probabilities, ax=axes[0, -1], title=f"answer: {answer} ({probabilities[answer]:.0%})")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
