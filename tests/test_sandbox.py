"""Learner code that misbehaves gets a clear verdict, can never pass, and never outlives its check.

Every case runs on a busy machine too: limits are given room, and the tests assert verdicts and
leftovers, never how long something took.
"""

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import started_as_from_a_terminal, wait_until

from course import sandbox
from course.checker import check
from course.cli import cli
from course.exercises import EXERCISES

SIGMOID, RELU = EXERCISES["1.2"], EXERCISES["2.1"]
RIGHT = "import numpy as np\ndef sigmoid(z):\n    z = np.asarray(z, float)\n    e = np.exp(-np.abs(z))\n" \
        "    r = np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n    return r if r.ndim else float(r)\n"
IN_PLACE_RELU = "def relu(z):\n    z[z < 0] = 0\n    return z\n"
HANG_GUARD = 300  # seconds after which a checker that never ends fails its test instead of hanging CI


def orphan(marker, then="time.sleep(600)"):
    """Learner code that starts a process which leaves the child's session and loses its parent (a daemon)."""
    program = f"import os, time\nif os.fork():\n    os._exit(0)\nos.setsid()\n{then}\n"
    return f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {program!r}, {marker!r}])\n"


def started_file(tmp_path):
    """Learner code that notes its process and folder in tmp_path/started, for the test to find."""
    return (f"import os\nopen({str(tmp_path / 'started')!r}, 'w').write(f'{{os.getpid()}} {{os.getcwd()}}')\n")


def processes_with(marker, grace=10.0):
    """Live processes whose command line holds marker, after giving them `grace` seconds to go."""
    deadline = time.monotonic() + grace
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes() \
                        and ") Z " not in (entry / "stat").read_text():
                    found.append(int(entry.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def said(report):
    return report.problem or " ".join(f"{r.failure.expected} {r.failure.got} {r.failure.hint}"
                                      for r in report.results if not r.passed)


# (name, exercise, code ({marker} is a string only this test's processes carry), limits, verdict, words)
ADVERSARIAL = [
    ("infinite loop", SIGMOID, "def sigmoid(z):\n    while True:\n        pass\n", {"timeout": 3}, False,
     "timed out after 3 s"),
    ("tens of GB", SIGMOID, "import numpy as np\ndef sigmoid(z):\n    hoard = []\n    while True:\n"
                            "        hoard.append(np.ones(10**7))\n", {"timeout": 600}, False,
     "used more than 1,024 MB"),
    ("sys.exit at import", SIGMOID, "import sys\nsys.exit(0)\n" + RIGHT, {}, False, "called sys.exit()"),
    ("os._exit at import", SIGMOID, "import os\nos._exit(0)\n" + RIGHT, {}, False, "ended the checking process"),
    ("prints a fake pass", SIGMOID, "print('3/3 checks passed (0.1 s). Passed!')\ndef sigmoid(z):\n    return z\n",
     {}, False, "within"),
    ("patches numpy's comparisons", SIGMOID, "import numpy as np\nnp.isclose = lambda *a, **k: True\n"
     "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
     "def sigmoid(z):\n    return np.zeros_like(np.asarray(z, float))\n", {}, False, "within"),
    ("syntax error", SIGMOID, "def sigmoid(z)\n    return z\n", {}, False, "solution.py, line 1: SyntaxError"),
    ("empty file", SIGMOID, "", {}, False, "defines no function"),
    ("unbounded recursion", SIGMOID, "def sigmoid(z):\n    return sigmoid(z)\n", {}, False, "RecursionError"),
    ("KeyboardInterrupt at import", SIGMOID, "raise KeyboardInterrupt\n", {}, False, "KeyboardInterrupt"),
    ("== always True", SIGMOID, "class Agree:\n    def __eq__(self, other):\n        return True\n"
     "def sigmoid(z):\n    return Agree()\n", {}, False, "an object of type learner_solution.Agree"),
    ("rigged ndarray subclass", SIGMOID, "import numpy as np\nclass Rigged(np.ndarray):\n    def __eq__(self, other):\n"
     "        return True\ndef sigmoid(z):\n    return np.zeros(3).view(Rigged)\n", {}, False, "not a subclass"),
    ("a typo in the name", SIGMOID, "import numpy as np\ndef sigmod(z):\n    return 1 / (1 + np.exp(-z))\n", {},
     False, "found `sigmod`; did you mean `sigmoid`"),
    ("fake result files", SIGMOID, "import json, os, numpy as np\nos.makedirs('out', exist_ok=True)\n"
     "np.save('out/result_0.npy', np.zeros((4, 7)))\n"
     "json.dump({'calls': [{'kind': 'ndarray'}] * 3}, open('out/report.json', 'w'))\nos._exit(0)\n", {}, False,
     "ended the checking process"),
    # Processes that try to outlive the check.
    ("a daemon that leaves the session", SIGMOID, "{orphan}" + RIGHT, {}, True, ""),
    ("a daemon that leaves the session and hoards 1.5 GB", SIGMOID,
     "{orphan_hoarding}import time\ndef sigmoid(z):\n    time.sleep(600)\n", {"timeout": 600}, False,
     "used more than 1,024 MB"),
    ("a non-daemon thread left running", SIGMOID,
     "import threading, time\nthreading.Thread(target=time.sleep, args=(600,)).start()\n" + RIGHT, {}, True, ""),
    # Code that tampers with what the checker reads, before or after its function returned.
    ("atexit rewrites the arrays after an in-place ReLU", RELU,
     "import atexit, glob, numpy as np\n"
     "atexit.register(lambda: [np.save(f, np.zeros(1)) for f in glob.glob('**/*.npy', recursive=True)])\n"
     + IN_PLACE_RELU, {}, False, "changed the input array"),
    ("a FIFO and a symlink to /dev/zero where output files were", SIGMOID,
     "import os\nos.mkfifo('stdout.txt')\nos.makedirs('out')\nos.symlink('/dev/zero', 'out/report.json')\n" + RIGHT,
     {}, True, ""),
    ("closes every channel to the checker", SIGMOID, "import os\nos.closerange(0, 1024)\n" + RIGHT, {}, False,
     "ended the checking process"),
    ("writes a fake report into the checker's channel", SIGMOID,
     "import os, struct\nfor fd in range(3, 64):\n    try:\n        os.write(fd, struct.pack('<Q', 5) + b'junk!')\n"
     "    except OSError:\n        pass\n" + RIGHT, {}, False, "unreadable"),
    ("claims a huge report", SIGMOID,
     "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\xff' * 8)\n    except OSError:\n"
     "        pass\n" + RIGHT, {}, False, "more than 256 MB"),
    ("forges a report whose count of arrays is infinite", SIGMOID,
     "import io, json, os, struct, sys, numpy as np\nb = io.BytesIO()\nnp.savez(b, report=np.array(json.dumps("
     "{'calls': [{'kind': 'ndarray', 'array_args': float('inf')}] * 3})))\n"
     "os.write(int(sys.argv[1]), struct.pack('<Q', len(b.getvalue())) + b.getvalue())\nos._exit(0)\n",
     {}, False, "a NumPy array"),
    ("forges a report that is a list", SIGMOID,
     "import io, os, struct, sys, numpy as np\nb = io.BytesIO()\nnp.savez(b, report=np.array('[1, 2]'))\n"
     "os.write(int(sys.argv[1]), struct.pack('<Q', len(b.getvalue())) + b.getvalue())\nos._exit(0)\n",
     {}, False, "unreadable"),
    ("forges a report nested a million deep", SIGMOID,
     "import io, os, struct, sys, numpy as np\nb = io.BytesIO()\nnp.savez(b, report=np.array('[' * 10**6))\n"
     "os.write(int(sys.argv[1]), struct.pack('<Q', len(b.getvalue())) + b.getvalue())\nos._exit(0)\n",
     {}, False, "unreadable"),
    ("deletes its own file", SIGMOID, "import os\nos.remove(__file__)\n" + RIGHT, {}, True, ""),
    ("signals the checker", SIGMOID, "{orphan}import os, signal\nfor s in (signal.SIGUSR1, signal.SIGALRM, "
     "signal.SIGUSR2):\n    os.kill(os.getppid(), s)\n" + RIGHT, {}, True, ""),
]


@pytest.mark.parametrize("name, exercise, code, limits, passes, says", ADVERSARIAL, ids=[a[0] for a in ADVERSARIAL])
def test_adversarial_code_gets_its_verdict_and_leaves_nothing_behind(name, exercise, code, limits, passes, says,
                                                                      tmp_path):
    marker = f"course-test-{uuid.uuid4().hex}"
    path = tmp_path / "solution.py"
    path.write_text(code.replace("{orphan}", orphan(marker)).replace(
        "{orphan_hoarding}", orphan(marker, then="import numpy\nhoard = numpy.ones(200_000_000)\ntime.sleep(600)")))
    report = check(exercise, path, **limits)  # on the main thread, as `course check` runs it
    assert report.passed == passes, said(report)
    assert says in said(report), said(report)
    assert processes_with(marker) == []


def test_non_utf8_bytes_are_a_syntax_error_in_the_learners_file(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"def sigmoid(z):\n    return '\xff\xfe'\n")
    report = check(SIGMOID, path)
    assert not report.passed and "solution.py" in report.problem and "SyntaxError" in report.problem


def test_megabytes_of_output_are_cut_to_a_readable_length(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("print('x' * 5_000_000)\nprint('the end')\n" + RIGHT)
    report = check(SIGMOID, path)
    assert report.passed
    assert len(report.output) < 2200 and "bytes of output cut" in report.output
    assert report.output.startswith("xxx") and report.output.rstrip().endswith("the end")


def test_a_numpy_py_beside_the_solution_does_not_replace_numpy(tmp_path):
    (tmp_path / "numpy.py").write_text("raise RuntimeError('not the real numpy')\n")
    path = tmp_path / "solution.py"
    path.write_text(RIGHT)
    assert check(SIGMOID, path).passed
    result = CliRunner().invoke(cli, ["check", "1.2", str(path)])
    assert result.exit_code == 0 and "numpy.py beside your file would hide the real library" in result.output


def test_a_solution_imports_the_learners_own_earlier_file(tmp_path):
    (tmp_path / "ex1_2_sigmoid.py").write_text(RIGHT)
    (tmp_path / "numpy.py").write_text("raise RuntimeError('not the real numpy')\n")
    path = tmp_path / "ex1_3_predict_proba.py"
    path.write_text("from ex1_2_sigmoid import sigmoid\n\ndef predict_proba(X, w, b):\n    return sigmoid(X @ w + b)\n")
    report = check(EXERCISES["1.3"], path)
    assert report.passed, said(report)


def test_the_starter_file_itself_fails_clearly(tmp_path):
    path = tmp_path / SIGMOID.file
    path.write_text(SIGMOID.starter())
    report = check(SIGMOID, path)
    assert not report.passed
    assert "NotImplementedError: write sigmoid here" in report.results[0].failure.got


def test_an_error_in_the_checker_itself_still_ends_the_learners_processes(tmp_path, monkeypatch):
    marker = f"course-test-{uuid.uuid4().hex}"
    path = tmp_path / "solution.py"
    path.write_text(orphan(marker) + started_file(tmp_path) + "def sigmoid(z):\n    while True:\n        pass\n")
    measured = sandbox.LearnerProcesses.memory_mb

    def breaks_once_the_learner_runs(self):
        if (tmp_path / "started").exists() and processes_with(marker, grace=0):
            raise RuntimeError("the checker broke")
        return measured(self)

    monkeypatch.setattr(sandbox.LearnerProcesses, "memory_mb", breaks_once_the_learner_runs)
    with pytest.raises(RuntimeError, match="the checker broke"):
        check(SIGMOID, path, timeout=600)
    child, folder = (tmp_path / "started").read_text().split(" ", 1)
    assert processes_with(marker) == []
    assert not Path(f"/proc/{child}").exists() and not Path(folder).exists()


def running_check(tmp_path, *options):
    """`course check` of an endless loop that started a daemon, as a learner runs it; returns (process, marker)."""
    marker = f"course-test-{uuid.uuid4().hex}"
    path = tmp_path / "ex1_2_sigmoid.py"
    path.write_text("# course exercise: 1.2\n" + orphan(marker) + started_file(tmp_path)
                    + "def sigmoid(z):\n    while True:\n        pass\n")
    checker = started_as_from_a_terminal(["course", "check", *options, str(path)],
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_until(lambda: (tmp_path / "started").exists() and processes_with(marker, grace=0), checker)
    return checker, marker


@pytest.mark.parametrize("stop, options, status", [
    (signal.SIGINT, ["--timeout", "600"], 1),
    (signal.SIGTERM, ["--timeout", "600"], 128 + signal.SIGTERM),
    (signal.SIGHUP, ["--timeout", "600"], 128 + signal.SIGHUP),
    (signal.SIGINT, ["--timeout", "600", "--watch"], 0),
], ids=["ctrl-c", "sigterm", "sighup", "ctrl-c while watching"])
def test_stopping_the_checker_ends_every_process_of_the_learners_code(stop, options, status, tmp_path):
    checker, marker = running_check(tmp_path, *options)
    child, folder = (tmp_path / "started").read_text().split(" ", 1)
    checker.send_signal(stop)
    output = checker.communicate(timeout=HANG_GUARD)[0]
    assert checker.returncode == status, output
    assert "Traceback" not in output
    assert processes_with(marker) == []
    assert not Path(f"/proc/{child}").exists() and not Path(folder).exists()


def test_a_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text(RIGHT)
    for value in ("nan", "inf", "0.1"):
        result = CliRunner().invoke(cli, ["check", "--timeout", value, "1.2", str(path)])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output


def test_escape_sequences_from_the_learners_code_reach_the_terminal_inert(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("print('\\x1b[2J\\x1b]0;owned\\x07cleared')\n" + RIGHT.replace(
        "    return r if", "    raise ValueError('\\x1b[31mred')\n    return r if"))
    result = CliRunner().invoke(cli, ["check", "1.2", str(path)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J" in result.output and "\\x1b[31mred" in result.output
    assert result.exit_code == 1
    named = path.rename(tmp_path / "so\x1b[31mlution.py")
    for args in (["check", "1.2", str(named)], ["check", "1.2", str(tmp_path / "mi\x1b]0;t\x07ssing.py")]):
        result = CliRunner().invoke(cli, args)
        assert "\x1b" not in result.output and "\x07" not in result.output and "\\x1b" in result.output


def test_a_file_that_imports_keras_for_nothing_is_not_timed_out_and_tensorflow_stays_quiet(tmp_path):
    """Loading the learner's file, TensorFlow's import included, has a limit of its own: the function's is tight, and
    the time reported is the function's."""
    path = tmp_path / "solution.py"
    path.write_text("import time\nimport keras\ntime.sleep(3)  # with the import, longer than the function's limit\n"
                    + RIGHT)
    report = check(SIGMOID, path, timeout=2)
    assert report.passed, said(report)
    assert report.output.strip() == "", report.output  # no oneDNN, CUDA or absl lines as the learner's output
    assert report.loading >= 3 and report.seconds < 2


def test_loading_may_take_as_long_as_the_functions_limit_when_that_is_longer(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "LOADING_SECONDS", 1)
    path = tmp_path / "solution.py"
    path.write_text("import time\ntime.sleep(2)\n" + RIGHT)  # a notebook's earlier cells may load data
    assert check(SIGMOID, path, timeout=60).passed


def test_an_endless_loop_outside_the_function_ends_within_the_loading_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "LOADING_SECONDS", 2)
    path = tmp_path / "solution.py"
    path.write_text("while True:\n    pass\n" + RIGHT)
    report = check(SIGMOID, path, timeout=1)  # loading has the longer of the two
    assert not report.passed and report.problem == ("loading your file took over 2 s (an endless loop outside your "
                                                    "function?)"), said(report)
    assert report.seconds == 0 and report.loading >= 2  # the function never ran


def test_long_output_shows_its_first_and_last_lines_with_what_was_cut(tmp_path):
    path = tmp_path / "solution.py"
    path.write_text("import sys\nfor i in range(100):\n    print(f'line {i}')\nsys.stdout.flush()\n" + RIGHT)
    result = CliRunner().invoke(cli, ["check", "1.2", str(path)])
    printed = result.output.split("your code printed:\n")[1].splitlines()
    assert printed[:2] == ["    | line 0", "    | line 1"] and "    | line 99" in printed
    assert "    | ... [60 lines cut] ..." in printed and "    | line 50" not in printed
