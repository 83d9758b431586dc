"""A lesson end to end, as a learner runs it: wall seconds, peak memory, accuracies, training seconds.

    python benchmarks/lesson_run.py 1 --data mnist     # after `course data import ../shared/data/mnist`
    python benchmarks/lesson_run.py 1 --data sample

Runs `course lesson N` in a fresh process (TensorFlow import included) under
/usr/bin/time -v when it exists, so the peak resident memory is measured too.
It uses the model cache in COURSE_HOME: point COURSE_HOME at an empty folder to
time the training. `--kernels` computes as another CPU would (benchmarks/kernels.py).
"""

import argparse
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import kernels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", type=int)
    parser.add_argument("--data", default="mnist", choices=["mnist", "sample"])
    parser.add_argument("--data-dir")
    parser.add_argument("--quick", action="store_true")
    kernels.add_option(parser)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        summary_path = Path(scratch) / "summary.json"
        command = ["course", "lesson", str(args.lesson), "--data", args.data, "--no-show",
                   "--out", str(Path(scratch) / "figures"), "--summary-json", str(summary_path)]
        command += ["--data-dir", args.data_dir] if args.data_dir else []
        command += ["--quick"] if args.quick else []
        timer = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
        started = time.perf_counter()
        done = subprocess.run(timer + command, capture_output=True, text=True,
                              env={**os.environ, **kernels.settings(args.kernels)})
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        summary = json.loads(summary_path.read_text())

    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    data = summary["data"]
    print(f"course lesson {args.lesson} --data {data['source']}{' --quick' if args.quick else ''}: "
          f"{data['train']:,} train / {data['test']:,} test digits; {kernels.described(args.kernels)}")
    print(f"  wall time, process start to summary: {wall:.1f} s")
    print(f"  peak memory: {int(peak.group(1)) / 1024**2:.2f} GB" if peak else "  peak memory: (no /usr/bin/time)")
    for name, model in summary["models"].items():
        print(f"  {name:<28} test accuracy {model['test_accuracy']:.2%}  params {model['params']:>9,}  "
              f"training {model['train_seconds']:.1f} s")


if __name__ == "__main__":
    main()
