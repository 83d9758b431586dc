"""The child side of `course.sandbox`: import the learner's file, call the function, save what it returned.

Runs as `python -I -m course.sandbox_child JOB_DIR` in a fresh process. It
reports facts only (what was returned, raised or warned); the parent judges.
"""

import difflib
import importlib.util
import inspect
import json
import sys
import traceback
import warnings
from pathlib import Path

SHADOWED = ("numpy", "keras", "tensorflow", "matplotlib", "PIL", "course")


def shadowing_files(folder):
    """Files like numpy.py in the learner's folder, which would hide the real library from their own script."""
    return [f"{name}.py" for name in SHADOWED if (Path(folder) / f"{name}.py").exists()]


def main(job_dir):
    job_dir = Path(job_dir)
    job = json.loads((job_dir / "job.json").read_text())
    out = job_dir / "out"
    report = {"calls": []}
    learner_file = Path(job["file"])
    if job["kind"] == "model":
        from course.quiet import quiet_tensorflow

        quiet_tensorflow()  # TensorFlow's start-up log is not the learner's output
    try:
        module = load(learner_file)
    except BaseException as error:  # noqa: any failure at import, KeyboardInterrupt and SystemExit included
        report["import_error"] = describe_import_error(error, learner_file)
        return finish(out, report)
    function = getattr(module, job["function"], None)
    if not callable(function):
        report["missing"] = describe_missing(module, job["function"], learner_file)
        return finish(out, report)
    import numpy as np

    if job["kind"] == "model":
        import keras

        keras.utils.set_random_seed(0)  # the same starting weights every check: a verdict does not flicker
    for i, call in enumerate(job["calls"]):
        args = [np.load(job_dir / a["array"], allow_pickle=False) if "array" in a else a["value"] for a in call["args"]]
        meta = {"array_args": len(args)}
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            try:
                result = function(*args, **call["kwargs"])
            except BaseException as error:  # noqa: the learner's exception is a fact to report
                meta["kind"] = "error"
                meta["error"] = describe_exception(error, learner_file)
                result = None
        meta["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught][:5]
        if meta.get("kind") != "error":
            save_result(result, out, i, meta, job["kind"])
        for j, arg in enumerate(args):
            if isinstance(arg, np.ndarray):
                np.save(out / f"after_{i}_{j}.npy", arg, allow_pickle=False)
        report["calls"].append(meta)
    finish(out, report)


def load(path):
    spec = importlib.util.spec_from_file_location("learner_solution", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save_result(result, out, i, meta, kind):
    import numpy as np

    meta["type"] = f"{type(result).__module__}.{type(result).__qualname__}"
    if kind == "model":
        import keras

        if isinstance(result, keras.Model):
            meta["kind"] = "model"
            result.save(out / f"model_{i}.keras")
        else:
            meta["kind"] = "other"
        return
    if type(result) is np.ndarray and result.dtype != object:  # exactly an ndarray: no subclass, no objects
        meta["kind"] = "ndarray"
        np.save(out / f"result_{i}.npy", result, allow_pickle=False)
    elif type(result) in (float, int) or type(result) in (np.float64, np.float32, np.float16, np.int64, np.int32):
        meta["kind"] = "number"
        np.save(out / f"result_{i}.npy", np.asarray(result), allow_pickle=False)
    else:
        meta["kind"] = "other"


def learner_line(tb, learner_file):
    """The last line of the learner's own file in a traceback, or None."""
    frames = [f for f in traceback.extract_tb(tb) if Path(f.filename) == learner_file]
    return frames[-1] if frames else None


def describe_exception(error, learner_file):
    frame = learner_line(error.__traceback__, learner_file)
    where = f" at line {frame.lineno} ({frame.line.strip()})" if frame and frame.line else ""
    return f"{type(error).__name__}: {str(error)[:300]}{where}"


def describe_import_error(error, learner_file):
    name = learner_file.name
    if isinstance(error, SyntaxError):
        where = f"line {error.lineno}" if error.lineno else "somewhere"
        return f"{name}, {where}: {type(error).__name__}: {error.msg}"
    if isinstance(error, SystemExit):
        return f"{name} called sys.exit() while being loaded: remove it, the checker calls your function itself"
    if isinstance(error, KeyboardInterrupt):
        return f"{name} raised KeyboardInterrupt while being loaded"
    if isinstance(error, ModuleNotFoundError) and error.name in SHADOWED:
        return f"{name}: cannot import {error.name} ({error})"
    shadow = shadowing_files(learner_file.parent)
    advice = f"; note: {', '.join(shadow)} beside your file would hide the real library when you run it yourself" if shadow else ""
    return f"{name}: {describe_exception(error, learner_file)} (while loading the file){advice}"


def describe_missing(module, wanted, learner_file):
    defined = sorted(n for n, v in vars(module).items()
                     if inspect.isfunction(v) and getattr(v, "__module__", "") == "learner_solution")
    if not defined:
        return f"{learner_file.name} defines no function; write `def {wanted}(...)`"
    close = difflib.get_close_matches(wanted, defined, n=1)
    found = ", ".join(f"`{n}`" for n in defined)
    return (f"{learner_file.name} has no function `{wanted}`; found {found}"
            + (f"; did you mean `{wanted}` instead of `{close[0]}`?" if close else ""))


def finish(out, report):
    partial = out / "report.json.partial"
    partial.write_text(json.dumps(report))
    partial.rename(out / "report.json")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
