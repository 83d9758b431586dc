"""course: a Keras course companion on real handwritten digits.

    course list          # the lessons and the question each answers
    course lesson 1      # run one, figures in ./course-output/lesson-1/

From your own code: ``from course.plots import show_digit``,
``from course.data import load_digits``, ``from course.preprocess import mnistify``.
"""

import os
import sys

from course.cpu import onednn_on_for_avx2, vector_extensions

__version__ = "0.1.0"

# Before anything imports TensorFlow, which reads the switch only as it loads (course/cpu.py says why).
if "tensorflow" not in sys.modules:
    onednn_on_for_avx2(vector_extensions(), os.environ)
