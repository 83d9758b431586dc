"""Run a learner's function in a fresh, separate Python process and collect only what it returned.

The parent writes the inputs as .npy files and a job description; the child
(`python -I -m course.sandbox_child JOB`) imports the learner's file, calls the
function, and saves each returned value as .npy (or a model as .keras) plus a
small report. Nothing the child says is taken as a verdict: the checker loads
the values itself (allow_pickle=False, safe_mode=True) and judges them.

Limits: wall-clock seconds, resident memory of the whole process group (polled;
RLIMIT_AS would break TensorFlow), output kept to a readable length. The child
runs in its own session, so the whole group is ended however it behaves.
"""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

OUTPUT_LIMIT = 2000  # characters of the learner's printed output shown back
FILE_SIZE_LIMIT = 256 * 1024 * 1024  # bytes any one file the child writes may reach


@dataclass
class Returned:
    """What one call of the learner's function gave back, as the parent sees it."""

    value: np.ndarray | None = None  # loaded here with allow_pickle=False; None if nothing usable came back
    kind: str = "nothing"  # "ndarray", "number", "model", "other", "error", "nothing"
    type_name: str = ""
    error: str | None = None  # the exception the learner's function raised, with its line
    warnings: list = field(default_factory=list)
    args_after: list = field(default_factory=list)  # the array arguments as they were after the call
    model_path: Path | None = None


@dataclass
class Run:
    """One run of the child: per-call results, or why there are none."""

    calls: list
    problem: str | None = None  # a one-line reason no call could be judged (syntax error, timeout, ...)
    output: str = ""  # what the learner's code printed, shortened
    seconds: float = 0.0


def run_learner_function(learner_file, function, calls, workdir, *, timeout, memory_mb, kind="array"):
    """Call `function` from `learner_file` once per (args, kwargs) in calls, in a child process."""
    workdir = Path(workdir)
    inputs = []
    for i, (args, kwargs) in enumerate(calls):
        encoded = []
        for j, arg in enumerate(args):
            if isinstance(arg, np.ndarray):
                np.save(workdir / f"in_{i}_{j}.npy", arg, allow_pickle=False)
                encoded.append({"array": f"in_{i}_{j}.npy"})
            else:
                encoded.append({"value": arg})
        inputs.append({"args": encoded, "kwargs": kwargs})
    (workdir / "job.json").write_text(json.dumps({"file": str(Path(learner_file).resolve()), "function": function,
                                                  "calls": inputs, "kind": kind}))
    started = time.perf_counter()
    problem = _supervise(workdir, timeout, memory_mb)
    seconds = time.perf_counter() - started
    output = _shortened((workdir / "stdout.txt").read_text(errors="replace"))
    report_file = workdir / "out" / "report.json"
    report = None
    if problem is None and report_file.is_file():
        try:
            report = json.loads(report_file.read_text())
        except ValueError:
            report = None
    if problem is None and report is None:
        problem = "your code ended the checking process before it could report (sys.exit or os._exit?)"
    if report is not None and report.get("import_error"):
        problem = report["import_error"]
    if report is not None and report.get("missing"):
        problem = report["missing"]
    returned = [] if problem else [_returned(workdir / "out", i, report["calls"][i] if i < len(report["calls"]) else {})
                                   for i in range(len(calls))]
    return Run(returned, problem, output, seconds)


def _supervise(workdir, timeout, memory_mb):
    """Run the child; end its whole process group on timeout or too much memory. Returns a problem or None."""
    (workdir / "out").mkdir()
    with open(workdir / "stdout.txt", "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "course.sandbox_child", str(workdir)],
            cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_limit_file_size,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONIOENCODING": "utf-8"})
        deadline = time.monotonic() + timeout
        problem = None
        while child.poll() is None:
            if time.monotonic() > deadline:
                problem = f"timed out after {timeout:g} s (an endless loop, or much too slow?)"
                break
            if _group_memory_mb(child.pid) > memory_mb:
                problem = f"used more than {memory_mb:,} MB of memory"
                break
            time.sleep(0.05)
        _end_group(child)
    return problem


def _limit_file_size():
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def _end_group(child):
    """Kill every process of the child's session: background processes it started too."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def _group_memory_mb(group):
    """Resident memory of all processes in the process group, from /proc (Linux); 0 where unknown."""
    total = 0
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # field 5 of /proc/PID/stat: the process group
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # field 24: resident pages
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024 / 1024


def _shortened(text):
    if len(text) <= OUTPUT_LIMIT:
        return text
    half = OUTPUT_LIMIT // 2
    return f"{text[:half]}\n... [{len(text) - OUTPUT_LIMIT:,} characters cut] ...\n{text[-half:]}"


def _returned(out, i, meta):
    returned = Returned(kind=meta.get("kind", "nothing"), type_name=str(meta.get("type", "")),
                        error=meta.get("error"), warnings=list(meta.get("warnings", [])))
    value_file, model_file = out / f"result_{i}.npy", out / f"model_{i}.keras"
    if value_file.is_file():
        try:
            returned.value = np.load(value_file, allow_pickle=False)
        except (ValueError, OSError):
            returned.kind, returned.value = "other", None
    if model_file.is_file():
        returned.model_path = model_file
    for j in range(int(meta.get("array_args", 0))):
        after = out / f"after_{i}_{j}.npy"
        returned.args_after.append(np.load(after, allow_pickle=False) if after.is_file() else None)
    return returned
