"""`course predict`: a lesson's trained model reads your own pictures of digits.

For every image: open it (`read_image`), make it look like MNIST (`mnistify`),
and ask the model for its ten probabilities. With an explanation folder, also
save one figure per image: the pre-processing steps, the saliency of the answer
and the probability bars. A file that cannot be read gets its one-line reason
and the others are still read.
"""

import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.preprocess import MNISTIFIED, ImageError, mnistify_steps, read_image


SURE = 0.5  # an answer whose digit gets less than this share of the probability is printed as unsure


@dataclass
class Prediction:
    file: str
    probabilities: list = None  # ten floats, or None when the file could not be read
    error: str = None
    figure: str = None  # the explanation figure, when one was saved

    @property
    def digit(self):
        return int(np.argmax(self.probabilities))

    def as_json(self):
        if self.error:
            return json.dumps({"file": self.file, "error": self.error})
        record = {"file": self.file, "prediction": self.digit, "unsure": self.unsure, "probabilities": self.probabilities}
        return json.dumps(record | ({"figure": self.figure} if self.figure else {}))

    @property
    def unsure(self):
        return round(max(self.probabilities), 3) < SURE  # as printed: 49.96% shows as 50.0%, which is not unsure

    def as_text(self):
        top3 = np.argsort(self.probabilities)[::-1][:3]
        return (f"{self.file}: {self.digit}   (" + ", ".join(f"{d}: {self.probabilities[d]:.1%}" for d in top3) + ")"
                + (f"   unsure: no digit gets {SURE:.0%}" if self.unsure else "")
                + (f"\n  explained in {self.figure}" if self.figure else ""))


def load_models(models, *, source, data_dir, seed, retrain=False):
    """The lessons' trained `models` (names among "logistic", "mlp", "cnn"), from the cache or trained now.

    Everything it prints (data notice, cache or training progress) goes to stderr, so that
    stdout carries only the predictions. Returns {name: (keras model, one-line description)}.
    """
    from course.data import load_digits
    from course.lessons import MODELS, trained_model
    from course.places import course_home
    from course.story import Story

    found = {}
    with contextlib.redirect_stdout(sys.stderr):
        digits = load_digits(source, data_dir)
        if digits.notice:
            print(digits.notice)
        story = Story(0, "predict", digits, course_home(), seed=seed, retrain=retrain)
        for model in models:
            trained, accuracy = trained_model(story, model)
            lesson, name = MODELS[model]
            found[model] = (trained.model, f"{model} (lesson {lesson}'s {name}), trained on {digits.source}: "
                                           f"{accuracy:.2%} of its {len(digits.y_test):,} test digits right")
    return found


def load_model(model, *, source, data_dir, seed, retrain=False):
    """One of the lessons' trained models: (keras model, one-line description), as `load_models` finds it."""
    return load_models([model], source=source, data_dir=data_dir, seed=seed, retrain=retrain)[model]


def explanation_path(out, path, taken):
    """out/<name>-explained.png, numbered when two images share a name in one run."""
    stem = Path(path).stem or "image"
    candidate, number = out / f"{stem}-explained.png", 2
    while candidate in taken:
        candidate, number = out / f"{stem}-explained-{number}.png", number + 1
    taken.add(candidate)
    return candidate


def predict_files(load_network, paths, explain_to=None):
    """One Prediction per path, in order; with explain_to (a folder), one figure per readable image.
    `load_network()` gives the model, asked for only once some image could be read: a mistyped file name is
    answered at once, not after a model loads or trains."""
    predictions, readable = [], {}
    for path in paths:
        try:
            readable[len(predictions)] = mnistify_steps(read_image(path))
        except (ImageError, ValueError) as error:
            predictions.append(Prediction(str(path), error=str(error)))
            continue
        predictions.append(Prediction(str(path)))
    if not readable:
        return predictions
    model = load_network()
    from course.explain import probabilities, saliency  # Keras, imported with the model

    images = [steps[MNISTIFIED] for steps in readable.values()]
    for index, p in zip(readable, probabilities(model, images)):
        predictions[index].probabilities = [float(v) for v in p]
    if explain_to is not None:
        import matplotlib.pyplot as plt

        from course.plots import prediction_figure

        taken = set()
        for index, steps in readable.items():
            prediction = predictions[index]
            fig = prediction_figure(steps, saliency(model, steps[MNISTIFIED], prediction.digit),
                                    prediction.probabilities, title=Path(prediction.file).name)
            target = explanation_path(Path(explain_to), prediction.file, taken)
            fig.savefig(target, dpi=100)
            plt.close(fig)
            prediction.figure = str(target)
    return predictions
