"""The checker: reference solutions pass, realistic wrong ones fail with the right message."""

import json
import textwrap

import pytest
from click.testing import CliRunner

from course.checker import check
from course.cli import cli
from course.exercises import EXERCISES


def write(tmp_path, code, name="solution.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def verdict(report):
    """Everything the learner would read: the problem, or each failure's expected/got/hint."""
    if report.problem:
        return report.problem
    return " | ".join(f"{r.name}: expected {r.failure.expected}; got {r.failure.got}; hint {r.failure.hint}"
                      for r in report.results if not r.passed)


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISES if not EXERCISES[e].needs_tensorflow])
def test_reference_solutions_pass(exercise_id, tmp_path):
    exercise = EXERCISES[exercise_id]
    report = check(exercise, write(tmp_path, exercise.solution()))
    assert report.passed, verdict(report)
    assert len(report.results) >= 3


@pytest.mark.parametrize("exercise_id", [e for e in EXERCISES if EXERCISES[e].needs_tensorflow])
def test_reference_models_pass(exercise_id, tmp_path):
    exercise = EXERCISES[exercise_id]
    report = check(exercise, write(tmp_path, exercise.solution()))
    assert report.passed, verdict(report)


WRONG = {
    "1.1": [
        ("def normalize(images):\n    return images / 255", "dtype float32"),
        ("import numpy as np\ndef normalize(images):\n    images = images.astype(np.float32)\n    images /= 256\n    return images",
         "within 0.0001 relative"),
        ("import numpy as np\ndef normalize(images):\n    np.divide(images, 255, out=images, casting='unsafe')\n"
         "    return images.astype(np.float32)", "changed the input array"),
    ],
    "1.2": [
        ("import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))", "overflow"),
        ("import numpy as np\ndef sigmoid(z):\n    return np.exp(z) / (1 + np.exp(z))", "overflow"),
        ("import numpy as np\ndef sigmoid(z):\n    return np.tanh(z)", "within 1e-07 relative"),
        ("def sigmoid(z):\n    return [1.0]", "list"),
        ("import numpy as np\ndef sigmoid(z):\n    np.seterr(all='ignore')\n    return 1 / (1 + np.exp(-z))",
         "turns warnings off (np.seterr)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    warnings.simplefilter('ignore')\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.simplefilter)"),
        # switched off under a name imported or kept earlier, as a decorator, or by recording the warnings
        ("import numpy as np\nfrom numpy import errstate\ndef sigmoid(z):\n    with errstate(over='ignore'):\n"
         "        return 1 / (1 + np.exp(-z))", "turns warnings off (np.errstate)"),
        ("import numpy as np\nquiet = np.errstate\ndef sigmoid(z):\n    with quiet(over='ignore'):\n"
         "        return 1 / (1 + np.exp(-z))", "turns warnings off (np.errstate)"),
        ("import numpy as np\n@np.errstate(over='ignore')\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
         "turns warnings off (np.errstate)"),
        ("import numpy as np\nfrom numpy import seterr\ndef sigmoid(z):\n    seterr(over='ignore')\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (np.seterr)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    with warnings.catch_warnings(record=True):\n"
         "        return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.catch_warnings)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    warnings.showwarning = lambda *a, **k: None\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.showwarning)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    warnings.filters.insert(0, ('ignore', None, Warning, None, 0))\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.filters)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    warnings.filters.clear()\n    warnings.defaultaction = 'ignore'\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.filters)"),
        ("import numpy as np, warnings\ndef sigmoid(z):\n    warnings.simplefilter('ignore', (RuntimeWarning,))\n"
         "    return 1 / (1 + np.exp(-z))", "turns warnings off (warnings.simplefilter)"),
        ("import contextlib, numpy as np\ndef sigmoid(z):\n    with contextlib.ExitStack() as stack:\n"
         "        stack.enter_context(np.errstate(over='ignore'))\n        return 1 / (1 + np.exp(-z))",
         "turns warnings off (np.errstate)"),
    ],
    "1.3": [
        ("import numpy as np\ndef predict_proba(X, w, b):\n    return 1 / (1 + np.exp(-(X @ w.reshape(-1, 1) + b)))",
         "shape (n,)"),
        ("import numpy as np\ndef predict_proba(X, w, b):\n    return X @ w + b", "within"),
        ("import numpy as np\ndef predict_proba(X, w, b):\n    return 1 / (1 + np.exp(-(X @ w)))", "within"),
    ],
    "2.1": [
        ("import numpy as np\ndef relu(z):\n    z[z < 0] = 0\n    return z", "changed the input array"),
        ("import numpy as np\ndef relu(z):\n    return np.max(z, 0)", "shape"),
        ("import numpy as np\ndef relu(z):\n    return np.abs(z)", "within"),
    ],
    "2.2": [
        ("import numpy as np\ndef softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)",
         "subtract each row's maximum"),
        ("import numpy as np\ndef softmax(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()", "axis=1"),
        ("import numpy as np\ndef softmax(z):\n    return 1 / np.sum(np.exp(z[:, None, :] - z[:, :, None]), axis=2)",
         "overflow"),  # exp(2000) is inf, and 1 / inf the right 0
        ("import numpy as np\ndef softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=0)",
         "within"),
    ],
    "2.3": [
        ("import numpy as np\ndef dense_forward(x, W, b, activation):\n    return np.maximum(x @ W.T + b, 0)",
         "Keras stores W as (inputs, units)"),
        ("import numpy as np\ndef dense_forward(x, W, b, activation):\n    return np.maximum(x @ W + b, 0)", "within"),
        ("import numpy as np\ndef dense_forward(x, W, b, activation):\n    z = x @ W + b\n"
         "    return {'relu': np.maximum(z, 0), 'sigmoid': 1 / (1 + np.exp(-z)), 'tanh': np.tanh(z),\n"
         "            'linear': z}.get(activation, np.exp(z) / np.exp(z).sum())", "softmax"),
    ],
    "3.1": [
        ("import numpy as np\ndef conv2d(image, kernel):\n    kernel = kernel[::-1, ::-1]\n    kh, kw = kernel.shape\n"
         "    return np.array([[np.sum(image[r:r+kh, c:c+kw] * kernel) for c in range(image.shape[1]-kw+1)]\n"
         "                     for r in range(image.shape[0]-kh+1)])", "flip the kernel"),
        ("import numpy as np\ndef conv2d(image, kernel):\n    kh, kw = kernel.shape\n"
         "    return np.array([[np.sum(image[r:r+kh, c:c+kw] * kernel) for c in range(image.shape[1]-kw)]\n"
         "                     for r in range(image.shape[0]-kh)])", "shape"),
        ("import numpy as np\ndef conv2d(image, kernel):\n    kh, kw = kernel.shape\n"
         "    return np.array([[np.sum(image[r:r+kh, c:c+kw]) for c in range(image.shape[1]-kw+1)]\n"
         "                     for r in range(image.shape[0]-kh+1)])", "within"),
    ],
    "3.2": [
        ("import numpy as np\ndef max_pool(x, size=2):\n    h, w = -(-x.shape[0] // size), -(-x.shape[1] // size)\n"
         "    return np.array([[x[r*size:r*size+size, c*size:c*size+size].max() for c in range(w)] for r in range(h)])",
         "Drop the rows and columns"),
        ("import numpy as np\ndef max_pool(x, size=2):\n    h, w = x.shape[0] // size, x.shape[1] // size\n"
         "    return x[:h*size, :w*size].reshape(h, size, w, size).mean(axis=(1, 3))", "within"),
        ("import numpy as np\ndef max_pool(x, size=2):\n    return x[::size, ::size]", "shape"),
    ],
    "4.1": [
        ("import numpy as np\nfrom PIL import Image\ndef mnistify(image):\n"
         "    return np.asarray(Image.fromarray(image).resize((28, 28)), dtype=np.float32) / 255", "ink high"),
        ("import numpy as np\nfrom PIL import Image\ndef mnistify(image):\n"
         "    return 1 - np.asarray(Image.fromarray(image).resize((28, 28)), dtype=np.float32) / 255", "20x20"),
        ("import numpy as np\ndef mnistify(image):\n    return np.zeros((28, 28))", "float32"),
        ("import numpy as np\ndef mnistify(image):\n    out = np.zeros((28, 28), np.float32)\n    out[3, 4] = np.nan\n"
         "    return out", "got NaN or infinite at 1 of 784 pixels"),
        ("import numpy as np\ndef mnistify(image):\n    return np.zeros((28, 28), '>f4')",
         "got dtype float32 in the other byte order (>f4)"),
    ],
    "1.4": [
        ("import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(1, activation='relu')])\n    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m",
         "Never ReLU at the output"),
        ("import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(1, activation='softmax')])\n    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m",
         "Softmax of a single unit is always exactly 1"),
        ("import keras\ndef build_logistic_model():\n    return keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(1, activation='sigmoid')])", "never compiled"),
    ],
    "2.4": [
        ("import keras\ndef build_mlp(hidden_units=128, activation='relu'):\n    m = keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(128, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
         "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m", "Pass the arguments on"),
        ("import keras\ndef build_mlp(hidden_units=128, activation='relu'):\n    m = keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(hidden_units, activation=activation), keras.layers.Dense(10, activation='relu')])\n"
         "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m", "Never ReLU at the output"),
        ("import keras\ndef build_mlp(hidden_units=128, activation='relu'):\n    m = keras.Sequential([keras.Input(shape=(784,)), "
         "keras.layers.Dense(hidden_units, activation=activation), keras.layers.Dense(1, activation='sigmoid')])\n"
         "    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m", "output shape (None, 10)"),
    ],
    "3.3": [
        ("import keras\ndef build_cnn():\n    m = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation='softmax')])\n"
         "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m", "input shape (None, 28, 28, 1)"),
        ("def build_cnn():\n    return 'a CNN'", "a keras.Model"),
        ("import keras\ndef build_cnn():\n    m = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(4, 3),"
         " keras.layers.Flatten(), keras.layers.Dense(10, activation='relu')])\n"
         "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m", "Never ReLU at the output"),
    ],
}


@pytest.mark.parametrize("exercise_id, code, says", [(e, c, s) for e, wrongs in WRONG.items() for c, s in wrongs])
def test_realistic_wrong_solutions_fail_with_the_right_message(exercise_id, code, says, tmp_path):
    report = check(EXERCISES[exercise_id], write(tmp_path, code))
    assert not report.passed
    assert says in verdict(report), verdict(report)


@pytest.mark.parametrize("strict", [
    "with np.errstate(over='raise'):", "with np.errstate(all='warn'):", "with np.errstate(under='ignore'):",
    "with warnings.catch_warnings():\n        warnings.simplefilter('error')\n   ",
    "with warnings.catch_warnings():\n        warnings.filterwarnings('ignore', category=DeprecationWarning)\n   ",
    "old = np.seterr(over='raise')\n    np.seterr(**old)\n    if True:",  # NumPy's saved settings: under='ignore'
])
def test_a_stable_solution_that_makes_warnings_stricter_passes(strict, tmp_path):
    """Only what hides an overflow, division or invalid-value warning counts as switching it off: raising, warning,
    ignoring underflow (NumPy's own default) or other kinds of warnings does not."""
    code = ("import numpy as np, warnings\ndef sigmoid(z):\n    " + strict + "\n        e = np.exp(-np.abs(z))\n"
            "        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))")
    report = check(EXERCISES["1.2"], write(tmp_path, code))
    assert report.passed, verdict(report)


def test_every_exercise_has_three_wrong_solutions_under_test():
    assert set(WRONG) == set(EXERCISES)
    assert all(len(wrongs) >= 3 for wrongs in WRONG.values())


# Wrong answers that look right by statistics alone (range, shape, sums, a centre of mass): each check ties
# the answer to its input, and the inputs that tell them apart are always drawn, whatever the seed.
IMPOSTORS = {
    "1.1": "import numpy as np\ndef normalize(images):\n    return np.sort(images.astype(np.float32) / 255, axis=None)"
           ".reshape(images.shape)",
    "1.2": "import numpy as np\ndef sigmoid(z):\n    return np.exp(z) / (1 + np.exp(z))",
    "1.3": "import numpy as np\ndef predict_proba(X, w, b):\n    s = X @ w + b\n    return np.exp(s) / (1 + np.exp(s))",
    "2.1": "import numpy as np\ndef relu(z):\n    return np.sort(np.maximum(z, 0), axis=None).reshape(z.shape).astype(z.dtype)",
    "2.2": "import numpy as np\ndef softmax(z):\n    return np.full(z.shape, 1 / z.shape[1])",
    "2.3": "import numpy as np\ndef dense_forward(x, W, b, activation):\n    z = x @ W + b\n"
           "    e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0) if activation == 'softmax' else "
           "{'relu': np.maximum(z, 0), 'sigmoid': 1 / (1 + np.exp(-z)), 'tanh': np.tanh(z), 'linear': z}[activation]",
    "3.1": "import numpy as np\ndef conv2d(image, kernel):\n    w = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)\n"
           "    return np.einsum('rcij,ij->rc', w, kernel.T.reshape(kernel.shape))",
    "3.2": "import numpy as np\ndef max_pool(x, size=2):\n    h, w = x.shape[0] // size, x.shape[1] // size\n"
           "    return x[:h * size, :w * size].reshape(size, h, size, w).max(axis=(0, 2))",
    "4.1": "import numpy as np\ndef mnistify(image):\n    out = np.zeros((28, 28), dtype=np.float32)\n"
           "    out[4:24, 4:24] = 0.5\n    return out",
}


@pytest.mark.parametrize("exercise_id", sorted(IMPOSTORS))
def test_an_answer_that_only_looks_right_fails_on_every_seed(exercise_id, tmp_path):
    path = write(tmp_path, IMPOSTORS[exercise_id])
    for seed in range(4):
        report = check(EXERCISES[exercise_id], path, seed=seed)
        assert not report.passed, f"seed {seed}: {verdict(report)}"


def test_every_numpy_exercise_has_an_impostor_under_test():
    assert set(IMPOSTORS) == {e for e in EXERCISES if not EXERCISES[e].needs_tensorflow}


def test_the_reference_mnistify_passes_on_every_seed(tmp_path):
    path = write(tmp_path, EXERCISES["4.1"].solution())
    for seed in range(6):
        report = check(EXERCISES["4.1"], path, seed=seed)
        assert report.passed, f"seed {seed}: {verdict(report)}"


# ---------------------------------------------------------------- Keras mistakes are verdicts

MLP = ("keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(hidden_units, activation=activation), "
       "keras.layers.Dense(10, activation='softmax')])")
KERAS_MISTAKES = [
    ("one-hot loss with digit labels", "2.4",
     f"import keras\ndef build_mlp(hidden_units=128, activation='relu'):\n    m = {MLP}\n"
     "    m.compile(optimizer='adam', loss='categorical_crossentropy')\n    return m",
     {}, "sparse_categorical_crossentropy"),
    ("a ten-class loss for a yes/no question", "1.4",
     "import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
     "keras.layers.Dense(1, activation='sigmoid')])\n"
     "    m.compile(optimizer='adam', loss='categorical_crossentropy')\n    return m", {}, "binary_crossentropy"),
    ("no Input, so no input shape", "1.4",
     "import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n"
     "    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m", {}, "no input shape yet"),
    ("far too many parameters", "1.4",
     "import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
     "keras.layers.Dense(4096), keras.layers.Dense(1, activation='sigmoid')])\n"
     "    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m", {}, "parameters"),
    ("a Lambda layer", "1.4",
     "import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
     "keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(1, activation='sigmoid')])\n"
     "    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m", {}, "reload safely"),
    ("the right shape, but frozen: it cannot learn", "1.4",
     "import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
     "keras.layers.Dense(1, activation='sigmoid', trainable=False)])\n"
     "    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m", {}, "(needs 95%)"),
    ("wide convolutions, trained inside the time limit", "3.3",
     "import keras\ndef build_cnn():\n    m = keras.Sequential([keras.Input(shape=(28, 28, 1))] + "
     "[keras.layers.Conv2D(128, 5, padding='same', activation='relu') for _ in range(3)] + "
     "[keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(10, activation='softmax')])\n"
     "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m",
     {"timeout": 20}, "timed out after 20 s"),
]


@pytest.mark.parametrize("name, exercise_id, code, limits, says", KERAS_MISTAKES, ids=[m[0] for m in KERAS_MISTAKES])
def test_a_keras_mistake_is_a_failed_check_with_a_hint(name, exercise_id, code, limits, says, tmp_path):
    report = check(EXERCISES[exercise_id], write(tmp_path, code), **limits)
    assert not report.passed
    assert says in verdict(report), verdict(report)
    if "timeout" in limits:
        assert report.seconds >= limits["timeout"]  # the report states the time the training really took


def test_textbook_models_pass_as_the_reference_ones_do(tmp_path):
    plain_adam = ("import keras\ndef build_logistic_model():\n    m = keras.Sequential([keras.Input(shape=(784,)), "
                  "keras.layers.Dense(1, activation='sigmoid')])\n"
                  "    m.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n    return m")
    separate_activations = ("import keras\ndef build_mlp(hidden_units=128, activation='relu'):\n"
                            "    m = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(hidden_units), "
                            "keras.layers.Activation(activation), keras.layers.Dense(10), keras.layers.Softmax()])\n"
                            "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return m")
    for exercise_id, code in (("1.4", plain_adam), ("2.4", separate_activations)):
        report = check(EXERCISES[exercise_id], write(tmp_path, code))
        assert report.passed, verdict(report)


def test_a_nested_model_is_judged_like_a_flat_one(tmp_path):
    code = ("import keras\ndef build_logistic_model():\n    features = keras.Sequential([keras.layers.Dense(16, "
            "activation='relu')])\n    m = keras.Sequential([keras.Input(shape=(784,)), features, "
            "keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])])\n"
            "    m.compile(optimizer=keras.optimizers.Adam(0.01), loss='binary_crossentropy')\n    return m")
    report = check(EXERCISES["1.4"], write(tmp_path, code))
    assert report.passed, verdict(report)


# ---------------------------------------------------------------- files as learners have them

def notebook(*cells):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": {}, "source": source.splitlines(True),
         **({"outputs": [], "execution_count": None} if kind == "code" else {})} for kind, source in cells]})


def test_a_notebook_is_checked_by_its_code_cells(tmp_path):
    path = tmp_path / "lab.ipynb"
    path.write_text(notebook(("markdown", "# My sigmoid\n"), ("code", "!pip install numpy\n%matplotlib inline\n"),
                             ("code", "%%bash\necho not python\n"),
                             ("code", EXERCISES["1.2"].solution()), ("code", "%time sigmoid(0.5)\n")))
    assert check(EXERCISES["1.2"], path).passed
    path.write_text(notebook(("code", "import numpy as np\n"), ("code", "x = 1\n"),
                             ("code", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z)\n")))
    report = check(EXERCISES["1.2"], path)
    assert not report.passed and "lab.ipynb, cell 3, line 2: SyntaxError" in report.problem, report.problem
    path.write_text(notebook(("code", "import numpy as np\ndef sigmoid(z):\n"),  # Jupyter runs cells one by one
                             ("code", "    return 1 / (1 + np.exp(-z))\n")))
    report = check(EXERCISES["1.2"], path)
    assert not report.passed and "cell 1, line 2: IndentationError" in report.problem, report.problem


def test_a_byte_order_mark_does_not_hide_the_exercise_line(tmp_path):
    path = tmp_path / "solution.py"
    path.write_bytes(b"\xef\xbb\xbf# course exercise: 1.2\r\n" + EXERCISES["1.2"].solution().replace("\n", "\r\n").encode())
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0 and "Passed!" in result.output, result.output


def test_a_notebook_names_its_exercise_and_a_broken_one_is_a_usage_error(tmp_path):
    path = tmp_path / "lab.ipynb"
    path.write_text(notebook(("code", "# course exercise: 2.1\nimport numpy as np\n\ndef relu(z):\n"
                                      "    return np.maximum(z, 0)\n")))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0 and "Passed!" in result.output, result.output
    for broken in ('{"cells": [', '{"cells": [{"cell_type": "code", "source": [["x"], "y"]}]}', "[" * 100_000):
        path.write_text(broken)
        result = CliRunner().invoke(cli, ["check", "2.1", str(path)])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1 and "notebook" in result.output


def test_a_learners_notebook_naming_its_exercise_keeps_its_other_cells_before_it(tmp_path):
    path = tmp_path / "lab.ipynb"
    solution = EXERCISES["1.2"].solution().replace("import numpy as np\n", "")
    path.write_text(notebook(("code", "import numpy as np\n"), ("code", f"# course exercise: 1.2\n{solution}"),
                             ("code", "raise RuntimeError('a later cell: not part of the solution')\n")))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0 and "Passed!" in result.output, result.output


def test_a_notebook_holding_a_lone_surrogate_gets_a_verdict_not_a_traceback(tmp_path):
    """JSON can hold a character no text can (a lone surrogate): the check fails on it, as on any non-UTF-8 file."""
    path = tmp_path / "lab.ipynb"
    path.write_text(notebook(("code", "import numpy as np\nx = '\ud800'\ndef relu(z):\n    return np.maximum(z, 0)\n")))
    result = CliRunner().invoke(cli, ["check", "2.1", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "lab.ipynb: UnicodeDecodeError" in result.output
