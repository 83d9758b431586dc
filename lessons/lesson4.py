"""Lesson 4 — One prediction, opened up.

The question: when the network says "9", why 9 and not 4, and is it math or magic?

1. The forward pass of lesson 3's CNN for one digit, layer by layer, recomputed
   in NumPy from model.get_weights() beside Keras's own intermediate outputs:
   every multiplication the prediction is made of.
2. Why 9 and not 4: the saliency of (score of 9 - score of 4) for every pixel,
   an occlusion map (blank out a patch: which regions flip the decision), and a
   counterfactual: erase the stroke that closes the top of a 9.
3. Where the model fails: the confusion matrix, the most-confused pairs, the
   worst mistakes.
4. Your own handwriting: `course lesson 4 --image my_digit.png` (without it, a
   bundled scan of a 9 by a writer MNIST never saw), every pre-processing step.
5. Short answers to the learner's questions, each pointing at a figure.
"""

from importlib import resources
from pathlib import Path

import numpy as np

from course import by_hand
from course.explain import blank_squares, layer_outputs, occlusion, probabilities, saliency, scores
from course.lessons import trained_model
from course.plots import (confusion_counts, confusion_matrix, digit_grid, feature_maps, panels, prediction_figure,
                          probability_bars, saliency_image, show_digit)
from course.preprocess import MNISTIFIED, mnistify_steps, normalize, read_image, steps_explained
from course.story import agreement

FOUR, NINE = 4, 9
EXAMPLE = "example_digit.jpg"  # in course.datasets: a photo of an MNIST test 9 on ruled paper (datasets/photos.py)
COUNTERFACTUAL_NINES = 20  # how many test 9s the erasure experiment tries
ERASER, MOST_ERASERS = 4, 3  # the eraser is 4x4 pixels; at most 3 strokes of it
PATCH, STRIDE = 6, 2  # occlusion: a 6x6 square of paper, moved 2 pixels at a time
# NumPy and Keras agree within float32 rounding: sums of up to 400 products of numbers up to about 10.
TOLERANCE = 1e-4


# ---------------------------------------------------------------- the forward pass, by hand
def forward_by_hand(model, image):
    """Run the model's layers one after another in NumPy; returns [(layer name, output)] for one image.

    Knows every layer the course's models use: Dense, Conv2D, Cropping2D, MaxPooling2D, Flatten.
    Each one's math is course/by_hand.py's.
    """
    x = np.asarray(image, dtype=np.float32).reshape(model.input_shape[1:])
    outputs = []
    for layer in model.layers:
        kind, activation = type(layer).__name__, layer.get_config().get("activation")
        if kind == "Conv2D":
            kernels, bias = layer.get_weights()
            x = by_hand.ACTIVATIONS[activation](by_hand.conv2d(x, kernels) + bias)
        elif kind == "Cropping2D":
            (top, bottom), (left, right) = layer.get_config()["cropping"]
            x = x[top:x.shape[0] - bottom, left:x.shape[1] - right]
        elif kind == "MaxPooling2D":
            x = by_hand.max_pool(x, layer.get_config()["pool_size"][0])
        elif kind == "Flatten":
            x = x.reshape(-1)
        elif kind == "Dense":
            x = by_hand.dense(x, *layer.get_weights(), activation)
        else:
            raise ValueError(f"no hand-written version of a {kind} layer")
        outputs.append((layer.name, x))
    return outputs


def multiplications(layer, output_shape):
    """How many multiplications the layer makes (cropping, pooling and flattening make none)."""
    kind = type(layer).__name__
    if kind in ("Conv2D", "Dense"):
        kernel = layer.get_weights()[0]
        return int(np.prod(output_shape)) * int(np.prod(kernel.shape[:-1]))
    return 0


# ---------------------------------------------------------------- the counterfactual
def erase_closing_stroke(model, image, target=NINE, versus=FOUR):
    """Erase, one 4x4 eraser stroke at a time, the ink in the top part of the digit that most favours
    `target` over `versus`, until the answer changes or 3 strokes were used.

    Only the upper 40% of the ink's height is searched: where a 9's loop closes. Returns (erased image, strokes).
    """
    ink_rows = np.flatnonzero(image.max(axis=1) > 0)
    top, bottom = ink_rows[0], ink_rows[0] + max(ERASER, int(0.4 * (ink_rows[-1] - ink_rows[0] + 1)))
    current, strokes = image.copy(), []
    for _ in range(MOST_ERASERS):
        places = [(r, c) for r in range(top, bottom - ERASER + 2) for c in range(0, 28 - ERASER + 1)
                  if current[r:r + ERASER, c:c + ERASER].sum() > 0]
        if not places:
            break
        candidates = blank_squares(current, places, ERASER)
        s = scores(model, candidates)
        best = int(np.argmin(s[:, target] - s[:, versus]))
        current = candidates[best]
        strokes.append(places[best])
        if s[best].argmax() != target:
            break
    return current, strokes


# ---------------------------------------------------------------- the lesson
def example_image():
    """The bundled picture of a handwritten digit (path), used when the learner gives none."""
    return Path(str(resources.files("course.datasets") / EXAMPLE))


def run(story):
    digits = story.digits
    x_test, y_test = normalize(digits.x_test), digits.y_test
    trained, accuracy = trained_model(story, "cnn")
    model = trained.model
    story.say(f"The network opened up is lesson 3's CNN: {accuracy:.2%} of the {len(y_test):,} test digits right.")

    picture_path = Path(story.image) if story.image else example_image()
    steps = mnistify_steps(read_image(picture_path))
    own = steps[MNISTIFIED]
    if story.image:
        digit, where = own, f"your digit from {picture_path.name} (step 4 shows how it was pre-processed)"
    else:
        digit, where = x_test[y_test == NINE][0], "the first 9 of the test digits"
    p_digit = probabilities(model, [digit])[0]
    answer = int(np.argmax(p_digit))
    runner_up = int(np.argsort(p_digit)[-2])

    # ---------------------------------------------------------------- step 1
    story.step(1, "The forward pass, multiplication by multiplication")
    story.say(f"The digit: {where}. Keras computes the answer layer by layer. Here every layer is "
              f"computed again in NumPy from model.get_weights(), beside Keras's own output of that layer.")
    hand_outputs, by_keras = forward_by_hand(model, digit), layer_outputs(model, digit)
    rows, total = [], 0
    for layer, (name, mine), (_, theirs) in zip(model.layers, hand_outputs, by_keras):
        count = multiplications(layer, mine.shape)
        total += count
        rows.append(f"  {name:<8} {str(mine.shape):<13} {count:>9,}  {mine.min():>7.2f} {mine.max():>7.2f}  "
                    f"{np.mean(mine > 0):>6.0%}  {np.abs(mine - theirs).max():>9.1e}")
    story.table(f"  {'layer':<8} {'shape':<13} {'multiply':>9}  {'min':>7} {'max':>7}  {'> 0':>6}  "
                f"{'|NumPy - Keras|':>9}\n" + "\n".join(rows))
    largest = max(np.abs(mine - theirs).max() for (_, mine), (_, theirs) in zip(hand_outputs, by_keras))
    story.measured(multiplications=total, hand_vs_keras=largest)
    story.say(f"{total:,} multiplications (and about as many additions) make this one prediction. Over all "
              f"layers, NumPy and Keras {agreement(largest, TOLERANCE)}.")
    dense_in, p_by_hand = hand_outputs[-2][1], hand_outputs[-1][1]
    weights, bias = model.layers[-1].get_weights()
    terms = dense_in * weights[:, answer]
    biggest = np.argsort(-np.abs(terms))[:4]
    logit = terms.sum() + bias[answer]
    story.say(f"One number written out: the score of {answer} is the sum of {len(terms)} products "
              f"(dense output x weight) plus a bias. The four largest: " + " + ".join(
                  f"{dense_in[i]:.2f} x {weights[i, answer]:+.2f}" for i in biggest)
              + f" + ... + bias {bias[answer]:+.2f} = {logit:.2f}. Softmax turns the ten scores into "
              f"probabilities: p({answer}) = {p_by_hand[answer]:.4f}.")
    fig, axes = panels(1, 3, (3.2, 2.8))
    show_digit(digit, ax=axes[0, 0], title="the input, 28x28")
    conv1 = dict(hand_outputs)["conv1"]
    strongest = strongest_first_layer_response(model, hand_outputs)
    story.measured(strongest_first_layer=strongest)
    feature_maps(conv1.transpose(2, 0, 1), ax=axes[0, 1], columns=4, title="conv1 by hand: 16 maps")
    probability_bars(p_by_hand, ax=axes[0, 2], title="softmax by hand")
    story.figure(fig, "forward_pass_by_hand")

    # ---------------------------------------------------------------- step 2
    target, versus = (answer, runner_up) if story.image else (NINE, FOUR)
    story.step(2, f"Why {target} and not {versus}?")
    if answer != target:
        story.say(f"(This time the model's answer is {answer}, not {target}. The maps below still show which "
                  f"pixels push this digit towards {target} and which towards {versus}.)")
    gradient = saliency(model, digit, target, versus)
    top_half = np.abs(gradient[:14]).sum() / np.abs(gradient).sum()
    story.measured(saliency_top_half=top_half)
    story.say(f"Saliency: how much score({target}) - score({versus}) would change for a little more ink at "
              f"each pixel (its gradient). Red: more ink here means more {target}; blue: more {versus}. "
              f"{top_half:.0%} of its total size lies in the top half of the image.")
    change, answers = occlusion(model, digit, target, versus, PATCH, STRIDE)
    flips = int(np.sum(answers != answer))
    hardest = np.unravel_index(np.argmin(change), change.shape)
    story.say(f"Occlusion: a {PATCH}x{PATCH} square of paper placed at each of {answers.size} places. The answer "
              f"changed at {flips} of them. The square that hurts {target} most (top-left at row "
              f"{STRIDE * hardest[0]}, column {STRIDE * hardest[1]}) lowers score({target}) - score({versus}) "
              f"by {-change[hardest]:.2f}.")
    fig, axes = panels(1, 3, (3.2, 2.8))
    show_digit(digit, ax=axes[0, 0], title=f"the digit: {answer} ({p_digit[answer]:.0%})")
    saliency_image(gradient, digit, ax=axes[0, 1], title=f"saliency of {target} - {versus}",
                   labels=(f"more {versus}", f"more {target}"))
    first, last = (PATCH - 1) / 2 - STRIDE / 2, (PATCH - 1) / 2 + STRIDE * (len(change) - 0.5)
    saliency_image(change, digit, ax=axes[0, 2], title="occlusion: change when covered here",
                   labels=(f"covering it hurts {target}", f"helps {target}"), extent=(first, last, last, first))
    story.figure(fig, "why_this_and_not_that")

    p_test = probabilities(model, x_test)  # every test digit, once: here and in step 3
    predicted = p_test.argmax(axis=1)
    right = np.flatnonzero((y_test == NINE) & (predicted == NINE))
    tried = right[:COUNTERFACTUAL_NINES]
    results = [erase_closing_stroke(model, x_test[i]) for i in tried]
    after = probabilities(model, [erased for erased, _ in results]).argmax(axis=1) if results else np.array([])
    to_four, stayed = int(np.sum(after == FOUR)), int(np.sum(after == NINE))
    story.measured(counterfactual_tried=len(tried), counterfactual_to_four=to_four, counterfactual_stayed_nine=stayed)
    story.say(f"The counterfactual: on {len(tried)} test 9s the model gets right, an eraser removed at most "
              f"{MOST_ERASERS} strokes of {ERASER}x{ERASER} pixels from the top of the digit, each time the ink "
              f"that favoured 9 over 4 most. The answer became 4 for {to_four} of them, another digit for "
              f"{len(tried) - to_four - stayed}, and stayed 9 for {stayed}.")
    if results:
        shown = int(np.flatnonzero(after == FOUR)[0]) if to_four else 0
        before_image, (after_image, strokes) = x_test[tried[shown]], results[shown]
        p_before, p_after = probabilities(model, [before_image, after_image])
        story.measured(counterfactual_example_p_nine=[p_before[NINE], p_after[NINE]])
        story.say(f"For one of them: before, p(9) = {p_before[NINE]:.3f} and p(4) = {p_before[FOUR]:.3f}; after "
                  f"erasing {len(strokes)} stroke{'s' if len(strokes) != 1 else ''}, p(9) = {p_after[NINE]:.3f} "
                  f"and p(4) = {p_after[FOUR]:.3f}: the answer is {int(p_after.argmax())}.")
        fig, axes = panels(2, 2, (3.0, 2.6))
        show_digit(before_image, ax=axes[0, 0], title="a 9 the model gets right")
        show_digit(after_image, ax=axes[0, 1], title=f"top stroke erased: {int(p_after.argmax())}")
        probability_bars(p_before, ax=axes[1, 0], title="before")
        probability_bars(p_after, ax=axes[1, 1], title="after")
        story.figure(fig, "counterfactual_erase_the_top")

    # ---------------------------------------------------------------- step 3
    story.step(3, "Where the model fails")
    counts = confusion_counts(y_test, predicted)
    wrong = np.flatnonzero(predicted != y_test)
    story.measured(test_digits_wrong=len(wrong))
    story.say(f"{len(wrong)} of {len(y_test):,} test digits are wrong ({len(wrong) / len(y_test):.2%}).")
    off_diagonal = counts - np.diag(np.diag(counts))
    pairs = [np.unravel_index(i, counts.shape) for i in np.argsort(-off_diagonal, axis=None)[:5]]
    pairs = [(t, p) for t, p in pairs if off_diagonal[t, p] > 0]
    if pairs:
        story.say("The most-confused pairs (true -> answer: how many): "
                  + ", ".join(f"{t} -> {p}: {off_diagonal[t, p]}" for t, p in pairs) + ".")
    story.figure(confusion_matrix(y_test, predicted, title="confusion matrix: test digits"), "confusion_matrix")
    worst = wrong[np.argsort(-p_test[wrong, predicted[wrong]])][:20]
    if len(worst):
        story.say(f"The worst mistakes are the confident ones: the model gave its wrong answer between "
                  f"{p_test[worst[-1], predicted[worst[-1]]]:.2f} and {p_test[worst[0], predicted[worst[0]]]:.2f} "
                  f"probability on the {len(worst)} in the figure.")
        story.figure(digit_grid(x_test[worst], y_test[worst], predicted[worst], p_test[worst, predicted[worst]],
                                title="the most confident mistakes: true→answer, probability of the answer"),
                     "worst_mistakes")

    # ---------------------------------------------------------------- step 4
    story.step(4, "Your own handwriting")
    p_own = probabilities(model, [own])[0]
    top3 = np.argsort(p_own)[::-1][:3]
    story.measured(own_picture_size=steps["original"].shape[1::-1], own_answer=top3[0], own_probabilities=p_own)
    if story.image:
        story.say(f"Your image ({picture_path.name}) went through mnistify, step by step:")
    else:
        story.say(f"A bundled example ({picture_path.name}), a photo of a 9 from MNIST's test set (whose writers "
                  f"the model never trained on) in blue pen on ruled paper, went through mnistify, step by step:")
    for name, sentence in steps_explained(steps).items():
        story.say(f"  {name}: {sentence}")
    story.say(f"The answer: {top3[0]} ({p_own[top3[0]]:.1%}); then {top3[1]} ({p_own[top3[1]]:.1%}) and "
              f"{top3[2]} ({p_own[top3[2]]:.1%})."
              + ("" if story.image else " Try your own: course lesson 4 --image my_digit.png"))
    story.figure(prediction_figure(steps, saliency(model, own, int(top3[0])), p_own,
                                                  title=f"{picture_path.name}: every pre-processing step"),
                                "your_handwriting")

    # ---------------------------------------------------------------- step 5
    story.step(5, "Your questions, answered from this run")
    figures = {Path(path).stem[3:]: path for path in story.figures}
    for sentence in questions_answered(target=target, versus=versus, saliency_top_half=top_half,
                                       strongest=strongest, multiplications=total, hand_vs_keras=largest,
                                       picture_size=steps["original"].shape[1::-1], figures=figures):
        story.say(sentence)


def strongest_first_layer_response(model, outputs):
    """Which first-layer kernel answered the digit most strongly, and where: the centre of its window,
    as row and column of the 28x28 image (the CNN crops its border first)."""
    maps = dict(outputs)["conv1"]
    row, col, kernel = np.unravel_index(np.argmax(maps), maps.shape)
    (top, _), (left, _) = model.get_layer("crop").get_config()["cropping"]
    size = model.get_layer("conv1").get_weights()[0].shape[0]
    return {"kernel": int(kernel), "kernels": maps.shape[-1], "size": size, "response": float(maps[row, col, kernel]),
            "row": int(row + top + size // 2), "col": int(col + left + size // 2)}


def questions_answered(*, target, versus, saliency_top_half, strongest, multiplications, hand_vs_keras,
                       picture_size, figures):
    """Step 5's short answers, each from numbers this run measured; figures: figure name -> path."""
    s = strongest
    where = "top" if s["row"] < 14 else "bottom"
    curve = (f"Where does the network find the curve? Its first layer slides {s['kernels']} learned "
             f"{s['size']}x{s['size']} kernels over the digit (lesson 3 draws them); on this digit kernel "
             f"{s['kernel']} answers most strongly ({s['response']:.2f}), centred at row {s['row']}, column "
             f"{s['col']}, in the {where} half. The saliency of {target} - {versus} puts {saliency_top_half:.0%} of "
             f"its weight in the top half")
    if (target, versus) == (NINE, FOUR):
        curve += (", where a 9's loop closes and a 4's stays open" if saliency_top_half > 0.5 else
                  ": on this digit the answer does not rest mainly on the top, where a 9's loop closes")
    width, height = picture_size
    return [
        curve + f" ({figures['why_this_and_not_that']}).",
        f"What did the pre-processing do? It turned a {width}x{height} picture into 28x28 numbers between 0 and 1, "
        f"ink high, in the size and place MNIST's digits have, because the network only knows what it was shown "
        f"({figures['your_handwriting']}).",
        f"Is it math or magic? {multiplications:,} multiplications and additions, then a softmax: NumPy redid them "
        f"all, and NumPy and Keras {agreement(hand_vs_keras, TOLERANCE)} ({figures['forward_pass_by_hand']}).",
    ]
