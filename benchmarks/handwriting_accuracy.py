"""How often the lessons' models read handwriting they never saw, handed over as learners hand it over.

    python benchmarks/handwriting_accuracy.py [--data mnist|sample] [--data-dir DIR] [--models cnn,mlp,logistic]
                                              [--count 300] [--seed 0] [--only scans,photos,drawings]

Every picture is rendered from digits whose writers the model never trained on:
the test digits of the model's data (MNIST's test set, whose writers are not
the training set's) and the UCI digits (43 other writers).

- scans: every UCI digit as a scanned page at each of course.datasets.handwriting.SIZES
  (7,188 pages), read after `mnistify` (what `course predict` does) and after a naive
  resize of the whole page; then the same pages photographed under a shadow.
- photos: for each condition of course.datasets.photos.CONDITIONS (ruled paper, pencil,
  a sheet on a desk, ...), `count` test digits and `count` UCI digits photographed (test
  digits alone for a hairline pen, whose line needs a digit's strokes to trace).
- drawings: `count` test digits drawn on each web canvas (transparent, white, black), and `count`
  as screenshots of each of course.datasets.photos.SCREENSHOTS (a desktop paint program, a phone's
  drawing app, a web page's canvas, a tablet's notes app).

Prints accuracy per condition and source, and mnistify's milliseconds per picture.
Models come from the model cache (trained first if needed).
"""

import argparse
import time
from collections import Counter

import numpy as np

from course.quiet import quiet_tensorflow

SHADOW = 80  # levels of 255 the light falls off across a photographed scan


def naive(page):
    from PIL import Image

    return 1 - np.asarray(Image.fromarray(page).resize((28, 28)), dtype=np.float32) / 255


def prepared(pictures):
    """mnistify every picture; returns (images, milliseconds per picture)."""
    from course.preprocess import mnistify

    started = time.perf_counter()
    images = np.stack([mnistify(picture) for picture in pictures])
    return images, 1000 * (time.perf_counter() - started) / len(pictures)


def scan_sets(args):
    from course.datasets.handwriting import scans

    pages = list(scans(seed=args.seed))
    labels = np.array([label for _, label, _ in pages])
    images, ms = prepared([page for page, _, _ in pages])
    shadowed, _ = prepared([page for page, _, _ in scans(seed=args.seed, shadow=SHADOW)])
    yield "UCI scans, mnistify", images, labels, ms
    yield "UCI scans, naive resize", np.stack([naive(page) for page, _, _ in pages]), labels, None
    yield f"UCI scans under a shadow of {SHADOW} levels", shadowed, labels, None


def photo_sets(args, test_digits):
    from course.datasets.handwriting import load_uci_digits
    from course.datasets.photos import CONDITIONS, HAIRLINE_PENS, photograph

    uci_grids, uci_labels = load_uci_digits()
    rng = np.random.default_rng(args.seed)
    for condition, how in CONDITIONS.items():
        sources = [("test", test_digits), ("UCI", (uci_grids, uci_labels))]
        # A hairline (a ballpoint's, a hard pencil's) is traced along the middle of the digit's strokes; a UCI
        # digit, an 8x8 grid enlarged, is a blob whose loops are filled, and its middle line is no digit anyone writes.
        for source, (inks, labels) in sources[:1] if how.get("pen") in HAIRLINE_PENS else sources:
            chosen = rng.choice(len(labels), args.count, replace=False)
            images, ms = prepared([photograph(inks[i], rng, **how) for i in chosen])
            yield f"photo: {condition} ({source} digits)", images, labels[chosen], ms


def drawing_sets(args, test_digits):
    from course.datasets.photos import CANVASES, SCREENSHOTS, drawing, screenshot

    rng = np.random.default_rng(args.seed)
    inks, labels = test_digits
    for canvas in CANVASES:
        chosen = rng.choice(len(labels), args.count, replace=False)
        images, ms = prepared([drawing(inks[i], rng, canvas) for i in chosen])
        yield f"drawing on a {canvas} canvas (test digits)", images, labels[chosen], ms
    for program in SCREENSHOTS:
        chosen = rng.choice(len(labels), args.count, replace=False)
        images, ms = prepared([screenshot(inks[i], rng, program) for i in chosen])
        yield f"screenshot of a {program} (test digits)", images, labels[chosen], ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist", choices=["mnist", "sample"])
    parser.add_argument("--data-dir")
    parser.add_argument("--models", default="cnn")
    parser.add_argument("--count", type=int, default=300, help="digits per photo condition, source and canvas")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default="scans,photos,drawings")
    args = parser.parse_args()
    quiet_tensorflow()

    from course.data import load_digits
    from course.explain import probabilities
    from course.predict import load_model

    digits = load_digits(args.data, args.data_dir)
    test_digits = (digits.x_test, np.asarray(digits.y_test))
    kinds = args.only.split(",")
    sets = ([*scan_sets(args)] if "scans" in kinds else []) \
        + ([*photo_sets(args, test_digits)] if "photos" in kinds else []) \
        + ([*drawing_sets(args, test_digits)] if "drawings" in kinds else [])
    for name in args.models.split(","):
        model, description = load_model(name, source=args.data, data_dir=args.data_dir, seed=42)
        print(f"\n{description}")
        photos_right = []
        for title, images, labels, ms in sets:
            answers = probabilities(model, images).argmax(axis=1)
            right = answers == labels
            if title.startswith("photo:"):
                photos_right.append(right)
            confusions = Counter(zip(labels[~right].tolist(), answers[~right].tolist())).most_common(3)
            print(f"  {right.mean():7.2%}  {title:<58} {len(labels):>5} pictures"
                  + (f"  {ms:5.1f} ms each" if ms else "")
                  + ("  confusions: " + ", ".join(f"{t}->{a} x{n}" for (t, a), n in confusions) if confusions else ""))
        if photos_right:
            everything = np.concatenate(photos_right)
            print(f"  {everything.mean():7.2%}  all photos ({len(everything):,})")


if __name__ == "__main__":
    main()
