"""The lessons, in order (installed as ``course.lessons``).

Each lesson is one module with a `run(story)` function that tells the lesson
top to bottom. This catalogue holds only their names, and the names of the
trained models other commands reuse, so `course list` answers without
importing TensorFlow; `trained_model` imports the lesson that defines one.
"""

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    question: str
    module: str


LESSONS = {
    1: Lesson(1, "An image is a table of numbers; 4 or 9 is a weighted vote of pixels",
              "What does a computer see in a handwritten digit, and how can a weighted sum "
              "of pixels (logistic regression) tell a 4 from a 9?",
              "course.lessons.lesson1"),
    2: Lesson(2, "Many neurons: from ten templates to learned features",
              "How does a network of many neurons go beyond one weighted vote, and are activation "
              "functions (ReLU, sigmoid, tanh) chosen by trial and error?",
              "course.lessons.lesson2"),
    3: Lesson(3, "How math finds a curve: convolution",
              "How can math functions find a curve, like the closed top of a 9, wherever it is in the image?",
              "course.lessons.lesson3"),
    4: Lesson(4, "One prediction, opened up",
              "Why did the network say 9 and not 4? Every multiplication of one prediction, the pixels "
              "that decided it, where the network fails, and your own handwriting.",
              "course.lessons.lesson4"),
}

# The trained models that lesson 4 and `course predict --model` use: short name -> (lesson, model name there).
# "logistic" is lesson 2's softmax regression: logistic regression with one weighted vote per digit.
MODELS = {"logistic": (2, "softmax regression"), "mlp": (2, "mlp (relu)"), "cnn": (3, "cnn")}


def trained_model(story, model):
    """The lesson's trained model `model` ("logistic", "mlp" or "cnn") from the cache, trained first if needed.

    Returns (Trained, test accuracy on the story's digits).
    """
    lesson, name = MODELS[model]
    return importlib.import_module(LESSONS[lesson].module).trained_model(story, name)
