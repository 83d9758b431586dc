"""How a Keras exercise (1.4, 2.4, 3.3) is judged.

In the sandbox, with the learner's time and memory limits (`train_and_save`): the learner's function
builds the model, the model is trained on the bundled sample, it predicts the sample's test digits,
and it is saved as a .keras file. Here, in the checker (`model_results`): the file is loaded with
safe_mode (no code of the learner's comes along), its structure is checked, a few of the predictions
are recomputed to make sure they are the model's own, and the accuracy is measured against the
labels. Every Keras error of the learner's model becomes a failed check with a hint.
"""

import tempfile
import time
from pathlib import Path

import numpy as np

from course.checks import Failure, Result

MAX_PARAMETERS = 2_000_000  # trains in the checker's budget on a laptop; the reference models have 5k-100k
SPOT_CHECKS = 32  # test digits whose prediction the checker recomputes from the saved model

# How each function is called, what its model is trained on, and the test accuracy it needs on the
# sample. The reference MLP reaches about 93% there (4,000 training digits are few for 100,000
# weights), so 2.4 asks for 90%: enough to tell a working MLP from a broken one.
MODEL_CALLS = {"1.4": [{}], "2.4": [{}, {"hidden_units": 32, "activation": "tanh"}], "3.3": [{}]}
TRAINING = {
    "1.4": {"input": [784], "outputs": 1, "epochs": 30, "needs": 0.95},
    "2.4": {"input": [784], "outputs": 10, "epochs": 10, "needs": 0.90},
    "3.3": {"input": [28, 28, 1], "outputs": 10, "epochs": 10, "needs": 0.97},
}


def sample_for(spec):
    """(x_train, y_train, x_test, y_test) from the bundled sample, shaped for the exercise's model."""
    from course.data import load_sample
    from course.preprocess import normalize, pick_classes

    digits = load_sample()
    train, test = (digits.x_train, digits.y_train), (digits.x_test, digits.y_test)
    if spec["outputs"] == 1:  # 1.4: is it a 9 (1) or a 4 (0)?
        train, test = pick_classes(*train), pick_classes(*test)
    shape = (-1, *spec["input"])
    return normalize(train[0]).reshape(shape), train[1], normalize(test[0]).reshape(shape), test[1]


# ---------------------------------------------------------------- in the sandbox

def train_and_save(models, spec, arrays, describe):
    """Train the first model as the checker asks, then save each model's .keras bytes into `arrays`.

    models: [(call index, keras.Model, that call's report)]. Returns the training's report.
    """
    _, model, _ = models[0]
    training = {"loss": str(getattr(model, "loss", None))}
    if getattr(model, "compiled", False) and model.built and model.count_params() <= MAX_PARAMETERS:
        training.update(_train(model, spec, arrays, describe))
    for i, model, meta in models:
        meta["parameters"] = model.count_params() if model.built else None
        if meta["parameters"] is not None and meta["parameters"] > MAX_PARAMETERS:
            continue  # too large to send back; the verdict needs only the count
        path = Path(f"model_{i}.keras")
        try:
            model.save(path)
            arrays[f"model_{i}"] = np.frombuffer(path.read_bytes(), dtype=np.uint8)
        except Exception as error:  # noqa: a model Keras cannot save is a verdict, not a crash
            meta["save_error"] = describe(error)
    return training


def _train(model, spec, arrays, describe):
    import keras

    x_train, y_train, x_test, _ = sample_for(spec)
    keras.utils.set_random_seed(0)
    started = time.perf_counter()
    try:
        model.fit(x_train, y_train, epochs=spec["epochs"], batch_size=32, verbose=0)
        arrays["predictions"] = np.asarray(model.predict(x_test, verbose=0), dtype=np.float32)
    except Exception as error:  # noqa: the learner's model failing to train is a fact to report
        return {"error": describe(error)}
    return {"seconds": time.perf_counter() - started}


# ---------------------------------------------------------------- in the checker

def model_results(exercise_id, run):
    """The checks of a Keras exercise, from what came back from the sandbox."""
    spec = TRAINING[exercise_id]
    failure = _returned_problem(run.calls)
    if failure:
        return [Result("build the model", False, failure=failure)]
    with tempfile.TemporaryDirectory(prefix="course-models-") as folder:
        models = []
        for i, returned in enumerate(run.calls):
            model, failure = _reloaded(returned, Path(folder) / f"model_{i}.keras")
            if failure:
                return [Result("build the model", False, failure=failure)]
            models.append(model)
    results = [_result("input, output and compile", _structure_problem(models[0], spec))]
    if exercise_id == "2.4":
        results.append(_result("uses hidden_units and activation", _arguments_problem(models[1]),
                               shown="build_mlp(hidden_units=32, activation=\"tanh\")"))
    if all(r.passed for r in results):
        results.append(_training_result(models[0], spec, run))
    return results


def _result(name, failure, shown=""):
    return Result(name, failure is None, shown, failure)


def _returned_problem(calls):
    for returned in calls:
        if returned.kind == "error":
            return Failure("a keras.Model", f"your function raised {returned.error}")
        if returned.kind != "model":
            return Failure("a keras.Model", f"an object of type {returned.type_name or 'unknown'}",
                           "Return the model itself: keras.Sequential([...]) after model.compile(...).")
        if returned.parameters is not None and returned.parameters > MAX_PARAMETERS:
            return Failure(f"at most {MAX_PARAMETERS:,} parameters", f"{returned.parameters:,} parameters",
                           "The checker trains your model for a short while on 4,000 digits: a much smaller "
                           "model learns them as well (the reference models have 5,000 to 100,000).")
        if returned.save_error:
            return Failure("a model Keras can save", returned.save_error,
                           "Use only Keras's own layers, built from keras.layers.")
    return None


def _reloaded(returned, path):
    """The learner's model loaded back with safe_mode, or the Failure saying why it cannot be."""
    from course.quiet import quiet_tensorflow

    quiet_tensorflow()
    import keras

    path.write_bytes(returned.model_bytes or b"")
    try:
        return keras.models.load_model(path, safe_mode=True), None
    except Exception as error:  # noqa: a model that cannot be reloaded safely cannot be judged
        return None, Failure("a model Keras can save and reload safely", f"{type(error).__name__}: {str(error)[:200]}",
                             "Use only Keras's own layers and losses: no Lambda layers, and no layer or loss "
                             "function of your own (keras.losses has the ones these exercises need).")


def leaf_layers(model):
    """The model's layers in order, the layers of a model nested inside it included."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from leaf_layers(layer)
        else:
            yield layer


def layer_activation(layer):
    """The activation a layer applies: its activation= argument, or what a Softmax or ReLU layer is."""
    activation = getattr(layer, "activation", None)
    if activation is None:
        return type(layer).__name__.lower()
    return getattr(activation, "__name__", str(activation))


def output_activation(model):
    return layer_activation(list(leaf_layers(model))[-1])


def _structure_problem(model, spec):
    expected_input = (None, *spec["input"])
    try:
        input_shape = tuple(model.input_shape)
    except (AttributeError, ValueError):
        return Failure(f"input shape {expected_input}", "a model with no input shape yet",
                       f"Start with keras.Input(shape={tuple(spec['input'])}).")
    if input_shape != expected_input:
        return Failure(f"input shape {expected_input}", f"{input_shape}",
                       f"Start with keras.Input(shape={tuple(spec['input'])}).")
    if tuple(model.output_shape) != (None, spec["outputs"]):
        return Failure(f"output shape (None, {spec['outputs']})", f"{tuple(model.output_shape)}")
    activation = output_activation(model)
    wanted = "sigmoid" if spec["outputs"] == 1 else "softmax"
    if activation != wanted:
        return Failure(f"a {wanted} output", f"a {activation} output",
                       OUTPUT_HINTS.get((wanted, activation), OUTPUT_HINTS[wanted]))
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        return Failure("a compiled model", "a model that was never compiled",
                       "Call model.compile(optimizer=..., loss=..., metrics=[\"accuracy\"]).")
    return None


OUTPUT_HINTS = {
    ("sigmoid", "relu"): "Never ReLU at the output: it can output 0 for everything and any number above 1, "
                         "so it is not a probability, and where it outputs 0 no gradient flows back to learn from.",
    ("sigmoid", "softmax"): "Softmax of a single unit is always exactly 1 (e^z / e^z), whatever the input: "
                            "use sigmoid for one output, softmax for several.",
    ("sigmoid", "linear"): "Without an activation the output is any number, not a probability: use sigmoid.",
    ("softmax", "relu"): "Never ReLU at the output: the ten outputs would not add up to 1, and can all be 0.",
    "sigmoid": "One output unit with activation=\"sigmoid\" gives p(9).",
    "softmax": "Ten output units with activation=\"softmax\" give ten probabilities that add up to 1.",
}


def _arguments_problem(model):
    layers = list(leaf_layers(model))
    at = next((i for i, layer in enumerate(layers) if hasattr(layer, "units")), None)
    units = getattr(layers[at], "units", None) if at is not None else None
    activation = layer_activation(layers[at]) if at is not None else ""
    if activation == "linear" and at + 1 < len(layers):  # Dense(units) followed by Activation(...) or ReLU()
        activation = layer_activation(layers[at + 1])
    if units != 32 or activation != "tanh":
        return Failure("a hidden layer of 32 tanh units", f"{units} {activation} units",
                       "Pass the arguments on: Dense(hidden_units, activation=activation).")
    return None


def _training_result(model, spec, run):
    training, name = run.training or {}, f"trained {spec['epochs']} epochs on the sample"
    if training.get("error") or run.predictions is None:
        got = training.get("error") or "training did not finish"
        return Result(name, False, failure=Failure("a model that trains", got, training_hint(training, spec)))
    _, _, x_test, y_test = sample_for(spec)
    spot = np.random.default_rng().choice(len(x_test), SPOT_CHECKS, replace=False)
    recomputed = model.predict(x_test[spot], verbose=0)
    if run.predictions.shape != (len(x_test), spec["outputs"]) or run.predictions.dtype.kind != "f" or \
            not np.allclose(run.predictions[spot], recomputed, atol=1e-3):
        return Result(name, False, failure=Failure("the predictions of your trained model",
                                                   "predictions that your model does not make",
                                                   "Leave Keras as it is: the checker trains your model itself."))
    answers = (run.predictions[:, 0] > 0.5).astype(int) if spec["outputs"] == 1 else run.predictions.argmax(axis=1)
    accuracy = float(np.mean(answers == y_test))
    name += f": test accuracy {accuracy:.1%} (needs {spec['needs']:.0%})"
    if accuracy >= spec["needs"]:
        return Result(name, True)
    return Result(name, False, failure=Failure(f"at least {spec['needs']:.0%}", f"{accuracy:.1%}", training_hint(
        training, spec, "Check the learning rate is not tiny and every layer can learn (trainable).")))


def training_hint(training, spec, otherwise="Train it yourself once: model.fit(x, y, epochs=1) shows the same "
                                            "error with the line it comes from."):
    """Why a model trains badly or not at all: most often a loss that does not fit the labels."""
    loss = str(training.get("loss", "")).lower()
    if spec["outputs"] > 1 and "categorical" in loss and "sparse" not in loss:
        return ("The labels are digits 0-9, one number per image, not one-hot vectors: "
                "loss=\"sparse_categorical_crossentropy\".")
    if spec["outputs"] == 1 and "binary" not in loss:
        return "The label is 1 for a 9 and 0 for a 4, one number per image: loss=\"binary_crossentropy\"."
    return otherwise
