"""Keep TensorFlow's start-up chatter out of the lesson's story.

As it loads, TensorFlow prints oneDNN, CUDA and absl messages straight from C++
to the process's stderr; they say nothing to a learner. `quiet_tensorflow`
imports TensorFlow with that stream muted (Python exceptions still surface),
and keeps its later logging to errors. `--verbose` skips all of this.
"""

import logging
import os
import sys
import warnings
from contextlib import contextmanager


@contextmanager
def stderr_muted():
    """Send file descriptor 2 to /dev/null: C++ libraries write there, not to sys.stderr."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_tensorflow(verbose=False):
    """Import TensorFlow (once) without its log noise, unless verbose."""
    if verbose or "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ logs after start-up: errors only
    with stderr_muted():
        import tensorflow  # noqa: F401  (imported here so its start-up messages are muted)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="tensorflow_datasets")
    warnings.filterwarnings("ignore", module="keras")
