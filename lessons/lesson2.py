"""Lesson 2 — Many neurons: from ten templates to learned features.

The questions: how does a network go beyond one weighted vote? And are the
activation functions (ReLU, sigmoid, tanh) chosen by trial and error?

1. Softmax regression on all ten digits: ten weighted votes, one per digit,
   seen as ten 28x28 templates; softmax turns the ten scores into probabilities.
2. The multilayer perceptron (MLP): 784 -> 128 hidden units (ReLU) -> 10. What
   the hidden units look for, which of them fire for a 9 and not for a 4, and
   the forward pass recomputed in NumPy.
3. The activation-function experiment: the same MLP, same seed, same budget,
   with relu, sigmoid, tanh and none (linear). Then the one firm rule, shown:
   ReLU at the output layer instead of softmax.
"""

import keras
import numpy as np

from course import by_hand
from course.plots import learning_curves, panels, weights_image
from course.preprocess import flatten, normalize
from course.story import agreement, points
from course.training import (LABEL_SMOOTHING, compile_ten_digit_model, train_and_test, training_steps,
                             warmup_steps)

HIDDEN_UNITS = 128
EPOCHS = 8
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 0.003
ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear")  # "linear" is no activation at all: h = W x + b
TARGET = {"mnist": 0.97, "sample": 0.90}  # the fixed validation accuracy the experiment races to
FOUR, NINE = 4, 9
TOLERANCE = 1e-5  # NumPy and Keras agree within float32 rounding


def softmax_regression(total_steps):
    """784 -> Dense(10, softmax): one weighted vote per digit, 7,850 numbers to learn."""
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax", name="votes")],
                             name="softmax_regression")
    return compile_ten_digit_model(model, peak_learning_rate=PEAK_LEARNING_RATE, total_steps=total_steps)


def mlp(total_steps, activation="relu", output="softmax", hidden_units=HIDDEN_UNITS):
    """784 -> Dense(hidden_units, activation) -> Dense(10, output)."""
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(hidden_units, activation=activation, name="hidden"),
        keras.layers.Dense(10, activation=output, name="output"),
    ], name=f"mlp_{activation}_{output}")
    return compile_ten_digit_model(model, peak_learning_rate=PEAK_LEARNING_RATE, total_steps=total_steps)


def mlp_by_hand(x, W1, b1, W2, b2):
    """The MLP's forward pass written out: Keras does exactly this, in float32. Returns (hidden, probabilities)."""
    hidden = by_hand.dense(x, W1, b1, "relu")
    return hidden, by_hand.dense(hidden, W2, b2, "softmax")


def steps_per_model(story, x_train):
    """The training steps each of this lesson's models takes: its epochs over its batches."""
    return training_steps(len(x_train), story.epochs(EPOCHS), BATCH_SIZE)


def train_model(story, name, build, data, **build_args):
    """One of this lesson's models with this lesson's budget (lesson 3 reuses it: same recipe, same cache entry).

    data: flattened, normalized (x_train, y_train, x_test, y_test). Returns (Trained, test accuracy).
    """
    build_args = {"total_steps": steps_per_model(story, data[0]), **build_args}
    return train_and_test(story, name, build, *data, epochs=story.epochs(EPOCHS), batch_size=BATCH_SIZE,
                          build_args=build_args)


# The models that lesson 3's scoreboard, lesson 4 and `course predict` reuse: name -> (build, its arguments).
REUSED = {"softmax regression": (softmax_regression, {}), "mlp (relu)": (mlp, {"activation": "relu"})}


def flat_data(digits):
    """The digits as this lesson's models read them: (x_train, y_train, x_test, y_test), 784 numbers 0-1 each."""
    return flatten(normalize(digits.x_train)), digits.y_train, flatten(normalize(digits.x_test)), digits.y_test


def trained_model(story, name, data=None):
    """The model `name` of REUSED trained on the story's digits (from the cache once lesson 2 trained it).

    data: flat_data(story.digits), when the caller has it already. Returns (Trained, test accuracy).
    """
    build, build_args = REUSED[name]
    return train_model(story, name, build, data or flat_data(story.digits), **build_args)


def training_recipe(total_steps):
    """How every model of lessons 2 and 3 trains (course/training.py), with this lesson's numbers computed."""
    targets = np.full(10, LABEL_SMOOTHING / 10)
    targets[7] += 1 - LABEL_SMOOTHING
    lowest_loss = -np.sum(targets * np.log(targets))  # cross-entropy of the targets with themselves
    warmup = warmup_steps(total_steps)
    steps = f"{warmup} step{'s' if warmup != 1 else ''}"
    schedule = (f"rises over its first {steps}, then falls along a cosine to 0 at its last" if warmup else
                "starts at its peak (too few steps to warm up), then falls along a cosine to 0 at its last")
    return (f"Every model of lessons 2 and 3 trains the same way (course/training.py). Adam takes the steps; "
            f"here each model takes {total_steps:,} (one per batch of {BATCH_SIZE} digits), and the step size "
            f"{schedule}. The loss is cross-entropy against softened targets (label smoothing): for a 7 the target "
            f"is {targets[7]:.2f} for '7' and {targets[0]:.2f} for each other digit, not 1 and 0, so a 7 "
            f"read right is pushed only until p(7) reaches {targets[7]:.2f}, and training spends its steps on "
            f"the digits still read wrong. The lowest loss these targets allow is {lowest_loss:.2f}, not 0.")


def epochs_to_reach(history, target):
    """The first epoch (1-based) whose validation accuracy reached target, or None."""
    for epoch, accuracy in enumerate(history["val_accuracy"], start=1):
        if accuracy >= target:
            return epoch
    return None


def activation_conclusions(results, target, softmax_regression_accuracy):
    """Sentences that follow from the measured results, and only from them.

    results: {activation: {"history": Keras history dict, "test_accuracy": float, "seconds_per_epoch": float}}
    """
    epochs = len(next(iter(results.values()))["history"]["val_accuracy"])
    reached = {name: epochs_to_reach(r["history"], target) for name, r in results.items()}
    fast = sorted((e, name) for name, e in reached.items() if e is not None)
    never = [name for name, e in reached.items() if e is None]
    sentences = []
    if fast:
        first_epoch, first = fast[0]
        others = ", ".join(f"{name} after {e}" for e, name in fast[1:])
        sentences.append(f"{first} reached {target:.0%} validation accuracy after {first_epoch} "
                         f"epoch{'s' if first_epoch > 1 else ''}" + (f", {others}" if others else "") + ".")
    if never:
        names = ", ".join(never[:-1]) + " and " + never[-1] if len(never) > 1 else never[0]
        sentences.append(f"{names} never reached {target:.0%} within {epochs} epoch{'s' if epochs > 1 else ''}.")
    ranked = sorted(results, key=lambda name: -results[name]["test_accuracy"])
    best, worst = ranked[0], ranked[-1]
    sentences.append(f"Best test accuracy: {best} ({results[best]['test_accuracy']:.2%}); worst: {worst} "
                     f"({results[worst]['test_accuracy']:.2%}), {100 * (results[best]['test_accuracy'] - results[worst]['test_accuracy']):.1f} points apart.")
    nonlinear = [name for name in results if name != "linear"]
    if "linear" in results and nonlinear:
        best_nonlinear = max(nonlinear, key=lambda name: results[name]["test_accuracy"])
        lead = results[best_nonlinear]["test_accuracy"] - results["linear"]["test_accuracy"]
        sentences.append(
            f"{best_nonlinear} beat linear by {lead * 100:.1f} points: a nonlinearity lets the hidden units bend "
            f"the decision boundary, which no stack of linear layers can." if lead > 0 else
            f"On this run linear did as well as {best_nonlinear} ("
            + (f"{-lead * 100:.1f} points ahead" if lead < 0 else "the same test accuracy")
            + "): too little data or training for the nonlinearity to show.")
    if "linear" in results:
        gap = results["linear"]["test_accuracy"] - softmax_regression_accuracy
        sentences.append(
            f"Without an activation (linear) the MLP scored {results['linear']['test_accuracy']:.2%}, "
            f"{abs(gap) * 100:.1f} points {'above' if gap >= 0 else 'below'} softmax regression "
            f"({softmax_regression_accuracy:.2%}): two linear layers in a row are still one linear function, "
            f"so {'they add little' if abs(gap) < 0.01 else 'the difference comes from training, not from a new kind of function'}.")
    return sentences


def hidden_units_sentence(h_nine, h_four, units):
    """What the hidden layer did for a 9 and a 4 (their activations), about the units shown in the figure."""
    text = (f"Of the {len(h_nine)} hidden units, {np.count_nonzero(h_nine)} fire (output > 0) for the 9 and "
            f"{np.count_nonzero(h_four)} for the 4. The units that fire most for the 9 compared with the 4: "
            + ", ".join(f"unit {u} ({h_nine[u]:.2f} vs {h_four[u]:.2f})" for u in units) + ".")
    more_for_nine = sum(h_nine[u] > h_four[u] for u in units)
    if more_for_nine == len(units):
        return text + " Their weights are in the figure: what the 9 has and the 4 lacks."
    return text + f" Only {more_for_nine} of them fire more for the 9 than for the 4 on this pair."


def relu_output_conclusions(softmax_run, relu_run):
    """What ReLU instead of softmax at the output did, from the two measured runs.

    Each run: {"history": Keras history dict, "test_accuracy": float, "outputs": (n, 10) test outputs}.
    """
    outputs = relu_run["outputs"]
    finite = np.all(np.isfinite(outputs), axis=1)
    silent = np.mean(np.all(outputs == 0, axis=1))
    sums = outputs[finite].sum(axis=1)
    losses = relu_run["history"]["loss"]
    nan_epoch = next((i for i, loss in enumerate(losses, start=1) if not np.isfinite(loss)), None)
    sentences = [
        f"Softmax output: test accuracy {softmax_run['test_accuracy']:.2%}, final training loss "
        f"{softmax_run['history']['loss'][-1]:.3f}. ReLU output: test accuracy {relu_run['test_accuracy']:.2%}, "
        + (f"and the loss became NaN (not a number) in epoch {nan_epoch}." if nan_epoch
           else f"final training loss {losses[-1]:.3f}.")]
    if not finite.all():
        sentences.append(f"On {1 - finite.mean():.1%} of the test digits the ReLU outputs are not even numbers "
                         f"(NaN or infinite).")
    if len(sums) and np.abs(sums - 1).max() > 0.01:
        sentences.append(f"The ReLU outputs of a test digit add up to anything from {sums.min():.2f} to "
                         f"{sums.max():.2f} instead of exactly 1, so they are not probabilities, and cross-entropy "
                         f"needs probabilities.")
    elif len(sums):
        sentences.append("The ReLU outputs of every test digit happen to add up to 1 (within 0.01) on this run, "
                         "but nothing in a ReLU makes them: softmax guarantees it, ReLU does not.")
    if silent > 0:
        sentences.append(f"On {silent:.1%} of the test digits all ten ReLU outputs are exactly 0: the network gives "
                         f"no answer at all, and no gradient flows back through a ReLU that outputs 0, so it cannot "
                         f"learn its way out.")
    else:
        sentences.append("On no test digit are all ten ReLU outputs 0 on this run: every digit still gets an "
                         "answer.")
    return sentences


def run(story):
    digits = story.digits
    data = flat_data(digits)
    _, _, x_test, y_test = data
    epochs = story.epochs(EPOCHS)

    def fit(name, build, **build_args):
        return train_model(story, name, build, data, **build_args)

    # ---------------------------------------------------------------- step 1
    story.step(1, "Softmax regression: ten templates")
    story.say("Lesson 1 had one weighted vote (is it a 9?). For ten digits, give each digit its own vote: "
              "score_d = w_d . x + b_d for d = 0..9, then softmax turns the ten scores into ten "
              "probabilities that add up to 1: p_d = e^score_d / (e^score_0 + ... + e^score_9).")
    story.say(training_recipe(steps_per_model(story, data[0])))
    linear, linear_accuracy = trained_model(story, "softmax regression", data)
    W, b = linear.model.get_layer("votes").get_weights()
    story.say(f"Test accuracy on all ten digits: {linear_accuracy:.2%} with {W.size + b.size:,} numbers. "
              f"Each column of W is a 28x28 template: red pixels vote for that digit, blue against.")
    fig, axes = panels(2, 5, (2.4, 2.2))
    for digit, ax in enumerate(axes.ravel()):
        weights_image(W[:, digit], ax=ax, title=f"template for {digit}")
    story.figure(fig, "ten_templates")

    # ---------------------------------------------------------------- step 2
    story.step(2, f"The MLP: 784 -> {HIDDEN_UNITS} hidden units (ReLU) -> 10")
    story.say(f"One template per digit must cover every way of writing it. An MLP first computes "
              f"{HIDDEN_UNITS} intermediate features h = relu(W1 x + b1), each its own weighted vote of "
              f"pixels, then votes on those features: p = softmax(W2 h + b2).")
    relu_mlp, mlp_accuracy = trained_model(story, "mlp (relu)", data)
    W1, b1, W2, b2 = relu_mlp.model.get_weights()
    story.say(f"Test accuracy: {mlp_accuracy:.2%} with {relu_mlp.model.count_params():,} numbers, "
              f"{points(mlp_accuracy - linear_accuracy)} softmax regression ({linear_accuracy:.2%}).")
    strongest = np.argsort(-np.linalg.norm(W1, axis=0))[:16]
    fig, axes = panels(2, 8, (2.4, 2.2))
    for unit, ax in zip(strongest, axes.ravel()):
        weights_image(W1[:, unit], ax=ax, title=f"unit {unit}")
    story.say("The 16 hidden units with the largest weights: each looks for its own pattern of strokes "
              "(red: ink here turns the unit on; blue: ink here turns it off).")
    story.figure(fig, "hidden_unit_weights")

    nine, four = x_test[y_test == NINE][0], x_test[y_test == FOUR][0]
    (h_nine, h_four), probabilities = zip(*(mlp_by_hand(x, W1, b1, W2, b2) for x in (nine, four)))
    by_keras = relu_mlp.model.predict(np.stack([nine, four]), verbose=0)
    difference = np.abs(np.stack(probabilities) - by_keras).max()
    story.measured(hand_vs_keras=difference)
    story.say(f"The forward pass by hand in NumPy (relu(x W1 + b1), then softmax(h W2 + b2), course/by_hand.py) "
              f"for a test 9 and a test 4, and model.predict, {agreement(difference, TOLERANCE)}. The 9 gets "
              f"p(9) = {probabilities[0][NINE]:.3f}; the 4 gets p(4) = {probabilities[1][FOUR]:.3f}.")
    for_nine = np.argsort(-(h_nine - h_four))[:3]
    story.say(hidden_units_sentence(h_nine, h_four, for_nine))
    fig, axes = panels(2, 3, (3.4, 2.8))
    axes[0, 0].bar(range(HIDDEN_UNITS), h_nine, color="tab:red")
    axes[0, 0].set_title("hidden layer for the 9")
    axes[1, 0].bar(range(HIDDEN_UNITS), h_four, color="tab:blue")
    axes[1, 0].set_title("hidden layer for the 4")
    for ax in axes[:, 0]:
        ax.set_xlabel("hidden unit")
        ax.set_ylabel("activation")
    for ax, unit in zip(list(axes[0, 1:]) + [axes[1, 1]], for_nine):
        weights_image(W1[:, unit], ax=ax, title=f"unit {unit}: 9 {h_nine[unit]:.1f}, 4 {h_four[unit]:.1f}")
    axes[1, 2].imshow(np.hstack([nine.reshape(28, 28), four.reshape(28, 28)]), cmap="gray_r")
    axes[1, 2].set_title("the 9 and the 4")
    axes[1, 2].axis("off")
    story.figure(fig, "hidden_activations_nine_vs_four")

    # ---------------------------------------------------------------- step 3
    story.step(3, "Are activation functions trial and error? An experiment")
    target = TARGET[digits.source]
    story.say(f"The same MLP, the same seed and starting point, the same {epochs} epoch{'s' if epochs > 1 else ''}, four activations "
              f"in the hidden layer. We measure test accuracy, seconds per epoch, and how many epochs each "
              f"needs to reach {target:.0%} on the validation digits (held out from training).")
    results = {}
    for activation in ACTIVATIONS:
        trained, accuracy = (relu_mlp, mlp_accuracy) if activation == "relu" else \
            fit(f"mlp ({activation})", mlp, activation=activation)
        results[activation] = {"history": trained.history, "test_accuracy": accuracy,
                               "seconds_per_epoch": trained.seconds / len(trained.history["loss"])}
    story.table(f"  {'activation':<10}  test accuracy  s/epoch  epochs to {target:.0%}\n" + "\n".join(
        f"  {name:<10}  {r['test_accuracy']:>13.2%}  {r['seconds_per_epoch']:>7.2f}  "
        f"{epochs_to_reach(r['history'], target) or 'not reached':>12}" for name, r in results.items()))
    story.measured(epochs_to_target={name: epochs_to_reach(r["history"], target) for name, r in results.items()})
    for sentence in activation_conclusions(results, target, linear_accuracy):
        story.say(sentence)
    story.figure(learning_curves({name: r["history"] for name, r in results.items()}, metric="val_accuracy",
                                 title="validation accuracy by activation"), "activation_experiment")

    story.say("\nThe one firm rule: the output layer. Same network, ReLU instead of softmax at the output:")
    relu_out, relu_out_accuracy = fit("mlp (relu output)", mlp, activation="relu", output="relu")
    relu_outputs = relu_out.model.predict(x_test, verbose=0)
    for sentence in relu_output_conclusions({"history": relu_mlp.history, "test_accuracy": mlp_accuracy},
                                            {"history": relu_out.history, "test_accuracy": relu_out_accuracy,
                                             "outputs": relu_outputs}):
        story.say(sentence)
    story.figure(learning_curves({"softmax output": relu_mlp.history, "relu output": relu_out.history},
                                 metric="loss", title="training loss: softmax vs ReLU at the output"),
                 "relu_at_the_output")

