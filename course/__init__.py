"""course: a Keras course companion on real handwritten digits.

    course list          # the lessons and the question each answers
    course lesson 1      # run one, figures in ./course-output/lesson-1/

From your own code: ``from course.plots import show_digit``,
``from course.data import load_digits``, ``from course.preprocess import mnistify``.
"""

import os
import sys

from course.cpu import onednn_off_without_avx2, vector_extensions

__version__ = "0.1.0"

if "tensorflow" not in sys.modules:  # too late once it is loaded: the switch is read as it loads
    onednn_off_without_avx2(vector_extensions(), os.environ)
