"""The progress store: transactions, concurrent writers, a killed writer, a damaged file."""

import os
import signal
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

from course import progress


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
