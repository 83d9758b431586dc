"""How fast the launcher answers: `course --help` and `course list`, best of 7 fresh processes each.

    python benchmarks/startup.py
"""

import shutil
import statistics
import subprocess
import sys
import time

REPEATS = 7
CHECK = ("import sys; from course.cli import cli; cli.main({args!r}, standalone_mode=False); "
         "print('tensorflow imported' if 'tensorflow' in sys.modules else 'tensorflow not imported', file=sys.stderr)")


def seconds(command):
    """(best, median) wall seconds of running command in a fresh process, and its last stderr line."""
    times, last = [], ""
    for _ in range(REPEATS):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        last = (done.stderr.strip().splitlines() or [""])[-1]
    return min(times), statistics.median(times), last


if __name__ == "__main__":
    best, median, _ = seconds([sys.executable, "-c", "pass"])
    print(f"{'python -c pass':<24} best {best:.3f} s, median {median:.3f} s (the interpreter alone)")
    script = shutil.which("course")
    for args in (["--help"], ["list"]):
        best, median, tf = seconds([sys.executable, "-c", CHECK.format(args=args)])
        print(f"{'course ' + ' '.join(args) + ' (module)':<24} best {best:.3f} s, median {median:.3f} s, {tf}")
        if script:
            best, median, _ = seconds([script, *args])
            print(f"{'course ' + ' '.join(args) + ' (script)':<24} best {best:.3f} s, median {median:.3f} s "
                  f"(target <= 0.3 s)")
