"""How quickly `course serve` answers a drawing, with everything its page shows (target: median <= 150 ms
from request to answer on a 2-core CPU with the models loaded; the page shows it <= 300 ms after pen-up).

    python benchmarks/serve_latency.py [--data mnist|sample] [--count 100] [--browser]

1. Canvas drawings (280x280 PNGs, course.datasets.photos.drawing) of test digits, each POSTed to a
   real server on this machine: milliseconds from sending the request to the decoded JSON answer,
   and how many were read right. Also the same work without HTTP, split into mnistify and the models.
2. With --browser (Debian's chromium and chromium-driver, and selenium): headless Chromium draws a 9
   on the page and erases its top, again and again; milliseconds from pen-up to the answer on screen
   (the page's #prediction data-milliseconds).
"""

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.request

import numpy as np


def summary(milliseconds):
    ms = sorted(milliseconds)
    return (f"median {statistics.median(ms):.0f} ms, 90th percentile {ms[int(0.9 * (len(ms) - 1))]:.0f} ms, "
            f"fastest {ms[0]:.0f} ms, slowest {ms[-1]:.0f} ms ({len(ms)} answers)")


def drawings(count, source, seed):
    """(PNG bytes, label) for `count` canvas drawings of test digits, every canvas kind in turn."""
    import io

    from PIL import Image

    from course.data import load_digits
    from course.datasets.photos import CANVASES, drawing

    digits = load_digits(source)
    rng = np.random.default_rng(seed)
    chosen = rng.permutation(len(digits.y_test))[:count]
    for i, index in enumerate(chosen):
        buffer = io.BytesIO()
        Image.fromarray(drawing(digits.x_test[index], rng, CANVASES[i % len(CANVASES)])).save(buffer, format="PNG")
        yield buffer.getvalue(), int(digits.y_test[index])


def over_http(address, pictures):
    times, right = [], 0
    for png, label in pictures:
        started = time.perf_counter()
        request = urllib.request.Request(address + "api/predict", data=png, headers={"Content-Type": "image/png"})
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
        times.append(1000 * (time.perf_counter() - started))
        right += answer["prediction"] == label
    return times, right


def in_process(networks, pictures):
    from course.preprocess import mnistify_steps, read_image
    from course.serve import read_digit

    preprocessing, everything = [], []
    for png, _ in pictures:
        started = time.perf_counter()
        mnistify_steps(read_image(png))
        preprocessing.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        read_digit(networks, png)
        everything.append(1000 * (time.perf_counter() - started))
    return preprocessing, everything


def in_the_browser(address, times):
    """Draw a 9 and erase its top `times` times in headless Chromium; pen-up-to-answer milliseconds."""
    import math
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.get(address)
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
    pad, shown = driver.find_element(By.ID, "pad"), driver.find_element(By.ID, "prediction")
    loop = [(140 + 48 * math.cos(a / 40 * 2 * math.pi), 95 - 48 * math.sin(a / 40 * 2 * math.pi)) for a in range(41)]
    strokes = [("pen", loop), ("pen", [(188, 95), (186, 170), (182, 250)]), ("eraser", [(80, 47), (200, 47)])]
    milliseconds, answers = [], []
    for _ in range(times):
        driver.find_element(By.ID, "clear").click()
        for tool, points in strokes:
            driver.find_element(By.ID, tool).click()
            asked = shown.get_attribute("data-asked")
            chain = ActionChains(driver, duration=0).move_to_element_with_offset(pad, points[0][0] - 140,
                                                                                 points[0][1] - 140).click_and_hold()
            for (xa, ya), (xb, yb) in zip(points, points[1:]):
                chain.move_by_offset(round(xb) - round(xa), round(yb) - round(ya))
            chain.release().perform()
            WebDriverWait(driver, 30).until(lambda _: shown.get_attribute("data-asked") != asked and
                                            shown.get_attribute("data-answered") == shown.get_attribute("data-asked"))
            milliseconds.append(float(shown.get_attribute("data-milliseconds")))
            answers.append(shown.text[0])
    driver.quit()
    return milliseconds, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="auto", choices=("auto", "mnist", "sample"))
    parser.add_argument("--count", type=int, default=100, help="drawings to send")
    parser.add_argument("--seed", type=int, default=0, help="which test digits, and how they are drawn")
    parser.add_argument("--browser", action="store_true", help="also time pen-up to answer in headless Chromium")
    args = parser.parse_args()

    import logging

    from werkzeug.serving import make_server

    from course.quiet import quiet_tensorflow

    quiet_tensorflow()  # first: once course.serve has imported TensorFlow, this would leave its warnings on
    from course.serve import Models, create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    models = Models()
    models.load(source=args.data, data_dir=None, seed=42)
    if models.problem:
        sys.exit(models.problem)
    print("Models: " + "; ".join(models.descriptions.values()))
    server = make_server("127.0.0.1", 0, create_app(models), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}/"
    pictures = list(drawings(args.count, args.data, args.seed))
    over_http(address, pictures[:3])  # the first calls build TensorFlow's functions: not what a learner waits for

    times, right = over_http(address, pictures)
    print(f"POST /api/predict, {args.count} canvas drawings, request to decoded answer: {summary(times)}; "
          f"{right / len(pictures):.1%} read right")
    preprocessing, everything = in_process(models.networks, pictures)
    print(f"  without HTTP: everything the page shows {summary(everything)}")
    print(f"  of which mnistify: {summary(preprocessing)}")
    if args.browser:
        milliseconds, answers = in_the_browser(address, max(1, args.count // 10))
        print(f"headless Chromium, pen-up to the answer on screen: {summary(milliseconds)}; "
              f"answers after the loop, the stem, the erasure: {''.join(answers[:3])}")
    server.shutdown()


if __name__ == "__main__":
    main()
