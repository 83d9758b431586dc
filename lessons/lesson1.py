"""Lesson 1 — An image is a table of numbers; 4 or 9 is a weighted vote of pixels.

The question: how can math tell whether a handwritten digit is a 4 or a 9?

1. Look at a 9 and a 4 as the computer does: 28x28 tables of intensities.
2. A baseline that learns nothing: call a digit whichever average digit it is closer to.
3. Pre-processing: scaling 0-255 to 0-1, and black-and-white thresholding.
4. Logistic regression in Keras (784 pixels -> one sigmoid), trained on both versions.
5. Its weights as a 28x28 image: which pixels vote for "9", which for "4"
   (a small penalty on large weights keeps pixels that almost never have ink
   from voting on noise).
6. Not magic: the model's answer for one digit, recomputed by hand with NumPy.
7. The hard cases: the 4s it calls 9 and the 9s it calls 4.

This is logistic regression exactly as for a yes/no question on house data:
the "features" are the 784 pixels, and the question is "is this a 9?".
"""

import keras
import numpy as np

from course import by_hand
from course.plots import (digit_grid, intensity_table, intensity_text, learning_curves, panels, show_digit,
                          weights_image)
from course.preprocess import binarize, flatten, normalize, pick_classes
from course.story import agreement, points
from course.training import STEPS_PER_CALL, train_and_test

FOUR, NINE = 4, 9
EPOCHS = 10
BATCH_SIZE = 64
LEARNING_RATE = 0.01
THRESHOLD = 0.5  # black and white: ink above half intensity becomes 1, the rest 0
# The loss adds L2_PENALTY * sum(w^2). Adam moves every weight by steps of about the same size, also the
# weights of border pixels that a few dozen digits touch; without the penalty those ended up as the
# strongest "votes", noise from a few digits. With it, a weight stays large only where many digits keep it so.
L2_PENALTY = 0.003
RARE = 0.01  # a pixel with ink (> 0.5) in under 1% of the training digits is "rare"
TOLERANCE = 1e-6  # the hand computation (float64) and Keras (float32) agree within float32 rounding


def logistic_regression():
    """784 inputs -> Dense(1, sigmoid): p(9) = sigmoid(w . x + b). 785 numbers to learn."""
    vote = keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(L2_PENALTY),
                              name="vote")
    model = keras.Sequential([keras.Input(shape=(784,)), vote], name="logistic_regression")
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_CALL)
    return model


def run(story):
    digits = story.digits
    x_train, y_train = pick_classes(digits.x_train, digits.y_train, (FOUR, NINE))  # y: 1 for a 9, 0 for a 4
    x_test, y_test = pick_classes(digits.x_test, digits.y_test, (FOUR, NINE))
    story.say(f"Only the 4s and 9s: {len(y_train):,} training digits ({y_train.sum():,} nines) "
              f"and {len(y_test):,} test digits ({y_test.sum():,} nines). Label 1 means 9, label 0 means 4.")

    # ---------------------------------------------------------------- step 1
    story.step(1, "An image is a table of numbers")
    nine, four = x_train[y_train == 1][0], x_train[y_train == 0][0]
    story.say(f"A digit is {nine.shape[0]}x{nine.shape[1]} = {nine.size} pixels, each an intensity from 0 "
              f"(paper) to 255 (ink). This 9 has ink in {np.count_nonzero(nine)} of its {nine.size} pixels; "
              f"the 4 in {np.count_nonzero(four)}. Here are their numbers, around the ink:")
    story.say("\nThe 9:")
    story.table(intensity_text(nine))
    story.say("\nThe 4:")
    story.table(intensity_text(four))
    fig, axes = panels(1, 2, (3.3, 3))
    show_digit(nine, ax=axes[0, 0], title="a 9")
    show_digit(four, ax=axes[0, 1], title="a 4")
    story.figure(fig, "a_nine_and_a_four")
    story.figure(intensity_table(nine, title="the 9 as a table of intensities"), "intensity_table_nine")

    # ---------------------------------------------------------------- step 2
    story.step(2, "A baseline that learns nothing: the nearest average digit")
    average_four = normalize(x_train[y_train == 0]).mean(axis=0)
    average_nine = normalize(x_train[y_train == 1]).mean(axis=0)
    test_images = normalize(x_test)
    distance_to_nine = ((test_images - average_nine) ** 2).sum(axis=(1, 2))
    distance_to_four = ((test_images - average_four) ** 2).sum(axis=(1, 2))
    baseline_accuracy = np.mean((distance_to_nine < distance_to_four) == y_test)
    story.say(f"Average all training 4s pixel by pixel, and all 9s. Call a test digit a 9 when it is closer "
              f"to the average 9 (sum of squared pixel differences). Accuracy: {baseline_accuracy:.2%}. "
              f"Every model after this must beat that number.")
    story.say("Closer to the average 9 works out to a weighted sum: x . (avg9 - avg4) > a constant. "
              "So even this baseline is a vote of pixels, with the difference of the averages as weights.")
    fig, axes = panels(1, 3, (3.3, 3))
    show_digit(average_four, ax=axes[0, 0], title="average 4")
    show_digit(average_nine, ax=axes[0, 1], title="average 9")
    weights_image((average_nine - average_four).ravel(), ax=axes[0, 2], title="avg 9 - avg 4",
                  labels=("4", "9"))
    story.figure(fig, "average_digits")
    story.record("nearest average", test_accuracy=baseline_accuracy, train_seconds=0, params=2 * 784)

    # ---------------------------------------------------------------- step 3
    story.step(3, 'Pre-processing: scaling, and "black and white"')
    scaled, black_white = normalize(nine), binarize(nine, THRESHOLD)
    grey = np.count_nonzero((nine > 0) & (nine < 255))
    changed = np.count_nonzero(np.abs(black_white - scaled) > 0)
    story.say(f"Scaling divides every intensity by 255: the picture is the same, the numbers now run from 0 "
              f"to 1 (this 9's brightest pixel: {nine.max()} -> {scaled.max():.3f}). Small, similar-sized "
              f"inputs keep the weighted sum in the range where the sigmoid and the optimizer work well.")
    story.say(f"Black and white (threshold {THRESHOLD}) sets every pixel to 0 or 1. It changes {changed} of "
              f"this 9's pixels: the {grey} grey pixels at the edges of the strokes, which the scanner "
              f"softened, are forced to pure ink or pure paper.")
    fig, axes = panels(1, 3, (3.3, 3))
    show_digit(nine, ax=axes[0, 0], title="raw 0-255")
    show_digit(scaled, ax=axes[0, 1], title="scaled 0-1")
    show_digit(black_white, ax=axes[0, 2], title=f"black and white (> {THRESHOLD})")
    story.figure(fig, "preprocessing")

    # ---------------------------------------------------------------- step 4
    story.step(4, "Logistic regression in Keras: 784 pixels -> one sigmoid")
    story.say("The model: z = w1*x1 + ... + w784*x784 + b, then p(9) = sigmoid(z) = 1 / (1 + e^-z). "
              "Training adjusts the 785 numbers to lower the binary cross-entropy, as for any yes/no question, "
              f"plus a small penalty on large weights ({L2_PENALTY} x the sum of the squared weights; step 5 "
              "shows why). We train the same model, same seed, on the scaled and on the black-and-white pixels.")
    epochs = story.epochs(EPOCHS)
    results = {}
    for name, prepare in (("scaled", normalize), ("black and white", binarize)):
        story.say(f"\nTraining on the {name} pixels ({epochs} epochs, 10% of the training digits held out "
                  f"for validation):")
        trained, accuracy = train_and_test(story, f"logistic ({name})", logistic_regression,
                                           flatten(prepare(x_train)), y_train, flatten(prepare(x_test)), y_test,
                                           epochs=epochs, batch_size=BATCH_SIZE)
        results[name] = (trained.model, trained.history, accuracy)
        story.say(f"Test accuracy on {name} pixels: {accuracy:.2%} ({trained.seconds:.1f} s of training).")
    model, history, accuracy = results["scaled"]
    bw_accuracy = results["black and white"][2]
    story.say(f"\nLogistic regression on scaled pixels: {accuracy:.2%}, "
              f"{points(accuracy - baseline_accuracy)} the nearest-average baseline ({baseline_accuracy:.2%}).")
    story.say(f"Black and white instead of scaled: {bw_accuracy:.2%}, "
              f"{points(bw_accuracy - accuracy)} scaled. Throwing away the grey edge pixels "
              f"{'cost' if bw_accuracy < accuracy else 'did not cost'} accuracy on this run.")
    story.figure(learning_curves({name: h for name, (_, h, _) in results.items()},
                                 title="logistic regression, 4 vs 9"), "learning_curves")

    # ---------------------------------------------------------------- step 5
    story.step(5, "The learned weights: a vote of pixels")
    w, b = model.get_layer("vote").get_weights()
    w = w[:, 0]
    story.say(f"Each pixel's weight is its vote: ink on a positive-weight pixel pushes z up, towards 9; "
              f"on a negative one, towards 4. The bias b = {float(b[0]):+.3f}.")
    findings = weights_findings(w, flatten(binarize(x_train, THRESHOLD)).mean(axis=0))
    story.measured(**findings)
    for sentence in weights_conclusions(findings):
        story.say(sentence)
    difference = (average_nine - average_four).ravel()
    correlation = np.corrcoef(w, difference)[0, 1]
    story.measured(weights_vs_averages=correlation)
    story.say(f"Where the average 9 has more ink than the average 4 (step 2), the mean weight is "
              f"{w[difference > 0.05].mean():+.3f}; where the average 4 has more, {w[difference < -0.05].mean():+.3f}. "
              f"The learned weights correlate {correlation:+.2f} with the baseline's avg9 - avg4: training "
              f"found a vote {'like' if correlation > 0.5 else 'unlike'} the averages', tuned by the mistakes "
              f"it made along the way.")
    story.figure(weights_image(w, title="logistic regression weights", labels=("4", "9")), "weights_image")

    # ---------------------------------------------------------------- step 6
    story.step(6, "Not magic: one prediction by hand")
    x = flatten(normalize(x_test[:1]))[0]
    products = w * x
    z = products.sum() + float(b[0])
    p_by_hand = float(by_hand.sigmoid(z))
    by_keras = float(model.predict(x[None, :], verbose=0)[0, 0])
    story.say(f"The first test digit (a {NINE if y_test[0] else FOUR}) has ink in {np.count_nonzero(x)} pixels. "
              f"Multiply each pixel by its weight and add: sum(w*x) = {products.sum():+.4f}, plus b gives "
              f"z = {z:+.4f}; sigmoid(z) = {p_by_hand:.6f}.")
    story.say("By hand, sigmoid is computed as 1 / (1 + e^-z) when z >= 0 and as e^z / (1 + e^z) when z < 0: "
              "the same number, but the exponent is never positive, so nothing overflows even for z = -1000 "
              "(course/by_hand.py).")
    biggest = np.argsort(np.abs(products))[::-1][:3]
    story.say("The three biggest terms w*x: " + ", ".join(
        f"pixel (row {i // 28}, col {i % 28}) {x[i]:.2f} x {w[i]:+.3f} = {products[i]:+.3f}" for i in biggest) + ".")
    story.measured(hand_vs_keras=abs(p_by_hand - by_keras), p_nine_by_hand=p_by_hand)
    story.say(f"model.predict says {by_keras:.6f}: the hand computation and Keras "
              f"{agreement(abs(p_by_hand - by_keras), TOLERANCE)}. "
              f"p(9) {'>' if p_by_hand > 0.5 else '<='} 0.5, so the answer is {NINE if p_by_hand > 0.5 else FOUR}.")

    # ---------------------------------------------------------------- step 7
    story.step(7, "The hard cases")
    p_nine = model.predict(flatten(normalize(x_test)), verbose=0)[:, 0]
    said_nine = p_nine > 0.5
    fours_called_nine = np.flatnonzero((y_test == 0) & said_nine)
    nines_called_four = np.flatnonzero((y_test == 1) & ~said_nine)
    story.measured(fours_called_nine=len(fours_called_nine), nines_called_four=len(nines_called_four))
    story.say(f"Of {np.sum(y_test == 0)} test 4s, {len(fours_called_nine)} got the answer 9; "
              f"of {np.sum(y_test == 1)} test 9s, {len(nines_called_four)} got the answer 4.")
    wrong = np.concatenate([fours_called_nine, nines_called_four])
    wrong = wrong[np.argsort(-np.abs(p_nine[wrong] - 0.5))][:20]  # most confident mistakes first
    if len(wrong):
        names = np.array([FOUR, NINE])
        story.say("The figure shows the most confident mistakes, captioned true->answer and p(9).")
        story.figure(digit_grid(x_test[wrong], names[y_test[wrong]], names[said_nine[wrong].astype(int)],
                                p_nine[wrong], title="4 vs 9: the mistakes (p = probability of 9)"),
                     "hard_cases")
    else:
        story.say("No mistakes on this test set, so there is no figure of hard cases.")


def weights_findings(w, ink_share, count=3):
    """What step 5 reports about the weights w (784), given each pixel's share of training digits with ink."""
    rare = ink_share < RARE
    return {"votes_for_nine": [_vote(i, w, ink_share) for i in np.argsort(-w)[:count]],
            "votes_for_four": [_vote(i, w, ink_share) for i in np.argsort(w)[:count]],
            "rare_pixels": int(rare.sum()),
            "mean_weight_rare": float(np.abs(w[rare]).mean()) if rare.any() else 0.0,
            "mean_weight_inked": float(np.abs(w[~rare]).mean())}


def _vote(index, w, ink_share):
    return {"row": int(index // 28), "col": int(index % 28), "weight": float(w[index]),
            "ink_share": float(ink_share[index])}


def weights_conclusions(findings):
    """Sentences about the strongest votes that follow from weights_findings(...), and only from them."""
    def named(votes):
        return ", ".join(f"row {v['row']}, col {v['col']} ({v['weight']:+.3f}; ink in {v['ink_share']:.0%} of "
                         f"the training digits)" for v in votes)

    rare, quiet = findings["rare_pixels"], findings["mean_weight_rare"] < findings["mean_weight_inked"] / 2
    sentences = [f"Strongest votes for 9: {named(findings['votes_for_nine'])}.",
                 f"Strongest votes for 4: {named(findings['votes_for_four'])}."]
    if rare:
        sentences.append(
            f"{rare} of the 784 pixels have ink in under {RARE:.0%} of the training digits. "
            f"Their mean |weight| is {findings['mean_weight_rare']:.3f}, against {findings['mean_weight_inked']:.3f} "
            f"for the others: " + ("they barely vote, as a weight with a few digits behind it should."
                                   if quiet else "on this run they vote about as strongly as the pixels many "
                                   "digits have ink on, on the say of a few digits."))
    votes = findings["votes_for_nine"] + findings["votes_for_four"]
    named_rare = [v for v in votes if v["ink_share"] < RARE]
    sentences.append(f"{len(named_rare)} of the strongest votes above sit on such a rare pixel: they rest on "
                     f"a few digits, not on the shape of a 4 or a 9." if named_rare else
                     f"Each of the strongest votes above sits where at least "
                     f"{min(v['ink_share'] for v in votes):.0%} of the training digits have ink, not where a few "
                     f"stray digits do.")
    return sentences
