"""Handwriting as a learner really hands it over: phone photos of a digit on paper, and canvas drawings.

`course predict` must read a digit written with a pen on a sheet and
photographed with a phone, not only a clean scan. `photograph()` renders such a
photo from any digit's ink (an MNIST test digit, or a UCI digit, whose writers
MNIST's training set never saw):

- the pen: black, blue, or pencil (lighter, grainy), with strokes as wide as MNIST's; or a
  ballpoint, whose hairline is a small share of a large digit's size; or a hard pencil pressed
  lightly, a hairline fainter still;
- the paper: white, cream, or a yellow sticky note; plain, ruled or squared, its
  lines thin, long and lighter than the pen, and free to cross the digit;
- the framing: the page fills the frame (or all of it but a strip of the desk
  along one side), or the sheet lies on a desk (dark
  wood, grey, white) with its edges and its shadow in the frame, turned a little;
  photographed from further away, a sticky note is a small part of the frame; or
  the desk has a pattern as light as the paper in places (light wood's grain, a
  checked tablecloth, a keyboard's keys);
- the camera: light falling off across the picture, blur, grain, JPEG; in a dim
  room, the paper comes out darker than middle grey; lit from one side (a window
  beside the desk), the light falls off further.

`drawing()` renders the same digit as a drawing on a canvas (RGBA on a
transparent background, or white on black, or black on white); `screenshot()` as
a screenshot of a drawing app (a desktop paint program, a phone app, a web page, a
tablet's notes app), its canvas inside the app's window.

    from course.datasets.photos import CONDITIONS, photograph
    rng = np.random.default_rng(0)
    photo = photograph(digit, rng, **CONDITIONS["sheet on a dark desk"])  # (h, w, 3) uint8

`python datasets/photos.py` rewrites `example_digit.jpg`, lesson 4's bundled
example: a 9 from MNIST's test set written in blue pen on ruled paper lying on a desk.
"""

import io

import numpy as np

PENS = {"black pen": (28, 28, 34), "blue pen": (30, 50, 150), "pencil": (85, 85, 92), "ballpoint pen": (25, 35, 110),
        "hard pencil": (175, 175, 180)}
WIDE_PENS = ("black pen", "blue pen", "pencil")  # drawn at random when a condition names no pen
HAIRLINE_PENS = ("ballpoint pen", "hard pencil")  # a line of HAIRLINE pixels, whatever the size of the digit
GRAPHITE = ("pencil", "hard pencil")  # lighter than their colour, and grainy
HAIRLINE = 2.0  # pixels: a ballpoint's or a hard pencil's line
PAPERS = {"white": (244, 243, 236), "cream": (238, 226, 196), "sticky note": (250, 234, 128)}
DESKS = {"dark wood": (92, 60, 38), "grey desk": (132, 130, 128), "white desk": (232, 233, 235),
         "light wood": (214, 178, 128), "checked tablecloth": (196, 44, 52), "keyboard": (38, 38, 42)}
PLAIN_DESKS = ("dark wood", "grey desk", "white desk")  # "any" desk; the patterned ones have conditions of their own
LINE_COLOURS = {"ruled": (150, 185, 225), "squared": (165, 185, 205)}  # light blue, blue-grey

# One entry per condition the handwriting benchmark reports; what a condition leaves out is drawn at random.
CONDITIONS = {
    "page fills the frame": {},
    "ruled paper": {"ruling": "ruled"},
    "squared paper": {"ruling": "squared"},
    "blue pen on ruled paper": {"pen": "blue pen", "ruling": "ruled"},
    "pencil on cream paper": {"pen": "pencil", "paper": "cream"},
    "sheet on a dark desk": {"desk": "dark wood"},
    "sheet on a grey desk": {"desk": "grey desk"},
    "sheet on a white desk": {"desk": "white desk"},
    "ruled sheet on a desk": {"ruling": "ruled", "desk": "any"},
    "sticky note on a desk": {"paper": "sticky note", "desk": "any"},
    "small sticky note on a desk": {"paper": "sticky note", "desk": "any", "far": True},
    "page in a dim room": {"dim": True},
    "ballpoint pen on a page": {"pen": "ballpoint pen"},
    "ballpoint pen, sheet on a desk": {"pen": "ballpoint pen", "desk": "any"},
    "hard pencil, sheet on a white desk": {"pen": "hard pencil", "desk": "white desk"},
    "sticky note on light wood": {"paper": "sticky note", "desk": "light wood"},
    "sheet on a checked tablecloth": {"desk": "checked tablecloth"},
    "sheet on a keyboard": {"desk": "keyboard"},
    "ruled page lit from one side": {"ruling": "ruled", "side_lit": True},
    "squared page lit from one side": {"ruling": "squared", "side_lit": True},
    "ruled page close up, a strip of desk beside it": {"ruling": "ruled", "desk_strip": True},
    "pencil on a squared sheet on a white desk, corners dark": {"pen": "pencil", "ruling": "squared",
                                                                "desk": "white desk", "dark_corners": True},
}
CANVASES = ("transparent", "white", "black")
WINDOW_THEMES = {"light": (240, 240, 240), "dark": (43, 43, 46)}  # a drawing program's window around its canvas
MOUSE_COLOURS = ((0, 0, 0), (0, 0, 0), (0, 0, 255), (237, 28, 36))  # a drawing program's first choices
# A phone app's palette: colours that show on its canvas, white or black.
APP_PENS_ON_LIGHT = ((0, 0, 0), (33, 150, 243), (244, 67, 54), (76, 175, 80), (156, 39, 176), (255, 152, 0))
APP_PENS_ON_DARK = ((255, 255, 255), (255, 235, 59), (255, 152, 0), (0, 188, 212), (233, 30, 99), (139, 195, 74))
EXAMPLE_DIGIT, EXAMPLE_SEED = 9, 7  # lesson 4's example: the first 9 of MNIST's test set; the seed frames it


def enlarge(ink, height):
    """Ink (h, w) in 0-1 (or uint8 0-255, or UCI counts 0-16 with `ink.max() <= 16`) -> pen strokes height x height.

    Smoothly enlarged, then sharpened into strokes with soft edges, as a pen leaves them.
    """
    from PIL import Image

    ink = np.asarray(ink, dtype=np.float32)
    ink = ink / (255 if ink.max() > 16 else 16 if ink.max() > 1 else 1)
    big = np.asarray(Image.fromarray(ink, mode="F").resize((height, height), Image.Resampling.BICUBIC))
    return np.clip((big - 0.25) / 0.3, 0, 1)


def hairline(strokes, width=HAIRLINE):
    """The same digit drawn by a ballpoint: the strokes' middle line, `width` pixels wide. The middle is
    where the strokes are deepest: the pixels no neighbour of which lies a whole pixel further from the paper
    (the strokes' edges smoothed first, so that their small bumps grow no twigs)."""
    from scipy import ndimage

    depth = ndimage.distance_transform_edt(ndimage.gaussian_filter(strokes, 0.02 * len(strokes)) > 0.4)
    middle = (depth > 0) & (depth > ndimage.grey_dilation(depth, size=3) - 1)
    return np.clip(width / 2 + 0.5 - ndimage.distance_transform_edt(~middle), 0, 1).astype(np.float32)


def _channels(level):
    return np.asarray(level, dtype=np.float32)[None, None, :]


def ruled_lines(shape, rng, ruling, digit_height):
    """How much line colour covers each pixel of a sheet: 0-1, thin anti-aliased lines, one or two directions."""
    height, width = shape
    spacing = digit_height * (rng.uniform(0.55, 1.0) if ruling == "ruled" else rng.uniform(0.3, 0.5))
    thickness = rng.uniform(1.0, 2.2)

    def across(length):
        positions = np.arange(length)
        distance = np.abs((positions - rng.uniform(0, spacing)) % spacing - spacing / 2) - spacing / 2
        return np.clip(thickness / 2 + 0.5 - np.abs(distance), 0, 1)

    lines = np.broadcast_to(across(height)[:, None], shape).copy()
    if ruling == "squared":
        lines = np.maximum(lines, across(width)[None, :])
    return lines * rng.uniform(0.55, 0.9)


def write(strokes, rng, pen, paper, ruling):
    """A sheet (RGB float 0-255) with the digit's strokes written on it in `pen`, somewhere off-centre."""
    size = strokes.shape[0]
    shape = int(size * rng.uniform(1.5, 2.6)), int(size * rng.uniform(1.5, 2.6))
    sheet = np.broadcast_to(_channels(PAPERS[paper]), (*shape, 3)) + rng.normal(0, 2.5, (*shape, 1))
    if ruling:
        lines = ruled_lines(shape, rng, ruling, size)[..., None]
        sheet = sheet * (1 - lines) + _channels(LINE_COLOURS[ruling]) * lines
    margin = size // 8  # people leave some paper around what they write
    top, left = (rng.integers(margin, side - size - margin + 1) for side in shape)
    ink = np.zeros(shape, dtype=np.float32)
    ink[top:top + size, left:left + size] = strokes
    if pen in GRAPHITE:  # graphite leaves a lighter, grainy line
        ink *= rng.uniform(0.6, 0.85) * rng.uniform(0.75, 1.0, shape)
    ink = ink[..., None]
    return sheet * (1 - ink) + np.minimum(sheet, _channels(PENS[pen])) * ink


def desk_surface(shape, rng, desk):
    """A desk's top (RGB float 0-255): wood has streaks of grain (light wood, dark and strong ones); a
    tablecloth, white and coloured checks; a keyboard, dark keys with light gaps between them; every desk
    has some texture."""
    height, width = shape
    surface = np.broadcast_to(_channels(DESKS[desk]), (*shape, 3)).astype(np.float32)
    rows, cols = np.indices(shape)
    if desk in ("dark wood", "light wood"):
        along = rows + 6 * np.sin(cols / rng.uniform(30, 80))
        depth = 0.15 if desk == "dark wood" else 0.45
        grain = 1 - depth + depth * np.sin(along / rng.uniform(3, 9)) ** 2
        surface = surface * grain[..., None]
    elif desk == "checked tablecloth":
        half = rng.uniform(8, 20)  # pixels: half a check's period, a band of colour
        coloured = ((rows // half) % 2 + (cols // half) % 2) / 2  # white, a band, or two bands crossing
        surface = 245 * (1 - coloured[..., None]) + surface * coloured[..., None]
    elif desk == "keyboard":
        key, gap = rng.uniform(14, 30), rng.uniform(3, 6)  # pixels
        in_gap = (rows % (key + gap) >= key) | (cols % (key + gap) >= key)
        surface = np.where(in_gap[..., None], _channels((190, 190, 195)), surface)
    return surface + rng.normal(0, 3, (*shape, 1))


def on_desk(sheet, rng, desk, far=False):
    """The sheet lying on a desk, turned a little, casting a soft shadow; all of it in the frame. Seen from
    `far`, the sheet spans a fifth to two fifths of the frame's width (about 3% to 15% of the picture)
    instead of 60% to 90% (about a third to three quarters)."""
    from PIL import Image, ImageFilter

    angle = rng.uniform(-12, 12)
    rgb = Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8)).rotate(angle, Image.Resampling.BICUBIC, expand=True)
    mask = Image.new("L", (sheet.shape[1], sheet.shape[0]), 255).rotate(angle, Image.Resampling.BICUBIC, expand=True)
    sheet_h, sheet_w = mask.size[1], mask.size[0]
    wider = (2.5, 5.0) if far else (1.15, 1.7)  # the frame's sides over the sheet's
    frame = int(sheet_h * rng.uniform(*wider)), int(sheet_w * rng.uniform(*wider))
    top, left = rng.integers(0, frame[0] - sheet_h + 1), rng.integers(0, frame[1] - sheet_w + 1)
    photo = desk_surface(frame, rng, desk)
    shadow = Image.new("L", (frame[1], frame[0]), 0)
    shift = rng.integers(2, 8, 2)
    shadow.paste(mask, (int(left + shift[1]), int(top + shift[0])))
    shadow = np.asarray(shadow.filter(ImageFilter.GaussianBlur(5)), dtype=np.float32)[..., None] / 255
    photo = photo * (1 - rng.uniform(0.25, 0.45) * shadow)
    placed = np.zeros((*frame, 3), dtype=np.float32)
    alpha = np.zeros(frame, dtype=np.float32)
    placed[top:top + sheet_h, left:left + sheet_w] = np.asarray(rgb, dtype=np.float32)
    alpha[top:top + sheet_h, left:left + sheet_w] = np.asarray(mask, dtype=np.float32) / 255
    return photo * (1 - alpha[..., None]) + placed * alpha[..., None]


def tilted(photo, rng):
    """The page held a little askew under the camera; the corners the turn uncovers are cut off."""
    from PIL import Image

    angle = rng.uniform(-4, 4)
    turned = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).rotate(angle, Image.Resampling.BICUBIC)
    height, width = photo.shape[:2]
    margin_h, margin_w = int(height * 0.04) + 1, int(width * 0.04) + 1
    return np.asarray(turned, dtype=np.float32)[margin_h:height - margin_h, margin_w:width - margin_w]


def desk_beside(photo, rng, desk):
    """The page photographed close up, a strip of the desk it lies on showing along one side: the page's edge
    runs askew, the strip 1-4% of the picture across at one end and 4-9% at the other."""
    turns = int(rng.integers(4))  # which side: the strip is drawn along the left one, the picture turned
    page = np.rot90(photo, turns)
    height, width = page.shape[:2]
    ends = rng.uniform(0.01, 0.04), rng.uniform(0.04, 0.09)
    strip_width = width * np.linspace(*(ends if rng.random() < 0.5 else ends[::-1]), height)
    on_desk = np.arange(width)[None, :] < strip_width[:, None]
    page = np.where(on_desk[..., None], desk_surface((height, width), rng, desk), page)
    return np.rot90(page, -turns)


def camera(photo, rng, dim=False, side_lit=False, dark_corners=False):
    """Light falling off across the picture (by 5-35%; `side_lit`, from a window beside the desk: 35-60%), a
    slightly soft focus, sensor grain and JPEG compression; `dim`: a dim room, where the photo comes out at a
    quarter to half of its brightness; `dark_corners`: a phone's lens darkening the corners too (by 20-35%), so
    that a light desk's middle is as bright as the paper's far corner."""
    from PIL import Image, ImageFilter

    height, width = photo.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    rows, cols = np.indices((height, width))
    ramp = rows * np.sin(angle) + cols * np.cos(angle)
    ramp = (ramp - ramp.min()) / max(np.ptp(ramp), 1)
    falling_off = rng.uniform(0.35, 0.6) if side_lit else rng.uniform(0.05, 0.35)
    photo = photo * (1 - falling_off * ramp)[..., None] * (rng.uniform(0.25, 0.5) if dim else 1)
    if dark_corners:
        from_middle = ((rows / height - 0.5) ** 2 + (cols / width - 0.5) ** 2) / 0.5  # 0 in the middle, 1 at corners
        photo = photo * (1 - rng.uniform(0.2, 0.35) * from_middle)[..., None]
    photo = photo + rng.normal(0, 2.5, photo.shape)
    image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3)))
    compressed = io.BytesIO()
    image.save(compressed, "JPEG", quality=int(rng.integers(55, 92)))
    return np.asarray(Image.open(compressed).convert("RGB"))


def photograph(ink, rng, pen=None, paper="white", ruling=None, desk=None, far=False, dim=False, side_lit=False,
               desk_strip=False, dark_corners=False):
    """A phone photo (h, w, 3) uint8 of `ink` (a digit, ink high: MNIST uint8, 0-1 floats or UCI counts).

    pen: a PENS name, or None for any of WIDE_PENS (never a hairline pen, whose conditions name it);
    paper: a PAPERS name; ruling: None, "ruled" or "squared";
    desk: None (the page fills the frame), a DESKS name, or "any" (one of PLAIN_DESKS); far: the sheet
    on the desk seen from further away (`on_desk`; a page that fills the frame has no distance to
    change); desk_strip: the page fills the frame but for a strip of a dark or grey desk along one side
    (`desk_beside`); dim: taken in a dim room; side_lit: lit from one side, the light falling off further;
    dark_corners: the lens darkens the corners (`camera`).
    """
    if far and not desk:
        raise ValueError("far=True needs a desk: only a sheet on a desk can be seen from further away")
    if desk_strip and desk:
        raise ValueError("desk_strip=True is for a page that fills the frame (desk=None)")
    pen = pen or rng.choice(WIDE_PENS)
    strokes = enlarge(ink, int(rng.integers(56, 150)))
    if pen in HAIRLINE_PENS:
        strokes = hairline(strokes)
    sheet = write(strokes, rng, pen, paper, ruling)
    if desk:
        photo = on_desk(sheet, rng, rng.choice(PLAIN_DESKS) if desk == "any" else desk, far)
    else:
        photo = tilted(sheet, rng)
        if desk_strip:
            photo = desk_beside(photo, rng, rng.choice(("dark wood", "grey desk")))
    return camera(photo, rng, dim, side_lit, dark_corners)


def drawing(ink, rng, canvas="transparent", size=280):
    """A digit drawn on a web canvas: size x size, strokes with hard edges.

    canvas "transparent": RGBA, black strokes on a transparent background; "white": black on
    white RGB; "black": white on black RGB. Returns uint8.
    """
    height = int(size * rng.uniform(0.55, 0.85))
    strokes = np.zeros((size, size), dtype=np.float32)
    top, left = rng.integers(0, size - height + 1, 2)
    strokes[top:top + height, left:left + height] = np.clip((enlarge(ink, height) - 0.3) * 3, 0, 1)
    if canvas == "transparent":
        alpha = np.round(strokes * 255).astype(np.uint8)
        return np.dstack([np.zeros((size, size, 3), dtype=np.uint8), alpha])
    level = strokes if canvas == "black" else 1 - strokes
    return np.repeat(np.round(level * 255).astype(np.uint8)[..., None], 3, axis=2)


def screenshot(ink, rng, program="paint program"):
    """A digit drawn with the mouse, a finger or a stylus, as a screenshot: `program` one of SCREENSHOTS.

    - "paint program": a desktop drawing program's window (light or dark), a white canvas of any size in it,
      a toolbar of coloured icons and a menu above and a status bar below;
    - "phone app": a phone's drawing app (light or dark), its status bar, a title bar, a canvas filling the
      width, and a palette bar of tools and colours below;
    - "web page": a browser's window, a page with a title, a bordered square canvas (white or black), and
      buttons under it;
    - "notes app": a tablet's notes app, a toolbar above a ruled or squared page whose lines the digit crosses.
    The strokes have hard edges and any width, the digit anywhere on the canvas. No camera: every region is
    one exact colour. Returns an (h, w, 3) uint8 array.
    """
    from PIL import Image

    window, (left, top, width, height), pens, largest = SCREEN_LAYOUTS[program](rng)
    size = int(min(width, height) * rng.uniform(0.4, 1) * largest)
    strokes = enlarge(ink, size) > rng.uniform(0.3, 0.8)  # the brush has hard edges, and any width
    canvas = np.asarray(window)[top:top + height, left:left + width].copy()
    down, across = rng.integers(0, height - size + 1), rng.integers(0, width - size + 1)
    canvas[down:down + size, across:across + size][strokes] = pens[rng.integers(len(pens))]
    window.paste(Image.fromarray(canvas), (left, top))
    return np.asarray(window)


def _paint_program(rng):
    """A desktop drawing program's window: (the window, the canvas's (left, top, width, height), the pens'
    colours, the largest digit as a share of the canvas's shorter side)."""
    from PIL import Image, ImageDraw

    width, height = int(rng.integers(700, 1400)), int(rng.integers(500, 900))
    theme = WINDOW_THEMES[rng.choice(list(WINDOW_THEMES))]
    window = Image.new("RGB", (width, height), theme)
    draw = ImageDraw.Draw(window)
    bar, text = _bar_and_text(theme)
    toolbar, status = int(rng.integers(50, 120)), int(rng.integers(20, 30))
    draw.rectangle([0, 0, width, toolbar], fill=bar)
    draw.text((8, 4), "File   Home   View", fill=text)
    for i in range(int(rng.integers(6, 18))):  # tools and colours
        draw.rectangle([8 + i * 38, 20, 38 + i * 38, toolbar - 12], fill=_any_colour(rng), outline=(128, 128, 128))
    draw.rectangle([0, height - status, width, height], fill=bar)
    left, top = int(rng.integers(5, 60)), toolbar + int(rng.integers(5, 40))
    canvas = (left, top, int(rng.integers(200, width - left - 20)), int(rng.integers(200, height - status - top - 5)))
    draw.text((8, height - status + 5), f"{canvas[2]} x {canvas[3]}px    100%", fill=text)
    draw.rectangle([left - 1, top - 1, left + canvas[2], top + canvas[3]], fill=(255, 255, 255),
                   outline=(160, 160, 160))
    return window, canvas, MOUSE_COLOURS, 0.85


def _phone_app(rng):
    """A phone's drawing app, light or dark: as `_paint_program` returns it."""
    from PIL import Image, ImageDraw

    width, height = 1080, int(rng.integers(1920, 2400))
    theme = WINDOW_THEMES[rng.choice(list(WINDOW_THEMES))]
    paper = (255, 255, 255) if sum(theme) >= 384 else (18, 18, 18)
    bar, text = _bar_and_text(theme)
    window = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(window)
    status, title, palette = int(rng.integers(60, 100)), int(rng.integers(110, 170)), int(rng.integers(220, 360))
    draw.rectangle([0, 0, width, status + title - 1], fill=bar)  # Pillow fills its last row and column too
    draw.text((30, status // 3), "11:06          56%", fill=text)
    draw.text((40, status + title // 3), "Draw", fill=text)
    draw.rectangle([0, height - palette, width, height], fill=bar)
    pens = APP_PENS_ON_LIGHT if paper == (255, 255, 255) else APP_PENS_ON_DARK
    for i, colour in enumerate(pens):  # tools above, colours below
        middle = 90 + i * 180
        draw.rectangle([middle - 40, height - palette + 30, middle + 40, height - palette + 80], outline=text, width=4)
        draw.ellipse([middle - 35, height - 110, middle + 35, height - 40], fill=colour)
    return window, (0, status + title, width, height - palette - status - title), pens, 0.85


def _web_page(rng):
    """A web page with a drawing canvas, in a browser's window: as `_paint_program` returns it."""
    from PIL import Image, ImageDraw

    width, height = int(rng.integers(1100, 1700)), int(rng.integers(700, 950))
    window = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(window)
    chrome = int(rng.integers(60, 100))
    draw.rectangle([0, 0, width, chrome], fill=(222, 225, 230))
    draw.rectangle([120, chrome // 2, width - 200, chrome - 10], fill=(255, 255, 255))
    draw.text((130, chrome // 2 + 5), "localhost:8000", fill=(60, 60, 60))
    side = int(rng.integers(240, min(520, height - chrome - 200)))
    left, top = (width - side) // 2 + int(rng.integers(-200, 200)), chrome + int(rng.integers(70, 110))
    draw.text((left, top - 50), "Draw a digit, then press Predict", fill=(20, 20, 20))
    paper = (255, 255, 255) if rng.random() < 0.5 else (0, 0, 0)
    draw.rectangle([left - 2, top - 2, left + side + 1, top + side + 1], fill=paper, outline=(30, 30, 30), width=2)
    for i, colour in enumerate([(108, 117, 125), (13, 110, 253)]):  # Clear, Predict
        draw.rectangle([left + i * 120, top + side + 20, left + i * 120 + 100, top + side + 56], fill=colour)
        draw.text((left + i * 120 + 20, top + side + 30), ("Clear", "Predict")[i], fill=(255, 255, 255))
    pens = [(0, 0, 0)] if paper == (255, 255, 255) else [(255, 255, 255)]
    return window, (left, top, side, side), pens, 0.85


def _notes_app(rng):
    """A tablet's notes app, a ruled or squared page: as `_paint_program` returns it."""
    from PIL import Image, ImageDraw

    width, height = (2048, 1536) if rng.random() < 0.5 else (1536, 2048)
    paper = PAPERS[rng.choice(["white", "cream"])] if rng.random() < 0.5 else (255, 255, 255)
    window = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(window)
    toolbar = int(rng.integers(80, 140))
    draw.rectangle([0, 0, width, toolbar - 1], fill=(246, 246, 246))
    draw.text((width // 2 - 40, toolbar // 3), "Homework", fill=(20, 20, 20))
    for i in range(4):  # the pens' colours
        draw.ellipse([width - 80 - i * 60, toolbar // 3, width - 40 - i * 60, toolbar // 3 + 40], fill=_any_colour(rng))
    spacing = int(rng.integers(40, 70))
    line = LINE_COLOURS[rng.choice(list(LINE_COLOURS))]
    for y in range(toolbar + spacing, height, spacing):
        draw.line([0, y, width, y], fill=line, width=2)
    if rng.random() < 0.5:  # squared
        for x in range(spacing, width, spacing):
            draw.line([x, toolbar, x, height], fill=line, width=2)
    largest = 4 * spacing / min(width, height - toolbar)  # a digit up to four lines tall
    return window, (0, toolbar, width, height - toolbar), [PENS["blue pen"], PENS["black pen"]], largest


def _bar_and_text(theme):
    """A window's bars, a shade off its own, and its text: dark on a light theme, light on a dark one."""
    light = sum(theme) >= 384
    return tuple(int(c - 14 if light else c + 12) for c in theme), (20, 20, 20) if light else (230, 230, 230)


def _any_colour(rng):
    return tuple(int(c) for c in rng.integers(0, 256, 3))


SCREEN_LAYOUTS = {"paint program": _paint_program, "phone app": _phone_app, "web page": _web_page,
                  "notes app": _notes_app}
SCREENSHOTS = tuple(SCREEN_LAYOUTS)


if __name__ == "__main__":
    import argparse
    from pathlib import Path

    from PIL import Image

    from course.data import load_mnist

    parser = argparse.ArgumentParser(description="Rewrite example_digit.jpg from MNIST's test set.")
    parser.add_argument("--data-dir", help="where `course data import` prepared MNIST")
    test = load_mnist(parser.parse_args().data_dir)
    index = int(np.flatnonzero(test.y_test == EXAMPLE_DIGIT)[0])
    photo = photograph(test.x_test[index], np.random.default_rng(EXAMPLE_SEED), pen="blue pen", ruling="ruled",
                       desk="dark wood")
    target = Path(__file__).with_name("example_digit.jpg")
    Image.fromarray(photo).save(target, quality=90)
    print(f"{target}: MNIST test digit {index} (a {EXAMPLE_DIGIT}), {photo.shape[1]}x{photo.shape[0]} pixels")
