import numpy as np
import pytest

from course.data import load_sample
from course.preprocess import (CLOSER_LOOK, HOLES_LEFT_OUT, MARK_CLEARLY, MNISTIFIED, PAGE_FOUND, binarize,
                               digit_box, flatten, ink_box, marks_against_paper, mnistify, mnistify_steps,
                               normalize, one_hot, page_found, paper_is_light, pick_classes, rim_cleared,
                               sheet_by_colour, sheet_by_smoothness, sheet_in, steps_explained, to_grayscale)


def test_normalize_scales_to_float32_0_1_without_touching_input():
    images = np.array([[[0, 128, 255]]], dtype=np.uint8)
    before = images.copy()
    scaled = normalize(images)
    assert scaled.dtype == np.float32 and scaled.shape == images.shape
    np.testing.assert_allclose(scaled, [[[0, 128 / 255, 1]]], rtol=1e-6)
    np.testing.assert_array_equal(images, before)


def test_binarize_thresholds_on_the_0_1_scale_for_uint8_and_float():
    raw = np.array([0, 100, 127, 128, 200, 255], dtype=np.uint8)
    np.testing.assert_array_equal(binarize(raw), [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(binarize(normalize(raw), threshold=0.75), [0, 0, 0, 0, 1, 1])
    assert binarize(raw).dtype == np.float32


def test_flatten_one_hot_and_pick_classes():
    images = np.arange(3 * 28 * 28).reshape(3, 28, 28)
    assert flatten(images).shape == (3, 784)
    np.testing.assert_array_equal(flatten(images)[1], images[1].ravel())
    np.testing.assert_array_equal(one_hot([0, 3], 4), [[1, 0, 0, 0], [0, 0, 0, 1]])
    labels = np.array([4, 1, 9, 9, 4, 7])
    picked, binary = pick_classes(images.repeat(2, axis=0), labels, (4, 9))
    np.testing.assert_array_equal(binary, [0, 1, 1, 0])
    assert len(picked) == 4


def test_ink_box_finds_the_ink_and_none_when_blank():
    image = np.zeros((28, 28))
    assert ink_box(image) is None
    image[5:9, 10:20] = 1
    assert ink_box(image) == (slice(5, 9), slice(10, 20))


def stroke_canvas(height, width, top, left, size, dark_on_light=True):
    """A handwritten-like "7": a bar and a slanted stroke, drawn off-centre on a big canvas (float 0-1)."""
    ink = np.zeros((height, width), dtype=np.float32)
    ink[top:top + size // 8, left:left + size // 2] = 1
    for row in range(size):
        col = left + size // 2 - row // 3
        ink[top + row, col - size // 16: col + size // 16] = 1
    return 1 - ink if dark_on_light else ink


def assert_mnist_like(result):
    assert result.shape == (28, 28) and result.dtype == np.float32
    assert 0 <= result.min() and result.max() == pytest.approx(1, abs=0.02)
    rows, cols = ink_box(result)
    assert max(rows.stop - rows.start, cols.stop - cols.start) in (20, 21)  # fitted to 20x20 (+1 edge of anti-aliasing)
    r, c = np.indices(result.shape)
    centre = ((r * result).sum() / result.sum(), (c * result).sum() / result.sum())
    assert centre == pytest.approx((14, 14), abs=0.75)  # where MNIST puts the centre of mass


@pytest.mark.parametrize("size", [40, 160, 600])
def test_mnistify_any_size_off_centre_dark_on_light(size):
    canvas = stroke_canvas(size * 2, size * 3, top=size // 5, left=size // 4, size=size)
    assert_mnist_like(mnistify((canvas * 255).astype(np.uint8)))


def test_mnistify_same_digit_in_every_input_form():
    dark = stroke_canvas(300, 240, 30, 20, 200)
    forms = {
        "grayscale float": dark,
        "light on dark": 1 - dark,
        "rgb uint8": (np.dstack([dark] * 3) * 255).astype(np.uint8),
        # Black strokes on a transparent background: transparency must count as paper.
        "rgba transparent": np.dstack([np.zeros_like(dark)] * 3 + [1 - dark]),
    }
    results = {name: mnistify(image) for name, image in forms.items()}
    for name, result in results.items():
        assert_mnist_like(result)
        np.testing.assert_allclose(result, results["grayscale float"], atol=0.02, err_msg=name)


def test_mnistify_keeps_the_aspect_ratio():
    tall = np.full((200, 200), 255, dtype=np.uint8)
    tall[20:180, 90:110] = 0  # a "1": 160 tall, 20 wide
    rows, cols = ink_box(mnistify(tall))
    assert rows.stop - rows.start == 20
    assert 2 <= cols.stop - cols.start <= 4  # 20 * 20/160 = 2.5


def test_mnistify_steps_are_in_order_and_blank_image_is_refused():
    steps = mnistify_steps(stroke_canvas(100, 100, 10, 10, 60))
    assert list(steps) == ["original", "grayscale", "page found", "ink made high", "lines removed", "cropped",
                           "strokes made MNIST's width", "fitted into 20x20", "centred in 28x28"]
    with pytest.raises(ValueError, match="no ink"):
        mnistify(np.full((50, 50), 200, dtype=np.uint8))
    for channels in (1, 2, 5):  # small or large (shrunk first), a picture of another shape is named
        for side in (100, 1000):
            with pytest.raises(ValueError, match=rf"expected a \(h, w\).*got shape \({side}, {side}, {channels}\)"):
                mnistify(np.zeros((side, side, channels), dtype=np.uint8))


def test_mnistify_leaves_real_mnist_digits_nearly_as_they_are():
    images = load_sample().x_test[:200]
    correlations = [np.corrcoef(mnistify(image).ravel(), normalize(image).ravel())[0, 1] for image in images]
    assert np.median(correlations) > 0.95  # most come back as they were: already MNIST-style
    assert np.mean(np.array(correlations) > 0.6) > 0.9  # the rest moved by a pixel at most


@pytest.mark.parametrize("dark_on_light", [True, False])
def test_a_shadow_across_a_photographed_page_is_not_ink(dark_on_light):
    page = stroke_canvas(300, 240, 30, 20, 160, dark_on_light)
    paper_like = 0.9 * page + 0.05  # ink at 0.05, paper at 0.95 (or the other way round)
    rows, cols = np.indices(page.shape)
    light = 1 - 0.45 * (rows + cols) / (rows + cols).max()  # the far corner gets 45% less light
    photographed = paper_like * light
    steps = mnistify_steps(photographed)
    assert ink_box(steps["ink made high"]) == ink_box(stroke_canvas(300, 240, 30, 20, 160, dark_on_light=False))
    in_shadow, in_full_light = steps["centred in 28x28"], mnistify(paper_like)
    assert ink_box(in_shadow) == ink_box(in_full_light)
    assert np.corrcoef(in_shadow.ravel(), in_full_light.ravel())[0, 1] > 0.98
    if dark_on_light:  # ink is read relative to its own paper, so a shadow does not even fade it
        np.testing.assert_allclose(in_shadow, in_full_light, atol=0.1)


def test_a_sharp_edged_shadow_through_the_digit_is_not_ink():
    # The phone held over the page: its shadow, a dark shape with a soft but narrow edge, covers the lower
    # left of the page and half the digit; under it the paper gets 55% less light.
    from scipy import ndimage

    page = 0.9 * stroke_canvas(300, 240, 70, 40, 160) + 0.05
    rows, cols = np.indices(page.shape)
    shadow = ndimage.gaussian_filter(((rows > 150) & (cols < 170) | (rows > 230)).astype(float), 4)
    steps = mnistify_steps(page * (1 - 0.55 * shadow))
    assert ink_box(steps["ink made high"]) == ink_box(stroke_canvas(300, 240, 70, 40, 160, dark_on_light=False))
    assert np.corrcoef(steps["centred in 28x28"].ravel(), mnistify(page).ravel())[0, 1] > 0.95


@pytest.mark.parametrize("which", range(3))
def test_a_shadow_that_reaches_the_edge_of_the_picture_is_not_ink(which):
    # A ballpoint digit on a page whose lower left lies in a hard shadow; the shadow's edge curves across the
    # page and meets the picture's left and bottom edges at a slant, where the shadow narrows to a wedge: it
    # may leave no patch of "ink" beside the thin digit.
    from scipy import ndimage

    from course.datasets.photos import enlarge, hairline
    from helpers import unseen_digits

    digit = unseen_digits(3, seed=13)[0][which]
    page = np.full((480, 360), 0.92, dtype=np.float32)
    page[150:310, 100:260] -= 0.8 * hairline(enlarge(digit, 160))
    rows, cols = np.indices(page.shape)
    shadow = ndimage.gaussian_filter((rows > 330 + 0.5 * cols + 25 * np.sin(cols / 40)).astype(np.float32), 3)
    in_shadow, in_full_light = mnistify_steps(page * (1 - 0.5 * shadow)), mnistify_steps(page)
    assert in_shadow["cropped"].shape == in_full_light["cropped"].shape
    assert in_full_light["cropped"].shape[0] < 120  # the digit's own height: nothing else was cropped with it
    np.testing.assert_allclose(in_shadow["centred in 28x28"], in_full_light["centred in 28x28"], atol=0.05)


@pytest.mark.parametrize("which", range(3))
def test_the_lit_part_of_a_page_beside_a_shadow_is_not_taken_for_the_sheet(which):
    # The phone's shadow falls over the lower part of the page and the digit; above it the lit paper dims
    # away from the lamp. The lit part looks like a sheet on a darker desk, but nothing is written on it:
    # its dim far side is the light falling off, not writing. (Read against the tiles' first guess, the
    # shadow's edge looks like broad strokes: the digit is read right only once they are measured again.)
    from scipy import ndimage

    from course.datasets.photos import enlarge
    from course.preprocess import page_found
    from helpers import unseen_digits

    page = np.full((480, 640), 0.93, dtype=np.float32)
    page[330:430, 300:400] -= 0.75 * enlarge(unseen_digits(3, seed=17)[0][which], 100)
    rows, cols = np.indices(page.shape)
    light = 0.6 + 0.4 * np.clip(rows / 260, 0, 1)
    shadow = ndimage.gaussian_filter((rows > 270 + 20 * np.sin(cols / 60)).astype(np.float32), 3)
    photo = page * light * (1 - 0.55 * shadow)
    found, sheet, _ = page_found(photo)
    assert found.shape == photo.shape and sheet.all()
    assert np.corrcoef(mnistify(photo).ravel(), mnistify(page).ravel())[0, 1] > 0.98


@pytest.mark.parametrize("top", [-1, -3])
def test_a_stroke_along_the_edge_of_a_tightly_cropped_picture_stays_ink(top):
    # A 7 cropped through its bar, which runs along the picture's top edge. Carried on past the edge, as a
    # shadow is, the bar would be a broad band and read as paper, leaving a 1.
    from PIL import Image, ImageDraw

    def seven(top):
        picture = Image.new("L", (200, 200), 235)
        ImageDraw.Draw(picture).line([(40, top + 4), (160, top + 4), (90, 190)], fill=20, width=8)
        return np.asarray(picture)

    tight, with_margin = mnistify_steps(seven(top)), mnistify_steps(seven(40))
    assert tight["ink made high"][:5, 50:150].mean() > 0.9
    assert tight["cropped"].shape[1] > 120  # the bar's length, not only the stem
    assert np.corrcoef(tight[MNISTIFIED].ravel(), with_margin[MNISTIFIED].ravel())[0, 1] > 0.7


def test_a_shadow_that_narrows_to_the_picture_edge_is_not_closed_over_and_a_stroke_along_it_is():
    from course.preprocess import closed_over

    page = np.full((100, 100), 0.9, dtype=np.float32)
    rows, cols = np.indices(page.shape)
    page[rows > 50 + cols] = 0.45  # a shadow whose edge meets the picture's left edge at 45 degrees
    page[20:60, 60:62] = 0.1  # a stroke 2 pixels wide
    page[:3, 20:80] = 0.1  # a stroke along the top edge, as a tight crop cuts it
    paper = closed_over(page, 9, light_paper=True)
    np.testing.assert_array_equal(paper[rows > 50 + cols], np.float32(0.45))  # the shadow, up to its tip
    np.testing.assert_array_equal(paper[20:60, 60:62], np.float32(0.9))  # the strokes closed over
    np.testing.assert_array_equal(paper[:3, 20:80], np.float32(0.9))
    dark_paper = closed_over(1 - page, 9, light_paper=False)
    np.testing.assert_allclose(dark_paper, 1 - paper)


def test_the_paper_is_closed_over_as_scipys_grey_closing_would_close_it_with_squares_odd_or_even():
    from scipy import ndimage
    from course.preprocess import _closed

    picture = np.random.default_rng(0).random((40, 31)).astype(np.float32)
    for square in (1, 2, 5, 12):
        np.testing.assert_array_equal(_closed(picture, square, light_paper=True),
                                      ndimage.grey_closing(picture, size=square))
        np.testing.assert_array_equal(_closed(picture, square, light_paper=False),
                                      ndimage.grey_opening(picture, size=square))


def test_a_strip_of_desk_along_the_pictures_edge_goes_and_a_digit_reaching_the_edge_stays():
    from course.preprocess import desk_strip_cleared

    ink = np.zeros((100, 80), dtype=np.float32)
    ink[:, :6] = 1.0  # a dark desk beside a page photographed close up
    ink[40:60, 38:41] = 0.8  # the digit, a 1
    cleared = desk_strip_cleared(ink)
    assert not cleared[:, :6].any() and np.all(cleared[40:60, 38:41] == 1.0)  # the digit's ink is the strongest now
    faint = np.where(ink == 1.0, 0.3, ink)  # a paper's faint line along the edge: `lines_removed` decides
    np.testing.assert_array_equal(desk_strip_cleared(faint), faint)
    seven = np.zeros((40, 30), dtype=np.float32)
    seven[:4, :], seven[:, 22:26] = 1.0, 1.0  # tightly cropped: its bar lies along the top edge, its stem further in
    np.testing.assert_array_equal(desk_strip_cleared(seven), seven)
    five = np.zeros((60, 45), dtype=np.float32)
    five[:4, 10:], five[8:30, 6:10], five[30:34, 6:40], five[34:56, 36:40], five[52:56, 6:40] = 1.0, 1, 1, 1, 1
    np.testing.assert_array_equal(desk_strip_cleared(five), five)  # its bar apart, flush with the top, no longer than it


def test_specks_of_dust_around_the_digit_are_not_part_of_it():
    clean = stroke_canvas(300, 240, 60, 60, 160)
    dusty = clean.copy()
    for row, col in [(5, 5), (290, 10), (150, 230), (20, 200)]:  # 3x3 dark specks on the margins
        dusty[row:row + 3, col:col + 3] = 0
    steps = mnistify_steps(dusty)
    assert steps["cropped"].shape == mnistify_steps(clean)["cropped"].shape
    np.testing.assert_allclose(steps["centred in 28x28"], mnistify(clean), atol=1e-6)


def test_faint_remnants_across_the_page_do_not_stretch_the_crop():
    # A hairline digit holds little ink; a grid left faint by the line search, or a dark corner of the photo,
    # spreads over the whole page and can hold as much. The box is the clear ink's.
    ink = np.zeros((300, 400), dtype=np.float32)
    ink[::20, :] = ink[:, ::20] = 0.2  # a faint grid: 11,700 pixels
    ink[280:, :30] = 0.3  # a dark corner
    ink[100:180, 150:152] = ink[100:102, 150:200] = 1.0  # a thin 7-like digit: 256 pixels of clear ink
    rows, cols = digit_box(ink)  # the digit, and at most a tenth of its size (and 2 pixels) of grid beside it
    assert 90 <= rows.start <= 100 and 180 <= rows.stop <= 190 and 143 <= cols.start <= 150 and 200 <= cols.stop <= 207
    assert digit_box(np.zeros_like(ink)) is None


def test_a_tightly_cropped_drawing_of_pure_black_and_white_is_read():
    # Its border is paper and ink and nothing between: a single shade of paper once raised a histogram error.
    seven = np.full((200, 120), 255, dtype=np.uint8)
    seven[5:30, 5:] = 0  # the bar, running off the right edge
    seven[5:, 90:115] = 0  # the stem, running off the bottom
    steps = mnistify_steps(seven)
    assert steps["centred in 28x28"].shape == (28, 28) and steps["cropped"].shape == (195, 115)


def test_ink_scattered_in_many_small_pieces_is_all_kept():
    # No piece holds 5% of the ink, so none stands out as the digit: the box holds them all (this raised
    # an IndexError before).
    dots = np.zeros((200, 200), dtype=np.float32)
    dots[10::8, 10::8] = 1
    assert digit_box(dots) == (slice(10, 195), slice(10, 195))  # the dots at 10, 18, ..., 194
    assert mnistify(1 - dots).shape == (28, 28)


def test_a_digit_in_two_pieces_keeps_both():
    five = np.full((120, 100), 255, dtype=np.uint8)
    five[20:26, 40:80] = 0  # the top bar, lifted off the body by a gap of paper
    five[34:100, 30:38] = 0  # the body: a stem ...
    five[94:100, 30:70] = 0  # ... and a foot
    rows, cols = ink_box(mnistify_steps(five)["ink made high"])
    assert mnistify_steps(five)["cropped"].shape == (rows.stop - rows.start, cols.stop - cols.start)


def test_small_marks_along_the_rim_of_the_sheet_found_are_not_ink_and_the_digit_is():
    """The sheet's mask, found in a small copy, lets in bits of its edge and shadow: small marks lying along its
    rim go, and the strongest ink left is 1 again. The digit stays: written up to the rim, or in pieces with one
    near it, or as the only ink there is; and a long mark (a ruled line) is left to `lines_removed`."""
    sheet = np.zeros((120, 100), dtype=bool)
    sheet[10:110, 10:90] = True
    ink = np.zeros(sheet.shape, dtype=np.float32)
    ink[50:80, 40:44] = 0.6  # the digit's stroke, in the middle of the sheet
    ink[10:12, 60:62] = 1.0  # a dark bit of desk on the rim, the strongest ink of all
    ink[0:5, 0:5] = 1.0  # off the sheet
    cleared = rim_cleared(ink, sheet)
    assert cleared[10:12, 60:62].max() == 0 and cleared[0:5, 0:5].max() == 0
    np.testing.assert_allclose(cleared[50:80, 40:44], 1.0)
    flag = ink.copy()
    flag[12:15, 40:44] = 0.6  # a 5's flag, lifted off the body, reaching the rim: mostly further in
    assert rim_cleared(flag, sheet)[12:15, 40:44].min() == pytest.approx(1.0)
    ruled = ink.copy()
    ruled[30, 10:90] = 0.3  # a ruled line from rim to rim
    assert rim_cleared(ruled, sheet)[30, 10:90].min() > 0
    ink[80:108, 40:44] = 0.6  # the stroke now runs on down to the sheet's edge: it is most of the ink
    assert rim_cleared(ink, sheet)[80:108, 40:44].min() == pytest.approx(1.0)
    only = np.zeros(sheet.shape, dtype=np.float32)
    only[10, 14:90:6] = 1.0  # nothing but small marks on the rim: kept, not a blank picture
    assert np.array_equal(rim_cleared(only, sheet), only)
    assert np.array_equal(rim_cleared(ink, np.ones_like(sheet)), ink)  # a page that fills the picture: no rim


def test_a_sheet_beside_a_tablecloths_light_checks_is_found_without_them():
    """Closing the paper's gaps (for ruled paper, whose lines cut it into bands) would join the sheet to the
    light checks beside it: what the closing adds is mostly dark, so the sheet is the paper alone."""
    small = np.full((100, 100), 0.2, np.float32)  # a dark tablecloth
    for top in range(20, 75, 7):
        for left in range(68, 92, 7):
            small[top:top + 4, left:left + 4] = 0.9  # its light checks, 3 pixels apart, beside the sheet
    small[20:75, 15:65] = 0.95  # the sheet, 3 pixels from the checks
    small[40:55, 35:38] = 0.25  # a stroke on it
    sheet = sheet_in(small)
    assert sheet[20:75, 15:65].all() and sheet.sum() == 55 * 50


def test_a_sheet_on_a_keyboard_is_found_without_the_keys_its_closed_gaps_would_join():
    """The keyboard's light gaps touch the sheet, so the paper is one region with them, which is no sheet. Closed
    over, the gaps join the dark keys too: what the closing adds is mostly dark, a desk's pattern, not paper."""
    rows, cols = np.indices((100, 100))
    small = np.where((rows % 8 < 6) & (cols % 8 < 6), 0.15, 0.7).astype(np.float32)  # 6-pixel keys, 2-pixel gaps
    small[20:75, 15:65] = 0.95  # the sheet, touching the gaps
    small[40:55, 35:38] = 0.25  # a stroke on it
    sheet = sheet_in(small)
    assert sheet[20:75, 15:65].all() and sheet.sum() == 55 * 50


@pytest.mark.parametrize("height, width, spacing, falling_off",
                         [(200, 200, 25, 0.3), (200, 200, 25, 0.45), (200, 200, 25, 0.6), (300, 400, 16, 0.3),
                          (300, 400, 16, 0.6), (400, 300, 16, 0.4)])
def test_a_ruled_page_that_fills_the_picture_is_not_cut_to_its_lit_part_along_a_line(height, width, spacing,
                                                                                      falling_off):
    """Where the light falls off down the page, its lit part, whose lower edge follows a ruled line, is brighter
    than the rest and darker just outside (the line): yet a few pixels further out lies paper again, not a desk;
    and its rim along the picture's edge, the brightest of all, faces no desk. Cut to it, the page lost the
    digit's lower part, and the lines were read as the digit."""
    rows, cols = np.indices((height, width))
    light = (1 - falling_off * rows / height)[..., None]
    picture = np.where((rows % spacing < 3)[..., None], [150, 185, 225], [244, 243, 236]) * light
    picture[int(0.35 * height):int(0.75 * height), int(0.47 * width):int(0.51 * width)] = (30, 30, 34)  # a 1
    picture = picture.astype(np.uint8)
    page, sheet, _ = page_found(to_grayscale(picture), colour=picture)
    assert sheet.all() and page.shape == (height, width)


def test_white_paper_is_found_by_its_colour_only_on_a_coloured_desk():
    """Lighter and greyer than a grey desk too, a sheet is no sheet by colour there: the rest is no more coloured."""
    desk = np.ones((100, 100), dtype=bool)
    desk[20:80, 25:75] = False
    picture = np.where(desk[..., None], [150, 150, 150], [240, 240, 240]).astype(np.uint8)
    picture[40:60, 48:51] = 30  # a stroke
    assert sheet_by_colour(to_grayscale(picture), picture) is None
    picture[desk] = (200, 40, 50)  # the desk painted red
    sheet = sheet_by_colour(to_grayscale(picture), picture)
    assert sheet[20:80, 25:75].all() and sheet.sum() == 60 * 50


def test_a_note_on_strongly_grained_light_wood_is_found_by_its_smoothness():
    rows, cols = np.indices((100, 100))
    small = 0.55 + 0.4 * np.sin((rows + 3 * np.sin(cols / 9)) / 1.5) ** 2  # the grain's light streaks: 0.95
    small[25:70, 30:75] = 0.93  # the note, no lighter than them
    small[40:58, 50:53] = 0.2  # a stroke on it
    small = small.astype(np.float32)
    for sheet in (sheet_by_smoothness(small), sheet_in(small)):
        assert sheet[30:65, 35:70].all() and sheet.sum() <= 45 * 45


def test_a_smooth_region_filling_most_of_the_picture_is_no_sheet_on_grained_wood():
    """Found by its smoothness, a sheet leaves over a quarter of the picture to the desk (SMOOTH_SHEET_LARGEST):
    otherwise a page that fills the picture lost a corner full of lines and ink, the digit in it, as "desk"."""
    rows, cols = np.indices((100, 100))
    grain = 0.55 + 0.4 * np.sin((rows + 3 * np.sin(cols / 9)) / 1.5) ** 2
    found = {}
    for share in (0.55, 0.85):  # of the picture's width, from its left edge
        small = grain.copy()
        small[:, :round(100 * share)] = 0.93  # the smooth paper
        small[40:58, 30:33] = 0.2  # a stroke on it
        found[share] = sheet_by_smoothness(small.astype(np.float32))
    assert found[0.55] is not None and found[0.55][:, :50].all() and not found[0.55][:, 60:].any()
    assert found[0.85] is None


def test_a_small_digit_on_a_page_whose_corners_the_lens_darkened_is_dark_ink_on_light_paper():
    """The border, dimmed by the lens, is darker than the middle of the page, and the digit's ink is too little to
    be the darkest of the picture: the pen's marks against the paper around them tell which way round it is."""
    from PIL import Image

    rows, cols = np.indices((480, 640))
    lens = 1 - 0.45 * (np.hypot(rows - 240, cols - 320) / 400) ** 2  # the corners at about 55% of the middle
    rng = np.random.default_rng(0)
    for digit in load_sample().x_test[:6]:
        page = 0.93 * lens
        small = np.asarray(Image.fromarray(digit).resize((30, 30), Image.Resampling.BILINEAR), np.float32) / 255
        page[225:255, 305:335] *= 1 - 0.8 * small  # the digit, a sixteenth of the picture's height
        page = np.clip(page + rng.normal(0, 0.01, page.shape), 0, 1).astype(np.float32)
        darker, lighter = marks_against_paper(page)
        assert paper_is_light(page) and darker > MARK_CLEARLY * lighter  # decided by the marks, not the border
        # 30 pixels tall, the digit loses some detail: read like the clean one, not as light ink on dark
        assert np.corrcoef(mnistify(page).ravel(), mnistify(digit).ravel())[0, 1] > 0.75


def test_a_digit_in_a_long_thin_strip_keeps_its_pixels():
    """Shrunk until its longer side is WORKING_SIDE, a 3000x40 strip would leave its digit 9 pixels tall: a strip is
    shrunk no further than NARROWEST_SIDE across."""
    digit = load_sample().x_test[0]
    strip = np.full((40, 3000), 255, np.uint8)
    strip[6:34, 1500:1528] = 255 - digit  # dark ink on white paper, as MNIST's digit is drawn
    assert min(mnistify_steps(strip)["grayscale"].shape) >= min(strip.shape)
    assert np.corrcoef(mnistify(strip).ravel(), mnistify(255 - digit).ravel())[0, 1] > 0.95


def test_a_small_digit_on_a_sheet_in_a_phones_photo_is_found_and_looked_at_closer():
    """A digit 50 pixels tall on a sheet lying on a desk, in a 4000x3000 photo: shrunk to 640 pixels it is 8 pixels
    tall, too little ink to count as writing by its share of the sheet and too few pixels for its strokes. The
    sheet is still found, and the digit is cut again from the photo as read."""
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(0)
    for digit in load_sample().x_test[:6]:
        photo = np.full((3000, 4000), 70.0)  # a dark desk
        photo[700:2300, 1400:2600] = 235  # the sheet
        ink = np.asarray(Image.fromarray(digit).resize((50, 50), Image.Resampling.BICUBIC), np.float64) / 255
        photo[1400:1450, 1900:1950] *= 1 - 0.85 * np.clip(ink, 0, 1)
        photo = np.asarray(Image.fromarray(photo.astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2)), np.float64)
        photo = np.clip(photo + rng.normal(0, 3, photo.shape), 0, 255).astype(np.uint8)
        steps = mnistify_steps(np.stack([photo] * 3, axis=-1))
        assert steps[PAGE_FOUND].shape != steps["grayscale"].shape  # the sheet, not the whole photo
        assert CLOSER_LOOK in steps and "cut again from the picture as read" in steps_explained(steps)[CLOSER_LOOK]
        assert np.corrcoef(steps[MNISTIFIED].ravel(), mnistify(255 - digit).ravel())[0, 1] > 0.85


def loose_leaf(digit=None, holes=3):
    """A page of a ring binder filling the picture: `holes` punched holes along its left edge (the dark desk
    showing through), and `digit` (a 28x28 MNIST digit) written large in the middle."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (500, 700), 245)
    draw = ImageDraw.Draw(page)
    for top in (100, 350, 600)[:holes]:
        draw.ellipse((14, top - 12, 38, top + 12), fill=40)
    page = np.asarray(page, np.float64)
    if digit is not None:
        ink = np.asarray(Image.fromarray(digit).resize((120, 120), Image.Resampling.BICUBIC), np.float64) / 255
        page[290:410, 190:310] *= 1 - 0.85 * np.clip(ink, 0, 1)
    return page.astype(np.uint8)


def test_a_binders_punched_holes_are_left_out_and_the_digit_stays():
    for digit in load_sample().x_test[:6]:
        steps = mnistify_steps(loose_leaf(digit))
        assert HOLES_LEFT_OUT in steps and steps_explained(steps)[HOLES_LEFT_OUT].startswith("3 round marks")
        assert np.corrcoef(steps[MNISTIFIED].ravel(), mnistify(loose_leaf(digit, holes=0)).ravel())[0, 1] > 0.95


def test_round_marks_that_are_all_the_ink_are_no_punched_holes():
    steps = mnistify_steps(loose_leaf())  # nothing but the holes: nothing else could be the digit
    assert HOLES_LEFT_OUT not in steps and steps["cropped"].shape[0] > 400


def test_pieces_of_one_shade_parted_by_thin_lines_are_joined_and_a_pattern_is_no_canvas():
    """A ruled page's bands are one piece across its lines; a canvas inside a frame of the same shade stays
    apart from it; a checkerboard (an image editor's transparency) is thousands of pieces: none is a canvas."""
    from course.preprocess import _pieces_joined, canvas_in, to_grayscale

    ruled = np.ones((60, 80), bool)
    ruled[10::10] = False  # lines one pixel thick
    assert _pieces_joined(ruled) == [[0, 60, 0, 80]]
    framed = np.ones((60, 80), bool)
    framed[10:50, 20] = framed[10:50, 60] = framed[10, 20:61] = framed[50, 20:61] = False  # a canvas's border
    assert sorted(_pieces_joined(framed)) == [[0, 60, 0, 80], [11, 50, 21, 60]]
    rows, cols = np.mgrid[:640, :640]
    assert _pieces_joined((rows // 4 + cols // 4) % 2 == 0) == []
    two_greys = np.where((rows // 2 + cols // 2) % 2 == 0, 50, 200).astype(np.uint8)  # 51,200 pieces at half size
    assert canvas_in(to_grayscale(two_greys)) is None
