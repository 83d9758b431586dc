"""The CPU's vector extensions, and the one TensorFlow setting they decide.

TensorFlow runs convolutions, pooling and matrix products through oneDNN, which
picks its kernels for the CPU it finds. On a CPU with AVX but not AVX2, oneDNN's
kernels trained lesson 3's CNN more than twice as slowly as TensorFlow's own
kernels, which are built for AVX alone and so are the same on every such CPU:
the backward pass of max pooling alone took longer than a whole training step
with AVX2 (benchmarks/README.md, measured with oneDNN held to AVX). So on such a
CPU the course turns oneDNN off before TensorFlow loads, unless you chose
yourself (TF_ENABLE_ONEDNN_OPTS set either way).
"""

from pathlib import Path

ONEDNN_SWITCH = "TF_ENABLE_ONEDNN_OPTS"  # read by TensorFlow once, when it is imported


def vector_extensions(cpuinfo=Path("/proc/cpuinfo")):
    """The CPU's vector extensions that decide oneDNN's kernels, as `cpuinfo` lists them: a subset of avx,
    avx2, fma, avx512f, avx512_bf16, in that order. None when unreadable (not Linux)."""
    try:
        flags = next(line for line in cpuinfo.read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return None
    present = set(flags.split(":", 1)[1].split())
    return [f for f in ("avx", "avx2", "fma", "avx512f", "avx512_bf16") if f in present]


def onednn_off_without_avx2(extensions, environ):
    """Set TF_ENABLE_ONEDNN_OPTS=0 in `environ` (os.environ, before TensorFlow is imported) when the CPU has
    no AVX2 and nobody set it. Returns True when it did."""
    if extensions is None or "avx2" in extensions or ONEDNN_SWITCH in environ:
        return False
    environ[ONEDNN_SWITCH] = "0"
    return True
