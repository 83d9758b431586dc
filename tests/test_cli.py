import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from course.cli import cli
from course.data import load_sample
from course.runner import QUICK_TEST, QUICK_TRAIN
from helpers import FULL_MNIST_DIR, full_mnist, run_lesson

FAST_COMMANDS = [["--help"], ["list"], ["--version"], ["lesson", "--help"], ["predict", "--help"], ["serve", "--help"],
                 ["data", "info"]]


@pytest.mark.parametrize("args", FAST_COMMANDS)
def test_fast_commands_do_not_import_tensorflow(args):
    probe = ("import sys\nfrom course.cli import cli\n"
             f"code = cli.main({args!r}, standalone_mode=False)\n"
             "print('TF-LOADED' if 'tensorflow' in sys.modules else 'TF-ABSENT')")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("TF-ABSENT")


@pytest.mark.parametrize("args", [[], ["data"]])
def test_a_command_group_alone_shows_its_help_not_an_error(args):
    result = CliRunner().invoke(cli, args, prog_name="course")
    assert result.exit_code == 0 and result.output.startswith(f"Usage: course {' '.join(args)}".rstrip())
    assert "Error" not in result.output and "Commands:" in result.output


def test_list_names_every_lesson_and_its_question():
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    assert result.output.startswith("1. An image is a table of numbers")
    assert "4 from a 9" in result.output


@pytest.mark.parametrize("args, says", [
    (["lesson", "99"], "there is no lesson 99"),
    (["lesson", "1", "--data", "emnist"], "'emnist' is not one of"),
    (["lesson", "1", "--epochs", "0"], "--epochs"),
    (["lesson", "one"], "'one' is not a valid integer"),
    (["lesson", "1", "--out", "{file}/figures"], "cannot write to"),
    (["data", "import", "{missing}"], "does not exist"),
    (["nonsense"], "No such command"),
    (["lesson", "3", "--image", "{file}"], "--image is for lesson 4"),
    (["lesson", "4", "--image", "{missing}"], "missing: no such file"),
    (["lesson", "4", "--image", "{file}"], "a-file: the file is empty"),
    (["predict"], "Missing argument 'IMAGES...'"),
    (["predict", "{file}", "--model", "svm"], "'svm' is not one of"),
    (["predict", "{file}", "--seed", "-1"], "-1 is not in the range 0<=x<=4294967295"),
    (["lesson", "1", "--seed", str(2**32)], "is not in the range 0<=x<=4294967295"),
    (["lesson", "1", "--summary-json", "{file}"], "a-file exists and holds something other than a lesson's summary"),
    (["notebook", "1", "--summary-json", "{file}"], "holds something other than a lesson's summary"),
])
def test_bad_arguments_get_one_line_and_exit_status_2(tmp_path, args, says):
    (tmp_path / "a-file").write_text("")
    args = [a.format(file=tmp_path / "a-file", missing=tmp_path / "missing") for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and says in lines[0], result.output
    assert "Traceback" not in result.output


def test_lesson_1_quick_tells_its_story_from_measured_numbers(tmp_path):
    output, summary = run_lesson(1, tmp_path)
    assert summary["lesson"] == 1
    assert summary["data"] == {"source": "sample", "train": 2000, "test": 500}
    models = summary["models"]
    assert set(models) == {"nearest average", "logistic (scaled)", "logistic (black and white)"}
    assert models["logistic (scaled)"]["params"] == 785
    for model in models.values():
        assert 0.5 < model["test_accuracy"] <= 1
    assert len(summary["figures"]) == 7
    measured = summary["measured"]
    assert measured["hand_vs_keras"] <= 1e-6  # step 6: sigmoid by hand is model.predict
    assert (measured["p_nine_by_hand"] > 0.5) == ("so the answer is 9" in output)
    votes = measured["votes_for_nine"] + measured["votes_for_four"]
    on_rare_pixels = any(vote["ink_share"] < 0.01 for vote in votes)
    assert ("sit on such a rare pixel" in output) == on_rare_pixels
    quick = load_sample().head(QUICK_TRAIN, QUICK_TEST)  # the digits --quick runs on
    fours_and_nines = np.isin(quick.y_test, (4, 9)).sum()
    assert measured["fours_called_nine"] + measured["nines_called_four"] == round(
        (1 - models["logistic (scaled)"]["test_accuracy"]) * fours_and_nines)
    for step in range(1, 8):
        assert f"Step {step}." in output


def test_lesson_1_weights_vote_on_the_shapes_of_4s_and_9s_on_the_sample(tmp_path):
    # Without the weight penalty the strongest votes were bottom-row pixels (row 26) that 1-3% of digits touch.
    _, summary = run_lesson(1, tmp_path, quick=False)
    measured = summary["measured"]
    votes = measured["votes_for_nine"] + measured["votes_for_four"]
    assert min(vote["ink_share"] for vote in votes) >= 0.1, votes
    assert all(vote["row"] < 20 for vote in measured["votes_for_nine"])  # the 9's loop, not its tail or the border
    assert measured["mean_weight_rare"] < measured["mean_weight_inked"] / 4
    assert summary["models"]["logistic (scaled)"]["test_accuracy"] >= 0.95


def test_same_seed_same_numbers(tmp_path):
    _, first = run_lesson(1, tmp_path, "--seed", "7")
    _, second = run_lesson(1, tmp_path / "again", "--seed", "7")
    accuracies = [{name: m["test_accuracy"] for name, m in s["models"].items()} for s in (first, second)]
    assert accuracies[0] == accuracies[1]


def test_lesson_writes_to_course_output_by_default(tmp_path):
    result = CliRunner().invoke(cli, ["lesson", "1", "--quick", "--data", "sample", "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "course-output" / "lesson-1").glob("*.png"))) == 7


def test_lesson_1_as_a_learner_runs_it_without_tensorflow_noise(tmp_path):
    result = subprocess.run(["course", "lesson", "1", "--quick", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # --data auto with no MNIST prepared and no network: the sample, with a one-line notice.
    assert "Using the bundled sample" in result.stdout
    assert "Summary of lesson 1 on sample" in result.stdout
    for noise in ("oneDNN", "cuda", "absl", "WARNING", "tensorflow/"):
        assert noise not in result.stderr and noise not in result.stdout


@full_mnist
def test_lesson_1_runs_on_full_mnist(tmp_path):
    result = CliRunner().invoke(cli, ["lesson", "1", "--quick", "--data", "mnist", "--data-dir", FULL_MNIST_DIR,
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Summary of lesson 1 on mnist" in result.output


def test_doctor_reports_each_part(tmp_path):
    result = CliRunner().invoke(cli, ["doctor", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 0
    assert "TensorFlow imports" in result.output
    assert "data source sample: ready" in result.output
    assert "data source mnist: not prepared" in result.output
    assert "no display" in result.output
    assert not (tmp_path / "course-output").exists()  # doctor looks, it does not create
    assert "CPU vector extensions" in result.output
