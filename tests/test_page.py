"""`course serve` as a learner uses it: a real server, a real headless Chromium drawing with the mouse.

The browser is Debian's `chromium` with `chromium-driver`, driven by Selenium (which never downloads
a browser of its own). `.ci/run` installs them; without them the browser test skips, naming them.
"""

import http.client
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib import resources

import pytest

from helpers import picture, started_as_from_a_terminal

PAD = 280  # the drawing pad's size in CSS pixels (index.html)
BROWSER = shutil.which("chromium") and shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
except ImportError:
    BROWSER = None
needs_browser = pytest.mark.skipif(not BROWSER, reason="no headless browser: install Debian's chromium and "
                                   "chromium-driver packages (and pip's selenium) to run the page test")


def start_server(*args):
    """`course serve --no-open --data sample ARGS` in its own process; returns (process, the page's address)."""
    process = started_as_from_a_terminal(
        [sys.executable, "-c", "from course.cli import main; main()", "serve", "--no-open", "--data", "sample",
         "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"})
    first = process.stdout.readline()
    found = re.search(r"The page is at (http://\S+/)", first)
    assert found, first + process.stderr.read() if process.poll() is not None else first
    return process, found.group(1)


def stop(process):
    """Ctrl-C, as the learner stops it; returns (exit status, what it printed after its first line)."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def chunked_post(address, size):
    """POST `size` bytes sent in chunks (no Content-Length, so the size is not known before reading)."""
    from urllib.parse import urlsplit

    where = urlsplit(address)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    connection.request("POST", "/api/predict", body=iter([bytes(2 ** 20)] * (size // 2 ** 20)), encode_chunked=True)
    response = connection.getresponse()
    return response.status, json.loads(response.read())


@pytest.mark.parametrize("wait", [0, 1.5])
def test_ctrl_c_stops_it_cleanly_even_while_the_models_get_ready_and_an_open_host_is_warned_about(wait):
    process, address = start_server("--host", "0.0.0.0")
    status, reply = chunked_post(address, 11 * 2 ** 20)
    assert status == 413 and "larger than 10 MB" in reply["error"]
    time.sleep(wait)  # Ctrl-C at once, or while TensorFlow is busy training in the other thread
    code, out, err = stop(process)
    assert address.startswith("http://127.0.0.1:")  # listening on every address; this machine's own opens it
    assert code == 0 and "Stopped." in out, out + err
    assert "anyone who can reach this machine can use the page" in err and "Traceback" not in err


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def circle(cx, cy, r, turn=360, points=40):
    return [(cx + r * math.cos(math.radians(-turn * i / points)), cy + r * math.sin(math.radians(-turn * i / points)))
            for i in range(points + 1)]


class Learner:
    """Draws on the page's pad with the mouse and reads what the page answers."""

    def __init__(self, driver):
        from selenium.webdriver.common.by import By

        self.driver, self.by = driver, By
        self.pad = self.find("pad")

    def find(self, id_):
        return self.driver.find_element(self.by.ID, id_)

    def draw(self, points):
        """One stroke through `points` (pad pixels), then pen-up: the page asks the server."""
        from selenium.webdriver.common.action_chains import ActionChains

        asked = self.find("prediction").get_attribute("data-asked")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", self.pad)
        chain = ActionChains(self.driver, duration=0)
        chain.move_to_element_with_offset(self.pad, points[0][0] - PAD / 2, points[0][1] - PAD / 2).click_and_hold()
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            chain.move_by_offset(round(xb) - round(xa), round(yb) - round(ya))
        chain.release().perform()
        return self.answer(after=asked)

    def answer(self, after):
        """The text of #prediction once the page shows the answer to a request made after request `after`."""
        from selenium.webdriver.support.ui import WebDriverWait

        shown = self.find("prediction")
        WebDriverWait(self.driver, 120).until(  # a hang guard, not a timing
            lambda _: shown.get_attribute("data-asked") != after
            and shown.get_attribute("data-answered") == shown.get_attribute("data-asked"))
        return shown.text

    def count(self, selector):
        return len(self.driver.find_elements(self.by.CSS_SELECTOR, selector))


@needs_browser
def test_a_learner_draws_a_9_erases_its_top_and_sees_a_4(browser, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    process, address = start_server()
    try:
        browser.get(address)
        # The models are trained first (none is cached yet): the page says it is getting ready.
        WebDriverWait(browser, 600).until(lambda d: d.find_element("tag name", "body").get_attribute("data-ready"))
        learner = Learner(browser)
        assert learner.find("status").text.startswith("Ready. The models: logistic")

        learner.draw(circle(140, 95, 48))  # the loop ...
        nine = learner.draw([(188, 95), (186, 170), (182, 250)])  # ... and the stem of a 9
        assert nine.startswith("9"), nine
        assert learner.count("#models figure") == 3 and learner.count("#steps img") == 9
        assert learner.count("#intensities tr") == 28 and learner.count("#intensities td") == 28 * 28
        assert learner.count("#feature-maps canvas") == 16 + 16 + 32 + 32 and learner.count("#hidden-units canvas") == 6

        learner.find("black-and-white").click()  # every intensity becomes 0 or 1
        cells = {cell.text for cell in browser.find_elements("css selector", "#intensities td")}
        assert cells == {"0", "1"}, cells
        assert learner.find("black-and-white-answer").text.startswith("In black and white:")
        learner.find("black-and-white").click()

        learner.find("eraser").click()
        asked = learner.find("prediction").get_attribute("data-asked")
        four = learner.draw([(80, 47), (200, 47)])  # erase the top of the loop
        assert four.startswith("4"), four
        browser.set_window_size(1280, browser.execute_script("return document.documentElement.scrollHeight") + 150)
        browser.save_screenshot(str(tmp_path / "page.png"))
        picture(tmp_path / "page.png")
        print(f"screenshot: {tmp_path / 'page.png'}")

        learner.find("undo").click()  # the erasure undone: a 9 again
        assert learner.answer(after=str(int(asked) + 1)).startswith("9")
        learner.find("clear").click()
        assert learner.find("prediction").text == "Draw a digit on the pad."

        asked = learner.find("prediction").get_attribute("data-asked")
        learner.find("photo").send_keys(str(resources.files("course.datasets") / "example_digit.jpg"))
        assert learner.answer(after=asked).startswith("9")  # the bundled photo of a 9, through the same mnistify
    finally:
        code, out, err = stop(process)
    assert code == 0 and "Stopped." in out and "Traceback" not in err, err
