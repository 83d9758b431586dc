from course.cpu import ONEDNN_SWITCH, onednn_off_without_avx2, vector_extensions
from course.doctor import cpu_sentence

AVX_ONLY = ["avx"]
WITH_AVX2 = ["avx", "avx2", "fma", "avx512f"]


def test_the_vector_extensions_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 avx aes\nbugs\t\t: none\n")
    assert vector_extensions(cpuinfo) == AVX_ONLY
    cpuinfo.write_text("flags\t\t: sse avx512f fma avx2 avx\n")
    assert vector_extensions(cpuinfo) == WITH_AVX2
    assert vector_extensions(tmp_path / "missing") is None


def test_onednn_is_turned_off_only_without_avx2_and_only_when_nobody_chose():
    environ = {}
    assert onednn_off_without_avx2(AVX_ONLY, environ) and environ == {ONEDNN_SWITCH: "0"}
    for extensions in (WITH_AVX2, None):  # with AVX2, or a CPU we cannot read: TensorFlow's default
        environ = {}
        assert not onednn_off_without_avx2(extensions, environ) and environ == {}
    environ = {ONEDNN_SWITCH: "1"}  # the learner's own choice stands
    assert not onednn_off_without_avx2(AVX_ONLY, environ) and environ == {ONEDNN_SWITCH: "1"}


def test_doctor_says_what_the_cpu_means_for_training():
    assert cpu_sentence(WITH_AVX2, {}) == "CPU vector extensions: avx, avx2, fma, avx512f"
    assert "oneDNN kernels are off" in cpu_sentence(AVX_ONLY, {ONEDNN_SWITCH: "0"})
    on_anyway = cpu_sentence(AVX_ONLY, {ONEDNN_SWITCH: "1"})
    assert "on here" in on_anyway and f"{ONEDNN_SWITCH}=0 turns them off" in on_anyway
    assert "unknown" in cpu_sentence(None, {})
