"""Turning pixels into numbers a model can learn from.

Every lesson uses these, and so can you::

    from course.preprocess import normalize, binarize, mnistify

An MNIST image is a 28x28 table of intensities, 0 (paper) to 255 (ink).
`normalize` rescales them to 0-1; `binarize` is the "black and white" step:
every pixel becomes 0 or 1. `mnistify` turns a photo or scan of any digit into
an image that looks like MNIST, because a model only knows what it was shown;
`read_image` opens such a photo or scan as an array.
"""

import math
import threading
from pathlib import Path

import numpy as np

MNIST_SIZE = 28
MNIST_BOX = 20  # MNIST digits were scaled to fit a 20x20 box, then centred by mass in 28x28
MNISTIFIED = f"centred in {MNIST_SIZE}x{MNIST_SIZE}"  # the name of mnistify's last step: its result
PAGE_FOUND, LINES_REMOVED, STROKES_MATCHED = "page found", "lines removed", "strokes made MNIST's width"
CLOSER_LOOK, HOLES_LEFT_OUT = "looked at closer", "punched holes left out"
DESK_LEFT_OUT = "desk beside the page left out"
# Stroke width over the digit's size: MNIST's median (measured on the sample), the width above which a
# digit's strokes are thinned to it (a felt pen, or a small digit enlarged into a blur), and the width
# below which they are thickened to it (a ballpoint pen; MNIST's thinnest 1% are 10%).
MNIST_STROKE_WIDTH, THICK_STROKE_WIDTH, THIN_STROKE_WIDTH = 0.15, 0.17, 0.08
MATCHING_SIDE = 2 * MNIST_BOX  # pixels: strokes are thinned or thickened at this size, then fitted into MNIST_BOX
PAPER_SIDE, PAPER_WINDOW = 160, 5  # the paper is measured in a copy this long, closing over marks 5 strokes wide
WORKING_SIDE = 640  # pixels: a larger picture (a phone's 4000x3000 photo) is shrunk to this first: quick, and enough
NARROWEST_SIDE = 2 * MNIST_SIZE  # pixels: shrinking never leaves a strip's shorter side under this (its digit's height)
SMALL_DIGIT = 2 * MNIST_BOX  # pixels: a digit shorter than this in the shrunk picture is cut again from the original
# A binder's punched hole, photographed: a disc (at least ROUND of it and of the mark are both), as dark as ink gets
# (HOLE_DARK on average: the desk shows through), 6 mm across on a sheet 210 mm wide (HOLE_SIZE of the page's
# shorter side, whatever the margin around the sheet), within HOLE_EDGE of the page's edge.
ROUND, HOLE_DARK, HOLE_SIZE, HOLE_EDGE = 0.85, 0.8, (0.015, 0.08), 0.15
PAGE_SEARCH_SIDE = 100  # pixels: the page is looked for in a copy this long, which is quick and enough
PAGE_SEARCH_SMALLEST = 64  # pixels: a picture smaller than this on a side is no photo of a sheet on a desk
WRITTEN_SHARE = 0.0005  # of a sheet's pixels, clearly darker than its paper: something is written on it
WRITTEN_PIXELS = 4  # ... or this many, when fewer: a digit 6 pixels tall, once its photo is shrunk, has more
# A hard pencil's faint hairline, shrunk, is nowhere clearly darker than the paper (`faint_writing`):
FAINT_PAPER = 7  # pixels: marks narrower than this are closed over to see the paper right around a stroke
FAINT_CLEARLY = 8  # times the paper's grain: darker than that, a pixel is no speck of the paper's own texture
FAINT_LEAST = 0.04  # of the paper's brightness: ... and at least this much darker (paper a JPEG left one flat shade)
FAINT_STROKE = 0.05  # of the page's longer side: a stroke of a digit written on the page is at least this long
FAINT_BROAD = 0.25  # of its length: a stroke's box is at least this wide; a line along the rows or columns is not
FAINT_SPAN = 0.9  # of the page's side: a mark spanning more is the paper's grid, which a digit leaves paper around
INSIDE_THE_PICTURE = 0.1  # of the picture's border, at most: a sheet covering no more lies inside the picture
SMALLEST_SHEET = 0.03  # of the picture: a sticky note photographed from a step away still covers this much
SMOOTHNESS_WINDOW = 5  # pixels of the page search's copy: a desk's grain shows in a square this wide
RIM_WIDTH = 3  # pixels: a mark mostly this near the edge of the sheet found lies along its rim
RIM_MARK_SHARE = 0.1  # of the ink: a mark along the rim holding less is the sheet's edge or shadow, not the digit
MARK_CLEARLY = 2  # times: the pen's marks stand out this much more one way than anything the other way
MARK_SURROUNDINGS = 15  # pixels of a half-size copy: the paper around a mark, where it outweighs the strokes
LONG_MARK = 0.25  # of the page's shorter side: a mark this long is a line, or what is left of one
DESK_STRIP = 0.1  # of the picture's shorter side: a strip of desk beside a page that fills the picture lies within
BAY = 0.15  # of the picture's shorter side: the widest bay a digit touching such a strip cuts into the paper found
JOINED_SHARE = 0.01  # of a sheet: closing its gaps added more than this, mostly dark: a desk's pattern joined
DESK_COLOUR = 0.1  # of vividness: a coloured desk is this much more coloured than the white paper lying on it
SMOOTH_AROUND = 0.1  # of what lies around a sheet found by its smoothness: at most this much is paper
SMOOTH_SHEET_LARGEST = 0.75  # of the picture: a sheet found by its smoothness leaves the rest to the desk
DESK_RIM = 0.08  # of the picture's shorter side: a rim along its edge this wide shows the desk around a sheet
DESK_EVEN = 0.02  # of its brightness: the desk, its light divided out, is within this of 1; paper is brighter
CANVAS_SHADE_SHARE = 0.7  # of the box around a drawing app's canvas: its one shade (the rest is the digit)
CANVAS_EDGE_SHARE = 0.8  # of the canvas's edge: its one shade (where the digit or a ruled line does not cross it)
CANVAS_BREADTH = 0.25  # of the picture's shorter side: a canvas is at least this wide and tall
CANVAS_GAP = 3  # pixels at half size: a line across a canvas is at most this thick (6 in the picture)
CANVAS_FLAT = 0.7  # of a shade's pixels in a sample: the next one is the same shade, where the shade is flat
DRAWN = 0.15  # of brightness: a pixel this far from its canvas's shade is drawn on it
CANVAS_PIECES = 400  # pieces of one shade left apart once joined: more are a pattern (a checkerboard)
LINE_ANGLES = np.arange(-12, 13, 2)  # degrees from the rows (and columns) a paper's lines may run, then refined
LINE_WIDTH = 0.02  # of the page's height: a ruled line is at most this thick (plus 2 pixels of blur)
LINE_LIGHTER_THAN = 0.6  # of the pen's ink: a paper's line is lighter than this
WIDE_LINE_LIGHTER_THAN = 0.4  # a band wider than LINE_WIDTH is cleared only when its ink is under this
LINE_SEARCH_PIXELS = 3000  # inked pixels looked at to find the lines' direction


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


def digit_box(ink, speck_share=0.05, clear=0.35):
    """Like `ink_box`, but a speck of dust or a faint smudge is not part of the digit.

    Which ink is the digit is decided by the clear ink, at least `clear` of the strongest: a
    faint remnant (a grid line left over, a shadow's edge, a dark corner of the photo) can spread
    over the whole picture, and a hairline digit holds too little ink to outweigh it. Along the
    rows, then the columns, then the rows again, clear ink separated from the rest by empty paper
    and holding less than `speck_share` of it all is left out. The box then takes in the fainter
    ink that touches it (a stroke's soft edge, a lightly drawn bar), up to a tenth of its size on
    each side. Returns (rows, cols) slices, or None if there is no ink.
    """
    inked = ink[ink > 0]
    if inked.size == 0:
        return None
    strong = np.where(ink >= clear * inked.max(), ink, 0)
    rows, cols = ink_box(strong)
    for axis in (1, 0, 1):  # summing along axis 1 gives the ink in each row
        profile = strong[rows, cols].sum(axis=axis)
        span = main_span(profile, speck_share)
        if axis == 1:
            rows = slice(rows.start + span.start, rows.start + span.stop)
        else:
            cols = slice(cols.start + span.start, cols.start + span.stop)
    return _grown_over_faint_ink(ink, rows, cols)


def _grown_over_faint_ink(ink, rows, cols):
    """The box (rows, cols) pushed out, a row or column at a time, while the one just outside holds ink
    beside the box, at most a tenth of the box's size (and 2 pixels) on each side."""
    reach = (2 + (rows.stop - rows.start) // 10, 2 + (cols.stop - cols.start) // 10)
    top, bottom, left, right = rows.start, rows.stop, cols.start, cols.stop
    while top > max(0, rows.start - reach[0]) and ink[top - 1, left:right].any():
        top -= 1
    while bottom < min(ink.shape[0], rows.stop + reach[0]) and ink[bottom, left:right].any():
        bottom += 1
    while left > max(0, cols.start - reach[1]) and ink[top:bottom, left - 1].any():
        left -= 1
    while right < min(ink.shape[1], cols.stop + reach[1]) and ink[top:bottom, right].any():
        right += 1
    return slice(top, bottom), slice(left, right)


def border(picture):
    """The pixels along a picture's four edges, in one 1-D array."""
    return np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])


def runs(flags):
    """[(start, stop), ...] of every run of consecutive True values in a 1-D array."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], np.asarray(flags, dtype=np.int8), [0]])))
    return list(zip(edges[::2], edges[1::2]))


def main_span(profile, share):
    """The slice from the first to the last run of non-empty positions holding at least `share` of the total
    (from the first to the last run of all when none does: ink scattered in many small pieces, like dots)."""
    pieces = runs(profile > 0)
    kept = [(start, stop) for start, stop in pieces if profile[start:stop].sum() >= share * profile.sum()] or pieces
    return slice(kept[0][0], kept[-1][1])


def mnistify_steps(image):
    """Every stage of `mnistify`, in order, as {name: 2-D array}; the last one is the result.

    original -> grayscale (shrunk to `working_side` pixels when larger) -> page found (cut to the
    sheet; what lies around it, like a desk, is left out; or to a screenshot's canvas) -> ink made high ->
    desk beside the page left out (only for a page that fills the picture but for a strip of desk along its
    edge: `desk_strip_cleared`) -> lines removed (ruled or squared paper) -> punched holes left out (only
    when there are some) -> cropped (to the digit's clear ink, specks of dust left out) -> looked at closer
    (only when shrinking left the digit small: `closer_look`) -> strokes made MNIST's width (when much fatter
    or thinner) -> fitted into 20x20 -> centred in 28x28.
    `steps_explained` says in a sentence what each did. Raises NoInkError (a ValueError) when
    the image holds no ink.
    """
    steps, where = _digit_found(np.asarray(image))
    cropped = steps["cropped"]
    closer = closer_look(steps["original"], steps["grayscale"], where)
    if closer is not None:
        steps[CLOSER_LOOK] = cropped = closer
    matched = strokes_matched(cropped)
    fitted = fit_into_box(matched, MNIST_BOX)
    centred = centre_by_mass(fitted, MNIST_SIZE)
    return {**steps, STROKES_MATCHED: matched, f"fitted into {MNIST_BOX}x{MNIST_BOX}": fitted, MNISTIFIED: centred}


def _digit_found(original):
    """The steps of `mnistify_steps` from the picture as read to its digit cropped ({name: array}), and where the
    digit lies in the grayscale picture (a pair of slices). Raises NoInkError when there is no ink."""
    shrunk = shrunk_to_working_side(original)
    gray = to_grayscale(shrunk)
    if max(gray.shape) > working_side(gray.shape):  # a picture of floats, which Pillow does not shrink
        gray = fit_into_box(gray, working_side(gray.shape))
    page, sheet, cut = page_found(gray, colour=shrunk)
    ink = rim_cleared(ink_high(page), sheet)
    steps = {"original": original, "grayscale": gray, PAGE_FOUND: page, "ink made high": ink}
    without_desk = desk_strip_cleared(ink) if sheet.all() else ink
    if without_desk is not ink:
        steps[DESK_LEFT_OUT] = ink = without_desk
    steps[LINES_REMOVED] = unlined = lines_removed(ink, sheet)
    holes = punched_holes(unlined)
    if holes.any():
        steps[HOLES_LEFT_OUT] = unlined = np.where(holes, 0, unlined)
    box = digit_box(unlined)
    if box is None:
        raise NoInkError("no ink found: the image is blank or has no contrast")
    where = tuple(slice(part.start + inside.start, part.start + inside.stop) for part, inside in zip(cut, box))
    return {**steps, "cropped": unlined[box]}, where


def closer_look(original, gray, where):
    """The digit cut again from the picture as read, when shrinking it to `gray` left the digit (at `where`)
    under SMALL_DIGIT pixels: a small digit in a phone's 12-megapixel photo keeps its strokes. Its
    surroundings, a digit's size on every side, go through the same steps, at up to WORKING_SIDE pixels
    again. Returns their digit, cropped, or None: the digit was not small, the picture not shrunk, or what
    the closer look found is not the same digit (its middle outside the box the digit was found in)."""
    sizes = [part.stop - part.start for part in where]
    if max(sizes) >= SMALL_DIGIT or original.shape[:2] == gray.shape:
        return None
    scales = [full / shrunk for full, shrunk in zip(original.shape[:2], gray.shape)]
    around = [slice(max(0, math.floor((part.start - max(sizes)) * scale)),
                    min(full, math.ceil((part.stop + max(sizes)) * scale)))
              for part, scale, full in zip(where, scales, original.shape[:2])]
    try:
        steps, found = _digit_found(original[tuple(around)])
    except NoInkError:
        return None
    looked = steps["grayscale"].shape
    for part, inside, scale, region, seen in zip(where, found, scales, around, looked):
        middle = region.start + (inside.start + inside.stop) / 2 * (region.stop - region.start) / seen
        if not part.start * scale <= middle <= part.stop * scale:
            return None
    return steps["cropped"]


def mnistify(image):
    """Any image of one digit -> 28x28 float32 in 0-1 that looks like an MNIST digit.

    Accepts grayscale (h, w), RGB (h, w, 3) or RGBA (h, w, 4), uint8 or float 0-1,
    any size, dark ink on light paper or light ink on dark. The ink ends up high
    (1.0) on a 0.0 background, cropped, scaled to fit 20x20 keeping its aspect
    ratio, and placed so its centre of mass is the centre of the 28x28 image.
    """
    return mnistify_steps(image)[MNISTIFIED]


def steps_explained(steps):
    """One sentence per step of `mnistify_steps`, computed from the arrays it returned: {name: sentence}."""
    original, gray, page = steps["original"], steps["grayscale"], steps[PAGE_FOUND]
    ink, unlined, cropped = steps["ink made high"], steps[LINES_REMOVED], steps["cropped"]
    lined = steps.get(DESK_LEFT_OUT, ink)  # what the lines were looked for in
    digit = steps.get(CLOSER_LOOK, cropped)  # what the strokes were matched on
    left_out = (unlined > 0) & (steps[HOLES_LEFT_OUT] == 0) if HOLES_LEFT_OUT in steps else np.zeros((1, 1), bool)
    holes = sum(1 for _ in marks_of(left_out))
    fitted = steps[f"fitted into {MNIST_BOX}x{MNIST_BOX}"]
    whole = np.array_equal(page, gray)
    canvas = not whole and canvas_in(gray) is not None
    strip = int(np.count_nonzero((ink > 0) & (lined == 0)))
    cleared = int(np.count_nonzero((lined > 0) & (unlined == 0)))
    matched, width = steps[STROKES_MATCHED], stroke_width(digit)
    form = {2: "grayscale", 3: "colour"}.get(original.ndim, "colour")
    way_round = "dark ink on light" if paper_is_light(page) else "light ink on dark"
    alpha = original.ndim == 3 and original.shape[2] == 4
    sentences = {
        "original": f"the picture as read: {original.shape[1]}x{original.shape[0]} pixels, {form}"
                    + (" with transparency" if alpha else "") + ".",
        "grayscale": "each pixel's brightness from 0 (black) to 1 (white): 0.299 red + 0.587 green + 0.114 blue"
                     + ("." if gray.shape == original.shape[:2] else
                        f"; shrunk to {gray.shape[1]}x{gray.shape[0]}, which is enough and quick."),
        PAGE_FOUND: ("the page fills the picture: there is nothing around it to leave out." if whole else
                     f"a drawing canvas, one exact shade as no camera leaves it, was found in a screenshot, and "
                     f"the picture cut to it: {page.shape[1]}x{page.shape[0]} pixels, {page.size / gray.size:.0%} "
                     f"of the picture; the app's window, toolbars and buttons around it are left out." if canvas else
                     f"a sheet was found, and the picture cut to the box around it: {page.shape[1]}x{page.shape[0]} "
                     f"pixels, {page.size / gray.size:.0%} of the picture; in the box, what lies around the sheet (a "
                     f"desk, the page's edge and shadow) takes the brightness of the nearest paper."),
        "ink made high": f"ink became 1.0 and paper 0.0 ({way_round} paper, read around every pixel with "
                         f"the strokes closed over, so a shadow is not ink): {np.mean(ink > 0):.1%} of the "
                         f"pixels carry ink." + ("" if whole else " Ink is looked for on the sheet alone, and small "
                                                 "marks along its rim (its edge, its shadow) do not count."),
        LINES_REMOVED: ("no ruled or squared lines were found." if cleared == 0 else
                        f"{cleared:,} pixels of long, straight lines lighter than the pen were cleared "
                        f"({cleared / np.count_nonzero(lined):.0%} of the ink); where the pen crosses a line it stays."),
        DESK_LEFT_OUT: f"a long dark strip along the picture's edge ({strip:,} pixels) is a desk beside the page, "
                       f"not ink: left out.",
        HOLES_LEFT_OUT: f"{holes} round marks of one size in a row along the page's edge are a binder's punched "
                        f"holes, not ink: left out.",
        "cropped": f"cropped to the digit, {cropped.shape[1]}x{cropped.shape[0]} pixels; specks of dust "
                   f"and faint smudges outside it are left out.",
        CLOSER_LOOK: f"so small a digit has lost detail in the shrunk picture: cut again from the picture as read, "
                     f"with a digit's size around it, it went through the steps above once more and came out "
                     f"{digit.shape[1]}x{digit.shape[0]} pixels.",
        STROKES_MATCHED: f"the strokes, {width:.0%} of the digit's size, " + (
            f"were {'thinned' if width > MNIST_STROKE_WIDTH else 'thickened'} towards MNIST's "
            f"{MNIST_STROKE_WIDTH:.0%}." if matched is not digit else
            f"are as wide as MNIST's ({THIN_STROKE_WIDTH:.0%} to {THICK_STROKE_WIDTH:.0%}): left as they are."
            if THIN_STROKE_WIDTH <= width <= THICK_STROKE_WIDTH else
            f"differ from MNIST's {MNIST_STROKE_WIDTH:.0%} by less than a pixel at the size they are matched at "
            f"(at most {MATCHING_SIDE} pixels): left as they are."),
        f"fitted into {MNIST_BOX}x{MNIST_BOX}": f"scaled to {fitted.shape[1]}x{fitted.shape[0]} so its longer side "
                                               f"is {MNIST_BOX} pixels, as MNIST's digits were.",
        MNISTIFIED: f"placed in {MNIST_SIZE}x{MNIST_SIZE} with its centre of mass in the middle: what the model reads.",
    }
    return {name: sentences[name] for name in steps}


class ImageError(ValueError):
    """A file that cannot be used as a digit image; the message is one line naming the problem."""


class ImageTooLarge(ImageError):
    """An image with more pixels than MOST_PIXELS: a small file can hold a huge picture."""


class NoInkError(ValueError):
    """A picture in which mnistify finds no ink at all."""


# Pillow opens EPS by running Ghostscript, an outside program, on the file: never on a file we are handed.
OUTSIDE_PROGRAMS = ("EPS",)
MOST_PIXELS = 50_000_000  # a phone photo has about 12 million
MOST_JPEG_PIXELS = 400_000_000  # a 200-megapixel phone photo is a JPEG, read at an eighth of its size
# warnings.catch_warnings and Image.MAX_IMAGE_PIXELS are process-wide state: one header read at a time.
_ONE_READER = threading.Lock()


def read_image(source):
    """The picture in an image file as a uint8 array: (h, w) grayscale, (h, w, 3) RGB or (h, w, 4) RGBA.

    `source` is a file's path, or the file's bytes (as a web page uploads them).
    PNG, JPEG, BMP, GIF (its first frame), TIFF, WebP and every other format Pillow opens by
    itself (not EPS, which needs Ghostscript), up to MOST_PIXELS pixels; a larger JPEG (a 50, 108
    or 200 megapixel phone photo; up to MOST_JPEG_PIXELS) is decoded at a half, a quarter or an
    eighth of its size. A photo is turned upright as its EXIF orientation says. Palette images
    keep their transparency as RGBA; 16-bit and floating-point grayscale are scaled to 0-255.
    Raises ImageError (missing, empty, not an image, damaged; ImageTooLarge: too many
    pixels) with a one-line reason.
    """
    import io
    import warnings

    from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

    if isinstance(source, (bytes, bytearray)):
        if not source:
            raise ImageError("the image is empty")
        opened = io.BytesIO(source)
    else:
        opened = Path(source)
        if not opened.exists():
            raise ImageError("no such file")
        if opened.is_dir():
            raise ImageError("is a folder, not an image file")
        if not opened.is_file():
            raise ImageError("is not a file but a device or a pipe: save the image as a file")
        if opened.stat().st_size == 0:
            raise ImageError("the file is empty")
    Image.init()
    formats = [name for name in Image.OPEN if name not in OUTSIDE_PROGRAMS]
    try:
        # Image.open reads only the header, and Pillow refuses one of over twice its MAX_IMAGE_PIXELS as a
        # decompression bomb: while the header is read, its limit is MOST_JPEG_PIXELS, and ours decide.
        with _ONE_READER, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            usual_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MOST_JPEG_PIXELS
            try:
                image = Image.open(opened, formats=formats)
            finally:
                Image.MAX_IMAGE_PIXELS = usual_limit
        with image:
            pixels = image.width * image.height
            jpeg = isinstance(image, JpegImagePlugin.JpegImageFile)  # MPO, a JPEG with a depth map, too
            limit = MOST_JPEG_PIXELS if jpeg else MOST_PIXELS
            if pixels > limit:
                raise ImageTooLarge(f"the image has {image.width}x{image.height} pixels; at most "
                                    f"{limit / 1e6:.0f} million are read: save a smaller copy")
            if jpeg and pixels > MOST_PIXELS:
                # JPEG decodes at a half, a quarter or an eighth of its size at no cost: the smallest of these
                # that is still twice its `working_side` long. (Only here: a learner is told the size of the
                # picture as read, which should be their photo's own.)
                scale = 2 * working_side(image.size) / max(image.size)
                image.draft(image.mode, (round(image.width * scale), round(image.height * scale)))
            image.seek(0)  # an animated GIF: its first frame
            # A phone stores a photo as the sensor saw it, plus an EXIF note of how to turn it upright.
            return _pixels(ImageOps.exif_transpose(image))
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("not an image file Pillow can read (PNG, JPEG, BMP, GIF, ...)") from None
    except Image.DecompressionBombError:
        raise ImageTooLarge("the image is too large to open safely") from None
    except (OSError, SyntaxError, ValueError) as error:  # truncated or damaged data
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ImageError(f"the image data is damaged ({reason})") from None


def _pixels(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        values = np.where(np.isfinite(values), values, 0)
        brightest = values.max()
        if image.mode == "F":  # floats: 0-1, 0-255, or whatever range a program saved
            top = max(brightest, 1.0)
        else:  # integers: 16-bit, 8-bit, or a 0/1 mask
            top = 65535 if brightest > 255 else 255 if brightest > 1 else 1
        return np.clip(values / top * 255, 0, 255).astype(np.uint8)
    if image.mode == "P" and "transparency" in image.info or image.mode in ("LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
    elif image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB" if image.mode in ("P", "CMYK", "YCbCr", "HSV", "LAB") else "L")
    return np.asarray(image, dtype=np.uint8)


def working_side(shape):
    """The longer side a picture is shrunk to: WORKING_SIDE, or more for a strip whose shorter side would then
    fall under NARROWEST_SIDE (shrunk to 640 pixels long, a digit in a 20000x20 strip would be a pixel)."""
    return max(WORKING_SIDE, math.ceil(max(shape[:2]) * NARROWEST_SIDE / max(1, min(shape[:2]))))


def shrunk_to_working_side(picture):
    """A uint8 picture longer than its `working_side`, shrunk to it before any arithmetic on its pixels: a phone
    photo's 12 million pixels first by averaging whole blocks of them, then by averaging areas (as
    `fit_into_box` does); anything else as it is."""
    from PIL import Image

    side = working_side(picture.shape)
    if max(picture.shape[:2]) <= side or picture.dtype != np.uint8 or picture.shape[2:] not in ((), (3,), (4,)):
        return picture  # (`to_grayscale` says what is wrong with a picture of another shape)
    image = Image.fromarray(picture)
    factor = max(picture.shape[:2]) // side
    if factor >= 2:
        image = image.reduce(factor)
    scale = side / max(image.size)
    return np.asarray(image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                                   Image.Resampling.BOX))


def to_grayscale(image):
    """float32 0-1 intensities (h, w); RGBA transparency is treated as the paper."""
    image = np.asarray(image)
    values = normalize(image) if image.dtype == np.uint8 else image.astype(np.float32)
    if values.ndim == 2:
        return values
    if values.ndim != 3 or values.shape[2] not in (3, 4):
        raise ValueError(f"expected a (h, w), (h, w, 3) or (h, w, 4) image, got shape {image.shape}")
    # ITU-R 601 luma, as sums rather than a matrix product (no BLAS threads: see `shading`)
    gray = 0.299 * values[..., 0] + 0.587 * values[..., 1] + 0.114 * values[..., 2]
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
    light paper means dark ink. The paper's own brightness is then read around
    every pixel, the pen's strokes closed over (`paper_brightness`), so a shadow
    across a photographed page is not taken for ink. On light paper the ink is how much darker than its paper a pixel
    is (`ink_against`: 1 - gray / paper, the same under a shadow as in full light); on dark paper,
    how much brighter. The strongest ink maps to 1, and faint specks below `noise`
    are cleared.
    """
    light_paper = paper_is_light(gray)
    paper = paper_brightness(gray, light_paper)
    ink = np.clip(ink_against(gray, paper, light_paper), 0, None)
    if ink.max() <= 0:
        return np.zeros_like(gray, dtype=np.float32)
    ink = ink / ink.max()
    ink[ink < noise] = 0
    return ink.astype(np.float32)


def otsu_threshold(values, bins=64, value_range=(0, 1)):
    """The brightness that best splits `values` into a dark and a light group (Otsu, 1979)."""
    low, high = value_range
    counts, edges = np.histogram(values, bins=bins, range=(low, max(high, low + 1e-3)))  # one shade: any split
    centres = (edges[:-1] + edges[1:]) / 2
    weight_dark = np.cumsum(counts)
    weight_light = weight_dark[-1] - weight_dark
    mean_dark = np.cumsum(counts * centres) / np.maximum(weight_dark, 1)
    mean_light = ((counts * centres).sum() - np.cumsum(counts * centres)) / np.maximum(weight_light, 1)
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2  # variance between the two groups
    return float(edges[1:][np.argmax(between)])


def rectangularity(region):
    """How much of the smallest rectangle (turned to any angle) around a region it fills: 1.0 for a
    rectangle, about 0.79 for a disc; a sheet of paper is a rectangle, even photographed at a slant."""
    from scipy import ndimage

    area = np.count_nonzero(region)
    if area == 0:
        return 0.0
    rows, cols = np.nonzero(region & ~ndimage.binary_erosion(region))  # the outline decides the rectangle
    angles = np.radians(np.arange(0, 90, 3))[:, None]  # every angle at once: one row each
    along = rows * np.cos(angles) + cols * np.sin(angles)
    across = cols * np.cos(angles) - rows * np.sin(angles)
    areas = (np.ptp(along, axis=1) + 1) * (np.ptp(across, axis=1) + 1)
    return float(area / areas.min())


def four_cornered(region):
    """How nearly a region is a four-cornered shape: 1.0 for a rectangle, and for a sheet photographed at
    a slant, whose rectangle the camera turns into another four-cornered shape; about 0.65 for a disc (its
    outermost points span a square inside it), 0.78 for an L (a box around it); 1.0 for a triangle too,
    whose outermost points include its three corners.

    A sheet's corners are the points of its outline farthest out along two diagonals. For many turns of
    the axes the four farthest points are taken; the turn whose four span the most is kept, and the shape
    they span is compared with the region: the pixels in both over the pixels in either."""
    from PIL import Image, ImageDraw
    from scipy import ndimage

    if not region.any():
        return 0.0
    rows, cols = np.nonzero(region & ~ndimage.binary_erosion(region))  # the corners lie on the outline
    turns = np.radians(np.arange(0, 90, 5))[:, None]  # every turn at once: one row each
    diagonal, other = rows * np.cos(turns) + cols * np.sin(turns), cols * np.cos(turns) - rows * np.sin(turns)
    corners = np.stack([np.argmax(diagonal + other, axis=1), np.argmax(other - diagonal, axis=1),
                        np.argmin(diagonal + other, axis=1), np.argmin(other - diagonal, axis=1)])  # in turn
    y, x = rows[corners], cols[corners]
    spanned = np.abs(np.sum(x * np.roll(y, -1, axis=0) - np.roll(x, -1, axis=0) * y, axis=0))  # the shoelace
    best = np.argmax(spanned)
    shape = Image.new("1", region.shape[::-1])
    ImageDraw.Draw(shape).polygon(list(zip(x[:, best].tolist(), y[:, best].tolist())), fill=1)
    shape = np.asarray(shape)
    return float(np.count_nonzero(shape & region) / np.count_nonzero(shape | region))


def canvas_in(gray):
    """Where a drawing app's canvas lies in a screenshot of the app, or None.

    A screenshot has no camera's noise: its canvas is one exact shade, and so are the app's window,
    toolbars and palettes around it. A canvas is a box around one shade that covers CANVAS_SHADE_SHARE of
    the box and CANVAS_EDGE_SHARE of its edge, with something drawn in it (pixels DRAWN lighter or darker:
    the digit); SMALLEST_SHEET of the picture or more, but not the whole picture, and CANVAS_BREADTH of the
    picture's shorter side or more each way. Thin lines across it (a notes app's ruling) do not cut it up:
    pieces of one shade that only such a line parts are one canvas. A shade that spans the picture is a
    drawing's background (or a guide's lines part it): none of it is a canvas. Of the boxes that hold no
    other (a web page holds its canvas, a window its canvas), the canvas is the one with the most of its
    shade: a phone app's palette bar, full of icons, has less (a larger blank panel beside the canvas would
    pass for it). A pair of slices (rows, columns) of `gray`.
    """
    sample = gray[::4, ::4]  # which shades cover much of the picture: a sample says, quickly
    shades, counts = np.unique(sample, return_counts=True)
    half = gray[:gray.shape[0] // 2 * 2:2, :gray.shape[1] // 2 * 2:2]  # regions are looked for at half the size
    whole = [0, half.shape[0], 0, half.shape[1]]
    found = []  # (pixels of its shade, the shade, the box: top, bottom, left, right) for each box that passes
    for shade in shades[counts >= SMALLEST_SHEET * sample.size]:
        in_sample = sample == shade
        next_ones = in_sample[:, 1:][in_sample[:, :-1]]  # the next pixel of each of the shade's, in the sample
        if next_ones.size == 0 or next_ones.mean() < CANVAS_FLAT:
            continue  # the shade is scattered, as in a photo's smooth gradient, not one flat region
        if border(gray == shade).all():
            continue  # the shade runs all round the picture: a drawing's background (found before any labelling)
        same = _all_of_block(gray == shade)
        pieces = _pieces_joined(same)
        if any(list(piece) == whole for piece in pieces):
            continue  # the shade spans the picture: it is the background of a drawing, or a guide's lines part it
        for top, bottom, left, right in pieces:
            rows, cols = bottom - top, right - left
            if min(rows, cols) < CANVAS_BREADTH * min(half.shape) or rows * cols < SMALLEST_SHEET * half.size:
                continue
            inside = gray[2 * top:2 * bottom, 2 * left:2 * right] == shade  # in the whole picture
            written = np.count_nonzero(np.abs(half[top:bottom, left:right] - shade) > DRAWN)
            if (inside.mean() >= CANVAS_SHADE_SHARE and border(inside).mean() >= CANVAS_EDGE_SHARE
                    and written >= WRITTEN_PIXELS):
                found.append((np.count_nonzero(inside), shade, (top, bottom, left, right)))
    boxes = np.array([box for _, _, box in found]).reshape(-1, 4)
    holds_another = (_holds(boxes[:, None], boxes[None, :]) & (boxes[:, None] != boxes[None, :]).any(axis=2))
    innermost = [one for one, holds in zip(found, holds_another.any(axis=1)) if not holds]
    if not innermost:
        return None
    _, shade, (top, bottom, left, right) = max(innermost, key=lambda one: one[0])
    # In the whole picture, the canvas ends where its shade does, within a pixel of its edge in `half`.
    near = (slice(max(0, 2 * top - 1), 2 * bottom + 1), slice(max(0, 2 * left - 1), 2 * right + 1))
    exact = ink_box(gray[near] == shade)
    return tuple(slice(part.start + inside.start, part.start + inside.stop) for part, inside in zip(near, exact))


def _all_of_block(mask):
    """The mask at half its size: a pixel is set where all four of its 2x2 block are (a line one pixel wide
    still parts what lies either side of it)."""
    even = mask[:mask.shape[0] // 2 * 2, :mask.shape[1] // 2 * 2]
    return even[::2, ::2] & even[1::2, ::2] & even[::2, 1::2] & even[1::2, 1::2]


def _pieces_joined(same):
    """The boxes (top, bottom, left, right) around the pieces of a mask, pieces that face each other across a
    gap of up to CANVAS_GAP pixels (a ruled line) joined into one box, but never a piece with one whose box
    holds its own (a web page's white around a canvas's border). A list; empty when more than CANVAS_PIECES
    are left apart (a pattern, like a checkerboard, not a canvas)."""
    from scipy import ndimage

    labels, count = ndimage.label(same)
    if count == 0:
        return []
    labels = labels.astype(np.int64)  # pairs of labels are numbered label * count + label: past int32's range
    boxes = np.array([[box[0].start, box[0].stop, box[1].start, box[1].stop]
                      for box in ndimage.find_objects(labels)]).reshape(-1, 4)
    facing = [(near[seen] - 1) * count + far[seen] - 1 for step in range(1, CANVAS_GAP + 2)
              for near, far in ((labels[:, :-step], labels[:, step:]), (labels[:-step], labels[step:]))
              for seen in [(near > 0) & (far > 0) & (near != far)]]  # pairs of pieces, each as one number
    pairs = np.stack(np.divmod(np.unique(np.concatenate([np.empty(0, int), *facing])), count), axis=1)
    first, second = boxes[pairs[:, 0]], boxes[pairs[:, 1]]
    boxes = _joined(boxes, pairs[~_holds(first, second) & ~_holds(second, first)], count)
    return [] if len(boxes) > CANVAS_PIECES else [[int(side) for side in box] for box in boxes]


def _holds(outer, inner):
    """Whether each box `outer` holds the box `inner` (top, bottom, left, right: the last axis)."""
    return ((outer[..., 0] <= inner[..., 0]) & (inner[..., 1] <= outer[..., 1]) & (outer[..., 2] <= inner[..., 2])
            & (inner[..., 3] <= outer[..., 3]))


def _joined(boxes, pairs, count):
    """The boxes, each group that `pairs` (of indices) links made one box around them all."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    links = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(count, count))
    _, group = connected_components(links, directed=False)
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) > 0])
    ordered = boxes[order]
    return np.stack([np.minimum.reduceat(ordered[:, 0], starts), np.maximum.reduceat(ordered[:, 1], starts),
                     np.minimum.reduceat(ordered[:, 2], starts), np.maximum.reduceat(ordered[:, 3], starts)], axis=1)


def sheet_in(small, light_desk=True):
    """The mask of a sheet lying on a desk in a small picture, or None (see `page_found`).

    First by brightness (a dark or grey desk); with `light_desk` False, that alone. Then for a desk
    nearly as light as the paper, in the picture with the light's fall-off divided out (`shading`,
    measured again on the desk alone), where the paper is a few percent brighter than the desk all over;
    then by smoothness (`sheet_by_smoothness`): a desk whose grain or pattern is as light as the paper;
    then by brightness among the light pixels alone: a desk whose light parts join the paper; last, with the
    light measured along the picture's edge (`sheet_by_desk_light`): mottled squared paper on a light desk.
    """
    dark_from_light = otsu_threshold(small)
    sheet = _sheet_by_threshold(small, dark_from_light, edge=0.1)
    if sheet is not None or not light_desk:
        return sheet
    evened = small / np.maximum(shading(small), 1e-3)
    for _ in range(3):  # measure the light again on what looks like desk alone, until paper and desk split
        threshold = _paper_or_desk(evened)
        desk = (evened <= threshold) & (evened > threshold - 0.1)
        if desk.mean() < 0.03:
            break
        evened = small / np.maximum(shading(small, desk), 1e-3)
    sheet = _sheet_by_threshold(evened, _paper_or_desk(evened), edge=0.03)
    if sheet is None:
        sheet = sheet_by_smoothness(small)
    light = small > dark_from_light
    if sheet is None and light.any() and _desk_shows(light):
        # A desk with light parts of its own (a keyboard's gaps between its dark keys) joined to the paper: the
        # light pixels split again, the paper from them. Only where the dark pixels show a desk around the page.
        lighter = small[light]
        sheet = _sheet_by_threshold(small, otsu_threshold(lighter, value_range=(dark_from_light, lighter.max())),
                                    edge=0.1)
    if sheet is None:
        sheet = sheet_by_desk_light(small)
    return sheet


def sheet_by_desk_light(small):
    """The sheet on a light desk, with the light measured on the desk alone, along the picture's edge, or None.

    Squared paper under a pencil, shrunk, is as mottled as its grid, and light falling off towards the corners
    leaves the desk's brightest part lighter than the paper's dimmest: no threshold parts them, and the light
    fitted over the whole picture bends with the sheet in its middle. Here thin dark marks (the grid, the ink)
    are closed over first, so the paper is one smooth shade, and the light is fitted to a rim along the
    picture's edge (DESK_RIM of its shorter side), where a desk shows around a sheet; then fitted again to the
    rim's pixels that the first fit leaves within DESK_EVEN of it (not the sheet, where it reaches the rim, nor
    its shadow); the light so fitted must be as even on half the rim or more. A sheet found so never runs from
    one side of the picture to the other: where it does, the rim was no desk (a page that fills the picture, or
    one close up beside a strip of desk)."""
    from scipy import ndimage

    width = max(2, round(DESK_RIM * min(small.shape)))
    if min(small.shape) <= 4 * width:  # too small a picture for a rim around a middle
        return None
    closed = _closed(small, 3, light_paper=True)
    rim = np.ones(small.shape, dtype=bool)
    rim[width:-width, width:-width] = False
    desk = rim
    for _ in range(2):  # fitted to the rim, then again to the part of it that the first fit leaves even
        evened = closed / np.maximum(shading(closed, desk), 1e-3)
        desk = rim & (np.abs(evened - 1) < DESK_EVEN)
    if np.count_nonzero(desk) < np.count_nonzero(rim) / 2:  # a patterned desk (a tablecloth's checks) is not evenly lit
        return None
    # White paper on a white desk, the light divided out, is only a few percent brighter than the desk.
    sheet = _sheet_by_threshold(evened, _paper_or_desk(evened), edge=0.02)
    # The band beside a page's margin line, or a sliver of a page close up beside a strip of desk, runs across.
    if sheet is None:
        return None
    top, bottom, left, right = sides_reached(sheet)
    if (top and bottom) or (left and right):
        return None
    return sheet


def smoothness(small):
    """How smooth the picture is around each pixel, 0 (the most contrast in it) to 1 (one flat shade): paper
    is smooth, a pen's stroke or a desk's grain is not. The contrast is each pixel's 3x3 neighbourhood's
    brightest minus its darkest, averaged over SMOOTHNESS_WINDOW pixels around it."""
    from scipy import ndimage

    contrast = ndimage.grey_dilation(small, size=3) - ndimage.grey_erosion(small, size=3)
    contrast = ndimage.uniform_filter(contrast, SMOOTHNESS_WINDOW)
    return 1 - contrast / max(contrast.max(), 1e-3)


def sheet_by_smoothness(small):
    """The sheet as the smooth part of a picture whose desk has a grain or a pattern as light as the paper
    (strongly grained wood), or None: the largest smooth region that passes for a sheet (`_sheet_by_threshold`),
    when almost nothing around it (under SMOOTH_AROUND) is paper too, as smooth and as light: a page that fills
    the picture is smooth on both sides of its margin's line. The desk must show around it (SMOOTH_SHEET_LARGEST):
    a page's corner cut off with the digit in it is all lines and ink, neither smooth nor paper-like."""
    smooth = smoothness(small)
    threshold = otsu_threshold(smooth)
    sheet = _sheet_by_threshold(smooth, threshold, edge=0.1)
    if sheet is None or sheet.mean() > SMOOTH_SHEET_LARGEST:
        return None
    paper_around = (smooth > threshold) & (small > np.median(small[sheet]) - 0.1) & ~sheet
    return sheet if np.count_nonzero(paper_around) < SMOOTH_AROUND * np.count_nonzero(~sheet) else None


def _paper_or_desk(evened):
    """Otsu's threshold between the lighter pixels of an evened picture, the ink and shadows left out."""
    light = evened[evened > np.median(evened) - 0.1]
    return otsu_threshold(light, value_range=(light.min(), light.max()))


def _sheet_by_threshold(small, threshold, edge):
    from scipy import ndimage

    # A sheet covers SMALLEST_SHEET of the picture or more, and its median stands `edge` above the median around
    # it, so at least half as much of the picture is `edge` above the darkest pixel: without that, no sheet.
    if np.mean(small >= small.min() + edge) < SMALLEST_SHEET / 2:
        return None
    light = small > threshold
    paper = _largest_region(light)
    # With its gaps closed the paper only grows, and the desk shows still less: no need to close them. (Another
    # region could outgrow it once closed; that one is not looked for.)
    if paper is None or not _desk_shows(paper):
        return None
    # The lines of ruled paper may cut the paper into bands, the largest of which can pass for a small sheet:
    # with gaps of up to 4 pixels closed, the whole sheet is found. But closing gaps also joins a sheet to the
    # light parts of a desk's pattern (a keyboard's gaps between its keys, a tablecloth's light checks).
    closed = _largest_region(ndimage.binary_closing(np.pad(light, 2, mode="edge"), iterations=2)[2:-2, 2:-2])
    own = _sheet_of(small, paper, edge)
    whole = _sheet_of(small, closed, edge) if closed is not None and _desk_shows(closed) else None
    if whole is None:
        return own
    if own is not None and not (whole & own).any():  # the closing joined up another region, larger once closed
        return max(own, whole, key=np.count_nonzero)
    # What the closing added is the rest of a ruled sheet when it is mostly paper. Mostly dark, and more than
    # JOINED_SHARE of the sheet, it is a desk's pattern joined to the paper: a tablecloth's dark checks, or the
    # keys of a keyboard whose light gaps join the paper (keys inside the gaps are holes in the paper already;
    # those the closing adds are cut by the picture's edge).
    added = whole & ~(holes_filled(paper) if own is None else own)
    pattern_joined = np.count_nonzero(added) > JOINED_SHARE * np.count_nonzero(whole) and np.mean(light[added]) < 0.5
    return own if pattern_joined else whole


def _largest_region(light):
    """The largest connected region of a mask, or None when it is empty."""
    from scipy import ndimage

    labels, count = ndimage.label(light)
    return labels == 1 + np.argmax(np.bincount(labels.ravel())[1:]) if count else None


def _desk_shows(paper):
    """A desk shows around a sheet: a quarter of the picture's border or more is not paper."""
    return (~border(paper)).mean() >= 0.25


def sides_reached(sheet):
    """Which of the picture's sides a sheet (a mask) reaches: [top, bottom, left, right]."""
    return [bool(side.any()) for side in (sheet[0], sheet[-1], sheet[:, 0], sheet[:, -1])]


def lies_inside_the_picture(sheet):
    """Whether a sheet (a mask) lies inside the picture, as a sheet on a desk is photographed: it covers at most
    INSIDE_THE_PICTURE of the picture's border."""
    return border(sheet).mean() <= INSIDE_THE_PICTURE


def _sheet_of(small, paper, edge):
    """The `paper` region (see `_largest_region`), holes filled, if it passes for a sheet on a desk (see
    `page_found`). Filling the holes never changes the border, so `_desk_shows` is asked of `paper` first."""
    from scipy import ndimage

    sheet = holes_filled(paper)
    # A sheet is broad and mostly paper; a light stroke on a dark canvas, even a closed 0, is neither.
    if (~sheet).mean() < 0.03 or sheet.mean() < SMALLEST_SHEET or paper.sum() < 0.8 * sheet.sum():
        return None
    # Steps from the sheet's edge, up, down, left or right (what growing or shrinking it a pixel at a time
    # reaches): inside it to the nearest pixel outside, and outside it to the nearest pixel of it.
    steps_in = ndimage.distance_transform_cdt(sheet, metric="taxicab")
    steps_out = ndimage.distance_transform_cdt(~sheet, metric="taxicab")
    # Darker just outside its edge, and all around: not a band of the page between two ruled lines. Its rim along
    # the picture's edge faces nothing outside (no step leads out there): the lit part of a page that fills the
    # picture is brightest there.
    inside = sheet & (steps_in <= 2)
    outside = (steps_out >= 1) & (steps_out <= 2)
    if (np.median(small[inside]) - np.median(small[outside]) < edge
            or np.median(small[sheet]) - np.median(small[~sheet]) < edge):
        return None
    # Darker a few pixels further out too, where a desk goes on: a ruled line is thin, and beyond the line that
    # the lit part of a page under light falling off may end on lies paper again. Where the picture ends within a
    # few pixels of the sheet, nothing further out is asked.
    beyond = (steps_out >= 4) & (steps_out <= 6)
    if beyond.any() and np.median(small[inside]) - np.median(small[beyond]) < edge:
        return None
    # Broad: no longer than four times its width (a square's centre lies half a side from its edge, a 4:1
    # strip's a quarter of the square root of its area; a stroke is thinner still). The straight distance to
    # the edge is at most the steps to it and at least that over the square root of 2: only in between is it
    # measured.
    widest, least_width = steps_in.max(), 0.25 * np.sqrt(sheet.sum())
    broad = widest / np.sqrt(2) >= least_width or (
        widest >= least_width and ndimage.distance_transform_edt(sheet).max() >= least_width)
    # Shaped like a sheet: a rectangle, or, when it lies inside the picture (as a sheet on a desk is
    # photographed), any four-cornered shape: a sheet photographed at a slant. A region along the picture's
    # edge must be a rectangle: the lit part of a page that fills the picture, its corners darkened by the
    # camera's lens, is four-cornered too.
    shaped = rectangularity(sheet) >= 0.85 or lies_inside_the_picture(sheet) and four_cornered(sheet) >= 0.85
    return sheet if broad and shaped else None


def holes_filled(region):
    """The region with its holes filled: every pixel outside it that no path (up, down, left, right)
    through the outside links to the picture's edge joins it. One labelling, quicker than growing the
    outside inwards from the edge as `scipy.ndimage.binary_fill_holes` does, with the same result."""
    from scipy import ndimage

    outside, count = ndimage.label(~region)
    reaches_edge = np.zeros(count + 1, dtype=bool)  # by label: 0 is the region itself
    reaches_edge[border(outside)] = True
    return region | ~reaches_edge[outside]


def shading(small, where=None):
    """How the light falls across a picture: a smooth (quadratic) surface fitted to the pixels `where`
    (a mask; by default the lighter 80%: ink and shadows are not the light)."""
    where = small > np.percentile(small, 20) if where is None else where
    # A couple of thousand pixels measure six numbers well.
    picked = np.flatnonzero(where)[::max(1, np.count_nonzero(where) // 2000)]
    side = max(small.shape)
    rows, cols = picked // small.shape[1] / side, picked % small.shape[1] / side

    def surface(r, c):  # the six terms of a quadratic in the row and the column
        return [np.ones_like(r * c), r, c, r * r, r * c, c * c]

    # Least squares through its 6x6 normal equations, their sums taken by einsum: BLAS would share these tiny
    # products among threads, and on a busy computer waiting for them costs many times the sums themselves.
    measured = np.stack(surface(rows, cols))
    weights = np.linalg.lstsq(np.einsum("ip,jp->ij", measured, measured),
                              np.einsum("ip,p->i", measured, small.ravel()[picked]), rcond=None)[0]
    # Over the whole picture: a column of rows beside a row of columns spreads each term over every pixel.
    terms = surface(np.arange(small.shape[0])[:, None] / side, np.arange(small.shape[1])[None, :] / side)
    return sum(weight * term for weight, term in zip(weights, terms))


def vividness(picture):
    """How coloured each pixel is, 0 (grey) to 1: its largest minus its smallest of red, green and blue.
    A yellow sticky note is about 0.5 on a white desk's 0; None for a grayscale picture."""
    picture = np.asarray(picture)
    if picture.ndim != 3:
        return None
    values = normalize(picture) if picture.dtype == np.uint8 else picture.astype(np.float32)
    red, green, blue = values[..., 0], values[..., 1], values[..., 2]
    vivid = np.maximum(np.maximum(red, green), blue) - np.minimum(np.minimum(red, green), blue)
    return vivid * values[..., 3] if values.shape[-1] == 4 else vivid  # a transparent pixel shows no colour


def sheet_by_colour(small, colour):
    """The mask of a sheet told from its desk by colour in a small picture (`colour`, uint8, the same size as
    the gray `small`), or None. A coloured note on a grey or white desk is more coloured than all around it
    (`vividness`). White paper on a coloured desk (a red checked tablecloth, whose white checks join the paper
    by brightness alone) is lighter and greyer, its brightness less its vividness, than the pink and red
    around it; it counts only where the rest of the picture is clearly (DESK_COLOUR) more coloured than it: a
    desk's colour, not a lit part of a page that fills the picture, whose other parts are as grey."""
    vivid = vividness(colour)
    sheet = _sheet_by_threshold(vivid, otsu_threshold(vivid), edge=0.1)
    if sheet is not None:
        return sheet
    light_and_grey = small - vivid
    threshold = otsu_threshold(light_and_grey, value_range=(light_and_grey.min(), light_and_grey.max()))
    sheet = _sheet_by_threshold(light_and_grey, threshold, edge=0.1)
    if sheet is None or np.median(vivid[~sheet]) < np.median(vivid[sheet]) + DESK_COLOUR:
        return None
    return sheet


def page_found(gray, colour=None, side=PAGE_SEARCH_SIDE):
    """The sheet the digit is written on, when the picture shows more than the page (a desk, a table).

    A screenshot of a drawing program is cut to its canvas (`canvas_in`). Otherwise the sheet is
    looked for in a copy `side` pixels long: the paper is the largest region brighter than
    Otsu's threshold (or, failing that, smoother: a grained desk; brighter than a desk's light parts
    too: a keyboard's gaps; brighter than the light measured on a light desk along the picture's edge,
    `sheet_in`; or, in `colour`, the picture the gray came from, more
    coloured: a yellow note on a white desk; or lighter and greyer: white paper on a red tablecloth,
    `sheet_by_colour`), with its holes (the ink) filled in; where a desk's pattern
    joins it, without the pattern. It counts as a sheet when it is
    - broad, rectangular (or, lying inside the picture, four-cornered: a sheet photographed at
      a slant), mostly paper and at least SMALLEST_SHEET of the picture (not a
      light stroke on a dark canvas);
    - leaves out part of the picture and of its border (a desk shows around a sheet);
    - has a sharp edge, in the picture it was found in (its brightness; or how smooth or how
      coloured it is): clearly higher just inside than just outside (a desk, not light falling
      off) and than a few pixels further out, where the picture goes on so far (a desk goes on; a
      ruled line is thin), and higher than all that lies around it;
    - and has something written on it: marks clearly darker than the light falling across it, or,
      on a sheet that `sheet_in` found (not by its colour) lying inside the picture, one faint
      stroke (`faint_writing`).
    Then the picture is cut to the box around the sheet, and what lies in the box outside the
    sheet (a corner of the desk, the sheet's very edge) takes the brightness of the nearest
    paper, so the steps after see a page that fills their picture (a page close up beside a
    strip of desk first has the bays that a digit touching the strip cuts into it closed:
    `bays_closed`). Pictures under
    PAGE_SEARCH_SMALLEST pixels on a side are not searched; in a picture whose edges are all one
    exact shade (a drawing on a canvas, or a desk the camera crushed to black), only a sheet
    clearly lighter than that shade is looked for: a desk under uneven light is never one shade.
    Returns (the page: gray cut to the sheet, its surroundings replaced; the sheet's mask in
    it; where the page lies in gray: a pair of slices); gray itself, an all-True mask and the
    whole of gray when the page already fills the picture.
    """
    from PIL import Image
    from scipy import ndimage

    whole, everywhere = np.ones(gray.shape, dtype=bool), tuple(slice(0, length) for length in gray.shape)
    if min(gray.shape) < PAGE_SEARCH_SMALLEST:
        return gray, whole, everywhere
    canvas = canvas_in(gray)
    if canvas is not None:
        page = gray[canvas]
        return page, np.ones(page.shape, dtype=bool), canvas
    small = fit_into_box(gray, side) if max(gray.shape) > side else gray
    one_shade_around = (border(gray) == gray[0, 0]).all()  # a canvas, or a desk crushed to black
    sheet = sheet_in(small, light_desk=not one_shade_around)
    # Faint writing may count on a sheet found so and lying inside the picture, not on one found by its colour:
    # a blue digit, the most coloured thing on a page, can pass for a coloured note, its texture for writing.
    faint_may_count = sheet is not None and lies_inside_the_picture(sheet)
    if sheet is None and colour is not None and colour.ndim == 3:
        if colour.dtype != np.uint8:  # floats 0-1 (matplotlib's imread): Pillow shrinks colour as uint8 alone
            colour = np.round(np.clip(colour, 0, 1) * 255).astype(np.uint8)
        sheet = sheet_by_colour(small, np.asarray(Image.fromarray(colour).resize(small.shape[::-1],
                                                                                 Image.Resampling.BOX)))
    if sheet is None:
        return gray, whole, everywhere
    sheet = ndimage.binary_erosion(bays_closed(sheet), iterations=2)  # the paper's blurred edge is not paper
    if not sheet.any():
        return gray, whole, everywhere
    nearest = ndimage.distance_transform_edt(~sheet, return_distances=False, return_indices=True)
    surroundings = small[tuple(nearest)]  # every pixel as bright as the nearest paper
    # The picture is cut to the box around the sheet: the steps after work on the page alone, which is
    # quicker the smaller the sheet. The box, found in the small copy, is measured out in the picture.
    box = ink_box(sheet)
    cut = tuple(slice(math.floor(part.start * full / short), min(full, math.ceil(part.stop * full / short)))
                for part, full, short in zip(box, gray.shape, small.shape))
    page = gray[cut]
    size = (page.shape[1], page.shape[0])
    sheet = np.asarray(Image.fromarray(sheet[box].astype(np.uint8) * 255).resize(size, Image.Resampling.NEAREST))
    sheet = sheet > 127
    on_sheet = page[sheet]
    # Something is written on it when a few of its pixels (WRITTEN_SHARE: a ballpoint's hairline digit on a
    # large sheet covers little more; or WRITTEN_PIXELS, when fewer: a small digit in a phone's photo, shrunk)
    # are clearly darker than the paper around them: than the light falling across the sheet (`shading`), so
    # that the dim far side of a lit part of the page beside a shadow is no writing. Or, where `faint_may_count`,
    # one faint stroke is (a hard pencil's hairline). Otherwise it is not the page the digit is on.
    written = np.count_nonzero(on_sheet < shading(page, sheet)[sheet] - 0.15) if on_sheet.size else 0
    clearly_written = written > 0 and written >= min(WRITTEN_PIXELS, WRITTEN_SHARE * on_sheet.size)
    if not (clearly_written or faint_may_count and faint_writing(page, sheet)):
        return gray, whole, everywhere
    surroundings = np.asarray(Image.fromarray(surroundings[box].astype(np.float32), mode="F").resize(
        size, Image.Resampling.BILINEAR))
    return np.where(sheet, page, surroundings).astype(np.float32), sheet, cut


def faint_writing(page, sheet):
    """Whether a faint stroke lies on the `sheet` (a mask) of the `page`: one connected mark darker than the
    paper right around it (the page with every mark under FAINT_PAPER pixels closed over: light falling off
    makes no mark) by FAINT_CLEARLY times the paper's grain and by FAINT_LEAST, at least FAINT_STROKE of the
    page's longer side long (and half of MNIST_BOX pixels), its box FAINT_BROAD as wide as long (not a line
    along the rows or the columns) and spanning under FAINT_SPAN of the page each way (not its grid)."""
    from scipy import ndimage

    if not sheet.any():
        return False
    paper = _closed(page, FAINT_PAPER, light_paper=True)
    darker = np.where(sheet, 1 - page / np.maximum(paper, 1e-3), 0)
    on_sheet = darker[sheet]
    # The paper's grain: how far its pixels typically lie from their middle darkness (their median distance from
    # the median, scaled by 1.4826 as for a normal spread's standard deviation); the few pixels of ink do not
    # sway it.
    grain = 1.4826 * np.median(np.abs(on_sheet - np.median(on_sheet)))
    marks, _ = ndimage.label(darker > max(FAINT_CLEARLY * grain, FAINT_LEAST), structure=np.ones((3, 3)))
    shortest = max(FAINT_STROKE * max(page.shape), MNIST_BOX // 2)
    for where in ndimage.find_objects(marks):
        sides = [part.stop - part.start for part in where]
        if (max(sides) >= shortest and min(sides) >= FAINT_BROAD * max(sides)
                and all(side < FAINT_SPAN * length for side, length in zip(sides, page.shape))):
            return True
    return False


def bays_closed(sheet):
    """The sheet (a mask) of a page photographed close up beside a strip of desk, with the bays that a digit
    touching the strip cuts into it closed; any other sheet as it is.

    A digit that touches the strip joins it, and the paper found runs round the digit: cut to that paper, the
    page would lose the digit, painted over as desk. Only a sheet that reaches three of the picture's sides
    counts, and only when, with every gap in it up to twice BAY of the picture's shorter side across closed
    (a disc of radius BAY), it leaves out no more than a band along the fourth (twice DESK_STRIP: the strip,
    tilted). Of what the closing adds, the pieces that reach past that band join the sheet, whole: a digit
    reaches into the page; the dark checks of a tablecloth beside a sheet cropped by the frame lie within
    the band."""
    from scipy import ndimage

    reached = sides_reached(sheet)
    if sum(reached) != 3:
        return sheet
    band = np.zeros(sheet.shape, dtype=bool)
    width = max(1, round(2 * DESK_STRIP * min(sheet.shape)))
    band[(np.s_[:width], np.s_[-width:], np.s_[:, :width], np.s_[:, -width:])[reached.index(False)]] = True
    reach = max(1, round(BAY * min(sheet.shape)))
    # Padded by the disc's reach, so that the closing does not eat the sheet along the picture's edge, and with
    # the sheet carried on past that edge, as the page runs on: a bay the edge cuts is closed like any other.
    padded = ndimage.binary_closing(np.pad(sheet, reach + 1, mode="edge"), structure=disc(reach))
    closed = padded[reach + 1:-reach - 1, reach + 1:-reach - 1]
    if (~closed & ~band).any():  # more than a strip of desk left out: no page close up beside a strip
        return sheet
    added, _ = ndimage.label(closed & ~sheet)
    reaching_in = np.unique(added[~band])
    return sheet | np.isin(added, reaching_in[reaching_in > 0])


def rim_cleared(ink, sheet):
    """The ink on the sheet found (`page_found`'s mask) alone, and without the small marks along its rim: the
    paper's edge, its shadow, a corner of the desk that the mask, found in a small copy, lets in. Such a mark
    lies mostly within RIM_WIDTH pixels of the mask's edge, is short (a ruled line runs across the sheet to its
    rim: `lines_removed` tells it from the pen) and holds under RIM_MARK_SHARE of the ink; a stroke of the
    digit that merely reaches the rim lies mostly further in. When nothing else is left, nothing goes. A page
    that fills the picture has no rim. The strongest ink left maps to 1 again: what went may have been the
    darkest (a corner of a dark desk)."""
    from scipy import ndimage

    ink = np.where(sheet, ink, 0).astype(np.float32)
    if sheet.all():
        return ink
    rim = sheet & ~ndimage.binary_erosion(sheet, iterations=RIM_WIDTH)
    total = ink.sum()
    along_rim = [(where, mark) for where, mark, long in marks_of(ink) if not long
                 and np.mean(rim[where][mark]) >= 0.5 and ink[where][mark].sum() < RIM_MARK_SHARE * total]
    if sum(np.count_nonzero(mark) for _, mark in along_rim) < np.count_nonzero(ink):  # something else is left
        for where, mark in along_rim:
            ink[where][mark] = 0
    return ink / ink.max() if ink.max() > 0 else ink


def desk_strip_cleared(ink):
    """The ink of a page that fills the picture, without a strip of desk along the picture's edge (a page
    photographed close up, a sliver of the dark desk beside it): a long mark (LONG_MARK) as dark as a pen's (a
    paper's faint line is left to `lines_removed`) that runs along the picture's edge for LONG_MARK of its
    shorter side and lies within DESK_STRIP of it (three quarters of it or more) goes, when other ink is left
    (the digit) and the strip is as long as that ink is tall or wide, or longer. A stroke of a tightly
    cropped digit, or a paper's lines joined to the digit, reach the edge but lie mostly further in or are no
    longer than the digit, and a digit that is all one mark stays."""
    band = max(1, round(DESK_STRIP * min(ink.shape)))
    near_edge, on_edge = np.ones(ink.shape, dtype=bool), np.ones(ink.shape, dtype=bool)
    near_edge[band:-band, band:-band] = on_edge[1:-1, 1:-1] = False
    strips = [(where, mark) for where, mark, long in marks_of(ink)
              if long and ink[where][mark].max() >= LINE_LIGHTER_THAN and np.mean(near_edge[where][mark]) >= 0.75
              and np.count_nonzero(on_edge[where][mark]) >= LONG_MARK * min(ink.shape)]
    if not strips:
        return ink
    left = ink.copy()
    for where, mark in strips:
        left[where][mark] = 0
    # The desk runs on past the digit; a stroke of the digit (a 5's bar, drawn apart and cropped tight) is no
    # longer than the digit itself.
    rest = digit_box(left)  # the clear ink: a paper's faint lines run across the page too
    longest = max(max(mark.shape) for _, mark in strips)
    if rest is None or longest < max(part.stop - part.start for part in rest):
        return ink
    return left / left.max()


def marks_of(ink):
    """Each separate mark of ink (its pixels touching side by side or corner to corner), as (its box: a pair of
    slices, its pixels in that box: a mask, whether it is long: LONG_MARK of the picture's shorter side or more).
    The marks are found once, before any is changed."""
    from scipy import ndimage

    labels, _ = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    for number, where in enumerate(ndimage.find_objects(labels), start=1):
        mark = labels[where] == number
        yield where, mark, max(mark.shape) >= LONG_MARK * min(ink.shape)


def lines_removed(ink, sheet=None, coverage=0.5, lighter_than=LINE_LIGHTER_THAN):
    """The ink without the lines of ruled or squared paper; where the pen crosses a line, the pen stays.

    A line is thin, long and lighter than the pen. The lines' direction is the angle (within
    LINE_ANGLES of the rows, then of the columns) along which the ink lines up best; along
    it, a row of the sheet's pixels (all of them without `sheet`, a mask) of which at least
    `coverage` carry ink is a line, when the band of such rows is thin (LINE_WIDTH) and its
    ink is lighter than `lighter_than` (the pen is 1.0), or wider but lighter than
    WIDE_LINE_LIGHTER_THAN (a page's edge and shadow). On a line, only pixels clearly darker
    than the line (the pen crossing it) are kept. Last, any long mark (LONG_MARK of the
    page's shorter side) that is nowhere as dark as `lighter_than` goes too: what is left of a
    line, or a page's edge and shadow on a desk as light as the paper.
    """
    ink = np.array(ink, dtype=np.float32)
    sheet = np.ones(ink.shape, dtype=bool) if sheet is None else sheet
    for view, paper in ((ink, sheet), (ink.T, sheet.T)):  # rows, then columns: the same search transposed
        _clear_lines(view, paper, coverage, lighter_than)
    for where, mark, long in marks_of(ink):
        if long and ink[where][mark].max() < lighter_than:
            ink[where][mark] = 0
    return ink


def punched_holes(ink):
    """The mask of a ring binder's punched holes in the ink (all False when there are none): two or more marks in
    a row along the page's edge that are each a solid disc, dark as the desk behind them, a hole's size (ROUND,
    HOLE_DARK, HOLE_SIZE, HOLE_EDGE), all about the same size, with other ink left beside them (the digit)."""
    discs = []
    for where, mark, _ in marks_of(ink):
        middle = [(part.start + part.stop) / 2 for part in where]
        near_edge = any(min(at, side - at) < HOLE_EDGE * side for at, side in zip(middle, ink.shape))
        height, width = mark.shape
        if (near_edge and 3 <= min(height, width) and 0.75 <= height / width <= 1.33  # round, not a speck
                and HOLE_SIZE[0] <= max(height, width) / min(ink.shape) <= HOLE_SIZE[1]
                and np.mean(ink[where][mark]) >= HOLE_DARK and _disc_likeness(mark) >= ROUND):
            discs.append((where, mark, middle))
    holes = np.zeros(ink.shape, dtype=bool)
    sizes = [mark.size for _, mark, _ in discs]
    if len(discs) < 2 or max(sizes) > 1.5 * min(sizes):
        return holes
    across = np.sqrt(np.median(sizes))  # a hole's width
    middles = np.array([middle for _, _, middle in discs])
    if np.ptp(middles[:, 0]) > across and np.ptp(middles[:, 1]) > across:  # not in a row, nor in a column
        return holes
    for where, mark, _ in discs:
        holes[where] |= mark
    return holes if np.count_nonzero(ink[~holes]) else np.zeros(ink.shape, dtype=bool)


def _disc_likeness(mark):
    """How nearly a mark (a mask in its box) is the disc, or ellipse, its box holds: the pixels in both over the
    pixels in either (1.0 for a disc; a filled square about 0.79, a ring or a stroke less)."""
    rows, cols = np.indices(mark.shape)
    half_height, half_width = mark.shape[0] / 2, mark.shape[1] / 2
    disc = ((rows + 0.5 - half_height) / half_height) ** 2 + ((cols + 0.5 - half_width) / half_width) ** 2 <= 1
    return np.count_nonzero(disc & mark) / np.count_nonzero(disc | mark)


def _clear_lines(ink, sheet, coverage, lighter_than):
    rows, cols = np.nonzero(ink > 0)  # every inked pixel: the lines are looked for among these alone
    if len(rows) == 0:
        return
    step = -(-len(rows) // LINE_SEARCH_PIXELS)  # a few thousand inked pixels show the direction as well

    def profiles(angles):
        # How many inked pixels lie on each row along each angle: angle i's rows are counted from i * span
        # on, so that every angle takes one bincount.
        along = np.round(rows[::step] - cols[::step] * np.tan(np.radians(angles))[:, None]).astype(int)
        along -= along.min(axis=1, keepdims=True)
        span = along.max() + 1
        return np.bincount((along + span * np.arange(len(angles))[:, None]).ravel(),
                           minlength=span * len(angles)).reshape(len(angles), span)

    def peakiest(piles):  # along the lines' direction the inked pixels pile up in a few rows
        return np.argmax(np.square(piles).sum(axis=1))

    coarse = LINE_ANGLES[peakiest(profiles(LINE_ANGLES))]
    fine = coarse + np.arange(-1.5, 1.75, 0.25)
    piles = profiles(fine)
    best = peakiest(piles)
    # A line runs across 30% of the sheet's widest row or more, and ink covers `coverage` of it: when the
    # fullest row along the lines' direction holds under half that (counting every `step`-th inked pixel,
    # `step` times), there is no line.
    shortest = 0.3 * sheet.sum(axis=1).max()
    if piles[best].max() * step < 0.5 * coverage * shortest:
        return
    # Which line along the direction a pixel lies on: its row, shifted by how far the line has risen by its
    # column.
    rise = np.round(-np.arange(ink.shape[1]) * np.tan(np.radians(fine[best]))).astype(int)
    rise -= rise.min()
    along = rows + rise[cols]
    pixels = _pixels_along(sheet, rise)  # a line runs across the sheet, not the desk
    inked = np.bincount(along, minlength=len(pixels))
    is_line = (inked >= coverage * pixels) & (pixels >= shortest)
    if not is_line.any():
        return
    # A ruled line is thin and lighter than the pen. A wider band is a line only when it is much lighter (a
    # page's edge and its shadow on a light desk); otherwise it is the stroke of a large digit (a 0's side).
    values = ink[rows, cols]
    ink_along = np.bincount(along, weights=values, minlength=len(pixels)) / np.maximum(inked, 1)
    for start, stop in runs(is_line):
        thin = stop - start <= LINE_WIDTH * ink.shape[0] + 2
        if ink_along[start:stop].mean() > (lighter_than if thin else WIDE_LINE_LIGHTER_THAN):
            is_line[start:stop] = False
    if not is_line.any():
        return
    line_level = np.median(values[is_line[along]])
    near_line = np.convolve(is_line, np.ones(3), mode="same") > 0  # its blurred edges too
    cleared = near_line[along] & (values < line_level + 0.5 * (1 - line_level))
    ink[rows[cleared], cols[cleared]] = 0


def _pixels_along(sheet, rise):
    """How many of the sheet's pixels lie on each line that rises by `rise` (one number per column). Column
    c holds lines rise[c] to rise[c] + height - 1: counted for a whole rectangle by adding 1 where each
    column starts and taking 1 away where it ends, then the pixels off the sheet one by one."""
    height = sheet.shape[0]
    lines = rise.max() + height
    starts_and_ends = np.bincount(rise, minlength=lines + 1) - np.bincount(rise + height, minlength=lines + 1)
    pixels = np.cumsum(starts_and_ends)[:-1]
    if sheet.all():
        return pixels
    off_rows, off_cols = np.nonzero(~sheet)
    return pixels - np.bincount(off_rows + rise[off_cols], minlength=len(pixels))


def paper_is_light(gray):
    """True when the paper is lighter than the ink.

    The pen's marks are small and stand out from the paper right around them, while light falling off
    across the page does not: when the picture's darkest mark against its surroundings (`marks_against_paper`)
    is more than MARK_CLEARLY times as strong as its lightest, the ink is dark, and the other way round.
    Otherwise (glare, grain, a page in a dim room), the paper is the picture's border (a digit rarely
    touches all four edges), and it is light when it lies nearer the picture's brightest pixels than its
    darkest: white paper photographed in a dim room is darker than middle grey, yet lighter than the pen on
    it. A small digit on a page whose corners the lens darkened needs the marks: its ink is too little to
    be the darkest pixels, and the border is darker than the middle of the page."""
    darker, lighter = marks_against_paper(gray)
    if darker > MARK_CLEARLY * lighter or lighter > MARK_CLEARLY * darker:
        return bool(darker > lighter)
    paper = np.median(border(gray))
    # The extremes, not a speck of dust or glare; every fourth pixel tells them as well, four times sooner.
    darkest, brightest = np.percentile(gray[::2, ::2], [0.1, 99.9])
    if brightest - darkest < 1e-3:  # one shade all over: no ink to compare with
        return bool(paper > 0.5)
    return bool(brightest - paper < paper - darkest)


def marks_against_paper(gray, around=MARK_SURROUNDINGS):
    """(how much darker, how much lighter) the picture's strongest marks are than the mean of the `around` x
    `around` pixels about them, in a copy at half the size (each pixel the mean of 2x2, so that a single
    pixel of grain does not count); (0, 0) for a picture under twice `around` pixels on a side."""
    from scipy import ndimage

    if min(gray.shape) < 2 * around:
        return 0.0, 0.0
    half = ndimage.uniform_filter(gray, 2)[::2, ::2]
    marks = half - ndimage.uniform_filter(half, around, mode="nearest")
    return float(-marks.min()), float(marks.max())


def paper_brightness(gray, light_paper, side=PAPER_SIDE, window=PAPER_WINDOW):
    """The paper's brightness under every pixel (h, w): the page with every mark as narrow as the pen's
    strokes closed over, so that a shadow, however sharp its edge, stays paper while the strokes go.

    In a copy `side` pixels long, the strokes' width is measured against a first guess at the paper
    (`paper_by_tiles`); then each pixel takes the brightest of a square `window` times that width
    across, and the darkest of those again (a grey closing, `closed_over`; dark paper the other way
    round). A mark narrower than the square is closed over; anything broader (a shadow) keeps its own
    brightness. Against the tiles' guess a shadow's sharp edge reads as broad ink and makes the strokes
    look broad: measured again against the closed page, which follows the shadow, they may prove
    narrower, and a narrower square closes over them again. The square spans at most a quarter of the
    page; a picture under PAGE_SEARCH_SMALLEST pixels keeps the first guess.
    """
    from PIL import Image

    small = fit_into_box(gray, side) if max(gray.shape) > side else gray
    level = paper_by_tiles(small, light_paper)
    # A digit's own small picture (MNIST's 28x28) has no shadow to follow, and a square broad enough to
    # close over its strokes would span the picture.
    if max(small.shape) >= PAGE_SEARCH_SMALLEST:
        square = _square_for_strokes(small, level, light_paper, window)
        level = closed_over(small, square, light_paper)
        narrower = _square_for_strokes(small, level, light_paper, window)
        if narrower < square:
            level = closed_over(small, narrower, light_paper)
    smooth = Image.fromarray(level.astype(np.float32), mode="F").resize(gray.shape[::-1], Image.Resampling.BILINEAR)
    return np.asarray(smooth, dtype=np.float32)


def ink_against(gray, paper, light_paper):
    """How much darker than its paper each pixel is, as a share of the paper's brightness (the same under a
    shadow as in full light); on dark paper, how much brighter. Negative where a pixel outshines its paper."""
    return 1 - gray / np.maximum(paper, 1e-3) if light_paper else gray - paper


def _square_for_strokes(small, paper, light_paper, window):
    """The side of a square `window` strokes wide, the strokes' width measured against `paper`."""
    width = stroke_width(ink_against(small, paper, light_paper)) * max(small.shape)  # in pixels of `small`
    return int(np.clip(round(window * width) + 2, 5, max(small.shape) // 4))


def closed_over(small, square, light_paper):
    """The picture with every dark mark narrower than `square` (at least 1) closed over; light marks
    on dark paper.

    At the picture's edge, what lies beyond is unknown. Mirrored there, a shadow that reaches the edge at
    a slant narrows to a wedge that the square fills; carried on past the edge, a stroke along it (a 7's
    bar in a tightly cropped picture) becomes a broad band that the square keeps. So the page is closed
    both ways, and where the two differ, it is carried on only for a shadow's tip, which the rest of the
    shadow lies beside: the pixels around a stroke are paper.
    """
    from scipy import ndimage

    mirrored = _closed(small, square, light_paper)
    carried_on = _closed(np.pad(small, square, mode="edge"), square, light_paper)[square:-square, square:-square]
    paperness = 1 if light_paper else -1  # times a brightness: high on paper, low on a mark, either way round
    differs, _ = ndimage.label(paperness * (mirrored - carried_on) > 0.02)  # filled when mirrored only
    level = mirrored.copy()
    for number, where in enumerate(ndimage.find_objects(differs), start=1):
        box = tuple(slice(max(0, part.start - 1), part.stop + 1) for part in where)
        mark = differs[box] == number
        beside = ndimage.binary_dilation(mark) & ~mark
        filled, kept = np.median(paperness * mirrored[box][mark]), np.median(paperness * carried_on[box][mark])
        if beside.any() and np.min(paperness * mirrored[box][beside]) < (filled + kept) / 2:  # the shadow goes on
            level[box][mark] = carried_on[box][mark]
    return level


def _closed(picture, square, light_paper):
    """`scipy.ndimage.grey_closing(picture, size=square)` (`grey_opening` on dark paper), the same numbers from four
    one-dimensional passes, which scipy's own takes longer to set up: the brightest pixel of a `square` x `square`
    neighbourhood is the brightest of its rows' brightest."""
    from scipy import ndimage

    def brightest(values, axis):  # scipy's closing centres a window of even size half a pixel back here
        return ndimage.maximum_filter1d(values, square, axis, origin=0 if square % 2 else -1)

    def darkest(values, axis):
        return ndimage.minimum_filter1d(values, square, axis)

    for spread in (brightest, darkest) if light_paper else (darkest, brightest):
        for axis in (0, 1):
            picture = spread(picture, axis)
    return picture


def paper_by_tiles(gray, light_paper, regions=8):
    """A first guess at the paper's brightness under every pixel, smooth across the page (h, w).

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


def stroke_width(ink):
    """The strokes' typical width over the digit's longer side: twice the inked area over its outline."""
    from scipy import ndimage

    inked = ink > 0.5 * ink.max()
    outline = inked & ~ndimage.binary_erosion(inked)
    return 2 * inked.sum() / max(outline.sum(), 1) / max(ink.shape)


def strokes_matched(ink, thin=THIN_STROKE_WIDTH, thick=THICK_STROKE_WIDTH, target=MNIST_STROKE_WIDTH):
    """Strokes outside `thin`-`thick` (as a share of the digit's size) made MNIST's width `target`.

    MNIST's writers used pens whose strokes are about 15% of a digit's height. A felt pen or
    a blurred photo gives fatter strokes that close a 4's gap or fill a 9's loop; a ballpoint
    pen on a large digit gives hairlines that fade to nothing at 20x20. The digit is shrunk to
    MATCHING_SIDE pixels when larger (`fit_into_box`), then each pixel takes its faintest
    neighbour within a disc of radius |width - target| / 2 (an erosion) for fat strokes, or
    its strongest (a dilation) for thin ones, whose ink, faded by the shrinking, then peaks at 1 again.
    """
    from scipy import ndimage

    if not ink.any():
        return ink
    width = stroke_width(ink)
    side = min(MATCHING_SIDE, max(ink.shape))  # matched at twice the size it will be fitted to: quick
    radius = abs(width - target) * side / 2
    if thin <= width <= thick or radius < 1:  # under a pixel, the disc would hold no neighbour
        return ink
    if side < max(ink.shape):
        ink = fit_into_box(ink, side)
    brush, reach = disc(radius), int(radius)
    if width > thick:
        return ndimage.grey_erosion(ink, footprint=brush)
    grown = ndimage.grey_dilation(np.pad(ink, reach), footprint=brush)  # room to grow past the crop's edge
    return grown / grown.max()


def disc(radius):
    """A disc of `radius` pixels (a fraction of one too) as a mask 2 * int(radius) + 1 pixels square: the pixels
    whose centre lies within it, give or take half a pixel."""
    reach = int(radius)
    rows, cols = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    return rows ** 2 + cols ** 2 <= radius ** 2 + 0.5


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
