"""How often the lessons' models read handwriting that is not MNIST: the UCI digits as scanned pages.

    python benchmarks/handwriting_accuracy.py [--data mnist|sample] [--data-dir DIR] [--models cnn,mlp,logistic]

Every one of the 1,797 UCI digits (43 writers, none of them MNIST's) is rendered as
a dark-on-light page at each of the sizes in course.datasets.handwriting.SIZES,
off-centre on a larger sheet (7,188 pages). Each model reads every page twice: after
`mnistify` (what `course predict` does) and after a naive resize of the whole page
to 28x28 (inverted, nothing else). Prints accuracy overall, by size and by digit, and
the most frequent confusions. Then the same pages photographed under a shadow that
darkens the far edge by 80 levels, read with `mnistify`. Models come from the model
cache (trained first if needed).
"""

import argparse
import time
from collections import Counter

import numpy as np

from course.quiet import quiet_tensorflow

SHADOW = 80  # levels of 255 the light falls off across a photographed page


def naive(page):
    from PIL import Image

    return 1 - np.asarray(Image.fromarray(page).resize((28, 28)), dtype=np.float32) / 255


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist", choices=["mnist", "sample"])
    parser.add_argument("--data-dir")
    parser.add_argument("--models", default="cnn,mlp,logistic")
    args = parser.parse_args()
    quiet_tensorflow()

    from course.datasets.handwriting import scans
    from course.explain import probabilities
    from course.predict import load_model
    from course.preprocess import mnistify

    pages = list(scans(seed=0))
    labels = np.array([label for _, label, _ in pages])
    sizes = np.array([int(how.split()[1].rstrip(",")) for _, _, how in pages])
    started = time.perf_counter()
    prepared = np.stack([mnistify(page) for page, _, _ in pages])
    seconds = time.perf_counter() - started
    resized = np.stack([naive(page) for page, _, _ in pages])
    # The same digits photographed: the light falls off across the page until the far edge is 80 levels darker.
    photographed = np.stack([mnistify(page) for page, _, _ in scans(seed=0, shadow=SHADOW)])
    print(f"{len(pages):,} pages of UCI handwriting; mnistify took {1000 * seconds / len(pages):.2f} ms a page")
    for name in args.models.split(","):
        model, description = load_model(name, source=args.data, data_dir=args.data_dir, seed=42)
        print(f"\n{description}")
        for how, images in (("mnistify", prepared), ("naive resize", resized), ("photographed", photographed)):
            answers = probabilities(model, images).argmax(axis=1)
            right = answers == labels
            by_size = ", ".join(f"{size}px {right[sizes == size].mean():.1%}" for size in np.unique(sizes))
            print(f"  {how:<13} {right.mean():.2%}   by size: {by_size}")
            if how == "mnistify":
                by_digit = ", ".join(f"{d}: {right[labels == d].mean():.0%}" for d in range(10))
                confusions = Counter(zip(labels[~right].tolist(), answers[~right].tolist())).most_common(5)
                print(f"    by digit: {by_digit}")
                print("    most frequent confusions (true -> answer: pages): "
                      + ", ".join(f"{t} -> {a}: {n}" for (t, a), n in confusions))


if __name__ == "__main__":
    main()
