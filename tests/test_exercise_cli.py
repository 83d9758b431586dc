"""The exercise commands as a learner uses them."""

import os
import re
import shlex
import signal
import subprocess
import sys
import threading

from click.testing import CliRunner
from helpers import started_as_from_a_terminal, wait_until

from course.cli import cli
from course.exercises import EXERCISES

RIGHT_RELU = "# course exercise: 2.1\nimport numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0)\n"


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_exercises_lists_every_exercise_with_its_status():
    result = invoke("exercises")
    assert result.exit_code == 0
    for exercise_id in EXERCISES:
        assert f"\n{exercise_id} " in "\n" + result.output
    assert result.output.count("not started") == len(EXERCISES)


def test_starter_file_never_overwrites_the_learners_work(tmp_path):
    assert invoke("exercise", "1.2", "--dir", str(tmp_path)).exit_code == 0
    starter = tmp_path / "ex1_2_sigmoid.py"
    assert starter.read_text().startswith("# course exercise: 1.2\n")
    starter.write_text("my work")
    refused = invoke("exercise", "1.2", "--dir", str(tmp_path))
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert starter.read_text() == "my work"
    assert invoke("exercise", "1.2", "--dir", str(tmp_path), "--force").exit_code == 0
    assert (tmp_path / "ex1_2_sigmoid.py.~1~").read_text() == "my work"
    assert invoke("exercise", "1.2", "--dir", str(tmp_path)).exit_code == 0  # the starter untouched: written again
    assert not (tmp_path / "ex1_2_sigmoid.py.~2~").exists()
    starter.write_text("more work")
    assert invoke("exercise", "1.2", "--dir", str(tmp_path), "--force").exit_code == 0
    assert (tmp_path / "ex1_2_sigmoid.py.~2~").read_text() == "more work"


def test_the_command_it_suggests_can_be_pasted_whatever_the_folder_is_called(tmp_path):
    folder = tmp_path / "my work (week 1)"
    written = invoke("exercise", "1.2", "--dir", str(folder))
    suggested = re.search(r"run `(course check .*)`\.", written.output).group(1)
    assert shlex.split(suggested) == ["course", "check", str(folder / "ex1_2_sigmoid.py")]


def test_check_exit_status_progress_and_solution(tmp_path):
    invoke("exercise", "2.1", "--dir", str(tmp_path))
    path = tmp_path / "ex2_1_relu.py"
    failing = invoke("check", str(path))
    assert failing.exit_code == 1 and "✗" in failing.output and "course hint 2.1" in failing.output
    hidden = invoke("solution", "2.1")
    assert hidden.exit_code == 2 and "pass exercise 2.1 first" in hidden.output
    path.write_text(RIGHT_RELU)
    passing = invoke("check", str(path))
    assert passing.exit_code == 0 and "Passed!" in passing.output
    assert "passed" in invoke("progress").output
    assert "np.maximum" in invoke("solution", "2.1").output
    forced = invoke("solution", "2.2", "--force")
    assert forced.exit_code == 0 and "costs most of what the exercise teaches" in forced.output


def test_check_usage_errors_exit_2(tmp_path):
    (tmp_path / "plain.py").write_text("def relu(z):\n    return z\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8" * 1_000_000)  # handed over by mistake
    for args, says in ((["check", str(tmp_path / "missing.py")], "does not exist"),
                       (["check", "1.2"], "name the file to check too: course check 1.2 FILE"),
                       (["check", "1.2", str(tmp_path / "photo.jpg")], "photo.jpg is over 1 MB"),
                       (["check", str(tmp_path)], "is not a file"),
                       (["check", str(tmp_path / "plain.py")], "no `# course exercise: ID` line"),
                       (["check", "9.9", str(tmp_path / "plain.py")], "there is no exercise '9.9'")):
        result = invoke(*args)
        assert result.exit_code == 2 and says in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1


def test_a_file_checked_against_another_exercise_than_it_names_gets_a_note(tmp_path):
    path = tmp_path / "relu.py"
    path.write_text(RIGHT_RELU)  # it names exercise 2.1
    result = invoke("check", "2.2", str(path))
    assert result.output.startswith(f"Note: {path} names exercise 2.1; it is checked against 2.2, as you asked.")
    assert "Checking" in invoke("check", "2.1", str(path)).output.splitlines()[0]  # no note when they agree


def test_hints_come_one_more_each_time():
    first, second = invoke("hint", "2.2").output, invoke("hint", "2.2").output
    assert "Hint 1 of 3" in first and "Hint 2 of 3" in second
    assert EXERCISES["2.2"].hints[1] in second


def test_reset_asks_first():
    invoke("hint", "1.1")
    assert invoke("progress", "--reset", "1.1", input="n\n").exit_code == 1
    result = invoke("progress", "--reset", "1.1", input="y\n")
    assert result.exit_code == 0 and "now not started" in result.output


def test_numpy_check_does_not_import_tensorflow(tmp_path):
    path = tmp_path / "ex2_1_relu.py"
    path.write_text(RIGHT_RELU)
    probe = ("import sys\nfrom course.cli import cli\ncode = cli.main(['check', sys.argv[1]], standalone_mode=False)\n"
             "print('TF-LOADED' if 'tensorflow' in sys.modules else 'TF-ABSENT', code)")
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "TF-ABSENT 0", result.stdout + result.stderr


def test_watch_rechecks_on_save_even_by_rename_waits_while_the_file_is_gone_and_stops_on_ctrl_c(tmp_path):
    path = tmp_path / "ex2_1_relu.py"
    path.write_text(RIGHT_RELU.replace("np.maximum(z, 0)", "z"))
    watcher = started_as_from_a_terminal(["course", "check", "--watch", str(path)], stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(watcher.stdout), daemon=True)
    reader.start()
    try:
        wait_until(lambda: "Stuck?" in "".join(lines), watcher)  # the first verdict: the file is wrong
        replacement = tmp_path / "new-version.tmp"
        replacement.write_text(RIGHT_RELU)
        os.replace(replacement, path)  # how many editors save: write a new file, rename it over the old
        wait_until(lambda: "Passed!" in "".join(lines), watcher)
        path.unlink()  # deleted: nothing is checked (not the last version read) until it is saved again
        wait_until(lambda: "waiting for it to be saved again" in "".join(lines), watcher)
        path.write_text(RIGHT_RELU.replace("np.maximum(z, 0)", "z"))
        wait_until(lambda: "".join(lines).count("Stuck?") == 2, watcher)
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=300) == 0, "".join(lines)
    finally:
        watcher.kill()  # a failed test leaves no watcher behind
    reader.join(timeout=300)
    output = "".join(lines)
    assert output.count("Checking") == 3 and output.count("Passed!") == 1
    assert "Stopped watching." in output
