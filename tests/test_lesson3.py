import json
import re

import numpy as np
from click.testing import CliRunner

from conftest import picture
from course.cli import cli
from course.data import load_sample
from course.runner import QUICK_TEST, QUICK_TRAIN
from lessons_under_test import lesson3


def test_hand_convolution_is_keras_conv2d():
    rng = np.random.default_rng(1)
    images = rng.random((3, 28, 28), dtype=np.float32)
    kernels = [rng.standard_normal((5, 5)).astype(np.float32) for _ in range(4)]
    by_keras = lesson3.conv2d_by_keras(images, kernels)
    assert by_keras.shape == (3, 24, 24, 4)
    for i, image in enumerate(images):
        for k, weights in enumerate(kernels):
            np.testing.assert_allclose(lesson3.conv2d_by_hand(image, weights), by_keras[i, ..., k], atol=1e-5)


def test_hand_convolution_does_not_flip_the_kernel():
    image = np.zeros((3, 3), dtype=np.float32)
    image[0, 0] = 1  # one inked pixel at the top left
    kernel = np.arange(9, dtype=np.float32).reshape(3, 3)
    assert lesson3.conv2d_by_hand(image, kernel).tolist() == [[0.0]]  # weight 0 sits on it, not weight 8


def test_the_arc_kernel_prefers_a_closed_top_to_an_open_one():
    closed, open_top = np.zeros((12, 12), np.float32), np.zeros((12, 12), np.float32)
    closed[2, 4:8] = closed[3:6, 3] = closed[3:6, 8] = 1  # a cap with two sides: the top of a 9
    open_top[2:6, 3] = open_top[2:6, 8] = 1  # two sides, no cap: the top of a 4
    arc = lesson3.KERNELS[lesson3.ARC]
    assert lesson3.conv2d_by_hand(closed, arc).max() > lesson3.conv2d_by_hand(open_top, arc).max()


def run_quick(lesson, tmp_path):
    summary = tmp_path / f"summary{lesson}.json"
    result = CliRunner().invoke(cli, ["lesson", str(lesson), "--quick", "--data", "sample",
                                      "--out", str(tmp_path / f"out{lesson}"), "--summary-json", str(summary)])
    assert result.exit_code == 0, result.output
    report = json.loads(summary.read_text())
    for path in report["figures"]:
        picture(path)
    return result.output, report


def test_lessons_2_and_3_quick_and_lesson_3_reuses_lesson_2s_models(tmp_path):
    output, report = run_quick(2, tmp_path)
    assert set(report["models"]) == {"softmax regression", "mlp (relu)", "mlp (sigmoid)", "mlp (tanh)",
                                     "mlp (linear)", "mlp (relu output)"}
    assert report["models"]["mlp (relu)"]["params"] == 784 * 128 + 128 + 128 * 10 + 10
    assert len(report["figures"]) == 5
    difference = re.search(r"matches model.predict to (\d\.\de[-+]\d+)", output.replace("\n", " "))
    assert float(difference.group(1)) <= 1e-5

    output, report = run_quick(3, tmp_path)
    assert report["models"]["cnn"]["params"] == 16 * 26 + 32 * (16 * 25 + 1) + 288 * 128 + 128 + 128 * 10 + 10 and not report["models"]["cnn"]["cached"]
    assert report["models"]["mlp (relu)"]["cached"] and report["models"]["softmax regression"]["cached"]
    assert len(report["figures"]) == 5
    difference = re.search(r"largest difference (\d\.\de[-+]\d+)", output.replace("\n", " "))
    assert float(difference.group(1)) <= 1e-5
    sample = load_sample().head(QUICK_TRAIN, QUICK_TEST).x_train.astype(float)  # the digits --quick trains on
    inner = sample[:, 2:-2, 2:-2].sum()
    border_ink = re.search(r"the 2-pixel border holds ([\d.]+)% of the training digits' ink", output.replace("\n", " "))
    assert float(border_ink.group(1)) == round(100 * (1 - inner / sample.sum()), 2)
    cnn_error = re.search(r"cnn \(lesson 3\)\s+([\d.]+)%", output).group(1)
    assert float(cnn_error) == round(100 * (1 - report["models"]["cnn"]["test_accuracy"]), 2)
