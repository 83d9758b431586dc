"""`course serve`'s API with the real models trained on the bundled sample: POST /api/predict answers
drawings of test digits with every number the page shows, and every bad input with a 4xx and one sentence."""

import base64
import io
import json
import socket

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from course import serve
from course.cli import cli
from course.datasets.photos import CANVASES, drawing
from course.explain import layer_outputs, probabilities, saliency
from course.preprocess import binarize, mnistify, mnistify_steps, read_image
from helpers import png_bytes, unseen_digits

pytestmark = pytest.mark.usefixtures("shared_models")  # the sample's models are trained once
DRAWINGS_PER_CANVAS = 10


@pytest.fixture(scope="module")
def models(module_model_home):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HOME", str(module_model_home))
        ready = serve.Models()
        ready.load(source="sample", data_dir=None, seed=42)
    return ready


@pytest.fixture
def client(models):
    return serve.create_app(models).test_client()


def a_drawing(label=9, canvas="white", seed=0):
    digits, labels = unseen_digits(200, seed=3)
    return drawing(digits[labels == label][0], np.random.default_rng(seed), canvas)


def post(client, body, **headers):
    response = client.post("/api/predict", data=body, headers=headers)
    return response.status_code, response.get_json()


def test_drawings_of_test_digits_are_read_right(client):
    digits, labels = unseen_digits(DRAWINGS_PER_CANVAS, seed=11)
    rng = np.random.default_rng(12)
    answers = []
    for canvas in CANVASES:
        for digit in digits:
            status, reply = post(client, png_bytes(drawing(digit, rng, canvas)), content_type="image/png")
            assert status == 200, reply
            answers.append(reply["prediction"])
            assert list(reply["models"]) == ["logistic", "mlp", "cnn"]
            for model in reply["models"].values():
                assert np.isclose(sum(model["probabilities"]), 1, atol=0.01)
                assert model["prediction"] == int(np.argmax(model["probabilities"]))
    # The sample's CNN reads about 97% of the clean test digits (test_photos.py reads the same kind).
    assert np.mean(np.array(answers) == np.tile(labels, len(CANVASES))) >= 0.9


def test_the_answer_holds_the_numbers_the_page_shows(client, models, tmp_path):
    picture = a_drawing(9, "transparent")
    status, reply = post(client, png_bytes(picture))
    assert status == 200, reply
    cnn, mlp = models.networks["cnn"], models.networks["mlp"]
    digit = mnistify(read_image(png_bytes(picture)))
    # The 28x28 intensities the networks receive, and their black-and-white version.
    assert np.allclose(reply["intensities"], digit, atol=1e-3)
    assert np.array_equal(reply["black_and_white"]["intensities"], binarize(digit))
    assert reply["prediction"] == reply["models"]["cnn"]["prediction"]
    assert reply["probabilities"] == reply["models"]["cnn"]["probabilities"]
    # Every pre-processing step, as a small PNG that shows something.
    assert [step["name"] for step in reply["steps"]] == list(mnistify_steps(picture))
    for step in reply["steps"]:
        assert step["sentence"].endswith(".")
        header, data = step["image"].split(",")
        assert header == "data:image/png;base64"
        shown = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA")  # as the white page shows it
        shown = np.asarray(Image.alpha_composite(Image.new("RGBA", shown.size, "white"), shown).convert("L"), float)
        assert max(shown.shape) <= serve.STEP_SIDE and shown.std() > 5, step["name"]
    # The CNN's feature maps are its layers' own outputs, one map per kernel.
    layers = dict(layer_outputs(cnn, digit))
    for shown in reply["feature_maps"]:
        assert np.allclose(np.transpose(shown["maps"], (1, 2, 0)), layers[shown["layer"]], atol=1e-3)
    assert [np.shape(m["maps"]) for m in reply["feature_maps"]] == [(16, 20, 20), (16, 10, 10), (32, 6, 6), (32, 3, 3)]
    # The saliency is of the answer against the runner-up (ranked before the numbers were rounded).
    s = reply["saliency"]
    assert [s["answer"], s["runner_up"]] == list(np.argsort(probabilities(cnn, [digit])[0])[::-1][:2])
    assert np.allclose(s["values"], saliency(cnn, digit, s["answer"], s["runner_up"]), atol=1e-3)
    # The MLP's hidden units, the one that fired most first.
    hidden = dict(layer_outputs(mlp, digit))["hidden"]
    units = reply["hidden_units"]
    assert units["fired"] == np.count_nonzero(hidden > 0) and units["units"] == len(hidden)
    outputs = [u["output"] for u in units["top"]]
    assert outputs == sorted(outputs, reverse=True) and np.isclose(outputs[0], hidden.max(), atol=1e-3)
    top = units["top"][0]
    weights = mlp.get_layer("hidden").get_weights()[0][:, top["unit"]].reshape(28, 28)
    assert np.allclose(top["weights"], weights, atol=1e-3)
    # One code path: `course predict` gives the same probabilities for the same file.
    (tmp_path / "nine.png").write_bytes(png_bytes(picture))
    result = CliRunner().invoke(cli, ["predict", "--data", "sample", "--json", str(tmp_path / "nine.png")])
    assert np.allclose(json.loads(result.stdout)["probabilities"], reply["probabilities"], atol=1e-3)


def test_a_photo_sent_as_a_form_field_is_read(client):
    response = client.post("/api/predict", data={"empty": (io.BytesIO(b""), "nothing.png"),
                                                 "file": (io.BytesIO(png_bytes(a_drawing(7))), "seven.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["prediction"] == 7


def test_another_web_page_may_not_send_images():
    """A site the learner visits could otherwise make their browser post to 127.0.0.1 behind their back."""
    client = serve.create_app(serve.Models()).test_client()
    got, reply = post(client, png_bytes(a_drawing(7)), Origin="http://elsewhere.example")
    assert got == 403 and "only the page this server serves" in reply["error"]
    got, _ = post(client, png_bytes(a_drawing(7)), Origin="http://localhost")  # the test client's own host
    assert got == 503  # let through, to hear that the models are not ready


def damaged_png():
    whole = png_bytes(a_drawing(7))
    return whole[:len(whole) // 2]


def huge_picture_in_a_small_file():
    buffer = io.BytesIO()
    Image.new("L", (8000, 8000), 255).save(buffer, format="PNG")  # 64 million pixels in about 60 KB
    return buffer.getvalue()


def postscript():
    """An EPS file: Pillow would hand it to Ghostscript, a program outside Python."""
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\nnewpath 4 4 moveto 24 24 lineto stroke\n%%EOF\n"


@pytest.mark.parametrize("body, status, says", [
    (b"", 400, "holds no image"),
    (b"print('hello')", 415, "not an image file"),
    ("postscript", 415, "not an image file"),
    ("damaged", 415, "damaged"),
    ("blank", 422, "no ink"),
    ("too many bytes", 413, "larger than 10 MB"),
    ("too many pixels", 413, "8000x8000 pixels"),
])
def test_bad_input_gets_a_4xx_and_one_sentence_and_the_server_keeps_serving(client, body, status, says):
    body = {"damaged": damaged_png, "blank": lambda: png_bytes(np.full((280, 280), 255, np.uint8)),
            "postscript": postscript, "too many pixels": huge_picture_in_a_small_file,
            "too many bytes": lambda: bytes(serve.LARGEST_UPLOAD + 1)}.get(body, lambda: body)()
    got, reply = post(client, body, content_type="image/png")
    assert got == status and says in reply["error"], reply
    assert "\n" not in reply["error"] and "Traceback" not in reply["error"]
    assert post(client, png_bytes(a_drawing(7)))[0] == 200


def test_wrong_addresses_and_methods_get_one_sentence(client):
    for method, address, status in [("get", "/api/predict", 405), ("get", "/nothing", 404),
                                    ("get", "/static/../serve.py", 404), ("get", "/static/%2e%2e/serve.py", 404),
                                    ("get", "/static/..%2fcli.py", 404)]:
        response = getattr(client, method)(address)
        assert response.status_code == status and set(response.get_json()) == {"error"}, address


def test_the_page_and_its_files_come_from_the_package_and_nothing_from_the_internet(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for id_ in ("pad", "clear", "undo", "prediction", "photo", "intensities", "black-and-white"):
        assert f'id="{id_}"' in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for name in ("index.html", "page.js", "page.css"):
        text = (serve.PAGE / name).read_text()
        assert "http://" not in text and "https://" not in text, name
        assert client.get(f"/static/{name}").status_code == 200


def test_models_that_cannot_be_made_ready_are_said_in_one_sentence(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "models").write_text("a file where the model cache's folder should be")
    broken = serve.Models()
    broken.load(source="sample", data_dir=None, seed=42)  # trains, then cannot save
    assert broken.networks is None and broken.problem.startswith("the models could not be made ready")
    assert "\n" not in broken.problem
    status, reply = post(serve.create_app(broken).test_client(), png_bytes(a_drawing(7)))
    assert status == 503 and reply["error"] == broken.problem


def test_while_the_models_get_ready_the_page_is_told_so():
    getting_ready = serve.Models()
    client = serve.create_app(getting_ready).test_client()
    assert client.get("/api/status").get_json()["ready"] is False
    status, reply = post(client, png_bytes(a_drawing(7)))
    assert status == 503 and "getting ready" in reply["error"]
    getting_ready.problem = "full MNIST is not prepared"
    status, reply = post(client, png_bytes(a_drawing(7)))
    assert status == 503 and reply["error"] == "full MNIST is not prepared"


def test_a_port_in_use_or_out_of_range_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = CliRunner().invoke(cli, ["serve", "--port", str(taken.getsockname()[1]), "--no-open"])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    for wrong in (["--port", "70000"], ["--host", " "]):
        result = CliRunner().invoke(cli, ["serve", *wrong])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
