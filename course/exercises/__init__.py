"""The exercises: each one is data (id, function to write, task, hints), nothing more.

Starter files are made from these fields; reference solutions with a commentary
live in `solutions/`; what a solution must do is checked by `course.checker`,
a separate tool, so an exercise is added by adding data, a solution and checks.
"""

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    lesson: int
    step: str  # where in the lesson the idea comes from
    signature: str  # what the learner writes, e.g. "sigmoid(z)"
    task: str  # the task in plain words
    hints: tuple
    needs_tensorflow: bool = False
    timeout: float = 5.0  # seconds for the learner's function (their file's loading: LOADING_SECONDS)

    @property
    def function(self):
        return self.signature.split("(")[0]

    @property
    def file(self):
        return f"ex{self.id.replace('.', '_')}_{self.function}.py"

    def starter(self):
        imports = "import keras\nimport numpy as np\n" if self.needs_tensorflow else "import numpy as np\n"
        task = "\n".join(f"# {line}" if line else "#" for line in self.task.splitlines())
        return (f"# course exercise: {self.id}\n"
                f"# {self.title} (from lesson {self.lesson}, {self.step}; re-run it with `course lesson {self.lesson}`)\n"
                f"#\n{task}\n#\n"
                f"# Check your work:  course check {self.file}      (add --watch to re-check on every save)\n"
                f"# Stuck?            course hint {self.id}\n\n"
                f"{imports}\n\n"
                f"def {self.signature}:\n"
                f"    raise NotImplementedError(\"write {self.function} here\")\n")

    def solution(self):
        return (resources.files("course.exercises") / "solutions" / self.file).read_text()


EXERCISES = {e.id: e for e in [
    Exercise("1.1", "Scale pixel intensities to 0-1", 1, "step 3", "normalize(images)",
             "Return the images as float32 values between 0 and 1: 0 stays 0, 255 becomes 1.\n"
             "`images` is a uint8 NumPy array of any shape. Return an array of the same shape.\n"
             "Do not change `images` itself: the caller may still need the original.",
             ("Dividing a uint8 array by 255 gives float64; the task asks for float32.",
              "np.asarray(images, dtype=np.float32) makes a new float32 array; then divide it.",
              "Operations like `images /= 255` change the caller's array in place: build a new one.")),
    Exercise("1.2", "The sigmoid, without overflow", 1, "step 4", "sigmoid(z)",
             "Return 1 / (1 + e^-z) for every element of z (a number or a NumPy array of any shape).\n"
             "It must stay exact and quiet for large |z| too: z = -1000 must give 0.0 with no overflow\n"
             "warning, and z = 1000 must give 1.0.",
             ("np.exp(-z) overflows for z below about -709: e^709 is the largest float64 exp.",
              "For z >= 0 use 1 / (1 + exp(-z)); for z < 0 the same value is exp(z) / (1 + exp(z)).",
              "np.where evaluates both branches; compute exp(-abs(z)) once, which never overflows.")),
    Exercise("1.3", "Logistic regression's prediction", 1, "step 6", "predict_proba(X, w, b)",
             "X holds n flattened images, shape (n, 784); w the weights, shape (784,); b the bias, a number.\n"
             "Return the probability of class 1 for each image: sigmoid(X . w + b), shape (n,).",
             ("X @ w multiplies each row of X by w and adds up: one number per image.",
              "The result must have shape (n,), not (n, 1): check w's shape and the result's.",
              "A stable sigmoid (exercise 1.2) keeps large scores from overflowing.")),
    Exercise("1.4", "Build the 4-vs-9 model in Keras", 1, "step 4", "build_logistic_model()",
             "Return a compiled keras.Model: input of 784 pixels, ONE output unit with a sigmoid.\n"
             "The checker trains it briefly on the 4s and 9s of the sample (label 1 = 9) and needs\n"
             "at least 95% test accuracy. Compile it with a loss fit for a yes/no question.",
             ("keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(...)]) is all it takes.",
              "One unit, activation=\"sigmoid\": it outputs p(9). Loss: \"binary_crossentropy\".",
              "An optimizer such as keras.optimizers.Adam(0.01) learns fast enough for the short training."),
             needs_tensorflow=True, timeout=60.0),
    Exercise("2.1", "ReLU", 2, "step 2", "relu(z)",
             "Return max(z, 0) for every element of the NumPy array z, same shape and dtype.\n"
             "Do not change z itself.",
             ("np.maximum compares element by element; np.max returns one number.",
              "z[z < 0] = 0 changes the caller's array: work on a copy, or use np.maximum(z, 0).")),
    Exercise("2.2", "Softmax, without overflow", 2, "step 1", "softmax(z)",
             "z holds n rows of k scores, shape (n, k). Return, row by row, e^z / sum(e^z): n rows of\n"
             "k probabilities, each row adding up to 1. It must work for scores as large as 1000.",
             ("np.exp(1000) is inf, and inf / inf is NaN.",
              "Subtracting the same number from every score of a row does not change its softmax.",
              "Subtract each row's maximum (keepdims=True) before np.exp; sum along axis=1.")),
    Exercise("2.3", "One Dense layer, by hand", 2, "step 2", "dense_forward(x, W, b, activation)",
             "x: inputs, shape (n, inputs); W: weights, shape (inputs, units), as Keras stores them;\n"
             "b: biases, shape (units,); activation: \"relu\", \"sigmoid\", \"tanh\", \"softmax\" or \"linear\".\n"
             "Return what keras.layers.Dense(units, activation=activation) computes: shape (n, units).",
             ("First z = x @ W + b; then apply the activation to z.",
              "Keras stores W as (inputs, units): x @ W, not W @ x or x @ W.T.",
              "Softmax works along each row (axis=1); subtract the row maximum first.")),
    Exercise("2.4", "Build an MLP in Keras", 2, "step 2", "build_mlp(hidden_units=128, activation=\"relu\")",
             "Return a compiled keras.Model: 784 inputs -> Dense(hidden_units, activation) -> Dense(10, softmax).\n"
             "The checker trains it briefly on the sample's ten digits and needs at least 90% test accuracy.",
             ("The labels are digits 0-9, not one-hot: loss=\"sparse_categorical_crossentropy\".",
              "Use the arguments: Dense(hidden_units, activation=activation).",
              "The output layer needs 10 units and softmax, so the outputs are probabilities."),
             needs_tensorflow=True, timeout=90.0),
    Exercise("3.1", "A convolution, by hand", 3, "step 1", "conv2d(image, kernel)",
             "image: a 2-D array (h, w); kernel: a 2-D array (kh, kw). Slide the kernel over the image\n"
             "and return the map of sums of products at every place where it fits: shape\n"
             "(h - kh + 1, w - kw + 1), exactly what keras.layers.Conv2D computes (padding \"valid\").",
             ("Two loops over the output's rows and columns; at each place take image[r:r+kh, c:c+kw].",
              "Multiply that window by the kernel element by element, then add everything up.",
              "Keras does not flip the kernel: that would be convolution in the mathematical sense.")),
    Exercise("3.2", "Max pooling, by hand", 3, "step 2", "max_pool(x, size=2)",
             "x: a 2-D array (h, w). Cut it into non-overlapping size x size windows and return the\n"
             "largest value of each: shape (h // size, w // size). Like keras.layers.MaxPooling2D,\n"
             "rows and columns left over at the edge (when h or w is not a multiple of size) are dropped.",
             ("The output has h // size rows: the window of row r covers x rows r*size to r*size+size.",
              "Crop first: x[:h // size * size, :w // size * size].",
              "A reshape to (h//size, size, w//size, size) and .max(axis=(1, 3)) does it in one line.")),
    Exercise("3.3", "Build a CNN in Keras", 3, "step 2", "build_cnn()",
             "Return a compiled keras.Model: input (28, 28, 1) -> convolutions and pooling -> Dense(10, softmax).\n"
             "The checker trains it briefly on the sample and needs at least 97% test accuracy.",
             ("Conv2D(16, 5, activation=\"relu\") then MaxPooling2D(2), twice, then Flatten and Dense.",
              "The labels are digits 0-9: loss=\"sparse_categorical_crossentropy\".",
              "A Dense(64, relu) layer before the output, and Adam with a learning rate around 0.002, "
              "train well enough in the checker's budget."),
             needs_tensorflow=True, timeout=120.0),
    Exercise("4.1", "Make any digit look like MNIST", 4, "step 4", "mnistify(image)",
             "image: a grayscale 2-D array (uint8 0-255 or float 0-1) of one dark digit on light paper, any\n"
             "size. Return 28x28 float32 in 0-1 in MNIST's style: ink high (1) on a 0 background, cropped\n"
             "to the ink, scaled to fit a 20x20 box keeping the aspect ratio, placed so that its centre\n"
             "of mass is at the centre (row 14, column 14) of the 28x28 image.",
             ("Flip first: ink = 1 - image (after scaling to 0-1), so ink is high.",
              "The bounding box of the ink: the rows and columns where ink > 0.",
              "Scale so the longer side is 20 pixels (PIL's Image.resize works on float 'F' images); "
              "then shift so the centre of mass lands on (14, 14).")),
]}
