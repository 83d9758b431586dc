"""course: a Keras course companion on real handwritten digits.

    course list          # the lessons and the question each answers
    course lesson 1      # run one, figures in ./course-output/lesson-1/

From your own code: ``from course.plots import show_digit``,
``from course.data import load_digits``, ``from course.preprocess import mnistify``.
"""

__version__ = "0.1.0"
