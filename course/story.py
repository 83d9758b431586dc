"""What one lesson run prints and saves: its sentences, its figures, and the results it measured.

A lesson receives a `Story` and tells itself through it::

    story.step(2, "A baseline that learns nothing")
    story.say(f"Nearest-average accuracy: {accuracy:.1%}")
    story.figure(weights_image(w), "weights")
    story.record("logistic", model, test_accuracy=acc, train_seconds=s)
    story.measured(baseline_accuracy=accuracy)

At the end the launcher prints the summary and writes it as JSON if asked
(`--summary-json`): the models' results, and every number the lesson recorded
with `measured`, so that tests and scripts read numbers, not sentences.
"""

import json
import textwrap
from pathlib import Path


def points(difference):
    """An accuracy difference in words: "1.5 points above" / "0.3 points below"."""
    return f"{abs(difference) * 100:.1f} points {'above' if difference >= 0 else 'below'}"


def agreement(difference, tolerance):
    """Two computations of the same numbers, compared in words from their largest difference."""
    if difference <= tolerance:  # False for NaN too
        return f"agree to {difference:.1e} (within {tolerance:.0e}: float32 rounding)"
    return f"DISAGREE: they differ by up to {difference:.1e}, more than float32 rounding ({tolerance:.0e}) explains"


def plain(value):
    """For json.dumps: a NumPy number or array (anywhere in the summary) as the Python value JSON can hold."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


SUMMARY_LARGEST = 10_000_000  # bytes: a lesson's summary is a few KB; a larger file is something else


def is_summary(path):
    """True when the file at `path` holds a summary a lesson wrote (`--summary-json`), which a lesson may write
    over; False for anything else of the learner's."""
    try:
        if Path(path).stat().st_size > SUMMARY_LARGEST:
            return False
        written = json.loads(Path(path).read_bytes())
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON, or nested too deep to read
        return False
    return isinstance(written, dict) and {"lesson", "models", "measured"} <= written.keys()


class Story:
    def __init__(self, lesson, title, digits, out_dir, *, seed, quick=False, epochs=None, show=False,
                 retrain=False, image=None, inline=False):
        self.lesson, self.title, self.digits = lesson, title, digits
        self.image = image  # lesson 4: the learner's own picture of a digit (a path), or None
        self.out_dir = Path(out_dir)
        self.seed, self.quick, self.show, self.retrain = seed, quick, show, retrain
        self.inline = inline  # in a notebook: figures are shown in the page, not saved
        self.epochs_asked = epochs
        self.figures = []
        self.models = {}
        self.numbers = {}

    def epochs(self, default):
        """--epochs if given; 1 in --quick mode; else the lesson's own default."""
        return self.epochs_asked or (1 if self.quick else default)

    def step(self, number, title):
        print(f"\nStep {number}. {title}\n" + "-" * (len(title) + 9))

    def say(self, text):
        for paragraph in text.split("\n"):
            print(textwrap.fill(paragraph, width=100) if paragraph.strip() else paragraph)

    def table(self, text):
        """Pre-formatted text (a table of numbers), printed as it is."""
        print(text)

    def figure(self, fig, name):
        """Save fig as out_dir/NN_name.png (numbered in the order the lesson made them); in a notebook, show it."""
        import matplotlib.pyplot as plt

        if self.inline:
            from IPython.display import display

            display(fig)
            plt.close(fig)
            self.figures.append(f"{len(self.figures) + 1:02d}_{name}")  # named as the file would be
            return None
        path = self.out_dir / f"{len(self.figures) + 1:02d}_{name}.png"
        fig.savefig(path, dpi=110)
        if not self.show:
            plt.close(fig)
        self.figures.append(str(path))
        print(f"  [figure] {path}")
        return path

    def record(self, name, model=None, *, test_accuracy, train_seconds, params=None, cached=False):
        """A model's measured results for the summary; params are counted from the model when given."""
        self.models[name] = {
            "test_accuracy": float(test_accuracy),
            "params": int(model.count_params() if model is not None else params),
            "train_seconds": round(float(train_seconds), 3),
            "cached": cached,
        }

    def measured(self, **numbers):
        """Keep numbers the lesson printed, under these names, in the summary's "measured"."""
        self.numbers.update(numbers)

    def summary(self):
        counts = self.digits.counts
        return {"lesson": self.lesson, "title": self.title,
                "data": {"source": self.digits.source, "train": counts["train"], "test": counts["test"]},
                "seed": self.seed, "quick": self.quick,
                "models": self.models, "measured": self.numbers, "figures": self.figures}

    def print_summary(self):
        summary = self.summary()
        data = summary["data"]
        print(f"\nSummary of lesson {self.lesson} on {data['source']} "
              f"({data['train']:,} train / {data['test']:,} test digits, seed {self.seed})")
        width = max([len(name) for name in self.models] + [5])
        print(f"  {'model':<{width}}  test accuracy  parameters  training")
        for name, m in self.models.items():
            print(f"  {name:<{width}}  {m['test_accuracy']:>13.2%}  {m['params']:>10,}  {m['train_seconds']:>6.1f} s"
                  + (" (cached)" if m["cached"] else ""))
        print(f"  figures: {len(self.figures)} " + ("shown above" if self.inline else f"PNG files in {self.out_dir}"))

    def write_summary(self, path):
        Path(path).write_text(json.dumps(self.summary(), indent=2, default=plain) + "\n")
