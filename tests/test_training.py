import re

import keras
import numpy as np
import pytest

from course.data import load_sample
from course.preprocess import flatten, normalize
from course.story import Story
from course import training
from course.training import cache_files, cache_key, smoothed_crossentropy, train
from course.lessons import lesson1, lesson3


@pytest.fixture
def story(tmp_path):
    return Story(1, "test", load_sample().head(600, 100), tmp_path / "figures", seed=3)


def fit(story, epochs=1):
    x = flatten(normalize(story.digits.x_train))
    y = (story.digits.y_train == 9).astype(np.int64)
    return train(story, "logistic", lesson1.logistic_regression, x, y, epochs=epochs, batch_size=64)


def same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def test_a_rerun_loads_the_same_model_from_the_cache(story):
    first = fit(story)
    again = fit(story)
    assert not first.cached and again.cached
    assert same_weights(first.model, again.model)
    assert again.history == first.history and again.seconds == first.seconds


def test_retrain_and_a_changed_recipe_train_afresh(story):
    fit(story)
    story.retrain = True
    assert not fit(story).cached
    story.retrain = False
    assert not fit(story, epochs=2).cached  # another epoch count is another model


def test_a_corrupt_cache_file_is_retrained_not_loaded(story, capsys):
    first = fit(story)
    x = flatten(normalize(story.digits.x_train))
    key = cache_key(story, "logistic", lesson1.logistic_regression, {}, x, 1, 64, 0.1)
    model_file, _ = cache_files(lesson1.logistic_regression, "logistic", key)
    assert model_file.exists()
    model_file.write_bytes(b"half a model")  # as if a run had died mid-save without the atomic rename
    again = fit(story)
    assert not again.cached
    assert "could not be read" in capsys.readouterr().out
    assert same_weights(first.model, again.model)  # same seed, same result
    assert fit(story).cached  # and the replaced file loads
    assert not list(model_file.parent.glob(".*partial*"))  # no temporary files left behind


def test_the_key_follows_the_constants_a_model_reads(story, monkeypatch):
    x = np.zeros((10, 28, 28, 1), dtype=np.float32)
    before = cache_key(story, "cnn", lesson3.cnn, {"total_steps": 10}, x, 1, 128, 0.1)
    assert cache_key(story, "cnn", lesson3.cnn, {"total_steps": 10}, x, 1, 128, 0.1) == before
    monkeypatch.setattr(lesson3, "PEAK_LEARNING_RATE", lesson3.PEAK_LEARNING_RATE / 2)
    assert cache_key(story, "cnn", lesson3.cnn, {"total_steps": 10}, x, 1, 128, 0.1) != before


def test_the_key_follows_the_shared_recipe_the_model_is_compiled_with(story, monkeypatch):
    x = np.zeros((10, 28, 28, 1), dtype=np.float32)
    before = cache_key(story, "cnn", lesson3.cnn, {"total_steps": 10}, x, 1, 128, 0.1)
    monkeypatch.setattr(training, "LABEL_SMOOTHING", 0.2)  # read by the loss, which the compile helper passes
    assert cache_key(story, "cnn", lesson3.cnn, {"total_steps": 10}, x, 1, 128, 0.1) != before


def test_the_smoothed_loss_is_cross_entropy_against_softened_targets():
    digits = np.array([7, 0])
    probabilities = np.array([np.full(10, 0.1), np.eye(10)[0] * 0.91 + 0.01], dtype=np.float32)
    targets = np.full((2, 10), training.LABEL_SMOOTHING / 10)
    targets[[0, 1], digits] += 1 - training.LABEL_SMOOTHING
    by_hand = -(targets * np.log(probabilities)).sum(axis=1)
    np.testing.assert_allclose(np.asarray(smoothed_crossentropy(digits, probabilities)), by_hand, rtol=1e-5)
    assert by_hand[1] < by_hand[0]  # the answer that matches its targets has the lower loss


def test_outputs_that_are_all_zero_give_a_finite_loss_not_nan():
    # ReLU at the output (lesson 2's experiment) can answer 0 for all ten digits: the loss must say "far off",
    # not divide 0 by 0.
    loss = np.asarray(smoothed_crossentropy(np.array([3]), np.zeros((1, 10), dtype=np.float32)))
    assert np.isfinite(loss).all() and loss[0] > 10


def test_training_state_created_before_fit_trains_the_same_model(story):
    # compile_ten_digit_model creates Adam's moments and the accuracy's counters before fit(); compiled the
    # plain way, Keras creates them during fit(). The trained weights must be the same, number for number.
    x, y = normalize(story.digits.x_train)[..., None], story.digits.y_train
    trained = []
    for state_made_by in ("compile_ten_digit_model", "fit"):
        keras.utils.set_random_seed(5)  # once, before the model is built, as train() seeds
        model = lesson3.cnn(training.training_steps(len(x), 1, 64))
        assert model.optimizer.built
        if state_made_by == "fit":
            model.compile(optimizer=keras.optimizers.Adam.from_config(model.optimizer.get_config()),
                          loss=model.loss, metrics=["accuracy"], steps_per_execution=training.STEPS_PER_CALL)
            assert not model.optimizer.built
        untrained = model.get_weights()
        history = model.fit(x, y, epochs=1, batch_size=64, validation_split=0.1, verbose=0)
        trained.append((model, history.history))
    (built_first, its_history), (built_by_fit, fits_history) = trained
    assert same_weights(built_first, built_by_fit)
    assert its_history == fits_history
    assert not any(np.array_equal(u, v) for u, v in zip(untrained, built_by_fit.get_weights()))  # both trained


def test_in_batches_trains_the_model_that_fit_trains_on_the_arrays(story):
    # The batches of Keras's own pipeline for NumPy arrays, in its order (two epochs: the second's order too) and
    # with the same digits held out: the same weights and history, number for number.
    x, y = normalize(story.digits.x_train)[..., None], story.digits.y_train
    trained = []
    for fed_as in ("arrays", "in_batches"):
        keras.utils.set_random_seed(5)
        model = lesson3.cnn(training.training_steps(len(x), 2, 64))
        if fed_as == "arrays":
            history = model.fit(x, y, epochs=2, batch_size=64, validation_split=0.1, verbose=0)
        else:
            batches, validation = training.training_and_validation(x, y, 64, validation_split=0.1)
            history = model.fit(batches, validation_data=validation, epochs=2, shuffle=False, verbose=0)
        trained.append((model, history.history))
    (from_arrays, its_history), (from_batches, their_history) = trained
    assert same_weights(from_arrays, from_batches)
    assert its_history == their_history and len(their_history["val_accuracy"]) == 2


def test_train_fits_the_model_that_fit_would_fit_on_the_arrays(story):
    trained = fit(story, epochs=2)
    x = flatten(normalize(story.digits.x_train))
    y = (story.digits.y_train == 9).astype(np.int64)
    keras.utils.set_random_seed(story.seed)
    model = lesson1.logistic_regression()
    history = model.fit(x, y, epochs=2, batch_size=64, validation_split=training.VALIDATION_SPLIT, verbose=0)
    assert same_weights(trained.model, model)
    assert trained.history == {metric: [float(v) for v in values] for metric, values in history.history.items()}


def test_in_batches_holds_every_digit_once_shuffled_or_in_order():
    x, y = np.arange(10, dtype=np.float32)[:, None] * 10, np.arange(10)
    keras.utils.set_random_seed(1)
    shuffled = training.in_batches(x, y, 4, shuffle=True)
    in_order = training.in_batches(x, y, 4, shuffle=False)
    assert shuffled.cardinality() == 3  # 4 + 4 + 2: told, so the progress bar knows its total
    assert shuffled.options().autotune.enabled is False  # the point of it: nothing waits for a tuning thread
    epochs = [[(np.asarray(xs)[:, 0] / 10).tolist() for xs, _ in shuffled] for _ in range(2)]
    assert [len(batch) for batch in epochs[0]] == [4, 4, 2]
    assert sorted(sum(epochs[0], [])) == list(range(10)) and sum(epochs[0], []) != list(range(10))
    assert epochs[1] == epochs[0]  # the seed draws Keras's order again each epoch
    for xs, ys in shuffled:
        np.testing.assert_array_equal(np.asarray(xs)[:, 0] / 10, np.asarray(ys))  # each image with its label
    assert np.concatenate([np.asarray(ys) for _, ys in in_order]).tolist() == list(range(10))


def test_nothing_is_held_out_when_the_validation_split_is_zero():
    x, y = np.zeros((10, 3), dtype=np.float32), np.zeros(10)
    batches, validation = training.training_and_validation(x, y, 4, validation_split=0)
    assert validation is None and batches.cardinality() == 3
    with pytest.raises(ValueError, match="none to train on"):
        training.training_and_validation(x[:1], y[:1], 4)


def test_the_progress_bar_counts_no_more_batches_than_an_epoch_holds(story, capsys):
    fit(story, epochs=2)  # 540 digits kept, in batches of 64: 9 a epoch, fewer than a call's STEPS_PER_CALL
    shown = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    counts = [(int(done), int(of)) for done, of in re.findall(r"(\d+)/(\d+) ━", shown)]
    assert counts and all(of == 9 and 1 <= done <= 9 for done, of in counts)
    assert counts[-1] == (9, 9)
