"""The child side of `course.sandbox`: run the learner's code, send back what their function returned.

Runs as `python -I -m course.sandbox_child REPORT_FD LOADED_FD PARENT_PID` in a fresh process and a folder
of its own. The job (the learner's source, the function's name, the inputs) arrives on standard input;
a byte goes to the pipe LOADED_FD once the learner's file is loaded (their function's time starts then), and
one message goes back through the pipe REPORT_FD, the moment the work is done: an .npz holding a JSON
report and the returned arrays (or saved Keras models). Then the process ends at once: a thread the
learner's module left running, or an `atexit` handler, changes nothing. It reports facts only (what
was returned, raised or warned); the parent judges.

For a Keras exercise the learner's model is also trained and evaluated here, inside the same time
and memory limits as the rest of their code.
"""

import difflib
import inspect
import io
import json
import linecache
import os
import re
import struct
import sys
import traceback
import types
import warnings
from contextlib import contextmanager
from pathlib import Path

SHADOWED = ("numpy", "keras", "tensorflow", "matplotlib", "PIL", "course")
FILE_SIZE_LIMIT = 256 * 1024 * 1024  # bytes any one file the learner's code writes may reach
MODULE = "learner_solution"
IMPORTS_TENSORFLOW = re.compile(rb"^[ \t]*(?:from|import)\b[^\n#]*\b(?:keras|tensorflow)\b", re.MULTILINE)


def shadowing_files(folder):
    """Files like numpy.py in the learner's folder, which would hide the real library from their own script."""
    return [f"{name}.py" for name in SHADOWED if (Path(folder) / f"{name}.py").exists()]


def main(report_fd, loaded_fd, parent_pid):
    stay_within_limits(parent_pid)
    job, inputs = read_job()
    arrays = {}
    report = {"calls": []}
    try:
        run_job(job, inputs, report, arrays, loaded_fd)
    except BaseException as error:  # noqa: whatever broke, the parent gets a plain sentence
        report["broken"] = f"the checking process broke ({type(error).__name__}: {str(error)[:200]})"
    finally:
        flush_output()  # before the report: the parent ends this process as soon as the report is in
        send(report_fd, report, arrays)
        os._exit(0)  # no non-daemon thread, no atexit handler of the learner's runs after the report


def flush_output():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: a stream the learner's code replaced or closed
            pass


def stay_within_limits(parent_pid):
    """Die with the checker (Linux), and never write a file larger than FILE_SIZE_LIMIT."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent_pid:  # the checker was gone before the line above
            os._exit(1)
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")


def read_job():
    import numpy as np

    with np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=False) as job:
        inputs = {name: job[name] for name in job.files if name != "job"}
        description = json.loads(str(job["job"]))
    sys.stdin = open(os.devnull)
    return description, inputs


def run_job(job, inputs, report, arrays, loaded_fd):
    learner = Learner(job["file"], inputs.pop("source").tobytes(), job.get("cells"))
    if job["kind"] == "model" or IMPORTS_TENSORFLOW.search(learner.source):
        from course.quiet import quiet_tensorflow

        quiet_tensorflow()  # TensorFlow's start-up log is not the learner's output
    sys.path.append(str(learner.path.parent))  # their own earlier files import; numpy.py there cannot shadow numpy
    silencers = Silencers()
    silencers.put_in_place()
    try:
        module = learner.load()
    except BaseException as error:  # noqa: any failure at import, KeyboardInterrupt and SystemExit included
        report["import_error"] = learner.describe_import_error(error)
        return
    try:
        os.write(loaded_fd, b"1")
        os.close(loaded_fd)
    except OSError:
        pass  # the learner's code closed it: the check then ends within the loading's limit
    function = getattr(module, job["function"], None)
    if not callable(function):
        report["missing"] = learner.describe_missing(module, job["function"])
        return
    if job["kind"] == "model":
        import keras

        keras.utils.set_random_seed(0)  # the same starting weights every check: a verdict does not flicker
    models = []
    for i, call in enumerate(job["calls"]):
        args = [inputs[a["array"]] if "array" in a else a["value"] for a in call["args"]]
        meta, result = call_learner(learner, function, args, call["kwargs"], silencers)
        if meta.get("kind") != "error":
            keep_result(result, arrays, i, meta, job["kind"])
        if meta.get("kind") == "model":
            models.append((i, result, meta))
        for j, arg in enumerate(args):
            if hasattr(arg, "dtype"):
                arrays[f"after_{i}_{j}"] = arg
        meta["array_args"] = len(args)
        report["calls"].append(meta)
    if models:
        from course.model_checks import train_and_save

        report["training"] = train_and_save(models, job["training"], arrays, learner.describe_exception)


def call_learner(learner, function, args, kwargs, silencers):
    import numpy as np

    meta = {}
    # Warnings on as NumPy's defaults have them (an underflow to 0 is no mistake), whatever was set before.
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        with silencers.watching_the_call():
            try:
                result = function(*args, **kwargs)
            except BaseException as error:  # noqa: the learner's exception is a fact to report
                meta["kind"], meta["error"], result = "error", learner.describe_exception(error), None
    meta["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught][:5]
    meta["silenced"] = sorted(set(silencers.noted))
    return meta, result


class Silencers:
    """What turns warnings off, noted when the learner's function uses it: a check for "no overflow warning" must
    not pass because the warning was switched off. np.seterr and np.errstate set to anything but "warn" or "raise"
    (stricter) for overflow, division or invalid values (an underflow to 0 is no mistake), warnings' filters
    that ignore RuntimeWarning, and a warnings.catch_warnings that records or ignores them: called by the learner's
    code (NumPy's own use of them is no silencing). Put in place before that file is loaded, so that a name
    imported from numpy or warnings (`from numpy import errstate`), or kept under another, is watched too."""

    def __init__(self):
        self.watching, self.noted = False, []

    def note(self, label, silent):
        if self.watching and silent:
            self.noted.append(label)

    @contextmanager
    def watching_the_call(self):
        """Note silencers while the learner's function runs; after it, also what it changed by hand, not through
        the functions watched: a warning shown elsewhere than the checker's record, or a filter ignoring it."""
        shown = warnings.showwarning, warnings._showwarnmsg_impl
        filters, default = list(warnings.filters), warnings.defaultaction  # the first filter: the checker's "always"
        self.noted, self.watching = [], True
        try:
            yield
        finally:
            self.watching = False
            if (warnings.showwarning, warnings._showwarnmsg_impl) != shown:
                self.noted.append("warnings.showwarning")
            ignoring = any(f not in filters and f[0] == "ignore" and issubclass(RuntimeWarning, f[2])
                           for f in warnings.filters)
            if not self.noted and (filters[0] not in warnings.filters or warnings.defaultaction != default or ignoring):
                self.noted.append("warnings.filters")

    def put_in_place(self):
        import numpy as np

        note, seterr, numpy_itself = self.note, np.seterr, os.path.dirname(np.__file__)

        def by_learner():  # whether the wrapper asking was called by the learner's code, not by NumPy's own
            return not sys._getframe(2).f_code.co_filename.startswith(numpy_itself)
        simplefilter, filterwarnings = warnings.simplefilter, warnings.filterwarnings

        def quiet_modes(settings):
            return any(mode not in (None, "warn", "raise") for kind, mode in settings.items()
                       if kind not in ("under", "call"))

        def hides_runtime_warnings(action, category):  # category: a class, or a tuple of them
            return action == "ignore" and any(isinstance(kind, type) and issubclass(RuntimeWarning, kind)
                                              for kind in (category if isinstance(category, tuple) else (category,)))

        class errstate(np.errstate):  # entered as a `with`, or applied as a decorator
            def __init__(self, **settings):
                super().__init__(**settings)
                self.silent = quiet_modes(settings)

            def __enter__(self):
                note("np.errstate", self.silent and by_learner())
                return super().__enter__()

            def __call__(self, function):
                decorated, silent = super().__call__(function), self.silent and by_learner()

                def call(*args, **kwargs):
                    note("np.errstate", silent)
                    return decorated(*args, **kwargs)
                return call

        class catch_warnings(warnings.catch_warnings):
            def __init__(self, **settings):
                super().__init__(**settings)
                self.silent = bool(settings.get("record")) or hides_runtime_warnings(
                    settings.get("action"), settings.get("category", Warning))

            def __enter__(self):
                note("warnings.catch_warnings", self.silent and by_learner())
                return super().__enter__()

        def watched_seterr(all=None, **settings):  # noqa: A002 (NumPy's own name)
            note("np.seterr", quiet_modes({"all": all, **settings}) and by_learner())
            return seterr(all, **settings)

        def watched_simplefilter(action, category=Warning, *args, **kwargs):
            note("warnings.simplefilter", hides_runtime_warnings(action, category) and by_learner())
            return simplefilter(action, category, *args, **kwargs)

        def watched_filterwarnings(action, message="", category=Warning, *args, **kwargs):
            note("warnings.filterwarnings", hides_runtime_warnings(action, category) and by_learner())
            return filterwarnings(action, message, category, *args, **kwargs)

        np.seterr, np.errstate, warnings.catch_warnings = watched_seterr, errstate, catch_warnings
        warnings.simplefilter, warnings.filterwarnings = watched_simplefilter, watched_filterwarnings


def keep_result(result, arrays, i, meta, kind):
    import numpy as np

    meta["type"] = f"{type(result).__module__}.{type(result).__qualname__}"
    if kind == "model":
        import keras

        meta["kind"] = "model" if isinstance(result, keras.Model) else "other"
    elif type(result) is np.ndarray and result.dtype != object:  # exactly an ndarray: no subclass, no objects
        meta["kind"] = "ndarray"
        arrays[f"result_{i}"] = result
    elif type(result) in (float, int) or type(result) in (np.float64, np.float32, np.float16, np.int64, np.int32):
        meta["kind"] = "number"
        arrays[f"result_{i}"] = np.asarray(result)
    else:
        meta["kind"] = "other"


def send(report_fd, report, arrays):
    """One framed message: 8 bytes of length, then an .npz of the report and the arrays."""
    import numpy as np

    buffer = io.BytesIO()
    try:
        np.savez(buffer, report=np.array(json.dumps(report)), **arrays)
    except Exception as error:  # noqa: an array that cannot be saved must not stop the report
        buffer = io.BytesIO()
        report["unsendable"] = f"{type(error).__name__}: {error}"[:300]
        np.savez(buffer, report=np.array(json.dumps(report)))
    payload = buffer.getvalue()
    message = struct.pack("<Q", len(payload)) + payload
    try:
        while message:
            message = message[os.write(report_fd, message):]
    except OSError:
        pass  # the learner's code closed the channel: the parent says so


class Learner:
    """The learner's code as the checker received it, and how to speak of a line in it."""

    def __init__(self, path, source, cells=None):
        self.path = Path(path)
        self.source = source  # bytes: Python itself reads a coding line or a byte-order mark
        self.cells = cells  # for a notebook: [first line of the cell in the code, cell number], in order

    def load(self):
        """Import the code as the module `learner_solution`, its lines shown from what was received.

        A notebook's cells are compiled one by one, as Jupyter runs them: a cell never continues the one before.
        """
        text = self.source.decode("utf-8-sig", errors="replace")
        linecache.cache[str(self.path)] = (len(text), None, text.splitlines(True), str(self.path))
        module = types.ModuleType(MODULE)
        module.__file__ = str(self.path)
        sys.modules[MODULE] = module
        for code in self.compiled():
            exec(code, module.__dict__)
        return module

    def compiled(self):
        if not self.cells:
            return [compile(self.source, str(self.path), "exec")]
        lines = self.source.decode("utf-8").splitlines(True)
        starts = [first for first, _ in self.cells] + [len(lines) + 1]
        codes = []
        for first, end in zip(starts, starts[1:]):
            cell = "\n" * (first - 1) + "".join(lines[first - 1:end - 1])  # line numbers as in the whole code
            codes.append(compile(cell, str(self.path), "exec"))
        return codes

    def where(self, line):
        """'line 7', or 'cell 3, line 2' in a notebook."""
        if not self.cells:
            return f"line {line}"
        first, cell = max((c for c in self.cells if c[0] <= line), default=(1, 1))
        return f"cell {cell}, line {line - first + 1}"

    def describe_exception(self, error):
        frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == self.path]
        frame = frames[-1] if frames else None
        where = f" at {self.where(frame.lineno)} ({frame.line.strip()})" if frame and frame.line else ""
        return f"{type(error).__name__}: {str(error)[:300]}{where}"

    def describe_import_error(self, error):
        name = self.path.name
        if isinstance(error, SyntaxError):
            where = self.where(error.lineno) if error.lineno else "somewhere"
            return f"{name}, {where}: {type(error).__name__}: {error.msg}"
        if isinstance(error, SystemExit):
            return f"{name} called sys.exit() while being loaded: remove it, the checker calls your function itself"
        if isinstance(error, KeyboardInterrupt):
            return f"{name} raised KeyboardInterrupt while being loaded"
        if isinstance(error, ModuleNotFoundError) and error.name in SHADOWED:
            return f"{name}: cannot import {error.name} ({error})"
        shadow = shadowing_files(self.path.parent)
        advice = (f"; note: {', '.join(shadow)} beside your file would hide the real library when you run it "
                  f"yourself" if shadow else "")
        return f"{name}: {self.describe_exception(error)} (while loading the file){advice}"

    def describe_missing(self, module, wanted):
        defined = sorted(n for n, v in vars(module).items()
                         if inspect.isfunction(v) and getattr(v, "__module__", "") == MODULE)
        if not defined:
            return f"{self.path.name} defines no function; write `def {wanted}(...)`"
        close = difflib.get_close_matches(wanted, defined, n=1)
        found = ", ".join(f"`{n}`" for n in defined)
        return (f"{self.path.name} has no function `{wanted}`; found {found}"
                + (f"; did you mean `{wanted}` instead of `{close[0]}`?" if close else ""))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
