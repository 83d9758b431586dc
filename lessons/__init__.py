"""The lessons, in order (installed as ``course.lessons``).

Each lesson is one module with a `run(story)` function that tells the lesson
top to bottom. This catalogue holds only their names, so `course list`
answers without importing TensorFlow.
"""

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
}
