import os
import subprocess
import sys
from pathlib import Path

from course.cpu import ONEDNN_BY_DEFAULT, ONEDNN_SWITCH, onednn_on_for_avx2, vector_extensions
from course.doctor import cpu_sentence

AVX_ONLY = ["avx"]
AVX2 = ["avx", "avx2", "fma"]  # Haswell to Comet Lake, Zen 1 to 3: TensorFlow leaves oneDNN off
WITH_VNNI = ["avx", "avx2", "fma", "avx512f", "avx512_vnni"]  # TensorFlow turns oneDNN on itself


def test_the_vector_extensions_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma aes\nbugs\t\t: none\n")
    assert vector_extensions(cpuinfo) == AVX2
    cpuinfo.write_text("flags\t\t: sse avx512_vnni avx512f fma avx2 avx\n")
    assert vector_extensions(cpuinfo) == WITH_VNNI
    cpuinfo.write_bytes(b"flags : avx \xff\n")  # a byte that is not text does not stop `import course`
    assert vector_extensions(cpuinfo) == AVX_ONLY
    cpuinfo.write_text("flags\n")  # nor a line without its colon
    assert vector_extensions(cpuinfo) == []
    cpuinfo.write_text("processor\t: 0\nFeatures\t: fp asimd\n")  # an Arm CPU lists no flags
    assert vector_extensions(cpuinfo) is None
    assert vector_extensions(tmp_path / "missing") is None


def test_onednn_is_turned_on_only_where_tensorflow_leaves_it_off_on_an_avx2_cpu():
    environ = {}
    assert onednn_on_for_avx2(AVX2, environ) and environ == {ONEDNN_SWITCH: "1"}
    # With AVX alone oneDNN's kernels are slower; without FMA no AVX2 CPU is meant; with any of these four
    # TensorFlow turns oneDNN on itself.
    for extensions in (AVX_ONLY, ["avx", "avx2"], None, *[AVX2 + [flag] for flag in ONEDNN_BY_DEFAULT]):
        environ = {}
        assert not onednn_on_for_avx2(extensions, environ) and environ == {}, extensions
    assert set(ONEDNN_BY_DEFAULT) == {"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile"}
    environ = {ONEDNN_SWITCH: "0"}  # the learner's own choice stands
    assert not onednn_on_for_avx2(AVX2, environ) and environ == {ONEDNN_SWITCH: "0"}


def test_import_course_sets_the_switch_before_tensorflow_loads_and_not_after():
    # course/cpu.py is loaded first, told it runs on an AVX2 CPU, then `import course` runs as a learner's would.
    repository = Path(__file__).parents[1]
    cpu = repository / "course" / "cpu.py"
    script = f"""
import importlib.util, os, sys
os.environ.pop("{ONEDNN_SWITCH}", None)
if sys.argv[1] == "tensorflow first":
    sys.modules["tensorflow"] = object()  # as if the learner imported it before the course
spec = importlib.util.spec_from_file_location("course.cpu", {str(cpu)!r})
cpu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cpu)
cpu.vector_extensions = lambda: {AVX2!r}
sys.modules["course.cpu"] = cpu
import course
print(os.environ.get("{ONEDNN_SWITCH}"))
"""
    for order, switch in (("course first", "1"), ("tensorflow first", "None")):
        done = subprocess.run([sys.executable, "-c", script, order], capture_output=True, text=True, check=True,
                              cwd=repository, env={**os.environ, "PYTHONPATH": str(repository)})  # this tree's course
        assert done.stdout.split() == [switch], (order, done.stderr)


def test_doctor_says_whose_kernels_tensorflow_trains_with():
    assert cpu_sentence(AVX2, {ONEDNN_SWITCH: "1"}).endswith(f"oneDNN's kernels ({ONEDNN_SWITCH}=1)")
    assert cpu_sentence(AVX_ONLY, {}) == "CPU vector extensions: avx; TensorFlow trains with its own kernels"
    assert cpu_sentence(WITH_VNNI, {}).endswith("TensorFlow trains with oneDNN's kernels")
    assert "its own kernels" in cpu_sentence(WITH_VNNI, {ONEDNN_SWITCH: "FALSE"})
    # TensorFlow keeps its default for a value it cannot read, spaces included
    assert "oneDNN's kernels" in cpu_sentence(WITH_VNNI, {ONEDNN_SWITCH: "yes"})
    assert "its own kernels" in cpu_sentence(AVX2, {ONEDNN_SWITCH: " 1"})
    assert "unknown" in cpu_sentence(None, {})
