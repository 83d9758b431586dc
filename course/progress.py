"""The learner's progress: every check attempt and every hint shown, in one SQLite file.

    ~/.config/course/progress.sqlite   (click.get_app_dir("course"), or $COURSE_HOME)

Each write is one transaction, so a check killed mid-write or two checks at once
never lose an earlier pass. A damaged file is moved aside (its name kept, a
suffix added), the learner is told, and a fresh one starts.
"""

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from course.places import course_home

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, at REAL NOT NULL,
    passed INTEGER NOT NULL, summary TEXT NOT NULL, file_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL);
"""


def database_path():
    return course_home() / "progress.sqlite"


def connect(notice=print):
    """An open connection to the progress database; a damaged file is set aside with a notice."""
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path)
    except sqlite3.DatabaseError as error:
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)
        notice(f"Your progress file was damaged ({error}); it was kept as {aside} and a fresh one started.")
        return _open(path)


def _open(path):
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 30000")
        connection.executescript(SCHEMA)
        connection.execute("SELECT count(*) FROM attempts").fetchone()  # reads a page: catches a damaged file
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def record_attempt(exercise, passed, summary, file_hash):
    with closing(connect()) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO attempts (exercise, at, passed, summary, file_hash) VALUES (?, ?, ?, ?, ?)",
                   (exercise, time.time(), int(passed), summary, file_hash))
        db.execute("COMMIT")


def status(exercise_ids):
    """{id: ("not started" | "attempted" | "passed", date or None, attempts)} derived from the attempts."""
    with closing(connect()) as db:
        rows = db.execute("SELECT exercise, count(*), max(passed), min(CASE WHEN passed THEN at END), max(at) "
                          "FROM attempts GROUP BY exercise").fetchall()
    found = {row[0]: row[1:] for row in rows}
    result = {}
    for exercise in exercise_ids:
        if exercise not in found:
            result[exercise] = ("not started", None, 0)
            continue
        count, passed, first_pass, last = found[exercise]
        when = first_pass if passed else last
        result[exercise] = ("passed" if passed else "attempted", time.strftime("%Y-%m-%d", time.localtime(when)), count)
    return result


def has_passed(exercise):
    return status([exercise])[exercise][0] == "passed"


def next_hint_number(exercise):
    """How many hints were shown before, and count one more (in one transaction)."""
    with closing(connect()) as db:
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT shown FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        shown = row[0] if row else 0
        db.execute("INSERT INTO hints (exercise, shown) VALUES (?, ?) "
                   "ON CONFLICT(exercise) DO UPDATE SET shown = excluded.shown", (exercise, shown + 1))
        db.execute("COMMIT")
    return shown


def reset(exercise):
    with closing(connect()) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM attempts WHERE exercise = ?", (exercise,))
        db.execute("DELETE FROM hints WHERE exercise = ?", (exercise,))
        db.execute("COMMIT")


def file_hash(path):
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
