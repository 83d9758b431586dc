"""Train a Keras model once, then remember it: the model cache every lesson shares.

    trained = train(story, "mlp", mlp, x, y, epochs=5)
    trained.model, trained.history, trained.seconds, trained.cached

A trained model is saved under course_home()/models (~/.config/course/models), keyed by
everything that decides the result: the lesson module that defines it, model name,
data source and size, seed, epochs, batch size, the build function's arguments and
its source code. So lesson 3 finds the MLP that lesson 2 trained.
A rerun, or a later lesson that needs the same model, loads it instead of
training; changing any of these trains afresh. `--retrain` always trains.
Files are written under a temporary name and renamed into place, so a run
killed mid-save never leaves a file that would load; an unreadable file is
retrained and replaced.
"""

import hashlib
import inspect
import json
import os
import time
from dataclasses import dataclass

import keras
import numpy as np

from course.places import DEFAULT_SEED, course_home

# Lessons compile with steps_per_execution=STEPS_PER_CALL: Keras then runs that many training steps per
# call into TensorFlow instead of one, so a small model's epoch spends its time computing, not calling
# (the speed-up measured is in benchmarks/README.md).
STEPS_PER_CALL = 32
VALIDATION_SPLIT = 0.1  # the share of the training digits held out to watch each epoch (Keras's validation_split)
LABEL_SMOOTHING = 0.1


@keras.saving.register_keras_serializable(package="course")
def smoothed_crossentropy(digits, probabilities):
    """Cross-entropy against softened targets (label smoothing): for a 7 the target is not 1 for "7" and 0 for
    the nine others, but 1 - LABEL_SMOOTHING + LABEL_SMOOTHING / 10 for "7" and LABEL_SMOOTHING / 10 for each
    other digit. Plain cross-entropy keeps pushing a digit already read right towards 100%; this one only
    until the target, so training spends its steps on the digits still read wrong. `digits` are the labels
    0-9, as the lessons keep them (Keras's own label_smoothing needs one-hot labels).
    Written out as Keras's sparse cross-entropy computes it: probabilities kept within [1e-7, 1 - 1e-7] so
    the log stays finite, and not rescaled to add up to 1 (an output that is not softmax shows as it is)."""
    classes = probabilities.shape[-1]
    hits = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(digits, [-1]), "int32"), classes)
    targets = hits * (1 - LABEL_SMOOTHING) + LABEL_SMOOTHING / classes
    kept = keras.ops.clip(probabilities, 1e-7, 1 - 1e-7)
    return -keras.ops.sum(targets * keras.ops.log(kept), axis=-1)


def training_steps(examples, epochs, batch_size):
    """How many steps (batches) fit() takes for `epochs` over the digits it does not hold out."""
    return epochs * -(-int(examples * (1 - VALIDATION_SPLIT)) // batch_size)


def in_batches(x, y, batch_size, *, shuffle):
    """(x, y) as the batches fit(x, y, batch_size=batch_size, shuffle=shuffle) cuts NumPy arrays into (float32
    digits, as the lessons pass them), in the same order, from a tf.data pipeline that does not tune itself.
    Returns a tf.data.Dataset of (x, y) batches.

    Keras draws the order inside its pipeline: tf.random.shuffle, in a function tf.data runs, seeded by the seed
    train() sets. Every epoch's fresh iterator draws it again from that seed, so the order is the same every
    epoch. Drawn here by the same operation in the same place, it is the same order (drawn outside tf.data, the
    same seed would give another). Keras's pipeline also has tf.data tune itself while it runs, and the iterator
    that served an epoch, when it is released, waits for the tuning thread to wake from a timed sleep: seconds
    before some epochs start (benchmarks/README.md). Without the tuning nothing waits, and a batch of small digits
    is gathered as quickly."""
    import tensorflow as tf

    count = len(x)

    def digit_order(_):  # Keras's operations, in Keras's order: the seed then draws Keras's shuffle
        every = tf.range(count, dtype=tf.int64)
        return tf.random.shuffle(every) if shuffle else every

    def picked_digits(picked, every_digit):
        images, labels = every_digit
        return tf.gather(images, picked), tf.gather(labels, picked)

    # All the digits travel as one element beside each batch of picks, as in Keras's pipeline: captured by
    # picked_digits instead, they were copied once more, and lesson 3 needed more memory.
    every_digit = tf.data.Dataset.from_tensors((x, y)).repeat()
    order = tf.data.Dataset.range(1).map(digit_order)
    batches = tf.data.Dataset.zip(order.unbatch().batch(batch_size), every_digit).map(picked_digits)
    # Told how many batches there are, Keras's progress bar counts towards the right total from the first epoch.
    batches = batches.apply(tf.data.experimental.assert_cardinality(-(-count // batch_size)))
    options = tf.data.Options()
    options.autotune.enabled = False
    # tf.data's default optimizations rewrite a copy of the pipeline, the digits it holds included; Keras's own
    # pipeline turns them off too.
    options.experimental_optimization.apply_default_optimizations = False
    return batches.prefetch(1).with_options(options)


def training_and_validation(x, y, batch_size, validation_split=VALIDATION_SPLIT):
    """The batches fit() trains on and the batches it checks after each epoch (None when validation_split is 0):
    the last `validation_split` of the digits are held out, as Keras's validation_split does. Raises
    ValueError when none would be left to train on."""
    kept = int(len(x) * (1 - validation_split))
    if kept == 0:
        raise ValueError(f"{len(x)} digits with validation_split={validation_split} leave none to train on")
    validation = in_batches(x[kept:], y[kept:], batch_size, shuffle=False) if kept < len(x) else None
    return in_batches(x[:kept], y[:kept], batch_size, shuffle=True), validation


def warmup_steps(total_steps):
    """The first 5% of the steps, while the weights are still random (none when there are under 20)."""
    return total_steps // 20


def compile_ten_digit_model(model, *, peak_learning_rate, total_steps):
    """Compile a model that answers with ten probabilities the way lessons 2 and 3 train them: Adam, whose
    step size rises over the `warmup_steps` and then falls along a cosine to 0 at the last step (large steps
    early, fine ones at the end of the budget); the smoothed cross-entropy; accuracy reported. The model must start
    with keras.Input (its training state is made here, for one digit of that shape). Returns the model."""
    warmup = warmup_steps(total_steps)
    schedule = keras.optimizers.schedules.CosineDecay(0.0, total_steps - warmup, warmup_steps=warmup,
                                                      warmup_target=peak_learning_rate)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=smoothed_crossentropy, metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_CALL)
    # Keras creates Adam's moments and the accuracy's counters while TensorFlow traces the first training step,
    # and a traced step that created variables is traced a second time. Created here, the step is traced
    # once (the seconds saved are in benchmarks/README.md); the moments start at 0 either way.
    model.optimizer.build(model.trainable_variables)
    some_digits = np.zeros((1, *model.input_shape[1:]), "float32")
    model.compute_metrics(some_digits, np.zeros(1, "int64"), model(some_digits))
    model.reset_metrics()  # that one digit counted nothing
    return model


class EpochProgress(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, counting no more batches than an epoch holds. Running STEPS_PER_CALL batches a
    call, Keras reports the call that runs out of batches as if it had run them all, and the bar read "32/15"
    (keras-team/keras#20861)."""

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(min(batch, self.target - 1) if self.target else batch, logs)


@dataclass
class Trained:
    model: keras.Model
    history: dict  # Keras History.history: {"loss": [...], "accuracy": [...], "val_accuracy": [...], ...}
    seconds: float  # training time when it was trained (also when loaded from the cache)
    cached: bool


def model_code(build, seen=None):
    """The code that defines the model: the build function's source, its defaults, the values of the
    module-level constants it reads, and the same for every function of this project it calls (a changed
    learning rate, or a changed loss in a shared helper, must not load the old model)."""
    seen = seen if seen is not None else set()
    seen.add(build)
    code = {"source": inspect.getsource(build), "defaults": build.__defaults__, "constants": {}, "calls": {}}
    for name, value in inspect.getclosurevars(build).globals.items():
        if isinstance(value, (bool, int, float, str, tuple)):
            code["constants"][name] = value
        elif inspect.isfunction(value) and value.__module__.startswith("course") and value not in seen:
            code["calls"][name] = model_code(value, seen)
    return code


def cache_key(story, name, build, build_args, x, epochs, batch_size, validation_split):
    recipe = {
        "defined_in": build.__module__, "model": name, "source": story.digits.source, "examples": len(x),
        "seed": story.seed, "epochs": epochs, "batch_size": batch_size, "validation_split": validation_split,
        "build_args": build_args, "code": model_code(build), "keras": keras.__version__,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True, default=repr).encode()).hexdigest()[:16]


def cache_files(build, name, key):
    stem = f"{build.__module__.rsplit('.', 1)[-1]}-{''.join(c if c.isalnum() else '_' for c in name)}-{key}"
    folder = course_home() / "models"
    return folder / f"{stem}.keras", folder / f"{stem}.json"


def retrain_command(story, build):
    """How to train a cached model again: --retrain in a lesson; elsewhere (`course predict`, `course serve`, which
    run no lesson) the command of the lesson that defines `build`, with the same data and seed."""
    if story.lesson:
        return "--retrain"
    lesson = build.__module__.rsplit("lesson", 1)[-1]
    seed = f" --seed {story.seed}" if story.seed != DEFAULT_SEED else ""
    return f"`course lesson {lesson} --retrain --data {story.digits.source}{seed}`"


def train(story, name, build, x, y, *, epochs, batch_size=128, validation_split=VALIDATION_SPLIT,
          build_args=None):
    """build(**build_args) a compiled model and fit it on (x, y), or load the same model from the cache."""
    build_args = build_args or {}
    key = cache_key(story, name, build, build_args, x, epochs, batch_size, validation_split)
    model_file, record_file = cache_files(build, name, key)
    if not story.retrain and model_file.exists():
        try:
            model = keras.models.load_model(model_file)
            record = json.loads(record_file.read_text())
            history, seconds = record["history"], record["seconds"]
        except Exception as error:  # any unreadable cache entry is simply trained again
            story.say(f"[{name}] the cached model could not be read ({type(error).__name__}); training it again.")
        else:
            story.say(f"[{name}] loaded from the model cache (trained earlier in {seconds:.1f} s; "
                      f"{retrain_command(story, build)} trains it again).")
            return Trained(model, history, seconds, cached=True)

    story.say(f"[{name}] training on {len(x):,} digits for {epochs} epoch{'s' if epochs != 1 else ''} "
              f"({'--retrain' if story.retrain else 'not in the model cache yet'}); it is saved for next time.")
    keras.utils.set_random_seed(story.seed)  # every model starts from the same seed, whatever ran before
    model = build(**build_args)
    started = time.perf_counter()
    training, validation = training_and_validation(x, y, batch_size, validation_split)
    history = model.fit(training, validation_data=validation, epochs=epochs, verbose=1, callbacks=[EpochProgress()],
                        shuffle=False)  # the batches come shuffled
    seconds = time.perf_counter() - started
    history = {metric: [float(v) for v in values] for metric, values in history.history.items()}
    save_atomically(model, {"history": history, "seconds": seconds}, model_file, record_file)
    return Trained(model, history, seconds, cached=False)


def train_and_test(story, name, build, x_train, y_train, x_test, y_test, *, epochs, batch_size=128,
                   build_args=None):
    """train(), then measure the test accuracy and record both in the lesson's summary."""
    trained = train(story, name, build, x_train, y_train, epochs=epochs, batch_size=batch_size,
                    build_args=build_args)
    _, accuracy = trained.model.evaluate(x_test, y_test, verbose=0)
    story.record(name, trained.model, test_accuracy=accuracy, train_seconds=trained.seconds, cached=trained.cached)
    return trained, float(accuracy)


def save_atomically(model, record, model_file, record_file):
    model_file.parent.mkdir(parents=True, exist_ok=True)
    partial_model = model_file.with_name(f".{model_file.stem}.{os.getpid()}.partial.keras")
    partial_record = record_file.with_name(f".{record_file.name}.{os.getpid()}.partial")
    try:
        partial_record.write_text(json.dumps(record))
        model.save(partial_model)
        os.replace(partial_record, record_file)
        os.replace(partial_model, model_file)  # last: a model file only ever appears complete
    finally:
        for leftover in (partial_model, partial_record):
            leftover.unlink(missing_ok=True)
