"""The `course` launcher: lists and runs the lessons, prepares the data, checks the machine.

Only Click and the standard library are imported at start-up; NumPy, matplotlib
and TensorFlow are imported inside the commands that need them, so
`course --help` and `course list` answer at once.
"""

import sys
import time
from pathlib import Path

import click

from course import __version__
from course.places import DATA_SOURCES, DEFAULT_SEED, default_output, writable_problem


class CourseGroup(click.Group):
    """Click, but a learner's mistake is answered with one line and exit status 2, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args, prog_name or "course", complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else "course"
            click.echo(f"Error: {error.format_message()} (see `{where} --help`)", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            sys.exit(130)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


class LearnerError(click.ClickException):
    """A mistake in what the learner asked for: one line, exit status 2."""

    exit_code = 2


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def cli():
    """A Keras course companion: how a neural network tells which digit is in an image.

    Every lesson trains real Keras models on real handwritten digits (MNIST) and
    shows the numbers behind every picture. Start with `course list`, then
    `course lesson 1`.
    """


def main():
    cli()


def lesson_catalogue():
    from course.lessons import LESSONS

    return LESSONS


@cli.command("list")
def list_lessons():
    """The lessons: number, title, and the question each one answers."""
    for lesson in lesson_catalogue().values():
        click.echo(f"{lesson.number}. {lesson.title}")
        click.echo(f"   {lesson.question}")
    click.echo("\nRun one with `course lesson N` (add --quick for a fast smoke run).")


def check_output_folder(ctx, param, value):
    if value is None:
        return None
    problem = writable_problem(value)
    if problem:
        raise click.UsageError(f"cannot write to {value}: {problem}", ctx)
    return Path(value)


@cli.command()
@click.argument("number", type=int)
@click.option("--data", "source", type=click.Choice(DATA_SOURCES), default="auto", show_default=True,
              help="mnist: the full 70,000 digits; sample: 5,000 bundled digits (offline); "
                   "auto: mnist when it can be had, else the sample.")
@click.option("--data-dir", type=click.Path(file_okay=False),
              help="tensorflow-datasets folder (default: $TFDS_DATA_DIR or ~/tensorflow_datasets).")
@click.option("--quick", is_flag=True, help="A small subset and one epoch: a smoke run in seconds.")
@click.option("--epochs", type=click.IntRange(min=1), help="Train every model for this many epochs.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same numbers on the same machine.")
@click.option("--out", type=click.Path(file_okay=False), callback=check_output_folder,
              help="Folder for the figures (default: ./course-output/lesson-N).")
@click.option("--show/--no-show", default=None,
              help="Open the figures in windows at the end (default: when a display is available).")
@click.option("--summary-json", type=click.Path(dir_okay=False),
              help="Also write the summary (data, each model's accuracy, figures) to this JSON file.")
@click.option("--retrain", is_flag=True,
              help="Train every model again instead of loading it from the model cache (~/.course/models).")
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log messages.")
@click.pass_context
def lesson(ctx, number, source, data_dir, quick, epochs, seed, out, show, summary_json, retrain, verbose):
    """Run lesson NUMBER: it prints its story step by step and saves its figures as PNG."""
    catalogue = lesson_catalogue()
    if number not in catalogue:
        known = ", ".join(str(n) for n in catalogue)
        raise LearnerError(f"there is no lesson {number}; the lessons are {known} (see `course list`)")
    if out is None:
        out = check_output_folder(ctx, None, default_output(number))
    if summary_json:
        check_output_folder(ctx, None, Path(summary_json).resolve().parent)
    from course.runner import run_lesson

    run_lesson(catalogue[number], source=source, data_dir=data_dir, quick=quick, epochs=epochs, seed=seed,
               out=out, show=show, summary_json=summary_json, verbose=verbose, retrain=retrain)


@cli.group()
def data():
    """Where the digits come from: import the MNIST files, see what is ready."""


@data.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--data-dir", type=click.Path(file_okay=False),
              help="tensorflow-datasets folder to prepare MNIST in (default: $TFDS_DATA_DIR or ~/tensorflow_datasets).")
@click.option("--replace", is_flag=True, help="Import over an MNIST that is already prepared.")
def data_import(folder, data_dir, replace):
    """Prepare full MNIST offline from the four IDX files in FOLDER.

    FOLDER holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
    t10k-labels-idx1-ubyte (each may be .gz). Afterwards `--data mnist` works without a network.
    """
    from course.data import DataError, import_mnist

    started = time.perf_counter()
    click.echo(f"Checking the four MNIST files in {folder} ...")
    try:
        prepared, counts = import_mnist(folder, data_dir, replace=replace)
    except DataError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"MNIST prepared in {prepared}: {counts['train']:,} train and {counts['test']:,} test digits "
               f"({time.perf_counter() - started:.0f} s). Use it with `course lesson N --data mnist`.")


@data.command("info")
@click.option("--data-dir", type=click.Path(file_okay=False), help="tensorflow-datasets folder to look in.")
def data_info(data_dir):
    """Which data sources are ready, where they are, and their sizes."""
    from course.data import describe_sources

    for row in describe_sources(data_dir):
        state = "ready" if row["ready"] else "not prepared"
        size = f"{row['bytes'] / 1e6:.1f} MB" if row["ready"] else "-"
        click.echo(f"{row['source']:<7} {state:<13} {size:>9}  {row['where']}")
        if row["source"] == "mnist" and not row["ready"]:
            click.echo("        to prepare it: go online and run a lesson with --data auto, "
                       "or `course data import DIR` with the four MNIST files")


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False), help="tensorflow-datasets folder to look in.")
def doctor(data_dir):
    """One screen: what works on this machine, and what to do about what does not."""
    from course.doctor import diagnose

    problems = 0
    for ok, line in diagnose(data_dir):
        click.echo(f"  {'ok ' if ok else 'NO '} {line}")
        problems += not ok
    click.echo("\nAll good: try `course lesson 1`." if not problems else f"\n{problems} thing(s) to look at above.")
