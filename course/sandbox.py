"""Run a learner's function in a fresh, separate Python process and collect only what it returned.

The job (the learner's code, the function's name, the inputs) goes to the child
(`python -I -m course.sandbox_child`) on its standard input. What comes back comes through
channels the checker opened and reads itself, with size caps: one pipe for the child's message
(a JSON report and the returned arrays or models, an .npz read with allow_pickle=False), one for
what the learner's code printed. Nothing is read from the folder the learner's code runs in, and
nothing the child says is taken as a verdict: the checker judges the values.

Limits: wall-clock seconds for the learner's function (starting the child and loading their file, which
may import TensorFlow, has LOADING_SECONDS of its own, or as long when that is longer), and the resident
memory of every process the learner's code started (RLIMIT_AS would break TensorFlow). However the check
ends (verdict, a limit, Ctrl-C, SIGTERM or SIGHUP, an error in the checker), every one of those processes
is ended and the folder removed.
On Linux the checker is a child subreaper while a check runs, so a process that leaves the
child's session (setsid) or loses its parent is still found, counted and ended.
"""

import io
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

OUTPUT_LIMIT = 2000  # bytes of the learner's printed output shown back (half from the start, half from the end)
MESSAGE_LIMIT = 256 * 1024 * 1024  # bytes of the child's message: returned arrays and saved models
ENDING_SECONDS = 5  # how long ending the learner's processes may take before the checker gives up
# Seconds to start the checking process and load the learner's file, apart from their function's time: importing
# TensorFlow takes several seconds on a busy laptop, and a file that imports it for nothing is no endless loop.
LOADING_SECONDS = 30
SIGNALS_THAT_END = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STRAY_SIGNALS = (signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF)


@dataclass
class Returned:
    """What one call of the learner's function gave back, as the parent sees it."""

    value: np.ndarray | None = None  # None if nothing usable came back
    kind: str = "nothing"  # "ndarray", "number", "model", "other", "error", "nothing"
    type_name: str = ""
    error: str | None = None  # the exception the learner's function raised, with its line
    warnings: list = field(default_factory=list)
    silenced: list = field(default_factory=list)  # what the function called that turns warnings off
    args_after: list = field(default_factory=list)  # the array arguments as they were after the call
    model_bytes: bytes | None = None  # a returned Keras model, as a .keras file
    parameters: int | None = None
    save_error: str | None = None


@dataclass
class Run:
    """One run of the child: per-call results, or why there are none."""

    calls: list
    problem: str | None = None  # a one-line reason no call could be judged (syntax error, timeout, ...)
    output: str = ""  # what the learner's code printed, shortened
    seconds: float = 0.0  # the learner's function's, once their file was loaded (0 if it never was)
    loading: float = 0.0  # starting the checking process and loading the learner's file
    training: dict | None = None  # Keras exercises: how the learner's model trained
    predictions: np.ndarray | None = None  # ... and what it then predicted for the test digits


@dataclass
class LearnerCode:
    """The code to run: the learner's file, or the code cells of their notebook."""

    path: Path
    source: bytes
    cells: list | None = None  # notebooks: [first line of the cell in source, cell number]


_one_check_at_a_time = threading.Lock()  # the orphans this process adopts belong to the one check running


def run_learner_function(code, function, calls, *, timeout, memory_mb, kind="array", training=None):
    """Call `function` from `code` once per (args, kwargs) in calls, in a child process."""
    job, arrays = {"file": str(code.path.resolve()), "cells": code.cells, "function": function,
                   "kind": kind, "training": training, "calls": []}, {}
    arrays["source"] = np.frombuffer(code.source, dtype=np.uint8)
    for i, (args, kwargs) in enumerate(calls):
        encoded = []
        for j, arg in enumerate(args):
            if isinstance(arg, np.ndarray):
                arrays[f"in_{i}_{j}"] = arg
                encoded.append({"array": f"in_{i}_{j}"})
            else:
                encoded.append({"value": arg})
        job["calls"].append({"args": encoded, "kwargs": kwargs})
    message = io.BytesIO()
    np.savez(message, job=np.array(json.dumps(job)), **arrays)
    with _one_check_at_a_time, tempfile.TemporaryDirectory(prefix="course-check-",
                                                           ignore_cleanup_errors=True) as folder:
        problem, output, payload, seconds, loading = _supervise(message.getvalue(), folder, timeout, memory_mb)
    run = _read_message(payload, len(calls)) if problem is None else Run([], problem)
    run.output, run.seconds, run.loading = output, seconds, loading
    return run


def _supervise(job, folder, timeout, memory_mb):
    """Run the child until its message is in, or a limit is hit; end all it started, whatever happens.

    Returns (problem or None, printed output, message payload or None, the function's seconds, the loading's).
    """
    report_read, report_write = os.pipe()
    loaded_read, loaded_write = os.pipe()  # the child writes a byte here once the learner's file is loaded
    with _signals_end_the_check(), _adopting_orphans():
        started = time.monotonic()
        others = _children_of(os.getpid())
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "course.sandbox_child", str(report_write), str(loaded_write),
             str(os.getpid())],
            cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(report_write, loaded_write), start_new_session=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        learner, problem, loaded = LearnerProcesses(child, others), None, None
        try:  # from here on, whatever happens, the learner's processes are ended
            os.close(report_write)
            os.close(loaded_write)
            os.set_blocking(loaded_read, False)
            output, message = _Drain(child.stdout), _Drain(os.fdopen(report_read, "rb"), framed=True)
            threading.Thread(target=_feed, args=(child.stdin, job), daemon=True).start()
            while not message.complete.is_set() and child.poll() is None:
                loaded = loaded or _loaded_at(loaded_read)
                if loaded is None and time.monotonic() - started > max(LOADING_SECONDS, timeout):
                    problem = (f"loading your file took over {max(LOADING_SECONDS, timeout):g} s (an endless loop "
                               f"outside your function?)")
                    break
                if loaded is not None and time.monotonic() - loaded > timeout:
                    problem = f"timed out after {timeout:g} s (an endless loop, or much too slow?)"
                    break
                if learner.memory_mb() > memory_mb:
                    problem = f"used more than {memory_mb:,} MB of memory"
                    break
                message.complete.wait(0.05)
            loaded = loaded or _loaded_at(loaded_read)  # a quick function's report can come before the next look
        finally:
            os.close(loaded_read)
            with _signals_held():
                learner.end()
        ended = time.monotonic()
    output.done.wait(ENDING_SECONDS)
    message.done.wait(ENDING_SECONDS)
    if problem is None and not message.complete.is_set():
        problem = "your code ended the checking process before it could report (sys.exit, os._exit, or a crash?)"
    if problem is None and message.too_large:
        problem = (f"the checking process sent back more than {MESSAGE_LIMIT // 2**20} MB (what your function "
                   f"returned, or something your code wrote to the checker's channel)")
    loading = (loaded or ended) - started
    return problem, output.text(), message.payload, ended - loaded if loaded else 0.0, loading


def _loaded_at(loaded_read):
    """The time the child said the learner's file was loaded, or None while it has not."""
    try:
        return time.monotonic() if os.read(loaded_read, 1) else None
    except BlockingIOError:
        return None


def _feed(stream, job):
    try:
        stream.write(job)
        stream.close()
    except OSError:
        pass  # the child ended before reading its job: its exit says why


class _Drain(threading.Thread):
    """Reads a pipe to its end in the background, keeping a bounded amount.

    Output: the first and last OUTPUT_LIMIT / 2 bytes. Framed: the first message of
    8 bytes of length and that many bytes of payload, if it is at most MESSAGE_LIMIT.
    """

    def __init__(self, stream, framed=False):
        super().__init__(daemon=True)
        self.stream, self.framed = stream, framed
        self.head, self.tail, self.total = bytearray(), bytearray(), 0
        self.payload, self.too_large = None, False
        self.complete, self.done = threading.Event(), threading.Event()
        self.start()

    def run(self):
        try:
            self._read_message() if self.framed else self._read_output()
            while self.stream.read(65536):  # later writes are ignored, and never block their writer
                pass
        except (OSError, ValueError):
            pass
        finally:
            self.done.set()

    def _read_output(self):
        half = OUTPUT_LIMIT // 2
        while chunk := self.stream.read1(65536):
            self.total += len(chunk)
            if len(self.head) < half:
                self.head += chunk[:half - len(self.head)]
            self.tail = (self.tail + chunk)[-half:]

    def _read_message(self):
        header = self.stream.read(8)
        if len(header) < 8:
            return
        (size,) = struct.unpack("<Q", header)
        if size > MESSAGE_LIMIT:
            self.too_large = True
            self.complete.set()
            return
        payload = self.stream.read(size)
        if len(payload) == size:
            self.payload = payload
            self.complete.set()

    def text(self):
        if self.total <= OUTPUT_LIMIT:
            kept = bytes(self.head + self.tail[len(self.tail) - (self.total - len(self.head)):])
            return kept.decode("utf-8", errors="replace")
        return (f"{self.head.decode('utf-8', errors='replace')}\n... [{self.total - OUTPUT_LIMIT:,} bytes of output "
                f"cut] ...\n{self.tail.decode('utf-8', errors='replace')}")


def _read_message(payload, n_calls):
    """The child's message as a Run; anything malformed is a plain problem, never an exception."""
    unreadable = Run([], "the checking process sent back something unreadable (did your code write to its "
                         "channels?)")
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MESSAGE_LIMIT:
                return unreadable
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            report = json.loads(str(arrays["report"]))
            values = {name: arrays[name] for name in arrays.files if name != "report"}
        if not isinstance(report, dict):
            return unreadable
        for key in ("import_error", "missing", "unsendable", "broken"):
            if report.get(key):
                return Run([], str(report[key]))
        metas = report["calls"]
        if not isinstance(metas, list) or len(metas) != n_calls or not all(isinstance(m, dict) for m in metas):
            return unreadable
        calls = [_returned(values, i, meta) for i, meta in enumerate(metas)]
        training = report.get("training")
        return Run(calls, training=training if isinstance(training, dict) else None,
                   predictions=values.get("predictions"))
    except (ValueError, KeyError, TypeError, OSError, EOFError, OverflowError, RecursionError, zipfile.BadZipFile):
        return unreadable


def _returned(values, i, meta):
    text = {key: str(meta[key]) if meta.get(key) is not None else None for key in ("error", "save_error")}
    parameters = meta.get("parameters")
    returned = Returned(kind=str(meta.get("kind", "nothing")), type_name=str(meta.get("type", "")),
                        warnings=[str(w) for w in meta.get("warnings", [])][:5], **text,
                        silenced=[str(w) for w in meta.get("silenced", [])][:5],
                        parameters=parameters if isinstance(parameters, int) else None)
    returned.value = values.get(f"result_{i}")
    if returned.kind in ("ndarray", "number") and returned.value is None:
        returned.kind = "other"
    model = values.get(f"model_{i}")
    returned.model_bytes = model.tobytes() if model is not None else None
    array_args = meta.get("array_args", 0)
    count = min(array_args, len(values)) if type(array_args) is int else 0  # never more than the arrays that came
    returned.args_after = [values.get(f"after_{i}_{j}") for j in range(count)]
    return returned


# ---------------------------------------------------------------- every process the learner's code started

class LearnerProcesses:
    """The child and all its descendants, orphans adopted by this process included (Linux /proc)."""

    def __init__(self, child, others):
        self.child, self.others, self.known = child, others, {child.pid}

    def alive(self):
        """{pid: resident bytes} of the learner's processes still running (zombies left out)."""
        table = _process_table()
        if table is None:  # no /proc: the child's session is all that can be found
            return {self.child.pid: 0} if self.child.poll() is None else {}
        children = {}
        for pid, (parent, _, _) in table.items():
            children.setdefault(parent, []).append(pid)
        adopted = [pid for pid in children.get(os.getpid(), []) if pid not in self.others]
        found, todo = set(), [pid for pid in self.known | set(adopted) if pid in table]
        while todo:
            pid = todo.pop()
            if pid not in found:
                found.add(pid)
                todo.extend(children.get(pid, []))
        self.known |= found
        return {pid: table[pid][1] for pid in found if table[pid][2] != "Z"}

    def memory_mb(self):
        return sum(self.alive().values()) / 2**20

    def end(self):
        """SIGKILL every one of them until none is left, and reap the ones that are this process's children."""
        deadline = time.monotonic() + ENDING_SECONDS
        while True:
            alive = self.alive()
            if not alive or time.monotonic() > deadline:
                break
            for pid in alive:
                _kill(pid)
            _kill(-self.child.pid)  # the child's process group: found even without /proc
            time.sleep(0.02)
        for pid in self.known - {self.child.pid}:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass  # not ours to reap: its parent, one of them, is gone too
        try:
            self.child.wait(ENDING_SECONDS)
        except subprocess.TimeoutExpired:
            pass  # stuck in the kernel; SIGKILL ends it when it returns


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _process_table():
    """{pid: (parent pid, resident bytes, state)} from /proc, or None where there is no /proc."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    page, table = os.sysconf("SC_PAGE_SIZE"), {}
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            table[int(entry.name)] = (int(fields[1]), int(fields[21]) * page, fields[0].decode())
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
    return table


def _children_of(pid):
    table = _process_table() or {}
    return {child for child, (parent, _, _) in table.items() if parent == pid}


@contextmanager
def _adopting_orphans():
    """Linux: while a check runs, orphaned descendants are re-parented to this process, not to init."""
    if not sys.platform.startswith("linux"):
        yield
        return
    import ctypes

    libc = ctypes.CDLL(None)
    before = ctypes.c_int()
    libc.prctl(37, ctypes.byref(before), 0, 0, 0)  # PR_GET_CHILD_SUBREAPER
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    try:
        yield
    finally:
        libc.prctl(36, before.value, 0, 0, 0)


@contextmanager
def _signals_end_the_check():
    """SIGTERM and SIGHUP end a check as Ctrl-C does: by an exception, so the cleanup below runs; stray signals
    are ignored.

    The exit status is the usual 128 + the signal's number. Only the main thread can set handlers;
    elsewhere the signals keep their handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    # Signals nobody sends a checker but the learner's code (os.kill(os.getppid(), ...)): ignored while it runs.
    previous.update({s: signal.signal(s, signal.SIG_IGN) for s in STRAY_SIGNALS})
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP wait until the learner's processes are ended, then take effect."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS_THAT_END)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS_THAT_END)
