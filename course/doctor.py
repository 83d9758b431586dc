"""`course doctor`: what works on this machine, and what to do about what does not."""

import importlib.metadata
import os
import platform
import sys
import time

from course.cpu import ONEDNN_SWITCH, onednn_by_default, vector_extensions
from course.places import can_write_later, course_home, default_output, display_available


def diagnose(data_dir=None):
    """(ok, sentence) pairs, one per thing a lesson needs."""
    version = sys.version_info
    yield version >= (3, 10), f"Python {platform.python_version()}" + ("" if version >= (3, 10) else " (3.10 or newer needed)")
    for package in ("tensorflow", "keras", "tensorflow-datasets", "matplotlib", "click"):
        try:
            yield True, f"{package} {importlib.metadata.version(package)} installed"
        except importlib.metadata.PackageNotFoundError:
            yield False, f"{package} is not installed: pip install {package}"
    yield from _tensorflow_imports()
    yield True, cpu_sentence(vector_extensions(), os.environ)
    from course.data import describe_sources

    for row in describe_sources(data_dir):
        if row["ready"]:
            yield True, f"data source {row['source']}: ready, {row['bytes'] / 1e6:.1f} MB in {row['where']}"
        elif row["source"] == "mnist":
            yield False, (f"data source mnist: not prepared in {row['where']}; lessons use the sample. "
                          "Go online once, or run `course data import DIR` with the four MNIST files")
        else:
            yield False, f"data source {row['source']}: missing at {row['where']}; reinstall the course package"
    for what, folder in (("figures", default_output("N").parent), ("models and progress", course_home())):
        writable = can_write_later(folder)
        yield writable, (f"{what} are written to {folder.resolve()}" if writable else
                         f"{what} cannot be written to {folder.resolve()}: use --out DIR, or set COURSE_HOME")
    if display_available():
        yield True, "a display is available: --show opens figures in windows"
    else:
        yield True, "no display: figures are saved as PNG files (open them from the output folder)"


def _tensorflow_imports():
    from course.quiet import quiet_tensorflow

    started = time.perf_counter()
    try:
        quiet_tensorflow()
        import tensorflow as tf
    except Exception as error:  # whatever breaks the import, the learner needs the one-line reason
        yield False, f"TensorFlow does not import: {type(error).__name__}: {error}"
        return
    devices = ", ".join(d.device_type for d in tf.config.list_physical_devices())
    yield True, f"TensorFlow imports ({time.perf_counter() - started:.1f} s) and sees: {devices}"


def cpu_sentence(extensions, environ):
    """The CPU's vector extensions, and whose kernels TensorFlow trains with on them (see course/cpu.py)."""
    if extensions is None:
        return "CPU vector extensions unknown (/proc/cpuinfo lists no flags)"
    listed = ", ".join(extensions) or "none of AVX, AVX2, FMA, AVX-512"
    # As TensorFlow reads the switch: 1/true or 0/false in any case; anything else leaves its default.
    switch = environ.get(ONEDNN_SWITCH)
    chosen = {"1": True, "true": True, "0": False, "false": False}.get((switch or "").lower())
    onednn = chosen if chosen is not None else onednn_by_default(extensions)
    kernels = "TensorFlow trains with oneDNN's kernels" if onednn else "TensorFlow trains with its own kernels"
    return f"CPU vector extensions: {listed}; {kernels}" + (f" ({ONEDNN_SWITCH}={switch})" if switch else "")
