"""The learner's progress: every check attempt and every hint shown, in one SQLite file.

    ~/.config/course/progress.sqlite   (click.get_app_dir("course"), or $COURSE_HOME)

Each write is one transaction, so a check killed mid-write or two checks at once
never lose an earlier pass. A file another program holds locked is waited for
(with a notice), never taken for damaged; if it stays locked, a new attempt is
kept aside in progress.pending.jsonl and added the next time (a line there that is
no attempt, such as one a killed write cut short, is kept in a file of its own).
Only a file SQLite itself calls damaged is moved aside (its name kept, a suffix
added), the learner is told, and a fresh one starts. A progress folder that cannot
be used (COURSE_HOME naming a file) raises ProgressUnusable, whose message names it.
"""

import json
import sqlite3
import time
from contextlib import closing

from course.places import course_home

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, at REAL NOT NULL,
    passed INTEGER NOT NULL, summary TEXT NOT NULL, file_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL);
"""


BUSY_NOTICE_SECONDS = 3  # waiting on a file another program holds: say so after this long
BUSY_GIVE_UP_SECONDS = 30  # ... and give up after this long, with a message naming the file
LATEST = 1e11  # seconds since 1970 (the year 5138): a later time in the pending file is no attempt's


class ProgressBusy(Exception):
    """Another program kept the progress file locked for BUSY_GIVE_UP_SECONDS; the message names it."""


class ProgressUnusable(Exception):
    """The progress file cannot be opened or created (its folder is a file, or not writable); the message names it."""


def database_path():
    return course_home() / "progress.sqlite"


def pending_path():
    """Attempts that could not be recorded because the file was busy: added to it the next time."""
    return database_path().with_name("progress.pending.jsonl")


def connect(notice=print):
    """An open connection to the progress database; a damaged file is set aside with a notice."""
    path = database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return _open(path, notice)
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            path.rename(aside)
            notice(f"Your progress file was damaged ({error}); it was kept as {aside} and a fresh one started.")
            return _open(path, notice)
    except sqlite3.OperationalError as error:
        if _busy(error):
            raise
        raise ProgressUnusable(_unusable(error)) from None
    except OSError as error:
        raise ProgressUnusable(_unusable(error)) from None


def _unusable(error):
    folder = database_path().parent
    reason = (f"{folder} is a file, not a folder" if folder.is_file()
              else error.strerror if isinstance(error, OSError) and error.strerror else error)
    return (f"your progress file {database_path()} cannot be used ({reason}); set COURSE_HOME to a folder you can "
            f"write to, or leave it unset")


def _open(path, notice):
    connection = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        connection.executescript(SCHEMA)
        connection.execute("SELECT count(*) FROM attempts").fetchone()  # reads a page: catches a damaged file
        _add_pending(connection, notice)
    except BaseException:
        connection.close()
        raise
    return connection


def _damaged(error):
    """Only what SQLite itself calls damage: not a database, or malformed. A locked file is not damaged."""
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return "not a database" in str(error) or "malformed" in str(error)


def _busy(error):
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _using(work, notice=print):
    """work(connection), waiting while another program holds the file; ProgressBusy if it never lets go."""
    started, told = time.monotonic(), False
    while True:
        try:
            with closing(connect(notice)) as db:
                return work(db)
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
        waited = time.monotonic() - started
        if waited > BUSY_GIVE_UP_SECONDS:
            raise ProgressBusy(f"your progress file {database_path()} stayed locked by another program for "
                               f"{waited:.0f} s (a database browser with the file open?); close it and try again")
        if waited > BUSY_NOTICE_SECONDS and not told:
            notice(f"Your progress file {database_path()} is locked by another program; waiting for it ...")
            told = True
        time.sleep(0.2)


def _transaction(db, *statements):
    db.execute("BEGIN IMMEDIATE")
    for statement in statements:
        db.execute(*statement)
    db.execute("COMMIT")


def _add_pending(db, notice):
    """Move the attempts kept aside while the file was busy into it; each is added once, however often this runs.
    Lines that are no attempt (a write cut short, an edit by hand) are kept in a file of their own, with a notice."""
    pending = pending_path()
    if not pending.exists():
        return
    rows, others = [], []
    for line in pending.read_bytes().splitlines():
        row = _attempt(line)
        if row is not None:
            rows.append(row)
        elif line.strip():
            others.append(line)
    _transaction(db, *[("INSERT INTO attempts (exercise, at, passed, summary, file_hash) SELECT ?, ?, ?, ?, ? "
                        "WHERE NOT EXISTS (SELECT 1 FROM attempts WHERE exercise = ? AND at = ? AND file_hash = ?)",
                        (*row, row[0], row[1], row[4])) for row in rows])
    if others:
        aside = pending.with_name(f"{pending.stem}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
        with open(aside, "ab") as kept:  # added to, should an earlier one of the same second be there
            kept.write(b"\n".join(others) + b"\n")
        notice(f"{len(others)} line{'s' if len(others) != 1 else ''} of {pending} held no attempt that could be "
               f"read (a write cut short?); kept as {aside}.")
    pending.unlink()


def _attempt(line):
    """One line of the pending file as a row (exercise, at, passed, summary, file hash), or None."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past Python's depth
        return None
    if not (isinstance(row, list) and len(row) == 5 and all(isinstance(row[i], str) for i in (0, 3, 4))
            and type(row[1]) in (int, float) and 0 <= row[1] < LATEST and type(row[2]) is int and row[2] in (0, 1)):
        return None
    return row[0], float(row[1]), *row[2:]


def record_attempt(exercise, passed, summary, file_hash):
    """Add one attempt; True when it is the exercise's first pass. If the file stays busy, the attempt is kept
    aside (and added next time) before ProgressBusy is raised: no pass is lost."""
    row = (exercise, time.time(), int(passed), summary, file_hash)

    def add(db):
        db.execute("BEGIN IMMEDIATE")
        passed_before = db.execute("SELECT 1 FROM attempts WHERE exercise = ? AND passed LIMIT 1", (exercise,))
        first_pass = bool(passed) and passed_before.fetchone() is None
        db.execute("INSERT INTO attempts (exercise, at, passed, summary, file_hash) VALUES (?, ?, ?, ?, ?)", row)
        db.execute("COMMIT")
        return first_pass

    try:
        return _using(add)
    except ProgressBusy as busy:
        with open(pending_path(), "a") as pending:
            pending.write(json.dumps(row) + "\n")
        raise ProgressBusy(f"{busy}. This attempt is kept in {pending_path()} and added to your progress "
                           f"next time.") from None


def status(exercise_ids, notice=print):
    """{id: ("not started" | "attempted" | "passed", date or None, attempts)} derived from the attempts."""
    rows = _using(lambda db: db.execute("SELECT exercise, count(*), max(passed), min(CASE WHEN passed THEN at END), "
                                        "max(at) FROM attempts GROUP BY exercise").fetchall(), notice)
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
    def count_one_more(db):
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT shown FROM hints WHERE exercise = ?", (exercise,)).fetchone()
        shown = row[0] if row else 0
        db.execute("INSERT INTO hints (exercise, shown) VALUES (?, ?) "
                   "ON CONFLICT(exercise) DO UPDATE SET shown = excluded.shown", (exercise, shown + 1))
        db.execute("COMMIT")
        return shown

    return _using(count_one_more)


def reset(exercise):
    _using(lambda db: _transaction(db, ("DELETE FROM attempts WHERE exercise = ?", (exercise,)),
                                   ("DELETE FROM hints WHERE exercise = ?", (exercise,))))


def code_hash(source):
    """A short fingerprint of the code that was checked (bytes)."""
    import hashlib

    return hashlib.sha256(source).hexdigest()[:16]
