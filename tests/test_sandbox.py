"""Learner code that misbehaves gets a clear verdict, in bounded time, and can never pass."""

import os
import textwrap
import time

import pytest

from click.testing import CliRunner

from course.checker import check
from course.cli import cli
from course.exercises import EXERCISES

SIGMOID = EXERCISES["1.2"]
RIGHT = "import numpy as np\ndef sigmoid(z):\n    z = np.asarray(z, float)\n    e = np.exp(-np.abs(z))\n" \
        "    r = np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n    return r if r.ndim else float(r)\n"

ADVERSARIAL = [
    ("infinite loop", "def sigmoid(z):\n    while True:\n        pass\n", "timed out after 3 s"),
    ("tens of GB", "import numpy as np\ndef sigmoid(z):\n    hoard = []\n    while True:\n"
                   "        hoard.append(np.ones(10**7))\n", "used more than 1,024 MB"),
    ("sys.exit at import", "import sys\nsys.exit(0)\n" + RIGHT, "called sys.exit()"),
    ("os._exit at import", "import os\nos._exit(0)\n" + RIGHT, "ended the checking process"),
    ("prints a fake pass", "print('3/3 checks passed (0.1 s). Passed!')\ndef sigmoid(z):\n    return z\n", "within"),
    ("patches numpy's comparisons", "import numpy as np\nnp.isclose = lambda *a, **k: True\n"
                                    "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                                    "def sigmoid(z):\n    return np.zeros_like(np.asarray(z, float))\n", "within"),
    ("syntax error", "def sigmoid(z)\n    return z\n", "solution.py, line 1: SyntaxError"),
    ("empty file", "", "defines no function"),
    ("unbounded recursion", "def sigmoid(z):\n    return sigmoid(z)\n", "RecursionError"),
    ("KeyboardInterrupt at import", "raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("== always True", "class Agree:\n    def __eq__(self, other):\n        return True\n"
                       "def sigmoid(z):\n    return Agree()\n", "an object of type learner_solution.Agree"),
    ("rigged ndarray subclass", "import numpy as np\nclass Rigged(np.ndarray):\n    def __eq__(self, other):\n"
                                "        return True\ndef sigmoid(z):\n    return np.zeros(3).view(Rigged)\n",
     "not a subclass"),
    ("a typo in the name", "import numpy as np\ndef sigmod(z):\n    return 1 / (1 + np.exp(-z))\n",
     "found `sigmod`; did you mean `sigmoid`"),
    ("fake result files", "import json, os, numpy as np\nos.makedirs('out', exist_ok=True)\n"
                          "np.save('out/result_0.npy', np.zeros((4, 7)))\n"
                          "json.dump({'calls': [{'kind': 'ndarray'}] * 3}, open('out/report.json', 'w'))\n"
                          "os._exit(0)\n", "within"),
]


@pytest.mark.parametrize("name, code, says", ADVERSARIAL, ids=[a[0] for a in ADVERSARIAL])
def test_adversarial_code_gets_its_verdict_in_bounded_time(name, code, says, tmp_path):
    path = tmp_path / "solution.py"
    path.write_text(code)
    started = time.perf_counter()
    report = check(SIGMOID, path, timeout=3)
    assert time.perf_counter() - started < 3 + 2.5
    assert not report.passed
    text = report.problem or " ".join(f"{r.failure.expected} {r.failure.got} {r.failure.hint}"
                                      for r in report.results if not r.passed)
    assert says in text, text


def test_non_utf8_bytes_are_a_syntax_error_in_the_learners_file(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"def sigmoid(z):\n    return '\xff\xfe'\n")
    report = check(SIGMOID, path)
    assert not report.passed and "solution.py" in report.problem and "SyntaxError" in report.problem


def test_megabytes_of_output_are_cut_to_a_readable_length(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("print('x' * 5_000_000)\n" + RIGHT)
    report = check(SIGMOID, path)
    assert report.passed
    assert len(report.output) < 2200 and "characters cut" in report.output


def test_a_background_process_is_ended_with_the_check(tmp_path):
    path = tmp_path / "solution.py"
    pid_file = tmp_path / "pid"
    path.write_text(textwrap.dedent(f"""\
        import subprocess, sys
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(sleeper.pid))
        """) + RIGHT)
    started = time.perf_counter()
    report = check(SIGMOID, path)
    assert report.passed and time.perf_counter() - started < 10
    pid = int(pid_file.read_text())
    time.sleep(0.2)
    assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


def test_a_numpy_py_beside_the_solution_does_not_replace_numpy(tmp_path):
    (tmp_path / "numpy.py").write_text("raise RuntimeError('not the real numpy')\n")
    path = tmp_path / "solution.py"
    path.write_text(RIGHT)
    assert check(SIGMOID, path).passed
    result = CliRunner().invoke(cli, ["check", "1.2", str(path)])
    assert result.exit_code == 0 and "numpy.py beside your file would hide the real library" in result.output


def test_the_starter_file_itself_fails_clearly(tmp_path):
    path = tmp_path / SIGMOID.file
    path.write_text(SIGMOID.starter())
    report = check(SIGMOID, path)
    assert not report.passed
    assert "NotImplementedError: write sigmoid here" in report.results[0].failure.got
