"""Which kernels TensorFlow computes with, as another CPU would choose them: `--kernels` for the benchmarks.

On Linux, TensorFlow runs oneDNN's kernels by default only on a CPU with AVX512_VNNI, AVX512_BF16, AVX_VNNI
or AMX (`TF_ENABLE_ONEDNN_OPTS` overrides that); on any other CPU, most with AVX2 and every one with AVX
alone, it runs its own kernels. oneDNN picks its kernels by the CPU's instruction set, which
`ONEDNN_MAX_CPU_ISA` can hold back. Both are read when TensorFlow is imported, so the choice is made first.
(`import course` turns oneDNN on for a CPU with AVX2 and FMA but none of those four, when the variable is
unset: course/cpu.py. A choice made here is left as it is.) Emulated on a newer CPU, not a real one: its
caches, memory and clock stay its own.
"""


CHOICES = {
    # TensorFlow's own kernels still multiply matrices with oneDNN's sgemm, which picks its instruction set as it
    # runs: held back too, they compute as an AVX2 / AVX CPU's would.
    "tensorflow-avx2": ({"TF_ENABLE_ONEDNN_OPTS": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"},
                        "TensorFlow's own kernels, sgemm held to AVX2 (an AVX2 CPU with oneDNN off)"),
    "tensorflow-avx": ({"TF_ENABLE_ONEDNN_OPTS": "0", "ONEDNN_MAX_CPU_ISA": "AVX"},
                       "TensorFlow's own kernels, sgemm held to AVX (a CPU with AVX alone)"),
    "onednn-avx2": ({"TF_ENABLE_ONEDNN_OPTS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2"},
                    "oneDNN's kernels held to AVX2 (an AVX2 CPU, as `import course` sets it up)"),
}


def add_option(parser):
    parser.add_argument("--kernels", choices=sorted(CHOICES),
                        help="compute as another CPU would (default: as this one does); see benchmarks/kernels.py")


def settings(choice):
    """The environment variables that make TensorFlow compute as `choice` says ({} for this CPU's own choice)."""
    return CHOICES[choice][0] if choice else {}


def described(choice):
    return CHOICES[choice][1] if choice else "this CPU's own choice of kernels"
