"""The progress store: transactions, concurrent writers, a killed writer, a damaged file, a locked one."""

import json
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

from click.testing import CliRunner

from course import progress
from course.cli import cli


def test_status_is_derived_from_the_attempts():
    assert progress.status(["1.1"])["1.1"] == ("not started", None, 0)
    progress.record_attempt("1.1", False, "1/3 checks passed", "aaa")
    assert progress.status(["1.1"])["1.1"][0] == "attempted"
    progress.record_attempt("1.1", True, "3/3 checks passed", "bbb")
    progress.record_attempt("1.1", False, "0/3 checks passed", "ccc")  # a later failure keeps the pass
    state, when, attempts = progress.status(["1.1"])["1.1"]
    assert state == "passed" and when and attempts == 3
    progress.reset("1.1")
    assert progress.status(["1.1"])["1.1"][0] == "not started"


def test_recording_says_which_attempt_is_the_first_pass():
    assert [progress.record_attempt("1.3", passed, "s", "h") for passed in (False, True, True)] == [False, True, False]


def test_hints_count_up():
    assert [progress.next_hint_number("2.2") for _ in range(3)] == [0, 1, 2]


def test_concurrent_writers_lose_nothing():
    writer = textwrap.dedent("""
        from course import progress
        for i in range(25):
            progress.record_attempt("2.1", i % 2 == 0, "x", "h")
    """)
    processes = [subprocess.Popen([sys.executable, "-c", writer]) for _ in range(3)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: progress.record_attempt("2.1", False, "t", "h"), range(25)))
    assert all(p.wait(timeout=60) == 0 for p in processes)
    assert progress.status(["2.1"])["2.1"][2] == 3 * 25 + 25


def test_a_writer_killed_mid_transaction_loses_no_earlier_pass():
    progress.record_attempt("3.1", True, "passed", "h")
    killed = textwrap.dedent("""
        import os, signal
        from course import progress
        db = progress.connect()
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM attempts")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert subprocess.run([sys.executable, "-c", killed]).returncode == -signal.SIGKILL
    assert progress.status(["3.1"])["3.1"][0] == "passed"
    progress.record_attempt("3.1", False, "after", "h")  # and the file is still writable
    assert progress.status(["3.1"])["3.1"][2] == 2


def test_a_damaged_file_is_set_aside_and_a_fresh_one_starts(capsys):
    path = progress.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    assert progress.status(["1.2"])["1.2"][0] == "not started"
    assert "was damaged" in capsys.readouterr().out
    kept = list(path.parent.glob("progress.sqlite.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    progress.record_attempt("1.2", True, "ok", "h")
    assert progress.status(["1.2"])["1.2"][0] == "passed"


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")  # what a database browser with an open write transaction does
    open(sys.argv[2], "w").close()
    time.sleep(float(sys.argv[3]))
""")


def hold_the_file(tmp_path, seconds):
    """Another program holding the progress file locked for `seconds`; returns once it holds it."""
    progress.record_attempt("1.1", True, "3/3 checks passed", "h")
    holding = tmp_path / "holding"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(progress.database_path()), str(holding),
                               str(seconds)])
    while not holding.exists():
        assert holder.poll() is None
        time.sleep(0.05)
    return holder


def test_a_file_locked_for_a_while_is_waited_for_not_set_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "BUSY_NOTICE_SECONDS", 0.5)
    holder = hold_the_file(tmp_path, 4)
    notices = []
    assert progress.status(["1.1"], notice=notices.append)["1.1"][0] == "passed"
    assert holder.wait(timeout=60) == 0
    assert len(notices) == 1 and "locked by another program" in notices[0]
    assert not list(progress.database_path().parent.glob("*damaged*"))


def test_a_file_that_stays_locked_ends_with_a_message_and_loses_no_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "BUSY_GIVE_UP_SECONDS", 1)
    holder = hold_the_file(tmp_path, 600)
    try:
        result = CliRunner().invoke(cli, ["progress"])
        assert result.exit_code == 1 and str(progress.database_path()) in result.output, result.output
        assert "stayed locked" in result.output and "Traceback" not in result.output
        solution = tmp_path / "relu.py"
        solution.write_text("import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0)\n")
        checked = CliRunner().invoke(cli, ["check", "2.1", str(solution)])  # a first pass, while the file is locked
        assert checked.exit_code == 1 and "Passed!" in checked.output, checked.output
        assert "added to your progress next time" in checked.output and "Traceback" not in checked.output
    finally:
        holder.kill()
        holder.wait()
    states = progress.status(["1.1", "2.1"])
    assert states["1.1"][0] == "passed" and states["2.1"] == (states["2.1"][0], states["2.1"][1], 1)
    assert states["2.1"][0] == "passed" and not progress.pending_path().exists()
    assert not list(progress.database_path().parent.glob("*damaged*"))


def test_a_pending_file_cut_short_or_edited_loses_no_attempt_and_breaks_nothing():
    """The pending file exists for abnormal times: a line a killed write cut short, or one edited by hand, is kept
    in a file of its own with a notice; the readable attempts are added, and every later command works."""
    progress.pending_path().parent.mkdir(parents=True, exist_ok=True)
    readable = ["2.1", 1764244000.0, 1, "3/3 checks passed", "abcd"]
    unreadable = [b'["1.2", 1764244000.0, 1, "3/3 checks pa', b'["1.3", 1.0]', b"\xff\xfe",
                  b'["1.1", Infinity, 1, "ok", "ab"]']
    progress.pending_path().write_bytes(b"\n".join([json.dumps(readable).encode(), *unreadable]) + b"\n")
    notices = []
    states = progress.status(["1.1", "1.2", "2.1"], notice=notices.append)
    assert states["2.1"][0] == "passed" and states["1.2"][0] == "not started" and states["1.1"][0] == "not started"
    assert len(notices) == 1 and "4 lines" in notices[0], notices
    kept = list(progress.pending_path().parent.glob("progress.pending.unreadable-*.jsonl"))
    assert len(kept) == 1 and kept[0].read_bytes().splitlines() == unreadable and str(kept[0]) in notices[0]
    assert not progress.pending_path().exists()
    result = CliRunner().invoke(cli, ["progress"])
    assert result.exit_code == 0 and "1 of" in result.output, result.output


def test_a_course_home_that_is_a_file_or_a_progress_file_that_cannot_open_ends_with_one_line(tmp_path, monkeypatch):
    solution = tmp_path / "relu.py"
    solution.write_text("import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0)\n")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("the learner's own file")
    for home in (not_a_folder, not_a_folder / "course"):  # a file, or a folder that would have to be in one
        monkeypatch.setenv("COURSE_HOME", str(home))
        for arguments in (["progress"], ["check", "2.1", str(solution)], ["predict", str(solution)]):
            result = CliRunner().invoke(cli, arguments)
            assert result.exit_code == 1 and "Traceback" not in result.output, result.output
            assert result.output.splitlines() == [f"Error: COURSE_HOME is {home}, where no folder can be made and "
                                                  f"written to (your progress and trained models go there): name "
                                                  f"another, or leave it unset"]
        assert CliRunner().invoke(cli, ["list"]).exit_code == 0  # needs no folder
    assert not_a_folder.read_text() == "the learner's own file"
    home = tmp_path / "home"
    (home / "progress.sqlite").mkdir(parents=True)  # no database can open there
    monkeypatch.setenv("COURSE_HOME", str(home))
    for arguments in (["progress"], ["check", "2.1", str(solution)]):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.output.splitlines()[-1] == (f"Error: your progress file {home / 'progress.sqlite'} cannot be "
                                                  f"used (unable to open database file); set COURSE_HOME to a folder "
                                                  f"you can write to, or leave it unset")
