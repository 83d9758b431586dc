"""Runs one lesson: quiet TensorFlow, load the digits, fix the seed, tell the story, summarise."""

import importlib
import time

import click

from course.places import display_available

QUICK_TRAIN, QUICK_TEST = 2000, 500  # --quick: enough digits for every step to have something to show


def run_lesson(lesson, *, source, data_dir, quick, epochs, seed, out, show, summary_json, verbose, retrain,
               image=None):
    from course.quiet import quiet_tensorflow

    started = time.perf_counter()
    quiet_tensorflow(verbose)
    if show is None:
        show = display_available()
    elif show and not display_available():
        click.echo("No display here: figures are saved as PNG files only.")
        show = False
    import matplotlib

    if not show:
        matplotlib.use("Agg")  # headless: never try to open a window

    from course.data import DataError

    try:
        story = open_story(lesson, source=source, data_dir=data_dir, quick=quick, epochs=epochs, seed=seed, out=out,
                           show=show, retrain=retrain, image=image, notice=click.echo)
    except DataError as error:
        raise click.ClickException(str(error)) from None
    digits = story.digits
    click.echo(f"Lesson {lesson.number}: {lesson.title}")
    click.echo(f"Data: {digits.source}, {digits.counts['train']:,} train and {digits.counts['test']:,} test digits"
               f"{' (--quick subset)' if quick else ''}; figures go to {out}")
    importlib.import_module(lesson.module).run(story)
    story.print_summary()
    if summary_json:
        story.write_summary(summary_json)
        click.echo(f"  summary: {summary_json}")
    click.echo(f"Lesson {lesson.number} finished in {time.perf_counter() - started:.1f} s.")
    if show:
        import matplotlib.pyplot as plt

        plt.show()


def open_story(lesson, *, source, data_dir, quick, seed, out, epochs=None, show=False, retrain=False, image=None,
               inline=False, notice=print):
    """The digits loaded (a notice if the sample stands in for MNIST), the seed fixed: the Story a lesson runs in.

    `course lesson` and a lesson's notebook both start here, so they compute the same numbers.
    """
    import keras

    from course.data import load_digits
    from course.story import Story

    digits = load_digits(source, data_dir)
    if digits.notice:
        notice(digits.notice)
    if quick:
        digits = digits.head(QUICK_TRAIN, QUICK_TEST)
    keras.utils.set_random_seed(seed)
    return Story(lesson.number, lesson.title, digits, out, seed=seed, quick=quick, epochs=epochs, show=show,
                 retrain=retrain, image=image, inline=inline)
