"""Which kernels TensorFlow computes with, as another CPU would choose them: `--kernels` for the benchmarks.

On Linux, TensorFlow runs oneDNN's kernels by default only on a CPU with AVX512_VNNI, AVX512_BF16, AVX_VNNI
or AMX (`TF_ENABLE_ONEDNN_OPTS` overrides that); on any other CPU, most with AVX2 and every one with AVX
alone, it runs its own kernels, built for AVX. oneDNN picks its kernels by the CPU's instruction set, which
`ONEDNN_MAX_CPU_ISA` can hold back. Both are read when TensorFlow is imported, so the choice is made first.
(`import course` turns oneDNN on for a CPU with AVX2 and FMA but none of those four, when the variable is
unset: course/cpu.py. A choice made here is left as it is.)
"""


CHOICES = {
    "tensorflow": ({"TF_ENABLE_ONEDNN_OPTS": "0"},
                   "TensorFlow's own kernels (a CPU without AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX)"),
    "onednn-avx2": ({"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"},
                    "oneDNN's AVX2 kernels (a CPU with AVX_VNNI but no AVX-512)"),
}


def add_option(parser):
    parser.add_argument("--kernels", choices=sorted(CHOICES),
                        help="compute as another CPU would (default: as this one does); see benchmarks/kernels.py")


def settings(choice):
    """The environment variables that make TensorFlow compute as `choice` says ({} for this CPU's own choice)."""
    return CHOICES[choice][0] if choice else {}


def described(choice):
    return CHOICES[choice][1] if choice else "this CPU's own choice of kernels"
