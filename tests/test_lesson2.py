import numpy as np
from course.lessons import lesson2


def history(val_accuracy):
    return {"val_accuracy": val_accuracy, "loss": [1.0] * len(val_accuracy)}


def test_experiment_conclusions_follow_from_the_numbers():
    results = {
        "relu": {"history": history([0.95, 0.971, 0.975]), "test_accuracy": 0.976, "seconds_per_epoch": 1.0},
        "sigmoid": {"history": history([0.90, 0.95, 0.972]), "test_accuracy": 0.970, "seconds_per_epoch": 1.1},
        "tanh": {"history": history([0.93, 0.96, 0.969]), "test_accuracy": 0.968, "seconds_per_epoch": 1.0},
        "linear": {"history": history([0.90, 0.91, 0.92]), "test_accuracy": 0.921, "seconds_per_epoch": 0.9},
    }
    text = " ".join(lesson2.activation_conclusions(results, 0.97, softmax_regression_accuracy=0.925))
    assert "relu reached 97% validation accuracy after 2 epochs, sigmoid after 3." in text
    assert "tanh and linear never reached 97% within 3 epochs." in text
    assert "Best test accuracy: relu (97.60%); worst: linear (92.10%), 5.5 points apart." in text
    assert "relu beat linear by 5.5 points" in text
    assert "0.4 points below softmax regression (92.50%)" in text


def test_experiment_conclusions_change_when_the_numbers_do():
    results = {
        "relu": {"history": history([0.80, 0.85]), "test_accuracy": 0.86, "seconds_per_epoch": 1.0},
        "linear": {"history": history([0.91, 0.92]), "test_accuracy": 0.90, "seconds_per_epoch": 1.0},
    }
    text = " ".join(lesson2.activation_conclusions(results, 0.90, softmax_regression_accuracy=0.85))
    assert "linear reached 90% validation accuracy after 1 epoch." in text
    assert "relu never reached" in text
    assert "On this run linear did as well as relu (4.0 points ahead)" in text


def test_experiment_conclusions_name_a_tie_and_list_every_slow_activation():
    results = {name: {"history": history([0.80]), "test_accuracy": 0.75, "seconds_per_epoch": 1.0}
               for name in ("relu", "sigmoid", "tanh", "linear")}
    text = " ".join(lesson2.activation_conclusions(results, 0.90, softmax_regression_accuracy=0.5))
    assert "relu, sigmoid, tanh and linear never reached 90% within 1 epoch." in text
    assert "linear did as well as relu (the same test accuracy)" in text and "-0.0" not in text


def test_relu_output_conclusions_report_silence_and_nan():
    outputs = np.array([[0.0] * 10, [0.0] * 10, [0.2] * 5 + [0.0] * 5, [1.0] + [0.0] * 9])
    softmax_run = {"history": {"loss": [0.5, 0.3]}, "test_accuracy": 0.97}
    relu_run = {"history": {"loss": [2.0, float("nan")]}, "test_accuracy": 0.1, "outputs": outputs}
    text = " ".join(lesson2.relu_output_conclusions(softmax_run, relu_run))
    assert "loss became NaN (not a number) in epoch 2" in text
    assert "from 0.00 to 1.00 instead of exactly 1" in text
    assert "On 50.0% of the test digits all ten ReLU outputs are exactly 0" in text


def test_relu_output_conclusions_change_when_no_output_is_silent():
    outputs = np.array([[0.5, 0.5] + [0.0] * 8, [0.2] * 5 + [0.0] * 5, [1.0] + [0.0] * 9])
    softmax_run = {"history": {"loss": [0.5, 0.3]}, "test_accuracy": 0.97}
    relu_run = {"history": {"loss": [2.0, 1.5]}, "test_accuracy": 0.6, "outputs": outputs}
    text = " ".join(lesson2.relu_output_conclusions(softmax_run, relu_run))
    assert "final training loss 1.500" in text and "NaN" not in text
    assert "exactly 0" not in text and "gives no answer" not in text
    assert "On no test digit are all ten ReLU outputs 0" in text
    assert "happen to add up to 1" in text and "instead of exactly 1" not in text


def test_relu_output_conclusions_name_outputs_that_are_not_numbers():
    outputs = np.array([[np.nan] * 10, [0.3] * 10])
    relu_run = {"history": {"loss": [float("nan")]}, "test_accuracy": 0.1, "outputs": outputs}
    text = " ".join(lesson2.relu_output_conclusions({"history": {"loss": [0.3]}, "test_accuracy": 0.9}, relu_run))
    assert "On 50.0% of the test digits the ReLU outputs are not even numbers" in text
    assert "from 3.00 to 3.00 instead of exactly 1" in text


def test_hidden_units_sentence_says_what_the_9_has_only_when_it_does():
    h_nine, h_four = np.array([2.0, 0.0, 1.0, 0.5]), np.array([0.0, 0.0, 0.2, 0.1])
    text = lesson2.hidden_units_sentence(h_nine, h_four, [0, 2, 3])
    assert "3 fire (output > 0) for the 9 and 2 for the 4" in text
    assert "what the 9 has and the 4 lacks" in text
    text = lesson2.hidden_units_sentence(h_nine, np.array([0.0, 0.0, 1.5, 0.9]), [0, 2, 3])
    assert "Only 1 of them fire more for the 9" in text and "lacks" not in text


def test_hand_forward_pass_equals_keras():
    model = lesson2.mlp(total_steps=1)
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    _, by_hand = lesson2.mlp_by_hand(x, *model.get_weights())
    np.testing.assert_allclose(by_hand, model.predict(x, verbose=0), atol=1e-6)


def test_the_recipe_paragraph_follows_the_steps_it_is_given():
    long, short = lesson2.training_recipe(400), lesson2.training_recipe(15)
    assert "takes 400 " in long and "rises over its first 20 steps" in long
    assert "takes 15 " in short and "too few steps to warm up" in short and "rises" not in short
    assert "0.91 for '7' and 0.01 for each other digit" in long and "lowest loss these targets allow is 0.50" in long
