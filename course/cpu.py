"""The CPU's vector extensions, and whose kernels TensorFlow trains with on them.

On Linux, TensorFlow runs oneDNN's kernels by default only on a CPU with AVX512_VNNI, AVX512_BF16, AVX_VNNI
or AMX; on any other CPU it runs its own (`TF_ENABLE_ONEDNN_OPTS`, read once as TensorFlow is imported,
overrides the default). On a CPU with AVX2 and FMA but none of those, `import course` turns oneDNN's kernels on,
unless the variable is already set: emulated on a newer CPU (oneDNN held to AVX2), they trained lesson 3's CNN
in about half the time TensorFlow's own kernels took, to accuracies as good (benchmarks/README.md).
With AVX alone, oneDNN's kernels were slower than TensorFlow's own, so those stay. Imported after TensorFlow
(or Keras), the course leaves the choice as it was; the setting is inherited by programs this one starts.
"""

from pathlib import Path

ONEDNN_SWITCH = "TF_ENABLE_ONEDNN_OPTS"  # read once, as TensorFlow is imported
ONEDNN_BY_DEFAULT = ("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile")  # TensorFlow runs oneDNN with these


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


def onednn_by_default(extensions):
    """Whether TensorFlow, left to itself, runs oneDNN's kernels on a CPU with these extensions."""
    return any(extension in extensions for extension in ONEDNN_BY_DEFAULT)


def onednn_on_for_avx2(extensions, environ):
    """Set TF_ENABLE_ONEDNN_OPTS=1 in `environ` (os.environ, before TensorFlow is imported) on a CPU with AVX2
    and FMA whose TensorFlow would leave oneDNN off, unless someone set it. Returns True when it did."""
    if (extensions is None or not {"avx2", "fma"} <= set(extensions) or onednn_by_default(extensions)
            or ONEDNN_SWITCH in environ):
        return False
    environ[ONEDNN_SWITCH] = "1"
    return True
