"""Why did the model say that? Scores, saliency and occlusion for one 28x28 digit.

    from course.explain import scores, saliency, occlusion
    scores(model, image)                     # the ten scores before softmax
    layer_outputs(model, image)              # every layer's output: [(layer name, array)]
    saliency(model, image, 9, versus=4)      # d(score 9 - score 4) / d(pixel), a 28x28 map
    occlusion(model, image, 9, versus=4)     # how score 9 - score 4 changes when a patch is blanked out

`image` is a 28x28 float array in 0-1, ink high, as `course.preprocess.mnistify`
returns it; every model of the course (flat 784 inputs or 28x28x1) is accepted.
"""

import functools

import keras
import numpy as np
import tensorflow as tf

# model.predict sets up a data pipeline on every call (tens of ms), and calling a model layer by layer in
# eager mode costs about a millisecond a layer; a few images go through the model compiled into one
# TensorFlow graph instead, which answers in a millisecond or two (what `course serve`'s page needs).
FEW_IMAGES = 64


def model_input(model, images):
    """(n, 28, 28) images in the shape the model reads: (n, 784) for a Dense model, (n, 28, 28, 1) for a CNN."""
    images = np.asarray(images, dtype=np.float32)
    return images.reshape((len(images), *model.input_shape[1:]))


@functools.lru_cache(maxsize=16)
def _every_layer(model):
    """The output of every layer of `model`, as one compiled function (built once per model)."""
    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])
    # a one-layer model's probe returns its output alone, not in a list: flatten makes it a list of one
    return tf.function(lambda x: tf.nest.flatten(probe(x, training=False)), reduce_retracing=True)


def probabilities(model, images):
    """(n, 10) probabilities for (n, 28, 28) images."""
    x = model_input(model, images)
    if len(x) <= FEW_IMAGES:
        return _every_layer(model)(x)[-1].numpy()
    return model.predict(x, verbose=0, batch_size=256)


def layer_outputs(model, image):
    """Keras's own output of every layer for one 28x28 image: [(layer name, output without the batch axis)]."""
    outputs = _every_layer(model)(model_input(model, [image]))
    return [(layer.name, output.numpy()[0]) for layer, output in zip(model.layers, outputs)]


@functools.lru_cache(maxsize=16)
def _scores_function(model):
    """A function images -> the ten scores the output layer computes before its softmax (built once per
    model; it reads the layer's weights as they are when it runs)."""
    last = model.layers[-1]
    body = keras.Model(model.inputs[0], last.input)
    return lambda x: keras.ops.matmul(body(x), last.kernel) + last.bias


def scores(model, images):
    """(n, 10) scores before softmax (logits) for (n, 28, 28) images; softmax(scores) = probabilities."""
    return keras.ops.convert_to_numpy(_scores_function(model)(model_input(model, images)))


@functools.lru_cache(maxsize=16)
def _score_gradient(model):
    """A compiled function (x, weights) -> d(sum of weights x scores) / dx, for one image x."""
    function = _scores_function(model)

    @tf.function(reduce_retracing=True)
    def gradient(x, weights):
        with tf.GradientTape() as tape:
            tape.watch(x)
            weighted = tf.reduce_sum(function(x)[0] * weights)
        return tape.gradient(weighted, x)
    return gradient


def saliency(model, image, target, versus=None):
    """d(score[target] - score[versus]) / d(pixel) for one 28x28 image: where more ink would move the answer.

    Positive (red in the plots): more ink here pushes towards `target`; negative
    (blue): towards `versus`. Without `versus`, the gradient of score[target] alone.
    """
    weights = np.zeros(10, np.float32)  # +1 for target's score, -1 for versus's: their difference
    weights[target] += 1
    if versus is not None:
        weights[versus] -= 1
    gradient = _score_gradient(model)(tf.constant(model_input(model, [image])), tf.constant(weights))
    return gradient.numpy().reshape(28, 28)


def blank_squares(image, corners, size):
    """One copy of the image per (top, left) corner, with that size x size square set to paper (0)."""
    copies = np.repeat(np.asarray(image, dtype=np.float32)[None], len(corners), axis=0)
    for copy, (top, left) in zip(copies, corners):
        copy[top:top + size, left:left + size] = 0
    return copies


def occlusion(model, image, target, versus, patch=6, stride=2):
    """Blank out a patch x patch square at every place; returns (change, answers), each (places, places).

    change[i, j]: how much score[target] - score[versus] changes when the square at
    (i*stride, j*stride) is set to paper (0); negative where that region was evidence
    for `target`. answers[i, j]: the model's answer with that square blanked.
    """
    image = np.asarray(image, dtype=np.float32)
    places = range(0, 28 - patch + 1, stride)
    covered = blank_squares(image, [(top, left) for top in places for left in places], patch)
    before, after = scores(model, [image]), scores(model, covered)
    change = (after[:, target] - after[:, versus]) - (before[0, target] - before[0, versus])
    shape = (len(places), len(places))
    return change.reshape(shape), after.argmax(axis=1).reshape(shape)
