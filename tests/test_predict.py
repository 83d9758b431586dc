"""`course predict` as a learner runs it: real digits in every accepted format and mode, and every bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from helpers import FULL_MNIST_DIR, full_mnist, on_paper, picture
from course.cli import cli
from course.data import load_sample
from course.datasets.handwriting import load_uci_digits, scan_on_paper, scans

SAMPLE = load_sample()
SEVEN, TWO = (SAMPLE.x_test[SAMPLE.y_test == d][0] for d in (7, 2))


pytestmark = pytest.mark.usefixtures("shared_models")  # the sample's CNN is trained once


def predict(*args):
    result = CliRunner().invoke(cli, ["predict", "--data", "sample", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def save_in_every_form(digit, folder):
    """The same handwritten digit as PNG, JPEG, BMP, GIF, TIFF, grayscale, RGB, RGBA, palette, 16-bit,
    floating-point, inverted."""
    page = on_paper(digit)
    ink = 1 - page.astype(np.float32) / 228
    files = {
        "gray.png": Image.fromarray(page),
        "rgb.jpg": Image.fromarray(np.stack([page, page, (page * 0.9).astype(np.uint8)], axis=-1)),
        "rgb.bmp": Image.fromarray(page).convert("RGB"),
        "palette.png": Image.fromarray(page).convert("P"),
        "sixteen-bit.png": Image.fromarray(page.astype(np.uint16) * 257),
        "floating-point.tiff": Image.fromarray(page.astype(np.float32) / 255),  # intensities 0-1, mode "F"
        "light-on-dark.png": Image.fromarray(255 - page),
        "tiny.png": Image.fromarray(page).resize((22, 28)),
        "huge.png": Image.fromarray(page).resize((1100, 1400)),
    }
    # Transparent paper over black RGB: only the alpha says where the ink is.
    rgba = np.zeros((*page.shape, 4), np.uint8)
    rgba[..., :3] = 20
    rgba[..., 3] = (np.clip(ink, 0, 1) * 255).astype(np.uint8)
    files["transparent.png"] = Image.fromarray(rgba)
    for name, image in files.items():
        image.save(folder / name)
    # An animated GIF: the digit first, then a different picture that must be ignored.
    frames = [Image.fromarray(page).convert("P"), Image.fromarray(on_paper(TWO if digit is SEVEN else SEVEN)).convert("P")]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:])
    return sorted(folder.iterdir())


def test_a_phone_photo_is_turned_upright_as_its_exif_says(tmp_path):
    page = on_paper(SEVEN)
    sideways = Image.fromarray(np.rot90(page, k=1).copy())  # stored turned a quarter to the left ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... with EXIF orientation 6: "turn 90 degrees clockwise to view"
    sideways.save(tmp_path / "phone.jpg", exif=exif)
    from course.preprocess import read_image

    assert read_image(tmp_path / "phone.jpg").shape == page.shape
    result = predict("--json", tmp_path / "phone.jpg")
    assert json.loads(result.stdout)["prediction"] == 7


def test_an_answer_without_a_clear_winner_is_printed_as_unsure():
    from course.predict import SURE, Prediction

    torn = Prediction("torn.jpg", probabilities=[0.3, 0.25] + [0.45 / 8] * 8)
    clear = Prediction("clear.jpg", probabilities=[0.02] * 9 + [0.82])
    shown_as_half = Prediction("half.jpg", probabilities=[0.4996] + [0.5004 / 9] * 9)  # printed as 50.0%
    assert torn.digit == 0 and torn.as_text().endswith(f"unsure: no digit gets {SURE:.0%}")
    assert json.loads(torn.as_json())["unsure"] is True
    assert clear.digit == 9 and "unsure" not in clear.as_text() and json.loads(clear.as_json())["unsure"] is False
    assert "50.0%" in shown_as_half.as_text() and "unsure" not in shown_as_half.as_text()


def test_a_photo_from_a_phone_of_many_megapixels_is_read_at_a_fraction_of_its_size(tmp_path):
    from course.preprocess import MOST_PIXELS, read_image

    page = np.rot90(on_paper(SEVEN), k=1)  # stored sideways, with the EXIF note to turn it upright
    sideways = Image.fromarray(np.stack([page] * 3, axis=-1)).resize((8400, 6300), Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways.save(tmp_path / "phone.jpg", quality=90, exif=exif)
    assert sideways.width * sideways.height > MOST_PIXELS  # 53 million
    # Decoded at a quarter of its size (an eighth would be under twice WORKING_SIDE), then turned upright.
    assert read_image(tmp_path / "phone.jpg").shape == (2100, 1575, 3)
    result = predict("--json", tmp_path / "phone.jpg")
    assert result.exit_code == 0 and json.loads(result.stdout)["prediction"] == 7, result.output


@pytest.mark.parametrize("digit, label", [(SEVEN, 7), (TWO, 2)])
def test_every_format_and_mode_reads_the_same_digit(tmp_path, digit, label):
    files = save_in_every_form(digit, tmp_path)
    result = predict("--json", *files)
    assert result.exit_code == 0, result.output
    answers = {json.loads(line)["file"]: json.loads(line) for line in result.stdout.splitlines()}
    assert set(answers) == {str(f) for f in files}
    for name, answer in answers.items():
        assert answer["prediction"] == label, (name, answer)
        assert len(answer["probabilities"]) == 10 and sum(answer["probabilities"]) == pytest.approx(1, abs=1e-4)


def test_text_output_gives_the_digit_and_the_top_three(tmp_path):
    Image.fromarray(on_paper(SEVEN)).save(tmp_path / "seven.png")
    result = predict(tmp_path / "seven.png")
    assert result.exit_code == 0
    line = result.stdout.strip()
    assert line.startswith(f"{tmp_path / 'seven.png'}: 7   (7: ")
    shares = [float(part.split(": ")[1].rstrip("%)")) for part in line.split("(")[1].split(", ")]
    assert len(shares) == 3 and shares == sorted(shares, reverse=True)
    assert "Model: cnn (lesson 3's cnn), trained on sample" in result.stderr
    again = predict(tmp_path / "seven.png")  # the CNN from the cache: predict has no --retrain of its own
    said = " ".join(again.stderr.split())  # as one line, however the notice was wrapped
    assert "loaded from the model cache" in said and "`course lesson 3 --retrain --data sample` trains it again" in said


def test_bad_files_get_one_line_each_and_the_others_are_still_read(tmp_path):
    Image.fromarray(on_paper(SEVEN)).save(tmp_path / "good.png")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.png").write_text("this is not a picture")
    (tmp_path / "cut.png").write_bytes((tmp_path / "good.png").read_bytes()[:200])
    Image.fromarray(np.full((60, 60), 240, np.uint8)).save(tmp_path / "blank.png")
    (tmp_path / "folder.png").mkdir()
    os.mkfifo(tmp_path / "pipe.png")  # read, it would wait for a writer forever
    bad = {"empty.png": "the file is empty", "notes.png": "not an image file", "cut.png": "damaged",
           "blank.png": "no ink found", "folder.png": "is a folder", "missing.png": "no such file",
           "pipe.png": "is not a file but a device or a pipe"}
    result = predict(tmp_path / "good.png", *(tmp_path / name for name in bad))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path / 'good.png'}: 7")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == len(bad)
    for (name, reason), line in zip(bad.items(), errors):
        assert line.startswith(f"Error: {tmp_path / name}: ") and reason in line, line
    assert "7 of 8 files could not be read as a digit." in result.stderr

    result = predict("--json", tmp_path / "good.png", tmp_path / "blank.png")
    assert result.exit_code == 1
    good, blank = map(json.loads, result.stdout.splitlines())
    assert good["prediction"] == 7
    assert blank == {"file": str(tmp_path / "blank.png"), "error": "no ink found: the image is blank or has no contrast"}


def test_a_mistyped_file_name_is_answered_before_any_model_or_tensorflow_loads(tmp_path):
    probe = ("import sys\nfrom course.cli import cli\n"
             "try:\n    cli.main(['predict', 'mistyped.png'], standalone_mode=False)\n"
             "except SystemExit as stop:\n    print('exit', stop.code)\n"
             "print('TF-LOADED' if 'tensorflow' in sys.modules else 'TF-ABSENT')")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "COURSE_HOME": str(tmp_path / "home")})
    assert result.stdout.split() == ["exit", "1", "TF-ABSENT"]
    assert result.stderr.splitlines()[0] == "Error: mistyped.png: no such file"
    assert not (tmp_path / "home" / "models").exists()  # nothing was trained


def test_explain_saves_one_figure_per_image_and_never_reuses_a_name(tmp_path):
    for folder, digit in (("a", SEVEN), ("b", TWO)):
        (tmp_path / folder).mkdir()
        Image.fromarray(on_paper(digit)).save(tmp_path / folder / "digit.png")
    out = tmp_path / "explained"
    result = predict("--explain", "--out", out, "--json", tmp_path / "a" / "digit.png", tmp_path / "b" / "digit.png")
    assert result.exit_code == 0, result.output
    figures = [json.loads(line)["figure"] for line in result.stdout.splitlines()]
    assert figures == [str(out / "digit-explained.png"), str(out / "digit-explained-2.png")]
    for figure in figures:
        picture(figure)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_the_other_lessons_models_answer_too(tmp_path, model):
    Image.fromarray(on_paper(SEVEN)).save(tmp_path / "seven.png")
    result = predict("--model", model, "--json", tmp_path / "seven.png")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["prediction"] == 7
    assert f"Model: {model} (lesson 2's" in result.stderr


def test_training_notice_goes_to_stderr_so_json_stays_clean(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "fresh-home"))
    Image.fromarray(on_paper(TWO)).save(tmp_path / "two.png")
    result = predict("--json", "--model", "logistic", tmp_path / "two.png")
    assert result.exit_code == 0
    assert "[softmax regression] training on 4,000 digits" in result.stderr
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(tmp_path / "two.png")]


def test_handwriting_that_is_not_mnist_is_read_mostly_right(tmp_path):
    """UCI digits (other writers, other scanner) as dark-on-light pages: the sample's CNN, a small slice."""
    folder = tmp_path / "pages"
    folder.mkdir()
    labels = {}
    for i, (page, label, _) in enumerate(scans(seed=5, count=60, sizes=(40, 120))):
        Image.fromarray(page).save(folder / f"{i}.png")
        labels[str(folder / f"{i}.png")] = label
    result = predict("--json", *labels)
    assert result.exit_code == 0
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    right = np.mean([a["prediction"] == labels[a["file"]] for a in answers])
    # Trained on 4,000 digits this CNN reads far fewer than full MNIST's, which is held to 92% below;
    # resizing the pages to 28x28 without mnistify reads under a third.
    assert right >= 0.65, right


@full_mnist
def test_full_mnist_cnn_reads_92_percent_of_other_peoples_handwriting():
    from course.explain import probabilities
    from course.predict import load_model
    from course.preprocess import mnistify

    model, _ = load_model("cnn", source="mnist", data_dir=FULL_MNIST_DIR, seed=42)
    pages = list(scans(seed=0))
    answers = probabilities(model, [mnistify(page) for page, _, _ in pages]).argmax(axis=1)
    assert np.mean(answers == [label for _, label, _ in pages]) >= 0.92  # issue 13's target


def test_scans_are_dark_ink_on_light_paper_at_the_size_asked():
    grids, labels = load_uci_digits()
    assert grids.shape == (1797, 8, 8) and grids.max() == 16 and sorted(set(labels)) == list(range(10))
    page = scan_on_paper(grids[0], 100, np.random.default_rng(0))
    assert page.shape[0] >= 130 and page.shape[1] >= 130
    ink_rows = np.flatnonzero((page < 120).any(axis=1))
    assert 80 <= ink_rows[-1] - ink_rows[0] + 1 <= 100
    assert np.median(page) > 200
