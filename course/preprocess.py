"""Turning pixels into numbers a model can learn from.

Every lesson uses these, and so can you::

    from course.preprocess import normalize, binarize, mnistify

An MNIST image is a 28x28 table of intensities, 0 (paper) to 255 (ink).
`normalize` rescales them to 0-1; `binarize` is the "black and white" step:
every pixel becomes 0 or 1. `mnistify` turns a photo or scan of any digit into
an image that looks like MNIST, because a model only knows what it was shown;
`read_image` opens such a photo or scan as an array.
"""

from pathlib import Path

import numpy as np

MNIST_SIZE = 28
MNIST_BOX = 20  # MNIST digits were scaled to fit a 20x20 box, then centred by mass in 28x28
MNISTIFIED = f"centred in {MNIST_SIZE}x{MNIST_SIZE}"  # the name of mnistify's last step: its result


def normalize(images):
    """uint8 intensities 0-255 -> float32 0.0-1.0, same shape; the input is left untouched."""
    return np.asarray(images, dtype=np.float32) / np.float32(255)


def binarize(images, threshold=0.5):
    """Black and white: 1.0 where the (normalized) intensity is above threshold, else 0.0.

    uint8 input is normalized first, so the threshold is always on the 0-1 scale.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = normalize(images)
    return (images > threshold).astype(np.float32)


def flatten(images):
    """(n, 28, 28) -> (n, 784): one row of pixel values per image, as a Dense layer reads it."""
    images = np.asarray(images)
    return images.reshape(len(images), -1)


def one_hot(labels, num_classes=10):
    """Digit labels (n,) -> (n, num_classes) rows with a single 1.0 at the digit's place."""
    labels = np.asarray(labels)
    return np.eye(num_classes, dtype=np.float32)[labels]


def pick_classes(images, labels, classes=(4, 9)):
    """Only the images of `classes`; labels become 0 for classes[0] and 1 for classes[1].

    pick_classes(x, y, (4, 9)) gives the binary "is it a 9?" task of lesson 1.
    """
    labels = np.asarray(labels)
    keep = np.isin(labels, classes)
    return np.asarray(images)[keep], (labels[keep] == classes[1]).astype(np.int64)


def ink_box(image, threshold=0.0):
    """(rows, cols) slices of the smallest box holding every pixel above threshold, or None if blank."""
    ink = np.asarray(image) > threshold
    if not ink.any():
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def digit_box(ink, speck_share=0.05):
    """Like `ink_box`, but a speck of dust is not part of the digit.

    Along the rows, then the columns, then the rows again, ink separated from the
    rest by empty paper and holding less than `speck_share` of all the ink is left
    out of the box. Returns (rows, cols) slices, or None if there is no ink.
    """
    box = ink_box(ink)
    if box is None:
        return None
    rows, cols = box
    for axis in (1, 0, 1):  # summing along axis 1 gives the ink in each row
        profile = ink[rows, cols].sum(axis=axis)
        span = main_span(profile, speck_share)
        if axis == 1:
            rows = slice(rows.start + span.start, rows.start + span.stop)
        else:
            cols = slice(cols.start + span.start, cols.start + span.stop)
    return rows, cols


def main_span(profile, share):
    """The slice from the first to the last run of non-empty positions holding at least `share` of the total."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], (profile > 0).astype(np.int8), [0]])))
    runs = [(start, stop) for start, stop in zip(edges[::2], edges[1::2])
            if profile[start:stop].sum() >= share * profile.sum()]
    return slice(runs[0][0], runs[-1][1])


def mnistify_steps(image):
    """Every stage of `mnistify`, in order, as {name: 2-D array}; the last one is the result.

    original -> grayscale -> ink made high -> cropped (to the digit, specks of dust left out)
    -> fitted into 20x20 -> centred in 28x28. Raises ValueError when the image holds no ink.
    """
    original = np.asarray(image)
    gray = to_grayscale(original)
    ink = ink_high(gray)
    box = digit_box(ink)
    if box is None:
        raise ValueError("no ink found: the image is blank or has no contrast")
    cropped = ink[box]
    fitted = fit_into_box(cropped, MNIST_BOX)
    centred = centre_by_mass(fitted, MNIST_SIZE)
    return {"original": original, "grayscale": gray, "ink made high": ink, "cropped": cropped,
            f"fitted into {MNIST_BOX}x{MNIST_BOX}": fitted, MNISTIFIED: centred}


def mnistify(image):
    """Any image of one digit -> 28x28 float32 in 0-1 that looks like an MNIST digit.

    Accepts grayscale (h, w), RGB (h, w, 3) or RGBA (h, w, 4), uint8 or float 0-1,
    any size, dark ink on light paper or light ink on dark. The ink ends up high
    (1.0) on a 0.0 background, cropped, scaled to fit 20x20 keeping its aspect
    ratio, and placed so its centre of mass is the centre of the 28x28 image.
    """
    return mnistify_steps(image)[MNISTIFIED]


class ImageError(ValueError):
    """A file that cannot be used as a digit image; the message is one line naming the problem."""


def read_image(path):
    """The picture in an image file as a uint8 array: (h, w) grayscale, (h, w, 3) RGB or (h, w, 4) RGBA.

    PNG, JPEG, BMP, GIF (its first frame) and anything else Pillow opens. A photo is
    turned upright as its EXIF orientation says. Palette images keep their
    transparency as RGBA; 16-bit grayscale is scaled to 0-255.
    Raises ImageError (missing, empty, not an image, damaged) with a one-line reason.
    """
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise ImageError("no such file")
    if path.is_dir():
        raise ImageError("is a folder, not an image file")
    if path.stat().st_size == 0:
        raise ImageError("the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # a huge image is refused, not decoded
            with Image.open(path) as image:
                image.seek(0)  # an animated GIF: its first frame
                # A phone stores a photo as the sensor saw it, plus an EXIF note of how to turn it upright.
                return _pixels(ImageOps.exif_transpose(image))
    except UnidentifiedImageError:
        raise ImageError("not an image file Pillow can read (PNG, JPEG, BMP, GIF, ...)") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageError("the image is too large to open safely") from None
    except (OSError, SyntaxError, ValueError) as error:  # truncated or damaged data
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ImageError(f"the image data is damaged ({reason})") from None


def _pixels(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535 if values.max() > 255 else 255
        return np.clip(values / top * 255, 0, 255).astype(np.uint8)
    if image.mode == "P" and "transparency" in image.info or image.mode in ("LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
    elif image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB" if image.mode in ("P", "CMYK", "YCbCr", "HSV", "LAB") else "L")
    return np.asarray(image, dtype=np.uint8)


def to_grayscale(image):
    """float32 0-1 intensities (h, w); RGBA transparency is treated as the paper."""
    image = np.asarray(image)
    values = normalize(image) if image.dtype == np.uint8 else image.astype(np.float32)
    if values.ndim == 2:
        return values
    if values.ndim != 3 or values.shape[2] not in (3, 4):
        raise ValueError(f"expected a (h, w), (h, w, 3) or (h, w, 4) image, got shape {image.shape}")
    gray = values[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 luma
    if values.shape[2] == 4:
        alpha = values[..., 3]
        if alpha.min() < 1:
            # The visible strokes' brightness tells the paper colour: dark ink sits on white paper.
            visible = alpha > 0.5
            ink_is_dark = gray[visible].mean() < 0.5 if visible.any() else True
            paper = np.float32(1.0 if ink_is_dark else 0.0)
            gray = alpha * gray + (1 - alpha) * paper
    return gray.astype(np.float32)


def ink_high(gray, noise=0.15):
    """Ink 1.0 on paper 0.0, whichever way round the image was, with paper noise and shadows removed.

    The border tells which way round it is (a digit rarely touches all four edges):
    light paper means dark ink. The paper's own brightness is then read region by
    region (`paper_brightness`), so a shadow across a photographed page is not
    taken for ink. On light paper the ink is how much darker than its paper a pixel
    is (1 - gray / paper: the same under a shadow as in full light); on dark paper,
    how much brighter. The strongest ink maps to 1, and faint specks below `noise`
    are cleared.
    """
    light_paper = paper_is_light(gray)
    paper = paper_brightness(gray, light_paper)
    ink = 1 - gray / np.maximum(paper, 1e-3) if light_paper else gray - paper
    ink = np.clip(ink, 0, None)
    if ink.max() <= 0:
        return np.zeros_like(gray, dtype=np.float32)
    ink = ink / ink.max()
    ink[ink < noise] = 0
    return ink.astype(np.float32)


def paper_is_light(gray):
    """True when the border of the picture (the paper, as a digit rarely touches all four edges) is light."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return bool(np.median(border) > 0.5)


def paper_brightness(gray, light_paper, regions=8):
    """The paper's brightness under every pixel, smooth across the page (h, w).

    The page is cut into regions x regions tiles. In each, the paper is its 90th
    brightness percentile (10th for dark paper): most of a tile is paper. A tile a
    thick stroke covers takes the median paper of its neighbourhood instead, and the
    tiles are blended smoothly back to full size.
    """
    from PIL import Image

    height, width = gray.shape
    tile_h, tile_w = -(-height // regions), -(-width // regions)
    padded = np.pad(gray, ((0, tile_h * regions - height), (0, tile_w * regions - width)), mode="edge")
    tiles = padded.reshape(regions, tile_h, regions, tile_w).transpose(0, 2, 1, 3).reshape(regions, regions, -1)
    level = np.percentile(tiles, 90 if light_paper else 10, axis=2)
    around = np.pad(level, 1, mode="edge")
    neighbours = np.stack([around[r:r + regions, c:c + regions] for r in range(3) for c in range(3)])
    typical = np.median(neighbours, axis=0)  # of 3x3 tiles: the paper, even where the light changes
    level = np.maximum(level, typical) if light_paper else np.minimum(level, typical)
    smooth = Image.fromarray(level.astype(np.float32), mode="F").resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(smooth, dtype=np.float32)


def fit_into_box(ink, size=MNIST_BOX):
    """Scale so the longer side is `size` pixels, keeping the aspect ratio (area-averaged, like MNIST's anti-aliasing)."""
    from PIL import Image

    height, width = ink.shape
    scale = size / max(height, width)
    new_shape = (max(1, round(width * scale)), max(1, round(height * scale)))
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    fitted = np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(new_shape, resample))
    return np.clip(fitted, 0, 1).astype(np.float32)


def centre_by_mass(patch, size=MNIST_SIZE):
    """Place patch in a size x size black image so that its centre of mass lands on the centre."""
    height, width = patch.shape
    rows, cols = np.indices(patch.shape)
    mass = patch.sum()
    centre_row = (rows * patch).sum() / mass
    centre_col = (cols * patch).sum() / mass
    # MNIST's centre of mass sits at (14, 14) in 0-based pixel coordinates (measured on the sample).
    top = int(np.clip(round(size / 2 - centre_row), 0, size - height))
    left = int(np.clip(round(size / 2 - centre_col), 0, size - width))
    canvas = np.zeros((size, size), dtype=np.float32)
    canvas[top:top + height, left:left + width] = patch
    return canvas
