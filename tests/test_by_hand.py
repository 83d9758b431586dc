"""course/by_hand.py: the one NumPy reference the lessons (and the checker) compute with."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from course import by_hand


def test_importing_it_does_not_import_tensorflow():
    probe = "import sys, course.by_hand; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_sigmoid_is_exact_and_never_overflows():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in np.exp would raise here
        p = by_hand.sigmoid(z)
    np.testing.assert_allclose(p[1:-1], 1 / (1 + np.exp(-z[1:-1])), rtol=1e-12)
    assert p[0] == 0.0 and p[-1] == 1.0 and p[3] == 0.5
    assert by_hand.sigmoid(-745.0) > 0  # e^-745 is still a positive float64: the small side keeps its precision


def test_softmax_rows_are_probabilities_even_for_huge_scores():
    z = np.array([[1000.0, 999.0, 0.0], [-1000.0, -1000.0, -999.0], [1.0, 2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = by_hand.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    np.testing.assert_allclose(p[2], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(by_hand.softmax(np.array([0.0, np.log(3)])), [0.25, 0.75])  # one vector


def test_dense_is_x_w_plus_b_then_the_activation():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 7)), rng.normal(size=(7, 5)), rng.normal(size=5)  # not square
    np.testing.assert_allclose(by_hand.dense(x, W, b), x @ W + b)
    np.testing.assert_allclose(by_hand.dense(x, W, b, "relu"), np.maximum(x @ W + b, 0))
    z = x @ W + b  # moderate scores: the textbook formulas are exact here
    textbook = {"relu": np.where(z > 0, z, 0), "sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z),
                "softmax": np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), "linear": z}
    assert set(textbook) == set(by_hand.ACTIVATIONS)
    for name, expected in textbook.items():
        np.testing.assert_allclose(by_hand.dense(x, W, b, name), expected, err_msg=name)
    with pytest.raises(KeyError):
        by_hand.dense(x, W, b, "swish")


def test_conv2d_is_the_double_loop_and_does_not_flip_the_kernel():
    rng = np.random.default_rng(1)
    image, kernel = rng.random((9, 11)), rng.normal(size=(3, 2))
    loops = np.array([[np.sum(image[r:r + 3, c:c + 2] * kernel) for c in range(10)] for r in range(7)])
    np.testing.assert_allclose(by_hand.conv2d(image, kernel), loops)
    one_ink = np.zeros((3, 3))
    one_ink[0, 0] = 1
    assert by_hand.conv2d(one_ink, np.arange(9.0).reshape(3, 3)).tolist() == [[0.0]]  # weight 0 sits on it


def test_conv2d_of_a_layer_sums_over_every_input_channel():
    rng = np.random.default_rng(3)
    maps = rng.standard_normal((7, 6, 3))
    kernels = rng.standard_normal((3, 3, 3, 2))
    loops = np.zeros((5, 4, 2))
    for r in range(5):
        for c in range(4):
            for f in range(2):
                loops[r, c, f] = np.sum(maps[r:r + 3, c:c + 3, :] * kernels[..., f])
    np.testing.assert_allclose(by_hand.conv2d(maps, kernels), loops)


def test_max_pool_keeps_the_largest_of_each_block_and_drops_leftovers():
    x = np.arange(20.0).reshape(4, 5)
    assert by_hand.max_pool(x).tolist() == [[6, 8], [16, 18]]
    maps = np.stack([x, -x], axis=-1)
    assert by_hand.max_pool(maps)[..., 1].tolist() == [[0, -2], [-10, -12]]
    x = np.random.default_rng(2).normal(size=(7, 9))
    for size in (2, 3):
        loops = [[x[r:r + size, c:c + size].max() for c in range(0, 9 - size + 1, size)]
                 for r in range(0, 7 - size + 1, size)]
        np.testing.assert_array_equal(by_hand.max_pool(x, size), loops)
