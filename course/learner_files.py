"""A learner's solution as they hand it over: a .py file, or a Jupyter notebook.

    code = read_code("ex1_2_sigmoid.py")      # or "lab.ipynb": its code cells, in order
    exercises_named_in(code)                  # ["1.2"], from a `# course exercise: 1.2` line
    cells_of_exercise(code, "1.2")            # a notebook: its cells up to the one naming 1.2

A notebook's magics (`%time ...`, `%%bash` cells) and shell lines (`!pip install ...`) are left
out, and so are the cells `course notebook` wrote for the lesson itself and for checking in place;
what remains is Python, run as one file whose lines are reported as "cell N, line M".
"""

import json
from pathlib import Path

from course.sandbox import LearnerCode

HEADER = "# course exercise:"
# Bytes: a solution is a few KB of Python, a notebook more with its figures; a larger file is no solution,
# and reading it whole (a photo handed over by mistake) would fill the memory.
LARGEST_PYTHON, LARGEST_NOTEBOOK = 1_000_000, 50_000_000
PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")  # the cell below the line is still Python
# The tags of the cells `course notebook` writes that are no learner's solution: the lesson's own steps (which train
# its models) and the cells that check an exercise in place.
LESSON_CELL, CHECK_CELL = "lesson", "check"
NAMED_WITHIN = 5  # lines: a `# course exercise: ID` line names its file or cell this near the top


class LearnerFileError(ValueError):
    """The file cannot be read as a solution; the message says why, in one line."""


def read_code(path):
    """The code in `path` (a .py file or an .ipynb notebook), read once: later edits do not change a check."""
    path = Path(path)
    notebook = path.suffix.lower() == ".ipynb"
    largest = LARGEST_NOTEBOOK if notebook else LARGEST_PYTHON
    try:
        with path.open("rb") as file:
            data = file.read(largest + 1)
    except OSError as error:
        raise LearnerFileError(f"{path} cannot be read ({error.strerror})") from None
    if len(data) > largest:
        raise LearnerFileError(f"{path} is over {largest // 1_000_000} MB: no {'notebook' if notebook else 'Python'} "
                               f"solution is that large (is it the file you meant?)")
    return _notebook_code(path, data) if notebook else LearnerCode(path, data)


def _notebook_code(path, data):
    try:
        cells = json.loads(data.decode("utf-8-sig"))["cells"]
        sources = [(n, _text(cell["source"])) for n, cell in enumerate(cells, start=1)
                   if cell.get("cell_type") == "code" and not _written_by_course(cell)]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise LearnerFileError(f"{path} is not a Jupyter notebook that can be read (save it again from "
                               f"Jupyter, or hand in a .py file)") from None
    lines, starts = [], []
    for number, text in sources:
        python = _python_lines(text)
        if python:
            starts.append([len(lines) + 1, number])
            lines.extend(python)
    # A lone surrogate (no text, but JSON can hold one) stays as the bytes it would be: Python then reports
    # them as a syntax error at their line, as it does for any file that is not UTF-8.
    return LearnerCode(path, "\n".join(lines).encode("utf-8", errors="surrogatepass") + b"\n", starts)


def _written_by_course(cell):
    """A cell `course notebook` wrote for the lesson itself or for checking in place (its tags say so)."""
    return bool({LESSON_CELL, CHECK_CELL} & set(cell.get("metadata", {}).get("tags", ())))


def _text(source):
    """A cell's source as nbformat stores it: one string, or a list of strings (lines)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise TypeError("a cell's source is neither text nor a list of lines")


def _python_lines(cell):
    """The Python lines of one code cell: magics and shell lines become blank, a %%bash cell nothing."""
    lines = cell.splitlines()
    if lines and lines[0].startswith("%%"):
        if lines[0].split()[0] not in PYTHON_CELL_MAGICS:
            return []
        lines = [""] + lines[1:]
    return ["" if line.lstrip().startswith(("%", "!")) else line for line in lines]


def exercises_named_in(code):
    """The exercise ids on `# course exercise: ID` lines near the top of the file or of each cell, in order,
    each once: [] when there are none."""
    named = [_named(lines) for _, lines in _cells(code)]
    return list(dict.fromkeys(name for name in named if name))


def cells_of_exercise(code, exercise_id):
    """A notebook in which a cell names `exercise_id` (as `course notebook` writes each exercise's cell): its cells
    up to the last one that does. Later cells stay out (another exercise's, which may need Keras where this one
    does not); earlier exercises' cells come along, as their functions may be called (exercise 1.3 calls your
    sigmoid of 1.2). Any other code as it is."""
    if not code.cells:
        return code
    cells = _cells(code)
    names = [_named(lines) for _, lines in cells]
    if exercise_id not in names:
        return code
    kept, starts = [], []
    for number, lines in cells[:len(names) - names[::-1].index(exercise_id)]:
        starts.append([len(kept) + 1, number])
        kept.extend(lines)
    return LearnerCode(code.path, "\n".join(kept).encode("utf-8", errors="surrogatepass") + b"\n", starts)


def _cells(code):
    """[(cell number, its lines)] of a notebook's code; [(None, the lines)] of a file."""
    if not code.cells:
        return [(None, code.source.decode("utf-8-sig", errors="replace").splitlines())]
    lines = code.source.decode("utf-8", errors="surrogatepass").split("\n")[:-1]  # as `_notebook_code` joined them
    ends = [start - 1 for start, _ in code.cells[1:]] + [len(lines)]
    return [(number, lines[start - 1:end]) for (start, number), end in zip(code.cells, ends)]


def _named(lines):
    """The exercise id on a `# course exercise: ID` line among the first NAMED_WITHIN lines, or None."""
    for line in lines[:NAMED_WITHIN]:
        if line.startswith(HEADER):
            return line.split(":", 1)[1].strip() or None
    return None
