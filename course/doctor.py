"""`course doctor`: what works on this machine, and what to do about what does not."""

import importlib.metadata
import os
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


# On Linux, TensorFlow runs oneDNN's kernels by default only on a CPU with one of these (TF_ENABLE_ONEDNN_OPTS
# overrides it); elsewhere it runs its own, built for AVX. The two round differently, so the last digits of an
# accuracy differ from machine to machine, and they train at different speeds (benchmarks/README.md).
ONEDNN_BY_DEFAULT = ("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile")


def vector_extensions(cpuinfo=Path("/proc/cpuinfo")):
    """The CPU's vector extensions that decide TensorFlow's kernels, as `cpuinfo` lists them: a subset of avx,
    avx2, fma, avx512f and ONEDNN_BY_DEFAULT, in that order. None when it lists no flags (not Linux, not x86)."""
    try:
        lines = cpuinfo.read_text(errors="replace").splitlines()
    except OSError:
        return None
    flags = next((line.partition(":")[2].split() for line in lines if line.startswith("flags")), None)
    if flags is None:
        return None
    return [f for f in ("avx", "avx2", "fma", "avx512f", *ONEDNN_BY_DEFAULT) if f in flags]


def cpu_sentence(extensions, environ):
    """The CPU's vector extensions, and whose kernels TensorFlow runs with them."""
    if extensions is None:
        return "CPU vector extensions unknown (/proc/cpuinfo lists no flags)"
    listed = ", ".join(extensions) or "none of AVX, AVX2, FMA, AVX-512"
    if environ.get("TF_ENABLE_ONEDNN_OPTS"):
        kernels = f"TF_ENABLE_ONEDNN_OPTS={environ['TF_ENABLE_ONEDNN_OPTS']} decides whether oneDNN's kernels run"
    elif any(extension in extensions for extension in ONEDNN_BY_DEFAULT):
        kernels = "TensorFlow runs oneDNN's kernels here"
    else:
        kernels = ("TensorFlow runs its own kernels here (oneDNN's only on CPUs with AVX-512 VNNI or BF16, "
                   "AVX-VNNI or AMX)")
    return f"CPU vector extensions: {listed}; {kernels}"
