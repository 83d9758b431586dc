"""`course serve`: a local page where you draw a digit and watch every number the networks compute.

The page (course/page/) sends the drawing, or a photo, to POST /api/predict. `read_digit`
answers with everything the page shows, made by the same code as `course predict`:
mnistify's steps, the 28x28 intensities the networks receive (and their black-and-white
version), the three lesson models' probabilities, the CNN's feature maps, the saliency of
its answer against the runner-up, and the MLP's hidden units that fired most.

    app = create_app(Models())        # a Flask app; Models().load(...) makes it ready
    answer = read_digit(networks, png_bytes)

Bad input is answered with a 4xx and {"error": "<one sentence>"}; the server keeps serving.
"""

import base64
import io
import sys
import threading
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from flask import Flask, abort, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException

from course.explain import layer_outputs, probabilities, saliency
from course.preprocess import (MNISTIFIED, PAGE_FOUND, ImageError, ImageTooLarge, NoInkError, binarize,
                               mnistify_steps, read_image, steps_explained)

PAGE = Path(__file__).parent / "page"  # the page's HTML, script and style: nothing comes from the internet
SHOWN_MODELS = ("logistic", "mlp", "cnn")  # lesson 2's softmax regression and MLP, lesson 3's CNN
FEATURE_LAYERS = ("conv1", "pool1", "conv2", "pool2")  # the CNN's layers whose maps the page draws
HIDDEN_UNITS_SHOWN = 6  # the MLP's hidden units that fired most
LARGEST_UPLOAD = 10 * 1024 * 1024  # bytes: a larger request is refused before it is read
STEP_SIDE = 112  # pixels: the longer side of each pre-processing step's small image
PAPER_STEPS = ("original", "grayscale", PAGE_FOUND)  # mnistify's steps before the ink is made high
PLACES = 3  # decimals of the numbers sent to the page: more than it shows, far fewer than float32 has

ERRORS = {  # what the learner reads for each refusal of the web server itself
    404: "there is nothing at this address; the page is at /",
    405: "this address does not answer that method: the page is GET /, an image goes with POST to /api/predict",
    413: f"the image is larger than {LARGEST_UPLOAD // 2 ** 20} MB: send a smaller one",
}
ONE_AT_A_TIME = threading.Lock()  # the models answer one picture at a time; requests wait their turn


class Models:
    """The trained models the page uses, once they are ready (loaded from the model cache or trained first)."""

    def __init__(self):
        self.networks = None  # {name: keras model}, or None while they are being made ready
        self.descriptions = {}  # {name: one line: which lesson, trained on what, its test accuracy}
        self.problem = None  # why they will never be ready (one sentence), if so

    def load(self, **where):
        """Load (or train) the models; `where`: source, data_dir, seed as `course.predict.load_models` takes them."""
        from course.data import DataError
        from course.predict import load_models

        try:
            found = load_models(SHOWN_MODELS, **where)
        except DataError as error:
            self.problem = str(error)
            return
        except Exception as error:  # a full disk, an unwritable model cache: said on the page, in full in the terminal
            traceback.print_exception(error, file=sys.stderr)
            self.problem = f"the models could not be made ready ({type(error).__name__}: {error})"
            return
        self.descriptions = {name: description for name, (_, description) in found.items()}
        self.networks = {name: network for name, (network, _) in found.items()}


# ---------------------------------------------------------------- what the page shows, computed
def numbers(array):
    """A NumPy array as nested lists of numbers rounded for the page."""
    return np.round(np.asarray(array, dtype=np.float64), PLACES).tolist()


def small_png(picture, ink_high=False):
    """A picture (2-D 0-1 floats, or uint8 grey, RGB or RGBA) as a PNG data URL at most STEP_SIDE long.

    Ink-high steps are drawn dark on light, as the ink was written.
    """
    from PIL import Image

    pixels = np.asarray(picture)
    if pixels.dtype != np.uint8:
        pixels = (np.clip(1 - pixels if ink_high else pixels, 0, 1) * 255).round().astype(np.uint8)
    image = Image.fromarray(pixels)
    image.thumbnail((STEP_SIDE, STEP_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def answer_of(p):
    return {"prediction": int(np.argmax(p)), "probabilities": numbers(p)}


def hidden_units_fired(mlp, digit, answer):
    """The MLP's hidden units with the largest outputs on `digit`: each unit's output, its 784 incoming
    weights as 28x28, and its vote for the MLP's `answer` (output x weight to that answer)."""
    hidden = dict(layer_outputs(mlp, digit))["hidden"]
    incoming, outgoing = mlp.get_layer("hidden").get_weights()[0], mlp.get_layer("output").get_weights()[0]
    units = np.argsort(-hidden)[:HIDDEN_UNITS_SHOWN]
    return {"units": len(hidden), "fired": int(np.count_nonzero(hidden > 0)), "answer": answer,
            "top": [{"unit": int(u), "output": round(float(hidden[u]), PLACES),
                     "vote": round(float(hidden[u] * outgoing[u, answer]), PLACES),
                     "weights": numbers(incoming[:, u].reshape(digit.shape))} for u in units]}


def read_digit(networks, picture):
    """Everything the page shows about one picture (its file's bytes), as a JSON-ready dict.

    networks: {"logistic", "mlp", "cnn": keras model}. Raises ImageError (ImageTooLarge: too many
    pixels) or NoInkError with a one-line reason when the picture cannot be read as a digit.
    """
    steps = mnistify_steps(read_image(picture))  # outside the lock: a large photo holds up no one else
    with ONE_AT_A_TIME:
        return what_the_page_shows(networks, steps)


def what_the_page_shows(networks, steps):
    """read_digit's answer for the steps of mnistify_steps: the models' numbers and the steps' pictures."""
    digit = steps[MNISTIFIED]
    black_and_white = binarize(digit)
    answers = {name: probabilities(network, [digit, black_and_white]) for name, network in networks.items()}
    cnn = networks["cnn"]
    p = answers["cnn"][0]
    answer, runner_up = (int(d) for d in np.argsort(p)[::-1][:2])
    maps = dict(layer_outputs(cnn, digit))
    sentences = steps_explained(steps)
    return {
        "prediction": answer,
        "probabilities": numbers(p),
        "models": {name: answer_of(both[0]) for name, both in answers.items()},
        "steps": [{"name": name, "sentence": sentences[name],
                   "image": small_png(image, ink_high=name not in PAPER_STEPS)} for name, image in steps.items()],
        "intensities": numbers(digit),
        "black_and_white": {"intensities": numbers(black_and_white),
                            "models": {name: answer_of(both[1]) for name, both in answers.items()}},
        "feature_maps": [{"layer": name, "maps": numbers(maps[name].transpose(2, 0, 1))} for name in FEATURE_LAYERS],
        "saliency": {"answer": answer, "runner_up": runner_up,
                     "values": numbers(saliency(cnn, digit, answer, runner_up))},
        "hidden_units": hidden_units_fired(networks["mlp"], digit, int(answers["mlp"][0].argmax())),
    }


# ---------------------------------------------------------------- the web server
def create_app(models):
    """The Flask app: the page at /, its files under /static, the models' state at /api/status and
    the reading of a picture at POST /api/predict."""
    app = Flask(__name__, static_folder=str(PAGE), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = LARGEST_UPLOAD
    app.json.sort_keys = False  # the models in the lessons' order: logistic, mlp, cnn

    @app.get("/")
    def page():
        return send_from_directory(PAGE, "index.html")

    @app.get("/api/status")
    def status():
        return jsonify(ready=models.networks is not None, problem=models.problem, models=models.descriptions)

    @app.post("/api/predict")
    def predict():
        if request.origin and urlsplit(request.origin).netloc != request.host:
            return refuse(403, "only the page this server serves may send it images")
        if request.mimetype == "multipart/form-data":  # a form's file field (curl -F file=@digit.png)
            picture = next((b for b in (upload.read() for upload in request.files.values()) if b), b"")
        else:  # the body is the image (what the page sends)
            picture = request.get_data(cache=False)
            if request.content_length is None and len(picture) >= LARGEST_UPLOAD:  # sent in chunks: cut there
                abort(413)
        if not picture:
            return refuse(400, "the request holds no image: send the image file's bytes")
        if models.networks is None:
            return refuse(503, models.problem or "the models are still getting ready (see the terminal); "
                                                 "try again in a moment")
        try:
            return jsonify(read_digit(models.networks, picture))
        except ImageTooLarge as error:
            return refuse(413, str(error))
        except ImageError as error:
            return refuse(415, f"the upload could not be read as a picture: {error}")
        except NoInkError as error:
            return refuse(422, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error):
        return refuse(error.code, ERRORS.get(error.code, error.description))

    @app.errorhandler(Exception)
    def unexpected(error):  # a bug of ours: said in one line to the page, in full in the terminal
        traceback.print_exception(error, file=sys.stderr)
        return refuse(500, f"the server failed on this request ({type(error).__name__}); it keeps serving")

    @app.after_request
    def offline_only(response):
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return app


def refuse(status, sentence):
    return jsonify(error=sentence), status
