"""Reference solution for exercise 3.3.

Why it is written this way: two 5x5 convolutions with pooling find strokes and
their combinations; a small dense layer combines what they found, and the
softmax layer votes. Adam at 0.002 learns this in a few epochs even from the
sample's 4,000 digits.
"""

import keras


def build_cnn():
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, 5, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 5, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
