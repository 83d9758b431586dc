"""The `course` launcher: lists and runs the lessons, prepares the data, checks the machine.

Only Click and the standard library are imported at start-up; NumPy, matplotlib
and TensorFlow are imported inside the commands that need them, so
`course --help` and `course list` answer at once.
"""

import functools
import math
import os
import shlex
import sys
import time
from pathlib import Path

import click

from course import __version__
from course.lessons import MODELS
from course.places import DATA_SOURCES, DEFAULT_SEED, can_write_later, course_home, default_output, writable_problem


# Click 8.2 and later raise this for a group called without a command; Click 8.1 shows the help by itself.
NO_COMMAND_GIVEN = getattr(click.exceptions, "NoArgsIsHelpError", ())


class CourseGroup(click.Group):
    """Click, but a learner's mistake is answered with one line and exit status 2, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args, prog_name or "course", complete_var, standalone_mode=False, **extra)
        except NO_COMMAND_GIVEN as asked:  # `course` or `course data` alone: the help, no error
            click.echo(asked.ctx.get_help())
            sys.exit(0)
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


SEED = click.IntRange(0, 2**32 - 1)  # the seeds NumPy and Keras accept
PRINTED_LINES = 40  # of what the learner's code printed, shown under a check's verdict


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
@click.pass_context
def cli(ctx):
    """A Keras course companion: how a neural network tells which digit is in an image.

    Every lesson trains real Keras models on real handwritten digits (MNIST) and
    shows the numbers behind every picture. Start with `course list`, then
    `course lesson 1`; practise with `course exercises`.
    """
    # `list` needs no folder, and `doctor` reports this one among the rest.
    if os.environ.get("COURSE_HOME") and ctx.invoked_subcommand not in ("list", "doctor"):
        try:
            usable = can_write_later(course_home())
        except OSError:  # a folder on the way that cannot even be looked into
            usable = False
        if not usable:
            raise click.ClickException(f"COURSE_HOME is {inert(os.environ['COURSE_HOME'])}, where no folder can be "
                                       f"made and written to (your progress and trained models go there): name "
                                       f"another, or leave it unset")


def main():
    cli()


def lesson_catalogue():
    from course.lessons import LESSONS

    return LESSONS


def find_lesson(number):
    catalogue = lesson_catalogue()
    if number not in catalogue:
        known = ", ".join(str(n) for n in catalogue)
        raise LearnerError(f"there is no lesson {number}; the lessons are {known} (see `course list`)")
    return catalogue[number]


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


def summary_file(ctx, param, value):
    """--summary-json: a new file, or a summary a lesson wrote before; never a file of the learner's own."""
    from course.story import is_summary

    if value is None:
        return None
    if Path(value).exists() and not is_summary(value):
        raise LearnerError(f"{inert(value)} exists and holds something other than a lesson's summary: give "
                           f"--summary-json a new file name (it would be written over)")
    check_output_folder(ctx, param, Path(value).resolve().parent)
    return value


@cli.command()
@click.argument("number", type=int)
@click.option("--data", "source", type=click.Choice(DATA_SOURCES), default="auto", show_default=True,
              help="mnist: the full 70,000 digits; sample: 5,000 bundled digits (offline); "
                   "auto: mnist when it can be had, else the sample.")
@click.option("--data-dir", type=click.Path(file_okay=False),
              help="tensorflow-datasets folder (default: $TFDS_DATA_DIR or ~/tensorflow_datasets).")
@click.option("--quick", is_flag=True, help="A small subset and one epoch: a smoke run in seconds.")
@click.option("--epochs", type=click.IntRange(min=1), help="Train every model for this many epochs.")
@click.option("--seed", type=SEED, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same numbers on the same machine.")
@click.option("--out", type=click.Path(file_okay=False), callback=check_output_folder,
              help="Folder for the figures (default: ./course-output/lesson-N).")
@click.option("--show/--no-show", default=None,
              help="Open the figures in windows at the end (default: when a display is available).")
@click.option("--summary-json", type=click.Path(dir_okay=False), callback=summary_file,
              help="Also write the summary (data, each model's accuracy, figures) to this JSON file.")
@click.option("--retrain", is_flag=True,
              help="Train every model again instead of loading it from the model cache.")
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log messages.")
@click.option("--image", type=click.Path(dir_okay=False),
              help="Lesson 4 only: your own photo or scan of one digit (PNG, JPEG, BMP, GIF), opened up "
                   "instead of the bundled example.")
@click.pass_context
def lesson(ctx, number, source, data_dir, quick, epochs, seed, out, show, summary_json, retrain, verbose, image):
    """Run lesson NUMBER: it prints its story step by step and saves its figures as PNG."""
    chosen = find_lesson(number)
    if image and number != 4:
        raise LearnerError(f"--image is for lesson 4 (your own handwriting), not lesson {number}")
    if image:
        check_digit_image(image)
    if out is None:
        out = check_output_folder(ctx, None, default_output(number))
    from course.runner import run_lesson

    run_lesson(chosen, source=source, data_dir=data_dir, quick=quick, epochs=epochs, seed=seed,
               out=out, show=show, summary_json=summary_json, verbose=verbose, retrain=retrain, image=image)


def check_digit_image(path):
    """A one-line error, before anything slow starts, when `path` is not a usable picture of a digit."""
    from course.preprocess import ImageError, mnistify, read_image

    try:
        mnistify(read_image(path))
    except (ImageError, ValueError) as error:
        raise LearnerError(f"{path}: {error}") from None


def trained_models_options(command):
    """--data, --data-dir and --seed: which of the lessons' trained models (cached, or trained now) answer."""
    for option in reversed([
        click.option("--data", "source", type=click.Choice(DATA_SOURCES), default="auto", show_default=True,
                     help="The digits the models are (or were) trained on: mnist, the bundled sample, or auto."),
        click.option("--data-dir", type=click.Path(file_okay=False), help="tensorflow-datasets folder to look in."),
        click.option("--seed", type=SEED, default=DEFAULT_SEED, show_default=True,
                     help="The training seed of the models."),
    ]):
        command = option(command)
    return command


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path())
@click.option("--model", type=click.Choice(list(MODELS)), default="cnn", show_default=True,
              help="Which lesson's model answers: logistic (lesson 2's softmax regression), mlp (lesson 2), "
                   "cnn (lesson 3).")
@click.option("--explain", is_flag=True,
              help="Save one figure per image: its pre-processing steps, the saliency of the answer, "
                   "the probabilities.")
@click.option("--out", type=click.Path(file_okay=False), callback=check_output_folder,
              help="Folder for the --explain figures (default: ./course-output/predict).")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per line: {"file", "prediction", "unsure", "probabilities"} or {"file", "error"}.')
@trained_models_options
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log messages.")
@click.pass_context
def predict(ctx, images, model, explain, out, as_json, source, data_dir, seed, verbose):
    """Read your own images of digits (IMAGES: one or more files) with a lesson's trained model.

    Each image is made to look like MNIST (course.preprocess.mnistify: grayscale, ink made
    high, cropped, fitted into 20x20, centred in 28x28), whatever its size, colours or
    format. Prints the predicted digit and the top three probabilities ("unsure" when no
    digit gets half of the probability). The model comes
    from the model cache; if no lesson has trained it yet, it is trained first (once).
    Exit status 1 if any file could not be read as a digit (unreadable, or no ink on it).
    """
    if explain and out is None:
        out = check_output_folder(ctx, None, Path("course-output") / "predict")
    import matplotlib

    matplotlib.use("Agg")  # the figures are files; predict never opens windows
    from course.predict import predict_files

    def load_network():  # only once an image could be read: TensorFlow takes seconds to import
        from course.quiet import quiet_tensorflow

        quiet_tensorflow(verbose)
        from course.data import DataError
        from course.predict import load_model

        try:
            loaded, description = load_model(model, source=source, data_dir=data_dir, seed=seed)
        except DataError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Model: {description}", err=True)
        return loaded

    failed = 0
    for prediction in predict_files(load_network, images, out if explain else None):
        failed += bool(prediction.error)
        if as_json:
            click.echo(prediction.as_json())
        elif prediction.error:
            click.echo(f"Error: {prediction.file}: {prediction.error}", err=True)
        else:
            click.echo(prediction.as_text())
    if failed:
        files = f"{len(images)} file{'s' if len(images) != 1 else ''}"
        click.echo(f"{failed} of {files} could not be read as a digit.", err=True)
        sys.exit(1)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def an_address(ctx, param, value):
    if not value.strip():
        raise click.BadParameter("give an address to listen on, such as 127.0.0.1", ctx, param)
    return value.strip()


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, callback=an_address,
              help="The address to listen on. Anything but this machine's own (127.0.0.1) lets others use the "
                   "page, which has no login.")
@click.option("--open/--no-open", "open_page", default=None,
              help="Open the page in a browser (default: when a display is available).")
@trained_models_options
@click.option("--verbose", is_flag=True, help="Show TensorFlow's and the web server's own log messages.")
def serve(port, host, open_page, source, data_dir, seed, verbose):
    """A local page: draw a digit and watch every number the three lesson models compute.

    The page shows the answer of lesson 2's softmax regression and MLP and lesson 3's CNN,
    every pre-processing step, the 28x28 intensities the networks receive, the CNN's feature
    maps, its saliency and the MLP's hidden units. The models come from the model cache;
    what is not cached yet is trained first. Ctrl-C stops the server.
    """
    from course.quiet import quiet_tensorflow

    quiet_tensorflow(verbose)
    import logging
    import os
    import threading

    from werkzeug.serving import make_server

    from course.places import display_available
    from course.serve import Models, create_app

    if not verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    check_can_listen(host, port)
    terminal = sys.stdout  # while the models load, their progress borrows sys.stdout for stderr
    models = Models()
    server = make_server(host, port, create_app(models), threaded=True)
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # every address: this machine's own opens it
    address = f"http://{'[' + shown + ']' if ':' in shown else shown}:{server.server_port}/"
    loading = threading.Thread(target=get_ready, args=(models, source, data_dir, seed), daemon=True)
    if host not in LOOPBACK:
        click.echo(f"Warning: listening on {host}: anyone who can reach this machine can use the page, "
                   f"which has no login.", err=True)
    try:  # from here on, Ctrl-C stops the server cleanly, whenever it comes
        click.echo(f"The page is at {address} (Ctrl-C stops the server).")
        loading.start()
        if open_page or (open_page is None and display_available()):
            import webbrowser

            webbrowser.open(address)
        server.serve_forever()  # returns on Ctrl-C
    except KeyboardInterrupt:  # Ctrl-C before the server was serving
        pass
    server.server_close()
    click.echo("\nStopped.", file=terminal)
    if loading.is_alive():  # TensorFlow, busy in that thread, would crash as Python shuts down around it
        terminal.flush()
        sys.stderr.flush()
        os._exit(0)


def check_can_listen(host, port):
    """One line and exit 2 when `course serve` cannot listen there. Asked before starting the server, because
    werkzeug answers a port in use with its own message and exit status."""
    import errno
    import socket

    try:
        socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET).close()
    except OSError as error:
        reason = (error.strerror or str(error)).split(" (while attempting")[0]
        raise LearnerError(f"cannot listen on {host}:{port}: {reason}"
                           + (" (another program uses this port; try --port 8001)"
                              if error.errno == errno.EADDRINUSE else ""))


def get_ready(models, source, data_dir, seed):
    """Load or train `course serve`'s models (in a thread, while the page already answers "getting ready")."""
    models.load(source=source, data_dir=data_dir, seed=seed)
    if models.problem:
        click.echo(f"Error: {models.problem}", err=True)
    else:
        click.echo("Ready: " + "; ".join(models.descriptions.values()) + ".")


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


# ---------------------------------------------------------------- exercises


def uses_progress(command):
    """A progress file that another program keeps locked, or that cannot be opened at all, ends the command with
    one line, exit status 1."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        from course.progress import ProgressBusy, ProgressUnusable

        try:
            return command(*args, **kwargs)
        except (ProgressBusy, ProgressUnusable) as problem:
            raise click.ClickException(str(problem)) from None
    return run


def find_exercise(exercise_id):
    from course.exercises import EXERCISES

    if exercise_id not in EXERCISES:
        raise LearnerError(f"there is no exercise {exercise_id!r}; see `course exercises` "
                           f"(ids: {', '.join(EXERCISES)})")
    return EXERCISES[exercise_id]


def keep_backup(target):
    """Rename the learner's file to NAME.~N~ (the first free N), as Emacs and `cp --backup` do; returns the new path."""
    number = 1
    while target.with_name(f"{target.name}.~{number}~").exists():
        number += 1
    backup = target.with_name(f"{target.name}.~{number}~")
    target.rename(backup)
    return backup


@cli.command()
@click.argument("number", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Write the notebook of every lesson.")
@click.option("--data", "source", type=click.Choice(DATA_SOURCES), default="auto", show_default=True,
              help="The digits the notebook loads: mnist, the bundled sample, or auto.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="tensorflow-datasets folder to look in.")
@click.option("--quick", is_flag=True, help="A small subset and one epoch: runs in seconds.")
@click.option("--seed", type=SEED, default=DEFAULT_SEED, show_default=True,
              help="Random seed: with the same seed and data it prints what `course lesson N` prints.")
@click.option("--out", type=click.Path(file_okay=False), default=".", show_default=True, callback=check_output_folder,
              help="Folder to write lesson-N.ipynb into.")
@click.option("--force", is_flag=True, help="Write over a notebook you changed (yours is kept as a numbered backup).")
@click.option("--summary-json", type=click.Path(dir_okay=False), callback=summary_file,
              help="The notebook's last lesson cell also writes the summary (accuracies, numbers) to this file.")
def notebook(number, every, source, data_dir, quick, seed, out, force, summary_json):
    """Write lesson NUMBER as a Jupyter notebook (lesson-NUMBER.ipynb) with its real code and exercises.

    Each step is a markdown cell and a code cell holding the lesson's own code; figures appear
    inline; the exercises close it, checked in place by the same checker as `course check`.
    Open it with Jupyter (`pip install notebook`, then `jupyter notebook lesson-N.ipynb`), which
    you bring yourself: `course` only writes the file.
    """
    if every == (number is not None):
        raise click.UsageError("give one lesson NUMBER, or --all")
    import nbformat

    from course.notebook import is_written_as, lesson_notebook

    kept = []  # the learner's notebooks, left as they are
    for lesson in lesson_catalogue().values() if every else [find_lesson(number)]:
        notebook = lesson_notebook(lesson, source=source, data_dir=data_dir, quick=quick, seed=seed,
                                   summary_json=summary_json)
        target = out / f"lesson-{lesson.number}.ipynb"
        if target.exists() and not is_written_as(target, notebook):
            if not force:
                kept.append(str(target))
                continue
            click.echo(f"Your previous notebook is kept as {keep_backup(target)}.")
        nbformat.write(notebook, str(target))
        click.echo(f"Wrote {target}: lesson {lesson.number}, {lesson.title}. "
                   f"Open it with `jupyter notebook {shlex.quote(str(target))}`.")
    if kept:
        one = len(kept) == 1
        raise LearnerError(f"{', '.join(kept)} {'exists and is' if one else 'exist and are'} not the notebook "
                           f"course wrote (you changed or ran it); use --force to write a fresh one (yours is kept "
                           f"as a backup)")


@cli.command("exercises")
@uses_progress
def list_exercises():
    """Every exercise: id, title, lesson, and your status."""
    from course import progress
    from course.exercises import EXERCISES

    states = progress.status(EXERCISES)
    for exercise in EXERCISES.values():
        state, when, _ = states[exercise.id]
        click.echo(f"{exercise.id:<4} lesson {exercise.lesson}  {exercise.title:<42} {state}"
                   + (f" ({when})" if when else ""))
    click.echo("\nStart one with `course exercise ID`.")


@cli.command("exercise")
@click.argument("exercise_id")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder to write the starter file into.")
@click.option("--force", is_flag=True, help="Write it even if the file exists (your file is kept as a numbered backup).")
def start_exercise(exercise_id, folder, force):
    """Write the starter file for an exercise, such as 1.2, into a folder."""
    exercise = find_exercise(exercise_id)
    problem = writable_problem(folder)
    if problem:
        raise LearnerError(f"cannot write to {folder}: {problem}")
    target = Path(folder) / exercise.file
    if target.exists() and not is_untouched_starter(target, exercise):
        if not force:
            raise LearnerError(f"{target} already exists and holds your work; use --force to start over "
                               f"(your file is kept as a backup)")
        click.echo(f"Your previous file is kept as {keep_backup(target)}.")
    target.write_text(exercise.starter())
    click.echo(f"Wrote {target}: {exercise.title}. Open it, write `{exercise.signature}`, then run "
               f"`course check {shlex.quote(str(target))}`.")


def is_untouched_starter(path, exercise):
    """True when the file at `path` is the exercise's starter file as course wrote it: nothing of the learner's."""
    starter = exercise.starter()
    try:  # the size first: a large file of theirs is not read whole
        return path.is_file() and path.stat().st_size == len(starter.encode()) and path.read_text() == starter
    except (OSError, ValueError):  # unreadable, or not text: theirs, whatever it holds
        return False


def finite_seconds(ctx, param, value):
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds", ctx, param)
    return value


@cli.command("check")
@click.argument("arguments", nargs=-1, required=True, metavar="[ID] FILE")
@click.option("--watch", is_flag=True, help="Check again every time the file is saved (Ctrl-C to stop).")
@click.option("--timeout", type=click.FloatRange(min=0.5), callback=finite_seconds,
              help="Seconds your function may run, a Keras model's training included (default: per exercise); "
                   "loading your file, imports and all, has a limit of its own.")
@click.option("--memory-mb", type=click.IntRange(min=64),
              help="Memory your code may use, in MB (default: 1024, or 4096 for Keras exercises).")
@uses_progress
def check_command(arguments, watch, timeout, memory_mb):
    """Check your solution FILE: a .py file, or a notebook (.ipynb) whose code cells define the function.

    Exit status: 0 all checks pass, 1 some fail, 2 usage or file errors.
    """
    if len(arguments) > 2:
        raise click.UsageError("give at most an exercise id and a file")
    path = Path(arguments[-1])
    if not path.exists():
        from course.exercises import EXERCISES

        if len(arguments) == 1 and arguments[0] in EXERCISES:  # the file forgotten
            raise LearnerError(f"name the file to check too: course check {arguments[0]} FILE "
                               f"(`course exercise {arguments[0]}` writes a starter file)")
        raise LearnerError(f"{inert(path)} does not exist")
    if not path.is_file():
        raise LearnerError(f"{inert(path)} is not a file")
    from course.learner_files import cells_of_exercise, exercises_named_in

    code = read_solution(path)
    named = exercises_named_in(code)
    if len(arguments) == 1 and not named:
        raise LearnerError(f"{inert(path)} has no `# course exercise: ID` line; name the exercise: "
                           f"course check ID {shlex.quote(inert(path))}")
    if len(arguments) == 1 and len(named) > 1:
        raise LearnerError(f"{inert(path)} holds exercises {', '.join(map(inert, named))}: name the one to check, "
                           f"as in course check {inert(named[-1])} {shlex.quote(inert(path))}")
    exercise = find_exercise(arguments[0] if len(arguments) == 2 else named[0])
    if named and exercise.id not in named:
        click.echo(f"Note: {inert(path)} names exercise {', '.join(map(inert, named))}; it is checked against "
                   f"{exercise.id}, as you asked.")
    code = cells_of_exercise(code, exercise.id)
    if not watch:
        return 0 if run_check(exercise, code, timeout, memory_mb) else 1
    click.echo(f"Watching {inert(path)}: every save is checked again. Ctrl-C stops.")
    try:
        while True:
            seen = file_state(path)
            if code is not None:
                run_check(exercise, code, timeout, memory_mb)
            while file_state(path) == seen:
                time.sleep(0.3)
            time.sleep(0.1)  # let an editor finish writing before we read
            click.echo("\n" + "-" * 60)
            try:
                code = cells_of_exercise(read_solution(path), exercise.id)
            except LearnerError as error:  # gone, or a notebook half-saved: nothing to check until the next save
                click.echo(f"Error: {error.format_message()} (waiting for it to be saved again)")
                code = None
    except KeyboardInterrupt:
        click.echo("\nStopped watching.")
        return 0


def read_solution(path):
    from course.learner_files import LearnerFileError, read_code

    try:
        return read_code(path)
    except LearnerFileError as error:
        raise LearnerError(inert(error)) from None


def file_state(path):
    """Changes when the file is saved, including editors that write a new file and rename it over the old."""
    try:
        stat = path.stat()
        return stat.st_ino, stat.st_mtime_ns, stat.st_size
    except FileNotFoundError:
        return None


def inert(text):
    """The learner's text with control characters shown as escapes: nothing it prints can drive the terminal."""
    return "".join(c if c in "\n\t" or c.isprintable() else repr(c)[1:-1] for c in str(text))


def run_check(exercise, code, timeout, memory_mb):
    """One check of `code` as the learner sees it; records the attempt. True when every check passed."""
    from course import progress
    from course.checker import check
    from course.sandbox_child import shadowing_files

    click.echo(f"Checking {inert(code.path)} against exercise {exercise.id}: {exercise.title}")
    shadows = shadowing_files(code.path.parent)
    if shadows:
        click.echo(f"  note: {', '.join(shadows)} beside your file would hide the real library when you run your "
                   f"script yourself; the checker uses the real one. Rename it.")
    report = check(exercise, code, timeout=timeout, memory_mb=memory_mb)
    if report.problem:
        click.echo(f"  ✗ {inert(report.problem)}")
    for result in report.results:
        click.echo(f"  {'✓' if result.passed else '✗'} {result.name}")
        if not result.passed:
            failure = result.failure
            if result.shown:
                click.echo(f"      input:    {result.shown}")
            click.echo(f"      expected: {failure.expected}")
            click.echo(f"      got:      {inert(failure.got)}")
            if failure.hint:
                click.echo(f"      hint:     {failure.hint}")
    if report.output.strip():
        lines = report.output.splitlines()
        if len(lines) > PRINTED_LINES:  # its first and last lines: where it started, and where it ended
            half = PRINTED_LINES // 2
            lines = [*lines[:half], f"... [{len(lines) - 2 * half:,} lines cut] ...", *lines[-half:]]
        click.echo("  your code printed:\n" + "\n".join(f"    | {inert(line)}" for line in lines))
    loading = f", after {report.loading:.1f} s loading your file" if report.loading >= 1 else ""
    click.echo(f"{inert(report.summary())} ({report.seconds:.1f} s{loading})."
               + (" Passed!" if report.passed else f" Stuck? `course hint {exercise.id}`."))
    if progress.record_attempt(exercise.id, report.passed, report.summary(), progress.code_hash(code.source)):
        click.echo(f"`course solution {exercise.id}` now shows the reference solution, with why it is written that way.")
    return report.passed


@cli.command("hint")
@click.argument("exercise_id")
@uses_progress
def hint_command(exercise_id):
    """The next hint for an exercise: one more each time you ask."""
    from course import progress

    exercise = find_exercise(exercise_id)
    shown = progress.next_hint_number(exercise.id)
    number = min(shown, len(exercise.hints) - 1)
    click.echo(f"Hint {number + 1} of {len(exercise.hints)} for {exercise.id} ({exercise.title}):")
    click.echo(f"  {exercise.hints[number]}")
    click.echo(f"Re-read lesson {exercise.lesson}, {exercise.step}"
               + (f" (`course lesson {exercise.lesson}`)." if exercise.lesson in lesson_catalogue() else "."))


@cli.command("progress")
@click.option("--reset", "reset_id", metavar="ID", help="Forget the attempts and hints of exercise ID (asks first).")
@uses_progress
def progress_command(reset_id):
    """Your exercises and their status."""
    from course import progress
    from course.exercises import EXERCISES

    if reset_id:
        exercise = find_exercise(reset_id)
        click.confirm(f"Forget every attempt and hint of exercise {exercise.id}?", abort=True)
        progress.reset(exercise.id)
        click.echo(f"Exercise {exercise.id} is now not started.")
        return
    states = progress.status(EXERCISES)
    done = sum(state == "passed" for state, _, _ in states.values())
    for exercise_id, (state, when, attempts) in states.items():
        if state != "not started":
            click.echo(f"{exercise_id:<4} {state:<9} {when}  ({attempts} attempt{'s' if attempts != 1 else ''})")
    click.echo(f"{done} of {len(EXERCISES)} exercises passed. Progress is kept in {progress.database_path()}.")


@cli.command("solution")
@click.argument("exercise_id")
@click.option("--force", is_flag=True, help="Show it before you have passed (looking first costs the learning).")
@uses_progress
def solution_command(exercise_id, force):
    """The reference solution and why it is written that way: once you have passed the exercise."""
    from course import progress

    exercise = find_exercise(exercise_id)
    if not progress.has_passed(exercise.id):
        if not force:
            raise LearnerError(f"pass exercise {exercise.id} first (`course check {exercise.file}`), "
                               f"or use --force to look now")
        click.echo("Note: reading the solution before solving it yourself costs most of what the exercise teaches.\n")
    click.echo(exercise.solution())
