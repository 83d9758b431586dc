"""Where the course reads and writes: data, figures, models, progress.

Nothing here imports TensorFlow, so the launcher can answer `--help`,
`list` and `doctor` instantly.
"""

import os
import sys
from pathlib import Path

DATA_SOURCES = ("auto", "mnist", "sample")
DEFAULT_SEED = 42


def tfds_data_dir(data_dir=None):
    """The tensorflow-datasets folder: `--data-dir`, else $TFDS_DATA_DIR, else TFDS's default."""
    chosen = data_dir or os.environ.get("TFDS_DATA_DIR") or "~/tensorflow_datasets"
    return Path(chosen).expanduser()


def course_home():
    """The learner's own course folder (exercise progress, trained models).

    $COURSE_HOME, else Click's per-user application folder (~/.config/course on Linux).
    """
    if os.environ.get("COURSE_HOME"):
        return Path(os.environ["COURSE_HOME"]).expanduser()
    import click

    return Path(click.get_app_dir("course"))


def default_output(lesson):
    """Figures of a lesson go to ./course-output/lesson-N/ unless --out says otherwise."""
    return Path("course-output") / f"lesson-{lesson}"


def writable_problem(folder):
    """None if `folder` can be created and written to, else a short reason why not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".course-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or str(error)
    return None


def can_write_later(folder):
    """Could `folder` be created and written to? Asked without creating anything (for `course doctor`)."""
    folder = Path(folder).resolve()
    while not folder.exists():
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def display_available():
    """True when figures can open in a window (a desktop session, not a headless server)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
