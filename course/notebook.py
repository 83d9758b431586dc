"""`course notebook N`: a lesson as a Jupyter notebook, written from the lesson's own module when asked for.

As keras-io turns its example scripts into notebooks, the lesson module is the script:

- its docstring becomes the first markdown cell;
- a set-up cell loads the digits and fixes the seed, exactly as `course lesson N` does (`open_story`);
- every definition of the module (constants, the Keras models, the by-hand math) becomes a code cell,
  so a change there (the CNN's first layer, say) changes what trains below;
- the body of `run(story)`, cut at each `story.step(...)`, becomes one markdown cell (the step, from
  the docstring's numbered list) and one code cell (the step's real code) per step;
- the lesson's exercises close it: the starter code in a cell to edit, and a cell that checks it with
  the same sandboxed checker as `course check`, recording progress in the same place.

Nothing is kept twice: a change to a lesson is in its next notebook.
"""

import ast
import importlib.util
import inspect
import linecache
import re
import textwrap
from pathlib import Path

import nbformat

from course.exercises import EXERCISES
from course.learner_files import CHECK_CELL, HEADER, LESSON_CELL

INSTALL_HINT = ("# Without the course installed (a fresh Colab, say), install it first, from the folder\n"
                "# that holds its setup.cfg:   %pip install -e .")


def lesson_notebook(lesson, *, source="auto", data_dir=None, quick=False, seed=42, summary_json=None):
    """The notebook of `lesson` (a course.lessons.Lesson), as an nbformat NotebookNode."""
    text = Path(importlib.util.find_spec(lesson.module).origin).read_text()  # read, not imported: no TensorFlow
    tree = ast.parse(text)
    docstring = ast.get_docstring(tree) or ""
    steps = numbered_steps(docstring)
    if docstring.startswith(f"Lesson {lesson.number}"):
        docstring = docstring.split("\n", 1)[-1].lstrip("\n")  # its first line is the title, already above
    cells = [nbformat.v4.new_markdown_cell(f"# Lesson {lesson.number}: {lesson.title}\n\n"
                                           f"*{lesson.question}*\n\n{docstring}"),
             lesson_cell(setup_code(lesson, source, data_dir, quick, seed))]
    cells += [lesson_cell(code) for code in definitions(text, tree)]
    for number, code in run_steps(text, tree):
        if number is not None:
            cells.append(nbformat.v4.new_markdown_cell(f"## Step {number}. {steps.get(number, '')}".rstrip()))
        cells.append(lesson_cell(code))
    cells.append(lesson_cell("story.print_summary()" + (
        f"\nstory.write_summary({summary_json!r})" if summary_json else "")))
    cells += exercise_cells(lesson.number)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def setup_code(lesson, source, data_dir, quick, seed):
    return (f"{INSTALL_HINT}\n"
            "%matplotlib inline\n"
            "from course.lessons import LESSONS\n"
            "from course.quiet import quiet_tensorflow\n"
            "from course.runner import open_story\n\n"
            "quiet_tensorflow()  # TensorFlow's start-up log says nothing to a learner\n"
            f"story = open_story(LESSONS[{lesson.number}], source={source!r}, data_dir={data_dir!r}, "
            f"quick={quick!r}, seed={seed!r},\n"
            "                   out=\".\", inline=True)  # figures appear below each step, not as files\n"
            "print(f\"Data: {story.digits.source}, {story.digits.counts['train']:,} train and "
            "{story.digits.counts['test']:,} test digits\")")


def numbered_steps(docstring):
    """{1: 'Look at a 9 and a 4 ...', ...} from the docstring's numbered list (continuation lines joined)."""
    steps, current = {}, None
    for line in docstring.splitlines():
        match = re.match(r"\s*(\d+)\.\s+(.*)", line)
        if match:
            current = int(match.group(1))
            steps[current] = match.group(2)
        elif current is not None and line.startswith("   ") and line.strip():
            steps[current] += " " + line.strip()
        else:
            current = None
    return steps


def definitions(text, tree):
    """The module's code outside run() and its docstring, in its order: one cell per definition, one for
    each stretch of imports and constants between them (its blank lines and comments kept)."""
    lines = text.splitlines()
    cells, loose = [], None  # loose: (first line, last line) of the stretch being gathered
    for node in tree.body:
        if node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring: already the first markdown cell
        if isinstance(node, ast.FunctionDef) and node.name == "run":
            continue
        first = _first_line(node, lines)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            if loose:
                cells.append("\n".join(lines[loose[0] - 1:loose[1]]))
            cells.append("\n".join(lines[first - 1:node.end_lineno]))
            loose = None
        else:
            loose = (loose[0] if loose else first, node.end_lineno)
    if loose:
        cells.append("\n".join(lines[loose[0] - 1:loose[1]]))
    return cells


def run_steps(text, tree):
    """[(step number or None, code)]: run(story)'s body, dedented, cut where each story.step(...) begins."""
    run = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "run")
    lines = text.splitlines()
    pieces, number, start = [], None, run.body[0].lineno
    for node in run.body:
        step = _step_number(node)
        if step is not None:
            pieces.append((number, start, _first_line(node, lines) - 1))
            number, start = step, _first_line(node, lines)
    pieces.append((number, start, run.end_lineno))
    cells = []
    for step, first, last in pieces:
        code = textwrap.dedent("\n".join(lines[first - 1:last])).strip("\n")
        code = "\n".join(line for line in code.splitlines() if not re.match(r"#\s*-{8,}", line))  # the banners
        if code.strip():
            cells.append((step, code.strip("\n")))
    return cells


def _step_number(node):
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
            getattr(node.value.func, "attr", "") == "step" and node.value.args and \
            isinstance(node.value.args[0], ast.Constant):
        return node.value.args[0].value
    return None


def _first_line(node, lines):
    """Where a statement begins, its decorators and the comment just above it included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    while first > 1 and lines[first - 2].lstrip().startswith("#"):
        first -= 1
    return first


def lesson_cell(code):
    """A code cell of the lesson itself, tagged so: `course check` leaves it out when it checks the notebook."""
    return nbformat.v4.new_code_cell(code, metadata={"tags": [LESSON_CELL]})


def exercise_cells(lesson_number):
    exercises = [e for e in EXERCISES.values() if e.lesson == lesson_number]
    if not exercises:
        return []
    cells = [nbformat.v4.new_markdown_cell(
        "## Exercises\n\nWrite each function in its cell, run the cell, then run the check below it: the same "
        "checker as `course check` (your code runs in a separate process, with a time and a memory limit), "
        "and your progress is recorded in the same place (`course progress`).")]
    for exercise in exercises:
        cells.append(nbformat.v4.new_markdown_cell(f"### Exercise {exercise.id}: {exercise.title}\n\n{exercise.task}"))
        # The cell names its exercise as a starter file does: `course check ID lesson-N.ipynb` finds it.
        cells.append(nbformat.v4.new_code_cell(f"{HEADER} {exercise.id}\n"
                                               + exercise.starter().split("\n\n", 1)[1].lstrip("\n")))
        cells.append(nbformat.v4.new_code_cell("from course.notebook import check\n\n"
                                               f"check({exercise.id!r}, {exercise.function})",
                                               metadata={"tags": [CHECK_CELL]}))
    return cells


def is_written_as(path, notebook):
    """True when the file at path holds this notebook as course writes it: same cells, no outputs of a run.

    Cell ids are left out: nbformat draws new ones every time a notebook is made.
    """
    try:
        existing = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: not a notebook at all, so certainly not ours
        return False

    def cells(nb):
        return [(c.cell_type, c.source, c.get("outputs", [])) for c in nb.cells]
    return cells(existing) == cells(notebook)


def check(exercise_id, function):
    """Check the notebook cell that defines `function` as `course check` would; True when every check passes.

    The cells that define the notebook's other functions it calls (your sigmoid of exercise 1.2, say) come along.
    """
    from course.cli import run_check
    from course.sandbox import LearnerCode

    exercise = EXERCISES[exercise_id]
    if not inspect.isfunction(function):
        print(f"check({exercise_id!r}, ...) takes the function you wrote in the cell above: "
              f"check({exercise_id!r}, {exercise.function})")
        return False
    lines, starts = [], []
    for number, cell in enumerate(cells_defining(function), start=1):
        starts.append([len(lines) + 1, number])
        lines += cell.splitlines()
    code = LearnerCode(Path.cwd() / f"exercise {exercise.id} cells", "\n".join(lines).encode("utf-8") + b"\n", starts)
    return run_check(exercise, code, None, None)


def cells_defining(function, seen=None):
    """The source of the cell that defines `function`, after the cells of the notebook's functions it calls."""
    seen = set() if seen is None else seen
    filename = function.__code__.co_filename
    if filename in seen:
        return []
    seen.add(filename)
    cells = []
    for name in function.__code__.co_names:
        other = function.__globals__.get(name)
        if inspect.isfunction(other) and other.__module__ == "__main__":  # defined in a cell of this notebook
            cells += cells_defining(other, seen)
    return cells + ["".join(linecache.getlines(filename))]
