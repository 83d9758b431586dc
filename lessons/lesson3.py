"""Lesson 3 — How math finds a curve: convolution.

The question: how can math functions find a curve, like the closed top of a 9?

1. Hand-made 5x5 kernels (edges in four directions, and an arc) slid over a 9
   and a 4: first by hand in NumPy, then by a Keras Conv2D layer given the same
   weights; how far the two agree, and how the arc detector answers to a 9's
   closed top and a 4's open one.
2. A convolutional network (conv -> pool -> conv -> pool -> dense, on the image
   without its 2-pixel paper border) learns its own kernels: its accuracy, its
   first-layer filters, what every layer sees of a 9 and a 4, and its parameter
   count beside the MLP's.
3. The scoreboard: the lessons' models beside LeCun et al. (1998).
"""

import keras
import numpy as np

from course.lessons import lesson2
from course import by_hand
from course.plots import feature_maps, learning_curves, panels
from course.preprocess import normalize
from course.story import agreement
from course.training import compile_ten_digit_model, train_and_test, training_steps

FOUR, NINE = 4, 9
EPOCHS = 3
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 0.01
BORDER = 2  # pixels the CNN crops from each side of the 28x28 image
TOLERANCE = 1e-5  # NumPy and Keras agree within float32 rounding


def kernel(picture):
    """A kernel drawn as text: + is weight 1, - is weight -1, . is 0."""
    symbols = {"+": 1.0, "-": -1.0, ".": 0.0}
    return np.array([[symbols[s] for s in row.split()] for row in picture.strip().splitlines()], dtype=np.float32)


KERNELS = {
    "vertical edge": kernel("""
        + + . - -
        + + . - -
        + + . - -
        + + . - -
        + + . - -"""),
    "horizontal edge": kernel("""
        + + + + +
        + + + + +
        . . . . .
        - - - - -
        - - - - -"""),
    "diagonal \\": kernel("""
        . + + + +
        - . + + +
        - - . + +
        - - - . +
        - - - - ."""),
    "diagonal /": kernel("""
        + + + + .
        + + + . -
        + + . - -
        + . - - -
        . - - - -"""),
    "arc (closed top)": kernel("""
        . + + + .
        + + - + +
        + - - - +
        . . . . .
        . . . . ."""),
}
ARC = "arc (closed top)"

# LeCun, Bottou, Bengio, Haffner (1998), "Gradient-based learning applied to document recognition", test error %.
LECUN_1998 = {"linear classifier (1-layer NN)": 12.0, "2-layer NN, 300 hidden units": 4.7, "LeNet-5": 0.95}


def conv2d_by_keras(images, kernels):
    """The same kernels as the weights of a Keras Conv2D layer (no bias, no activation)."""
    stacked = np.stack(list(kernels), axis=-1)[:, :, None, :]  # (height, width, 1 input channel, filters)
    layer = keras.layers.Conv2D(stacked.shape[-1], stacked.shape[:2], use_bias=False)
    layer.build((None, *images.shape[1:], 1))
    layer.set_weights([stacked])
    return keras.ops.convert_to_numpy(layer(images[..., None]))  # (n, height, width, filters)


def cnn(total_steps):
    """A small LeNet-like network: 5x5 convolutions find strokes and curves, pooling keeps the strongest."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        # MNIST digits were fitted into 20x20 and centred in 28x28, so the outer 2 pixels are nearly always
        # paper; skipping them makes every convolution smaller (step 2 prints their ink; the speed-up
        # measured is in benchmarks/README.md).
        keras.layers.Cropping2D(BORDER, name="crop"),
        keras.layers.Conv2D(16, 5, activation="relu", name="conv1"),  # 16 kernels, 5x5: 20x20 maps
        keras.layers.MaxPooling2D(2, name="pool1"),  # keep the largest of every 2x2: 10x10
        keras.layers.Conv2D(32, 5, activation="relu", name="conv2"),  # 32 kernels over 16 maps: 6x6
        keras.layers.MaxPooling2D(2, name="pool2"),  # 3x3
        keras.layers.Flatten(name="flatten"),  # 3x3x32 = 288 numbers: which shapes were found where
        keras.layers.Dense(128, activation="relu", name="dense"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="cnn")
    return compile_ten_digit_model(model, peak_learning_rate=PEAK_LEARNING_RATE, total_steps=total_steps)


def trained_model(story, name="cnn"):
    """This lesson's CNN trained on the story's digits (lesson 4 and `course predict` reuse it from the cache).

    Returns (Trained, test accuracy).
    """
    digits = story.digits
    epochs = story.epochs(EPOCHS)
    return train_and_test(story, name, cnn, normalize(digits.x_train)[..., None], digits.y_train,
                          normalize(digits.x_test)[..., None], digits.y_test, epochs=epochs, batch_size=BATCH_SIZE,
                          build_args={"total_steps": training_steps(len(digits.x_train), epochs, BATCH_SIZE)})


def run(story):
    digits = story.digits
    x_test, y_test = normalize(digits.x_test), digits.y_test
    nine, four = x_test[y_test == NINE][0], x_test[y_test == FOUR][0]

    # ---------------------------------------------------------------- step 1
    story.step(1, "Kernels: a small picture slid over the image")
    story.say("A kernel is a small table of weights. Put it on the image, multiply the numbers that overlap, "
              "add them up: that is one number of the feature map. Slide it one pixel and repeat. The sum is "
              "large where the image looks like the kernel. Our five 5x5 kernels (+ is 1, - is -1, . is 0):")
    for name, weights in KERNELS.items():
        story.table(f"  {name}:\n" + "\n".join("    " + " ".join({1: "+", -1: "-", 0: "."}[int(v)] for v in row)
                                             for row in weights))
    hand_maps = {name: np.stack([by_hand.conv2d(image, k) for image in (nine, four)])
                 for name, k in KERNELS.items()}
    by_keras = conv2d_by_keras(np.stack([nine, four]), KERNELS.values())
    difference = max(np.abs(hand_maps[name] - by_keras[..., i]).max() for i, name in enumerate(KERNELS))
    story.measured(hand_vs_keras=difference)
    story.say(f"By hand in NumPy (course/by_hand.py: every 5x5 window of the image times the kernel, added up) "
              f"and by a Keras Conv2D layer given the same weights: {len(KERNELS)} feature maps of 24x24 for the "
              f"9 and the 4. The two {agreement(difference, TOLERANCE)}.")
    maps = [hand_maps[name][0] for name in KERNELS] + [hand_maps[name][1] for name in KERNELS]
    story.figure(feature_maps(maps, [f"9: {n}" for n in KERNELS] + [f"4: {n}" for n in KERNELS], columns=5,
                              title="hand-made kernels on a 9 (top) and a 4 (bottom); red = strong response"),
                 "hand_kernels_feature_maps")
    arc = KERNELS[ARC]
    arc_peak = {name: hand_maps[ARC][i][:12].max() for i, name in enumerate(("9", "4"))}
    story.say(f"The arc detector's strongest response in the top half: {arc_peak['9']:.2f} on this 9, "
              f"{arc_peak['4']:.2f} on this 4 (its best possible score is {arc[arc > 0].sum():.0f}: "
              f"ink on every + and none on any -).")
    # Keras's Conv2D, just compared with the hand computation, scores the 200 digits faster.
    top_peaks = {d: conv2d_by_keras(x_test[y_test == d][:100], [arc])[:, :12].max(axis=(1, 2, 3)).mean()
                 for d in (NINE, FOUR)}
    story.measured(arc_peak_nine=arc_peak["9"], arc_peak_four=arc_peak["4"],
                   arc_mean_peak_nines=top_peaks[NINE], arc_mean_peak_fours=top_peaks[FOUR])
    story.say(f"Over {min(100, np.sum(y_test == NINE))} test 9s the average is {top_peaks[NINE]:.2f}; over "
              f"{min(100, np.sum(y_test == FOUR))} test 4s, {top_peaks[FOUR]:.2f}. "
              + ("The closed top of a 9 matches the arc; the open top of a 4 matches it less."
                 if top_peaks[NINE] > top_peaks[FOUR] else "On these digits the arc does not separate them."))
    story.say("Finding a curve is this: a sum of products, large where the ink has the kernel's shape.")

    # ---------------------------------------------------------------- step 2
    story.step(2, "A convolutional network learns its own kernels")
    epochs = story.epochs(EPOCHS)
    trained, accuracy = trained_model(story)
    model = trained.model
    mlp_params = lesson2.mlp(total_steps=1).count_params()  # built, not trained: only its size counts
    story.say(f"Trained as lesson 2's models are (course/training.py), with a peak step size of "
              f"{PEAK_LEARNING_RATE}. Test accuracy: {accuracy:.2%} after {epochs} epoch{'s' if epochs != 1 else ''} "
              f"({trained.seconds:.1f} s of training). Parameters: {model.count_params():,}, against "
              f"{mlp_params:,} for lesson 2's MLP"
              + (f": {mlp_params / model.count_params():.1f} times fewer, because the same small kernels are "
                 f"reused at every place in the image." if model.count_params() < mlp_params else "."))
    border = np.ones((28, 28), bool)
    border[BORDER:-BORDER, BORDER:-BORDER] = False
    border_ink = digits.x_train[:, border].sum() / digits.x_train.sum()
    story.measured(border_ink=border_ink)
    story.say(f"Its first layer crops the image to the middle {28 - 2 * BORDER}x{28 - 2 * BORDER}: the "
              f"{BORDER}-pixel border holds {border_ink:.2%} of the training digits' ink, and skipping it makes "
              f"every convolution smaller.")
    story.figure(learning_curves({"cnn": trained.history}, title="CNN training"), "cnn_learning_curves")
    filters = model.get_layer("conv1").get_weights()[0][:, :, 0, :].transpose(2, 0, 1)
    story.figure(feature_maps(filters, [f"filter {i}" for i in range(len(filters))],
                              title=f"the {len(filters)} learned {filters.shape[1]}x{filters.shape[2]} kernels of "
                                    f"the first layer"), "learned_filters")

    layers = ["conv1", "pool1", "conv2", "pool2"]
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layers])
    outputs = probe.predict(np.stack([nine, four])[..., None], verbose=0)
    fig, axes = panels(len(layers), 2, (7, 1.3))
    for row, (name, output) in enumerate(zip(layers, outputs)):
        for col, label in enumerate(("9", "4")):
            maps = output[col].transpose(2, 0, 1)
            feature_maps(maps, ax=axes[row, col], columns=16, title=f"{name} on the {label}: {maps.shape[0]} maps "
                         f"of {maps.shape[1]}x{maps.shape[2]}")
    story.figure(fig, "feature_maps_every_layer")
    conv2_nine, conv2_four = outputs[2][0].max(axis=(0, 1)), outputs[2][1].max(axis=(0, 1))
    unit = int(np.argmax(conv2_nine - conv2_four))
    p_nine, p_four = model.predict(np.stack([nine, four])[..., None], verbose=0)
    story.say(f"Each layer's maps are in the figure. In conv2, map {unit} differs most: its peak is "
              f"{conv2_nine[unit]:.2f} for the 9 and {conv2_four[unit]:.2f} for the 4. "
              f"The probabilities: p(9 | the 9) = {p_nine[NINE]:.3f}, p(4 | the 4) = {p_four[FOUR]:.3f}.")

    # ---------------------------------------------------------------- step 3
    story.step(3, "The scoreboard")
    errors, flat = {}, lesson2.flat_data(digits)
    for name, paper in (("softmax regression", "linear classifier (1-layer NN)"),
                        ("mlp (relu)", "2-layer NN, 300 hidden units")):
        _, earlier_accuracy = lesson2.trained_model(story, name, flat)  # cached by lesson 2
        errors[f"{name} (lesson 2)"] = (1 - earlier_accuracy, paper)
    errors["cnn (lesson 3)"] = (1 - accuracy, "LeNet-5")
    where = "the full MNIST test set" if digits.source == "mnist" else \
        f"the sample's {len(y_test):,} test digits (run with --data mnist for the full test set)"
    story.say(f"Test error on {where}, beside LeCun et al. (1998). (Lesson 1's model only told 4 from 9, "
              f"so it has no row in a ten-digit table.)")
    story.table(f"  {'our model':<30} {'error':>7}   {'LeCun et al. 1998':<32} {'error':>6}\n" + "\n".join(
        f"  {ours:<30} {error:>7.2%}   {paper:<32} {LECUN_1998[paper]:>5.2f}%" for ours, (error, paper) in errors.items()))
    better = [ours for ours, (error, paper) in errors.items() if 100 * error < LECUN_1998[paper]]
    story.measured(test_errors={ours: error for ours, (error, _) in errors.items()}, beat_1998=better)
    story.say(f"{len(better)} of our {len(errors)} models beat their 1998 counterpart"
              + (f" ({', '.join(better)})" if better else "") + ".")
    story.figure(scoreboard_figure(errors), "scoreboard")


def scoreboard_figure(errors):
    fig, axes = panels(1, 1, (7, 3.2))
    ax = axes[0, 0]
    positions = np.arange(len(errors))
    ours = [100 * error for error, _ in errors.values()]
    theirs = [LECUN_1998[paper] for _, paper in errors.values()]
    ax.barh(positions + 0.2, ours, height=0.4, label="ours", color="tab:blue")
    ax.barh(positions - 0.2, theirs, height=0.4, label="LeCun et al. 1998", color="tab:gray")
    ax.set_yticks(positions, [f"{name}\nvs {paper}" for name, (_, paper) in errors.items()], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("test error, % (log scale)")
    for y, value in zip(positions + 0.2, ours):
        ax.text(value, y, f" {value:.2f}%", va="center", fontsize=7)
    ax.legend(fontsize=7)
    ax.set_title("test error: lower is better")
    return fig
