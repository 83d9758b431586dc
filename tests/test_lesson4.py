import json
import re

import keras
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import picture
from course.cli import cli
from course.data import load_sample
from course.explain import occlusion, probabilities, saliency, scores
from course.preprocess import flatten, normalize
from lessons_under_test import lesson2, lesson3, lesson4


@pytest.fixture(scope="module")
def digits():
    sample = load_sample()
    return normalize(sample.x_train[:2000]), sample.y_train[:2000], normalize(sample.x_test), sample.y_test


@pytest.fixture(scope="module")
def models(digits):
    """The course's three ten-digit models, each trained for one epoch on 2,000 sample digits."""
    x, y, _, _ = digits
    built = {"logistic": lesson2.softmax_regression(), "mlp": lesson2.mlp("relu"),
             "cnn": lesson3.cnn(total_steps=lesson3.cnn_steps(len(x), 1))}
    for name, model in built.items():
        keras.utils.set_random_seed(0)
        model.fit(x[..., None] if name == "cnn" else flatten(x), y, epochs=1, batch_size=128, verbose=0)
    return built


@pytest.mark.parametrize("name", ["logistic", "mlp", "cnn"])
def test_the_numpy_forward_pass_is_keras_layer_by_layer(models, digits, name):
    model, x_test = models[name], digits[2]
    for image in x_test[:3]:
        by_hand, by_keras = lesson4.forward_by_hand(model, image), lesson4.keras_layer_outputs(model, image)
        assert [n for n, _ in by_hand] == [layer.name for layer in model.layers]
        for (layer, mine), (_, theirs) in zip(by_hand, by_keras):
            assert mine.shape == theirs.shape, layer
            np.testing.assert_allclose(mine, theirs, atol=1e-5, err_msg=layer)
        np.testing.assert_allclose(by_hand[-1][1], probabilities(model, [image])[0], atol=1e-5)


def test_hand_convolution_layer_is_the_double_loop_over_every_channel():
    rng = np.random.default_rng(3)
    maps = rng.standard_normal((7, 6, 3)).astype(np.float32)
    kernels = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)
    bias = np.array([0.5, -1.0], dtype=np.float32)
    loops = np.zeros((5, 4, 2), dtype=np.float32)
    for r in range(5):
        for c in range(4):
            for f in range(2):
                loops[r, c, f] = np.sum(maps[r:r + 3, c:c + 3, :] * kernels[..., f]) + bias[f]
    np.testing.assert_allclose(lesson4.conv2d_layer_by_hand(maps, kernels, bias), loops, atol=1e-5)


def test_max_pool_by_hand_keeps_the_largest_of_each_block():
    maps = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    assert lesson4.max_pool_by_hand(maps)[..., 0].tolist() == [[5, 7], [13, 15]]


def test_a_layer_without_a_hand_version_is_named():
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dropout(0.5), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="Dropout"):
        lesson4.forward_by_hand(model, np.zeros(784, np.float32))


def test_saliency_of_a_linear_model_is_the_difference_of_its_weights(models, digits):
    model, image = models["logistic"], digits[2][0]
    W, _ = model.get_layer("votes").get_weights()
    np.testing.assert_allclose(saliency(model, image, 9, versus=4).ravel(), W[:, 9] - W[:, 4], atol=1e-6)
    np.testing.assert_allclose(saliency(model, image, 3).ravel(), W[:, 3], atol=1e-6)


def test_scores_are_what_softmax_turns_into_probabilities(models, digits):
    for model in models.values():
        s = scores(model, digits[2][:5])
        np.testing.assert_allclose(lesson2.softmax(s), probabilities(model, digits[2][:5]), atol=1e-5)


def test_occlusion_of_a_linear_model_removes_exactly_the_covered_votes(models, digits):
    model, image = models["logistic"], digits[2][0]
    W, _ = model.get_layer("votes").get_weights()
    votes = (W[:, 9] - W[:, 4]).reshape(28, 28)
    change, answers = occlusion(model, image, 9, 4, patch=6, stride=2)
    assert change.shape == answers.shape == (12, 12)
    for i, j in [(0, 0), (3, 5), (11, 11)]:
        covered = (image * votes)[2 * i:2 * i + 6, 2 * j:2 * j + 6].sum()
        assert change[i, j] == pytest.approx(-covered, abs=1e-4)


def test_erasing_the_top_only_removes_ink_from_the_top(models, digits):
    model, x_test, y_test = models["cnn"], digits[2], digits[3]
    nine = x_test[y_test == 9][0]
    erased, strokes = lesson4.erase_closing_stroke(model, nine)
    assert 1 <= len(strokes) <= lesson4.MOST_ERASERS
    assert np.all(erased <= nine) and erased.sum() < nine.sum()
    rows = np.flatnonzero((nine - erased).max(axis=1) > 0)
    ink_rows = np.flatnonzero(nine.max(axis=1) > 0)
    assert rows.max() < ink_rows[0] + 0.4 * (ink_rows[-1] - ink_rows[0] + 1) + lesson4.ERASER


def run_lesson_4(tmp_path, *extra):
    summary = tmp_path / "summary.json"
    result = CliRunner().invoke(cli, ["lesson", "4", "--quick", "--data", "sample", "--out", str(tmp_path / "out"),
                                      "--summary-json", str(summary), *extra])
    assert result.exit_code == 0, result.output
    report = json.loads(summary.read_text())
    for path in report["figures"]:
        picture(path)
    return result.output.replace("\n", " "), report


def test_lesson_4_quick_opens_one_prediction(tmp_path):
    output, report = run_lesson_4(tmp_path)
    assert set(report["models"]) == {"cnn"}
    assert len(report["figures"]) == 6
    agreement = float(re.search(r"agree on every layer to (\S+) \(", output).group(1))
    assert agreement <= 1e-5
    assert "Why 9 and not 4?" in output and "example_digit.png" in output
    tried, to_four, other, stayed = map(int, re.search(
        r"on (\d+) test 9s .* The answer became 4 for (\d+) of them, another digit for (\d+), and stayed 9 for "
        r"(\d+)", output).groups())
    assert to_four + other + stayed == tried > 0
    wrong = int(re.search(r"(\d+) of 500 test digits are wrong", output).group(1))
    assert wrong == pytest.approx((1 - report["models"]["cnn"]["test_accuracy"]) * 500, abs=0.5)


def test_lesson_4_opens_the_learners_own_image(tmp_path):
    seven = load_sample().x_test[load_sample().y_test == 7][0]
    page = np.full((150, 120), 225, np.uint8)  # a 7 three times MNIST's size, dark on light, off-centre
    page[20:104, 10:94] = 255 - np.asarray(Image.fromarray(seven).resize((84, 84)))
    Image.fromarray(page).save(tmp_path / "my seven.jpg")
    output, report = run_lesson_4(tmp_path, "--image", str(tmp_path / "my seven.jpg"))
    assert "your digit from my seven.jpg" in output
    answer = int(re.search(r"The answer: (\d) \(", output).group(1))
    assert f"Why {answer} and not" in output
    assert "120x150 picture into 28x28" in output
