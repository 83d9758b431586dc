"""What each exercise's function must do: the inputs the checker makes, and how it judges the answers.

Every exercise has a `cases_<id>(rng)` function returning `Case`s. Inputs are
generated here, freshly seeded on every check, so copying the starter file's
example into the answer cannot pass. Answers are judged by type, shape and dtype
before values; NaN never equals anything; tolerances are named in the messages.
"""

from dataclasses import dataclass

import numpy as np

from course import by_hand

FLOAT64_RTOL, FLOAT32_RTOL = 1e-6, 1e-4
ATOL = 1e-7


@dataclass
class Case:
    name: str
    args: tuple
    judge: object  # judge(returned, args) -> None when right, else (expected, got, hint)
    kwargs: dict = None
    shown: str = ""  # the input as the learner should see it in a failure


@dataclass
class Failure:
    expected: str
    got: str
    hint: str = ""


@dataclass
class Result:
    """One check's verdict, as `course check` prints it."""

    name: str
    passed: bool
    shown: str = ""  # the input, as the learner should see it
    failure: Failure | None = None


def dtype_text(dtype):
    """A dtype as the learner reads it: its name, and its byte order when it is not this machine's."""
    return dtype.name if dtype.isnative else f"{dtype.name} in the other byte order ({dtype.str})"


def describe(array):
    array = np.asarray(array)
    if array.size <= 6:
        return np.array2string(array, precision=6, separator=", ")
    return f"array of shape {array.shape}, dtype {array.dtype}"


def returned_problem(returned, want="array"):
    """A Failure when nothing judgeable came back (an exception, a list, a subclass...), else None."""
    if returned.kind == "error":
        return Failure(f"a {want}", f"your function raised {returned.error}")
    if returned.kind == "nothing":
        return Failure(f"a {want}", "nothing came back (did the function return?)")
    if returned.kind == "other" or returned.value is None:
        name = returned.type_name or "something else"
        hint = "Convert with np.asarray(...) before returning." if "list" in name or "tuple" in name else \
            "Return a plain NumPy array (np.ndarray), not a subclass or another object."
        return Failure(f"a {want}", f"an object of type {name}", hint)
    return None


def compare(returned, expected, *, dtype=None, rtol=None, hint=""):
    """Judge an array (or number) result against the expected one: type, shape, dtype, finiteness, values."""
    problem = returned_problem(returned, "number" if np.ndim(expected) == 0 else "NumPy array")
    if problem:
        return problem
    got = returned.value
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        return Failure(f"shape {expected.shape}", f"shape {got.shape}", hint)
    if dtype is not None and got.dtype != dtype:
        return Failure(f"dtype {np.dtype(dtype).name}", f"dtype {dtype_text(got.dtype)}", hint)
    if got.dtype.kind not in "fiub":
        return Failure("numbers", f"dtype {dtype_text(got.dtype)}", hint)
    got = got.astype(np.float64)
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        bad = int(np.size(got) - np.count_nonzero(np.isfinite(got)))
        return Failure("finite numbers", f"{bad} NaN or inf value{'s' if bad > 1 else ''}", hint)
    rtol = rtol or (FLOAT32_RTOL if expected.dtype == np.float32 or got.dtype == np.float32 else FLOAT64_RTOL)
    close = np.isclose(got, expected, rtol=rtol, atol=ATOL)  # NaN is never close to anything
    if not close.all():
        where = np.unravel_index(np.argmin(close), close.shape) if close.ndim else ()
        return Failure(f"{describe(expected[where]) if where else describe(expected)} (within {rtol:g} relative)",
                       f"{describe(got[where]) if where else describe(got)}"
                       + (f" at index {tuple(int(i) for i in where)}" if where else "")
                       + f"; largest difference {np.max(np.abs(got - expected)):.3g}", hint)
    return None


def unchanged(returned, original, hint="Work on a copy: the caller's array must stay as it was."):
    if returned.args_after and returned.args_after[0] is not None and not np.array_equal(returned.args_after[0], original):
        return Failure("the input array left unchanged", "your function changed the input array", hint)
    return None


def quiet(returned, hint):
    if returned.silenced:
        return Failure("no overflow or invalid-value warning, with warnings on",
                       f"a function that turns warnings off ({', '.join(returned.silenced)})",
                       hint + " Switching the warning off leaves the overflow in place.")
    noisy = [w for w in returned.warnings if "overflow" in w or "invalid value" in w or "divide" in w]
    if noisy:
        return Failure("no overflow or invalid-value warning", noisy[0], hint)
    return None


def first_failure(*checks):
    for check in checks:
        if check is not None:
            return check
    return None


# ---------------------------------------------------------------- the exercises

def cases_1_1(rng):
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    corners = np.array([[0, 255], [128, 1]], dtype=np.uint8)

    def judge(expected_from):
        def judge_case(returned, args):
            return first_failure(
                unchanged(returned, args[0]),
                compare(returned, expected_from(args[0]), dtype=np.float32,
                        hint="Return float32: np.asarray(images, dtype=np.float32) / 255."))
        return judge_case

    expected = lambda images: images.astype(np.float32) / np.float32(255)  # noqa: E731
    return [Case("a batch of 3 random 28x28 images", (images,), judge(expected), shown="uint8 (3, 28, 28)"),
            Case("0 and 255 map to 0.0 and 1.0", (corners,), judge(expected), shown=describe(corners)),
            Case("any shape: one flat row", (images[0].ravel(),), judge(expected), shown="uint8 (784,)")]


def cases_1_2(rng):
    z = rng.normal(0, 5, size=(4, 7))
    extreme = np.array([-1000.0, -750.0, -40.0, 0.0, 40.0, 750.0, 1000.0])
    stability = "np.exp(-z) overflows for large negative z: use exp(-|z|), which never overflows."

    def judge(returned, args):
        return first_failure(compare(returned, by_hand.sigmoid(args[0]), rtol=1e-7), quiet(returned, stability))

    def judge_extreme(returned, args):
        return first_failure(quiet(returned, stability),
                             compare(returned, by_hand.sigmoid(args[0]), rtol=1e-7, hint=stability))

    return [Case("random scores, shape (4, 7)", (z,), judge, shown="float64 (4, 7)"),
            Case("a single number", (float(rng.normal(0, 3)),), judge),
            Case("|z| up to 1000, without overflow", (extreme,), judge_extreme, shown=describe(extreme))]


def cases_1_3(rng):
    n = int(rng.integers(5, 12))
    X, w, b = rng.random((n, 784)), rng.normal(0, 0.05, 784), float(rng.normal())
    shape_hint = "Return one probability per row, shape (n,): X @ w with w of shape (784,), not (784, 1)."
    stability = "A score of -6,000 or +6,000 overflows np.exp one way or the other: use a stable sigmoid (exercise 1.2)."

    def judge(returned, args):
        return first_failure(compare(returned, by_hand.sigmoid(args[0] @ args[1] + args[2]), hint=shape_hint),
                             quiet(returned, stability))

    big = w * 400
    far = np.vstack([big > 0, big < 0, X[:2]]).astype(float)  # ink on every positive / every negative weight
    return [Case(f"{n} random images", (X, w, b), judge, shown=f"X ({n}, 784), w (784,), b {b:.3f}"),
            Case("large weights: scores of about +6,000 and -6,000", (far, big, b), judge,
                 shown="X (4, 784), w (784,) * 400"),
            Case("a single image", (X[:1], w, 0.0), judge, shown="X (1, 784), w (784,), b 0.0")]


def cases_2_1(rng):
    z = rng.normal(size=(5, 6)).astype(np.float32)

    def judge(returned, args):
        return first_failure(unchanged(returned, args[0]),
                             compare(returned, np.maximum(args[0], 0), dtype=args[0].dtype,
                                     hint="np.maximum(z, 0) keeps the shape; np.max gives one number."))

    return [Case("float32 (5, 6)", (z,), judge, shown=describe(z)),
            Case("float64 vector", (rng.normal(size=9),), judge),
            Case("all negative", (-np.abs(rng.normal(size=(2, 3))) - 0.1,), judge)]


def cases_2_2(rng):
    z = rng.normal(0, 3, size=(6, 10))
    large = np.array([[1000.0, 999.0, 0.0], [-1000.0, -1000.0, -999.0]])
    shift = "np.exp(1000) is inf and inf/inf is NaN: subtract each row's maximum before np.exp."

    def judge(returned, args):
        return compare(returned, by_hand.softmax(args[0]), hint="Normalise each row: sum along axis=1.")

    def judge_large(returned, args):  # right values from an overflowing formula (1 / sum of exp of differences)
        return first_failure(compare(returned, by_hand.softmax(args[0]), hint=shift), quiet(returned, shift))

    return [Case("random scores, 6 rows of 10", (z,), judge, shown="float64 (6, 10)"),
            Case("scores of +-1000", (large,), judge_large, shown=describe(large)),
            Case("one row", (z[:1] * 4,), judge)]


def cases_2_3(rng):
    n, inputs, units = 4, 7, 5  # not square, so a transposed W cannot go unnoticed
    x, W, b = rng.normal(size=(n, inputs)), rng.normal(size=(inputs, units)), rng.normal(size=units)
    transposed = "Keras stores W as (inputs, units): compute x @ W + b (not W @ x or x @ W.T)."

    def judge_for(activation):
        def judge(returned, args):
            if returned.kind == "error" and ("shape" in returned.error or "align" in returned.error
                                             or "mismatch" in returned.error):
                return Failure(f"shape ({n}, {units})", f"your function raised {returned.error}", transposed)
            hint = transposed if returned.value is not None and returned.value.shape == (units, n) else ""
            return compare(returned, by_hand.dense(*args), hint=hint)
        return judge

    return [Case(f"activation={a!r}", (x, W, b, a), judge_for(a), shown=f"x ({n}, {inputs}), W ({inputs}, {units})")
            for a in by_hand.ACTIVATIONS]


def cases_3_1(rng):
    image, kernel = rng.random((9, 11)), rng.normal(size=(3, 2))  # asymmetric: a flipped kernel shows
    flipped = "Keras does not flip the kernel (that is convolution in the mathematical sense): use it as it is."

    def judge(returned, args):
        failure = compare(returned, by_hand.conv2d(args[0], args[1]))
        if failure and returned.value is not None and returned.value.shape == by_hand.conv2d(*args).shape and \
                np.allclose(returned.value, by_hand.conv2d(args[0], args[1][::-1, ::-1])):
            failure.hint = flipped
        return failure

    edge = np.zeros((6, 6))
    edge[:, 3:] = 1
    return [Case("random 9x11 image, 3x2 kernel", (image, kernel), judge, shown="image (9, 11), kernel (3, 2)"),
            Case("an edge and a vertical-edge kernel", (edge, np.array([[1.0, -1.0]] * 3)), judge,
                 shown="image (6, 6), kernel (3, 2)"),
            Case("kernel as large as the image", (image[:3, :2], kernel), judge)]


def cases_3_2(rng):
    x = rng.normal(size=(7, 9))

    def judge(returned, args):
        size = args[1] if len(args) > 1 else 2
        return compare(returned, by_hand.max_pool(args[0], size),
                       hint="Drop the rows and columns that do not fill a whole window: shape (h // size, w // size).")

    return [Case("8x8, size 2", (x[:6, :8],), judge, shown="(6, 8)"),
            Case("7x9 with leftovers, size 2", (x,), judge, shown="(7, 9)"),
            Case("7x9, size 3", (x, 3), judge, shown="(7, 9), size=3")]


def digit_on_paper(rng, digit, scale):
    """A real MNIST digit (28x28, ink high) written `scale` times larger, dark on light paper, off-centre."""
    from PIL import Image

    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    ink = Image.fromarray(digit[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    ink = np.asarray(ink.resize((round(ink.width * scale), round(ink.height * scale)), Image.Resampling.BILINEAR))
    page = np.full((ink.shape[0] + int(rng.integers(10, 80)), ink.shape[1] + int(rng.integers(10, 80))), 255, np.uint8)
    top, left = int(rng.integers(0, page.shape[0] - ink.shape[0])), int(rng.integers(0, page.shape[1] - ink.shape[1]))
    page[top:top + ink.shape[0], left:left + ink.shape[1]] = 255 - ink
    return page


def likeness(got, digit):
    """How much `got` looks like the MNIST digit it came from: the best correlation over shifts of one pixel."""
    return max(np.corrcoef(np.roll(got, (dr, dc), axis=(0, 1)).ravel(), digit.ravel())[0, 1]
               for dr in (-1, 0, 1) for dc in (-1, 0, 1))


LIKENESS_NEEDED = 0.75  # the reference solution scores 0.87-1.00 on 200 pages; a grey 20x20 square at most 0.63


def cases_4_1(rng):
    from course.data import load_sample

    digits = load_sample()

    def judge_for(digit):
        def judge(returned, args):
            problem = returned_problem(returned)
            if problem:
                return problem
            got = returned.value
            if got.shape != (28, 28):
                return Failure("shape (28, 28)", f"shape {got.shape}")
            if got.dtype != np.float32:
                return Failure("dtype float32", f"dtype {dtype_text(got.dtype)}")
            if not np.all(np.isfinite(got)):
                return Failure("values in 0-1", f"NaN or infinite at {np.count_nonzero(~np.isfinite(got))} of "
                                                f"{got.size} pixels")
            if got.min() < 0 or got.max() > 1:
                return Failure("values in 0-1", f"values from {got.min():.3g} to {got.max():.3g}")
            if got[0].mean() > 0.5 or got.mean() > 0.5:
                return Failure("ink high on a 0 background", "a light background: flip so that ink is 1",
                               "ink = 1 - image (after scaling to 0-1)")
            return first_failure(mnist_layout(got), looks_like(got, digit / 255))
        return judge

    cases = []
    for i, scale in zip(rng.choice(len(digits.x_test), 3, replace=False), (1.5, 3, 5) + rng.uniform(0, 2, 3)):
        page = digit_on_paper(rng, digits.x_test[i], scale)
        cases.append(Case(f"a handwritten {digits.y_test[i]}, {scale:.1f} times MNIST's size, off-centre on a page",
                          (page,), judge_for(digits.x_test[i]), shown=f"uint8 {page.shape}"))
    return cases


def mnist_layout(got):
    """The ink fitted to a 20x20 box, its centre of mass at (14, 14)."""
    ink = got > 0.05
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if not len(rows):
        return Failure("a digit", "a blank image")
    side = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    if not 18 <= side <= 21:
        return Failure("the ink fitted to a 20x20 box", f"ink spanning {side} pixels",
                       "Scale so the longer side of the ink's bounding box is 20 pixels.")
    r, c = np.indices(got.shape)
    centre = ((r * got).sum() / got.sum(), (c * got).sum() / got.sum())
    if abs(centre[0] - 14) > 1 or abs(centre[1] - 14) > 1:
        return Failure("centre of mass at (14, 14), within 1 pixel", f"({centre[0]:.1f}, {centre[1]:.1f})",
                       "Shift the 20x20 patch so its centre of mass lands on row 14, column 14.")
    return None


def looks_like(got, digit):
    score = likeness(got, digit)
    if score < LIKENESS_NEEDED:
        return Failure(f"the digit on the page (correlation with it at least {LIKENESS_NEEDED})",
                       f"an image with correlation {score:.2f}",
                       "Crop to the ink of this image, keep its shape when you scale it: the result must be "
                       "the digit that was written.")
    return None


CASES = {"1.1": cases_1_1, "1.2": cases_1_2, "1.3": cases_1_3, "2.1": cases_2_1, "2.2": cases_2_2,
         "2.3": cases_2_3, "3.1": cases_3_1, "3.2": cases_3_2, "4.1": cases_4_1}
