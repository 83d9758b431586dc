"""`course doctor`: what works on this machine, and what to do about what does not."""

import importlib.metadata
import platform
import sys
import time
from pathlib import Path

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
    yield True, cpu_sentence(vector_extensions())
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


def vector_extensions(cpuinfo=Path("/proc/cpuinfo")):
    """The CPU's vector extensions that decide which oneDNN kernels TensorFlow runs (it picks them when it
    starts), as `cpuinfo` lists them: a subset of avx, avx2, fma, avx512f, avx512_bf16. None when unreadable
    (not Linux)."""
    try:
        flags = next(line for line in cpuinfo.read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return None
    present = set(flags.split(":", 1)[1].split())
    return [f for f in ("avx", "avx2", "fma", "avx512f", "avx512_bf16") if f in present]


def cpu_sentence(extensions):
    """What the CPU's vector extensions mean for training: without AVX2, oneDNN's kernels for training a
    convolutional network are far slower (benchmarks/README.md measured lesson 3's with AVX's kernels)."""
    if extensions is None:
        return "CPU vector extensions unknown (no /proc/cpuinfo)"
    listed = ", ".join(extensions) or "none of AVX, AVX2, FMA, AVX-512"
    if "avx2" in extensions:
        return f"CPU vector extensions: {listed}"
    return (f"CPU vector extensions: {listed}; without AVX2 TensorFlow falls back to slower kernels, and "
            "lesson 3's CNN may train several times slower than on a CPU with it")
