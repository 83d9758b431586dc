import numpy as np
import pytest

from course import by_hand
from course.data import load_sample
from course.lessons import lesson3
from course.runner import QUICK_TEST, QUICK_TRAIN
from helpers import run_lesson


def test_hand_convolution_is_keras_conv2d():
    rng = np.random.default_rng(1)
    images = rng.random((3, 28, 28), dtype=np.float32)
    kernels = [rng.standard_normal((5, 5)).astype(np.float32) for _ in range(4)]
    by_keras = lesson3.conv2d_by_keras(images, kernels)
    assert by_keras.shape == (3, 24, 24, 4)
    for i, image in enumerate(images):
        for k, weights in enumerate(kernels):
            np.testing.assert_allclose(by_hand.conv2d(image, weights), by_keras[i, ..., k], atol=1e-5)


def test_the_arc_kernel_prefers_a_closed_top_to_an_open_one():
    closed, open_top = np.zeros((12, 12), np.float32), np.zeros((12, 12), np.float32)
    closed[2, 4:8] = closed[3:6, 3] = closed[3:6, 8] = 1  # a cap with two sides: the top of a 9
    open_top[2:6, 3] = open_top[2:6, 8] = 1  # two sides, no cap: the top of a 4
    arc = lesson3.KERNELS[lesson3.ARC]
    assert by_hand.conv2d(closed, arc).max() > by_hand.conv2d(open_top, arc).max()


def test_lessons_2_and_3_quick_and_lesson_3_reuses_lesson_2s_models(tmp_path):
    _, report = run_lesson(2, tmp_path)
    assert set(report["models"]) == {"softmax regression", "mlp (relu)", "mlp (sigmoid)", "mlp (tanh)",
                                     "mlp (linear)", "mlp (relu output)"}
    assert report["models"]["mlp (relu)"]["params"] == 784 * 128 + 128 + 128 * 10 + 10
    assert len(report["figures"]) == 5
    assert report["measured"]["hand_vs_keras"] <= 1e-5
    assert set(report["measured"]["epochs_to_target"]) == {"relu", "sigmoid", "tanh", "linear"}

    _, report = run_lesson(3, tmp_path)
    assert report["models"]["cnn"]["params"] == 16 * 26 + 32 * (16 * 25 + 1) + 288 * 128 + 128 + 128 * 10 + 10 and not report["models"]["cnn"]["cached"]
    assert report["models"]["mlp (relu)"]["cached"] and report["models"]["softmax regression"]["cached"]
    assert len(report["figures"]) == 5
    measured = report["measured"]
    assert measured["hand_vs_keras"] <= 1e-5
    sample = load_sample().head(QUICK_TRAIN, QUICK_TEST).x_train.astype(float)  # the digits --quick trains on
    assert measured["border_ink"] == pytest.approx(1 - sample[:, 2:-2, 2:-2].sum() / sample.sum())
    errors = measured["test_errors"]
    assert errors["cnn (lesson 3)"] == pytest.approx(1 - report["models"]["cnn"]["test_accuracy"])
    assert errors["mlp (relu) (lesson 2)"] == pytest.approx(1 - report["models"]["mlp (relu)"]["test_accuracy"])
