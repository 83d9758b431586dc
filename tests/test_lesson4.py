import keras
import numpy as np
import pytest
from PIL import Image

from course import by_hand
from course.data import load_sample
from course.explain import layer_outputs, occlusion, probabilities, saliency, scores
from course.lessons import lesson2, lesson3, lesson4
from course.preprocess import flatten, normalize
from helpers import on_paper, run_lesson


@pytest.fixture(scope="module")
def digits():
    sample = load_sample()
    return normalize(sample.x_train[:2000]), sample.y_train[:2000], normalize(sample.x_test), sample.y_test


@pytest.fixture(scope="module")
def models(digits):
    """The course's three ten-digit models, each trained for one epoch on 2,000 sample digits."""
    x, y, _, _ = digits
    steps = -(-len(x) // 128)  # fit() below holds nothing out
    built = {"logistic": lesson2.softmax_regression(steps), "mlp": lesson2.mlp(steps), "cnn": lesson3.cnn(steps)}
    for name, model in built.items():
        keras.utils.set_random_seed(0)
        model.fit(x[..., None] if name == "cnn" else flatten(x), y, epochs=1, batch_size=128, verbose=0)
    return built


@pytest.mark.parametrize("name", ["logistic", "mlp", "cnn"])
def test_the_numpy_forward_pass_is_keras_layer_by_layer(models, digits, name):
    model, x_test = models[name], digits[2]
    for image in x_test[:3]:
        by_hand, by_keras = lesson4.forward_by_hand(model, image), layer_outputs(model, image)
        assert [n for n, _ in by_hand] == [layer.name for layer in model.layers]
        for (layer, mine), (_, theirs) in zip(by_hand, by_keras):
            assert mine.shape == theirs.shape, layer
            np.testing.assert_allclose(mine, theirs, atol=1e-5, err_msg=layer)
        np.testing.assert_allclose(by_hand[-1][1], probabilities(model, [image])[0], atol=1e-5)


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
        np.testing.assert_allclose(by_hand.softmax(s), probabilities(model, digits[2][:5]), atol=1e-5)


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


def answers(top_half=0.6, target=9, versus=4, difference=3e-7, row=8):
    strongest = {"kernel": 5, "kernels": 16, "size": 5, "response": 1.25, "row": row, "col": 14}
    figures = {"why_this_and_not_that": "02.png", "your_handwriting": "06.png", "forward_pass_by_hand": "01.png"}
    return " ".join(lesson4.questions_answered(target=target, versus=versus, saliency_top_half=top_half,
                                               strongest=strongest, multiplications=658944,
                                               hand_vs_keras=difference, picture_size=(120, 150), figures=figures))


def test_step_5_answers_follow_from_the_numbers_of_the_run():
    text = answers()
    assert "kernel 5 answers most strongly (1.25), centred at row 8, column 14, in the top half" in text
    assert "puts 60% of its weight in the top half, where a 9's loop closes and a 4's stays open" in text
    assert "a 120x150 picture" in text
    assert "NumPy and Keras agree to 3.0e-07" in text


def test_step_5_answers_change_when_the_numbers_do():
    text = answers(top_half=0.4, difference=0.02, row=20)
    assert "in the bottom half" in text
    assert "a 9's loop closes and a 4's stays open" not in text
    assert "does not rest mainly on the top" in text
    assert "DISAGREE" in text and "agree to" not in text
    assert "loop" not in answers(top_half=0.9, target=3, versus=5)  # not a 9 against a 4: nothing about loops


def test_lesson_4_quick_opens_one_prediction(tmp_path):
    output, report = run_lesson(4, tmp_path)
    measured = report["measured"]
    assert set(report["models"]) == {"cnn"}
    assert len(report["figures"]) == 6
    assert measured["hand_vs_keras"] <= 1e-5
    assert "Why 9 and not 4?" in output and "example_digit.jpg" in output
    # The counterfactual: erasing the top stroke must change answers, and lower p(9) in the example shown.
    assert measured["counterfactual_tried"] > 0
    assert measured["counterfactual_stayed_nine"] < measured["counterfactual_tried"]
    p_nine_before, p_nine_after = measured["counterfactual_example_p_nine"]
    assert p_nine_after < p_nine_before
    assert measured["test_digits_wrong"] == round((1 - report["models"]["cnn"]["test_accuracy"]) * 500)
    assert 0 <= measured["saliency_top_half"] <= 1


def test_lesson_4_opens_the_learners_own_image(tmp_path):
    seven = load_sample().x_test[load_sample().y_test == 7][0]
    Image.fromarray(on_paper(seven, height=150, width=120)).save(tmp_path / "my seven.jpg")
    output, report = run_lesson(4, tmp_path, "--image", str(tmp_path / "my seven.jpg"))
    measured = report["measured"]
    assert "your digit from my seven.jpg" in output
    assert measured["own_picture_size"] == [120, 150]
    assert measured["own_answer"] == 7, measured["own_probabilities"]
    runner_up = int(np.argsort(measured["own_probabilities"])[-2])
    assert f"Why 7 and not {runner_up}?" in output
