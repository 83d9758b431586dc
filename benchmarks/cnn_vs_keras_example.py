"""Lesson 3's CNN against the published Keras "Simple MNIST convnet" recipe, in one run on full MNIST.

    python benchmarks/cnn_vs_keras_example.py [--data-dir DIR] [--seed 42] [--epochs N] [--kernels K]

Each model trains as it would on its own: one model.fit() over all its epochs, on the
same 54,000 digits (the other 6,000 held out, as validation_split 0.1 does). The CNN is
compiled and fitted as lesson 3 does it (course/training.py: its training state made
before fit(), its batches from `in_batches`: Keras's batches, in Keras's order, from a
tf.data pipeline that does not tune itself); the recipe as published, fitted on the
NumPy arrays, all its 15 epochs. Each epoch's weights are kept and scored on the 10,000
test digits after fit() returns, so the scoring neither counts in nor disturbs either
clock; the recipe's time to reach 99.0% is the end of its first epoch that scores 99.0%
or more. Before either clock starts, TensorFlow's one-time start-up (thread pools,
oneDNN's first kernels) is paid by a throwaway prediction, so neither model is charged
for it; each still pays for building its own training graph.
Prints each epoch, each model's time to reach 99.0% test accuracy, and the ratio issue 15
asks about: the CNN's whole training (all its epochs) over the recipe's time to 99.0%,
with the CPU's vector extensions (TensorFlow picks its kernels by them). `--kernels`
computes as another CPU would (benchmarks/kernels.py).
Both clocks include the seconds fit() waits before each epoch's first batch; they are
printed apart, with the ratio left once they are taken out of both clocks. Keras feeds
NumPy arrays through a tf.data pipeline that tunes itself while it runs, and where
py-spy looked during such a wait, the last epoch's iterator was being destroyed and
waited for its autotuning thread to wake from a timed sleep (up to seconds, in some
epochs only). The CNN's pipeline does not tune itself, so its waits are about 0.
The recipe (keras.io/examples/vision/mnist_convnet): Conv2D(32, 3x3, relu) ->
MaxPooling 2x2 -> Conv2D(64, 3x3, relu) -> MaxPooling 2x2 -> Flatten ->
Dropout(0.5) -> Dense(10, softmax), Adam, batch 128, 15 epochs.
"""

import argparse
import os
import time
from dataclasses import dataclass

import kernels
from course.quiet import quiet_tensorflow

TARGET = 0.99
RECIPE_EPOCHS = 15


def keras_example():
    import keras

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


@dataclass
class Race:
    reached: float | None  # training seconds when the test accuracy first reached TARGET
    accuracy: float  # after the last epoch
    seconds: float  # the whole training
    waited: float  # of `seconds`, waiting for each epoch's first batch
    waited_until_reached: float | None  # of `reached`, the same


def race(name, model, x_test, y_test, *, epochs, **data):
    """One fit() over all epochs, on `data` (fit()'s arguments that say what it trains and validates on).
    Each epoch's weights are kept, and scored on the test digits once fit() has returned: scoring between
    epochs kept Keras's last tf.data iterator alive longer, past its autotuning thread's next sleep, and fit()
    then waited for that thread (benchmarks/README.md)."""
    import keras

    class KeepEachEpoch(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.started, self.waited = time.perf_counter(), 0.0
            self.ends, self.waits, self.weights = [], [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_began = time.perf_counter()

        def on_train_batch_begin(self, batch, logs=None):
            if batch == 0:  # the wait for the epoch's first batch, where the last epoch's iterator is destroyed
                self.waited += time.perf_counter() - self.epoch_began

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter() - self.started)
            self.waits.append(self.waited)
            self.weights.append(model.get_weights())

    kept = KeepEachEpoch()
    model.fit(epochs=epochs, verbose=0, callbacks=[kept], **data)
    seconds = time.perf_counter() - kept.started
    reached = waited_until_reached = None
    for epoch, (end, waited, weights) in enumerate(zip(kept.ends, kept.waits, kept.weights), start=1):
        model.set_weights(weights)
        accuracy = float((model.predict(x_test, batch_size=1000, verbose=0).argmax(axis=1) == y_test).mean())
        print(f"  {name}: epoch {epoch:>2}  {end:6.1f} s of training  test accuracy {accuracy:.2%}", flush=True)
        if reached is None and accuracy >= TARGET:
            reached, waited_until_reached = end, waited
    return Race(reached, accuracy, seconds, kept.waited, waited_until_reached)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, help="epochs for lesson 3's CNN (default: the lesson's)")
    kernels.add_option(parser)
    args = parser.parse_args()
    os.environ.update(kernels.settings(args.kernels))  # read as TensorFlow is imported, just below
    quiet_tensorflow()
    import keras

    from course.data import load_digits
    from course.cpu import vector_extensions
    from course.lessons import lesson3
    from course.preprocess import normalize
    from course.training import training_and_validation, training_steps

    digits = load_digits("mnist", args.data_dir)
    x, x_test = normalize(digits.x_train)[..., None], normalize(digits.x_test)[..., None]
    epochs = args.epochs or lesson3.EPOCHS
    keras_example().predict(x_test[:8], verbose=0)  # TensorFlow's one-time start-up, outside both clocks

    keras.utils.set_random_seed(args.seed)
    cnn = lesson3.cnn(training_steps(len(x), epochs, lesson3.BATCH_SIZE))
    batches, validation = training_and_validation(x, digits.y_train, lesson3.BATCH_SIZE)
    ours = race("lesson 3 CNN", cnn, x_test, digits.y_test, epochs=epochs, x=batches, validation_data=validation,
                shuffle=False)
    keras.utils.set_random_seed(args.seed)
    theirs = race("Keras recipe", keras_example(), x_test, digits.y_test, epochs=RECIPE_EPOCHS, x=x,
                  y=digits.y_train, batch_size=128, validation_split=0.1)

    print(f"\nCPU: {', '.join(vector_extensions() or ['flags unknown'])}; {kernels.described(args.kernels)}; "
          f"seed {args.seed}")
    reached = f"reached {TARGET:.0%} after {ours.reached:.1f} s" if ours.reached else f"never reached {TARGET:.0%}"
    print(f"lesson 3 CNN: {ours.accuracy:.2%} after {epochs} epochs ({ours.seconds:.1f} s, of which "
          f"{ours.waited:.1f} s waiting before epochs' first batches); {reached}")
    if not theirs.reached:
        print(f"Keras recipe never reached {TARGET:.0%} in {RECIPE_EPOCHS} epochs ({theirs.seconds:.1f} s)")
        return
    print(f"Keras recipe: reached {TARGET:.0%} after {theirs.reached:.1f} s, of which "
          f"{theirs.waited_until_reached:.1f} s waiting before epochs' first batches")
    print(f"lesson 3 CNN's whole training / recipe's time to {TARGET:.0%}: {ours.seconds / theirs.reached:.3f} "
          f"(1/{theirs.reached / ours.seconds:.1f}; target <= 1/10)")
    busy_ours, busy_theirs = ours.seconds - ours.waited, theirs.reached - theirs.waited_until_reached
    print(f"the same without those waits: {busy_ours:.1f} s / {busy_theirs:.1f} s = "
          f"1/{busy_theirs / busy_ours:.1f}")


if __name__ == "__main__":
    main()
