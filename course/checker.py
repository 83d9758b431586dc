"""`course check`: run the learner's function in a fresh process, judge what it returned here.

    report = check(EXERCISES["1.2"], "ex1_2_sigmoid.py")      # a .py file or a notebook
    report.passed, report.results   # one Result per check, with input, expected, got and a hint

The learner's code never runs in this process, and everything it runs (a Keras model's training
included) runs under the time and memory limits. This process imports TensorFlow only to load
back a Keras exercise's model.
"""

import secrets
from dataclasses import dataclass, field

import numpy as np

from course import checks
from course.checks import Result
from course.learner_files import read_code
from course.sandbox import LearnerCode, run_learner_function

MEMORY_MB = {False: 1024, True: 4096}  # NumPy exercises / Keras exercises

__all__ = ["Report", "Result", "check"]


@dataclass
class Report:
    exercise: str
    results: list = field(default_factory=list)
    problem: str | None = None  # why nothing could be checked (syntax error, timeout, missing function...)
    output: str = ""
    seconds: float = 0.0  # the learner's function's (a Keras model's training included)
    loading: float = 0.0  # loading their file, before

    @property
    def passed(self):
        return self.problem is None and bool(self.results) and all(r.passed for r in self.results)

    def summary(self):
        if self.problem:
            return self.problem
        return f"{sum(r.passed for r in self.results)}/{len(self.results)} checks passed"


def check(exercise, learner, *, timeout=None, memory_mb=None, seed=None):
    """Check `learner` (a path, or LearnerCode already read) against `exercise`."""
    code = learner if isinstance(learner, LearnerCode) else read_code(learner)
    limits = {"timeout": timeout or exercise.timeout, "memory_mb": memory_mb or MEMORY_MB[exercise.needs_tensorflow]}
    if exercise.needs_tensorflow:
        from course.model_checks import MODEL_CALLS, TRAINING, model_results

        calls = [((), kwargs) for kwargs in MODEL_CALLS[exercise.id]]
        run = run_learner_function(code, exercise.function, calls, kind="model",
                                   training=TRAINING[exercise.id], **limits)
        report = Report(exercise.id, problem=run.problem, output=run.output, seconds=run.seconds,
                        loading=run.loading)
        if not run.problem:
            report.results = model_results(exercise.id, run)
        return report
    cases = checks.CASES[exercise.id](np.random.default_rng(seed if seed is not None else secrets.randbits(64)))
    run = run_learner_function(code, exercise.function, [(c.args, c.kwargs or {}) for c in cases], **limits)
    report = Report(exercise.id, problem=run.problem, output=run.output, seconds=run.seconds,
                    loading=run.loading)
    for case, returned in zip(cases, run.calls):
        failure = case.judge(returned, case.args)
        report.results.append(Result(case.name, failure is None, case.shown, failure))
    return report
