"""`course notebook N`: each lesson as a notebook that runs top to bottom, prints the CLI's numbers, checks exercises."""

import json
import subprocess
import sys

import nbformat
import pytest
from click.testing import CliRunner
from nbclient import NotebookClient

from course import progress
from course.cli import cli
from course.exercises import EXERCISES
from course.notebook import exercise_cells

KERNEL_PATIENCE = 900  # seconds a cell may run before nbclient gives up: a hang guard for busy machines


def execute(notebook, folder):
    NotebookClient(notebook, timeout=KERNEL_PATIENCE, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def outputs(notebook, kind):
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == kind]


def printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_a_lesson_notebook_runs_top_to_bottom_and_prints_the_lessons_numbers(number, tmp_path, monkeypatch):
    by_cli, by_notebook = tmp_path / "cli.json", tmp_path / "notebook.json"
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home-cli"))
    lesson = CliRunner().invoke(cli, ["lesson", str(number), "--quick", "--data", "sample", "--out", str(tmp_path / "png"),
                                      "--summary-json", str(by_cli)])
    assert lesson.exit_code == 0, lesson.output
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home-notebook"))  # nothing from the CLI's model cache
    written = CliRunner().invoke(cli, ["notebook", str(number), "--quick", "--data", "sample", "--out", str(tmp_path),
                                       "--summary-json", str(by_notebook)])
    assert written.exit_code == 0, written.output
    notebook = execute(nbformat.read(tmp_path / f"lesson-{number}.ipynb", as_version=4), tmp_path)
    assert outputs(notebook, "error") == []
    cli_summary, notebook_summary = json.loads(by_cli.read_text()), json.loads(by_notebook.read_text())
    figures = [o for o in outputs(notebook, "display_data") if "image/png" in o.data]
    assert len(figures) == len(cli_summary["figures"]) > 0
    assert {name: m["test_accuracy"] for name, m in notebook_summary["models"].items()} == \
           {name: m["test_accuracy"] for name, m in cli_summary["models"].items()}
    steps = [cell.source for cell in notebook.cells if cell.cell_type == "markdown" and cell.source.startswith("## Step")]
    assert len(steps) == sum(f"Step {n}." in lesson.output for n in range(1, 10))


def test_the_exercises_are_checked_in_the_notebook_and_recorded(tmp_path):
    cells = exercise_cells(2)
    code = {EXERCISES["2.1"].function: EXERCISES["2.1"].solution(),
            EXERCISES["2.2"].function: "import numpy as np\ndef softmax(z):\n    return np.exp(z) / np.exp(z).sum()\n"}
    for cell in cells:
        for function, solution in code.items():
            if cell.cell_type == "code" and f"def {function}(" in cell.source:
                cell.source = solution
    keep = [c for c in cells if c.cell_type == "markdown" or any(f in c.source for f in ("relu", "softmax"))]
    notebook = execute(nbformat.v4.new_notebook(cells=keep), tmp_path)
    checks = [printed(c) for c in notebook.cells if c.cell_type == "code" and "check(" in c.source]
    assert "Passed!" in checks[0] and "3/3 checks passed" in checks[0], checks[0]
    assert "✗" in checks[1] and "Passed!" not in checks[1], checks[1]
    states = progress.status(["2.1", "2.2"])
    assert states["2.1"][0] == "passed" and states["2.2"][0] == "attempted"


def test_a_notebook_the_learner_changed_is_never_written_over(tmp_path):
    def write(*extra):
        return CliRunner().invoke(cli, ["notebook", "1", "--data", "sample", "--out", str(tmp_path), *extra])

    assert write().exit_code == 0 and write().exit_code == 0  # the same notebook again: nothing of theirs to lose
    path = tmp_path / "lesson-1.ipynb"
    path.write_text(path.read_text().replace("story.print_summary()", "story.print_summary()  # mine"))
    refused = write()
    assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1, refused.output
    assert "# mine" in path.read_text()
    assert write("--force").exit_code == 0
    assert "# mine" in (tmp_path / "lesson-1.ipynb.~1~").read_text() and "# mine" not in path.read_text()
    path.write_text(path.read_text().replace("story.print_summary()", "story.print_summary()  # mine"))
    every = CliRunner().invoke(cli, ["notebook", "--all", "--data", "sample", "--out", str(tmp_path)])
    assert every.exit_code == 2 and every.output.strip().splitlines()[-1].startswith(f"Error: {path} exists and is not")
    assert "# mine" in path.read_text() and (tmp_path / "lesson-4.ipynb").exists()  # the others are written


def test_writing_every_notebook_imports_no_tensorflow(tmp_path):
    probe = ("import sys\nfrom course.cli import cli\ncode = cli.main(['notebook', '--all', '--out', sys.argv[1]], "
             "standalone_mode=False)\nprint('TF-LOADED' if 'tensorflow' in sys.modules else 'TF-ABSENT', code)")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "TF-ABSENT None", result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [f"lesson-{n}.ipynb" for n in (1, 2, 3, 4)]
    for number in (1, 2, 3, 4):
        notebook = nbformat.read(tmp_path / f"lesson-{number}.ipynb", as_version=4)
        nbformat.validate(notebook)
        assert sum(c.source.startswith("from course.notebook import check") for c in notebook.cells) == \
               sum(e.lesson == number for e in EXERCISES.values())


def test_notebook_usage_errors_are_one_line():
    for args in (["notebook"], ["notebook", "9"], ["notebook", "1", "--all"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output


def test_in_lesson_3s_notebook_a_learner_changes_the_cnn_reruns_and_checks_exercise_3_3(tmp_path):
    result = CliRunner().invoke(cli, ["notebook", "3", "--quick", "--data", "sample", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    notebook = nbformat.read(tmp_path / "lesson-3.ipynb", as_version=4)
    index = {name: next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and test(c.source))
             for name, test in (("cnn", lambda s: s.startswith("def cnn(")),
                                ("step 2", lambda s: s.startswith("story.step(2,")),
                                ("3.3", lambda s: "def build_cnn(" in s),
                                ("check 3.3", lambda s: "check('3.3'" in s))}
    client = NotebookClient(notebook, timeout=KERNEL_PATIENCE, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    recorded = nbformat.v4.new_code_cell('print(story.models["cnn"]["params"], story.models["cnn"]["cached"])')
    notebook.cells.append(recorded)  # a cell of the test's own, at the end: the numbers the story recorded
    with client.setup_kernel():
        for i in range(index["step 2"] + 1):
            client.execute_cell(notebook.cells[i], i)
        before = printed(client.execute_cell(recorded, len(notebook.cells) - 1)).split()
        cnn = notebook.cells[index["cnn"]]
        cnn.source = cnn.source.replace('Conv2D(16, 5, activation="relu", name="conv1")',
                                        'Conv2D(6, 5, activation="relu", name="conv1")')
        assert "Conv2D(6, 5" in cnn.source
        for i in (index["cnn"], index["step 2"]):
            client.execute_cell(notebook.cells[i], i)
        recorded.outputs = []
        after = printed(client.execute_cell(recorded, len(notebook.cells) - 1)).split()
        notebook.cells[index["3.3"]].source = EXERCISES["3.3"].solution()
        for i in (index["3.3"], index["check 3.3"]):
            client.execute_cell(notebook.cells[i], i)
    assert outputs(notebook, "error") == []
    assert after[1] == "False" and int(before[0]) - int(after[0]) == 10 * 5 * 5 + 10 + 10 * 5 * 5 * 32, (before, after)
    assert "Passed!" in printed(notebook.cells[index["check 3.3"]]), printed(notebook.cells[index["check 3.3"]])


def test_a_check_cell_brings_the_learners_earlier_functions_along(tmp_path):
    cells = [nbformat.v4.new_code_cell(EXERCISES["1.2"].solution()),
             nbformat.v4.new_code_cell("def predict_proba(X, w, b):\n    return sigmoid(X @ w + b)\n"),
             nbformat.v4.new_code_cell("from course.notebook import check\n\ncheck('1.3', predict_proba)"),
             nbformat.v4.new_code_cell("import numpy as np\ncheck('2.1', np.maximum)")]
    notebook = execute(nbformat.v4.new_notebook(cells=cells), tmp_path)
    assert outputs(notebook, "error") == []
    assert "Passed!" in printed(notebook.cells[2]), printed(notebook.cells[2])
    assert "takes the function you wrote" in printed(notebook.cells[3])


def test_course_check_takes_the_lesson_notebook_and_runs_the_exercise_cells_alone(tmp_path):
    assert CliRunner().invoke(cli, ["notebook", "1", "--data", "sample", "--out", str(tmp_path)]).exit_code == 0
    path = tmp_path / "lesson-1.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    answers = {"1.2": EXERCISES["1.2"].solution(),  # 1.3 calls the sigmoid written in 1.2's cell
               "1.3": "def predict_proba(X, w, b):\n    return sigmoid(X @ w + b)\n"}
    for cell in notebook.cells:
        for exercise_id, answer in answers.items():
            if cell.source.startswith(f"# course exercise: {exercise_id}\n"):
                cell.source = f"# course exercise: {exercise_id}\n{answer}"
    nbformat.write(notebook, str(path))
    result = CliRunner().invoke(cli, ["check", "1.3", str(path)])
    assert result.exit_code == 0 and "3/3 checks passed" in result.output, result.output
    assert "your code printed" not in result.output  # the lesson's own cells, which print its story, did not run
    unnamed = CliRunner().invoke(cli, ["check", str(path)])
    assert unnamed.exit_code == 2 and "holds exercises 1.1, 1.2, 1.3, 1.4: name the one to check" in unnamed.output
