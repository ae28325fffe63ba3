"""Train a small Keras 3 CNN on scikit-learn's 8x8 handwritten digits.

This is shadowcheck's reference script: its imports (keras, numpy, sklearn)
are the ones a stray local ``keras.py`` or ``sklearn.py`` breaks in practice.
The data ships with scikit-learn, so nothing is downloaded.

Usage: python cnn_train.py [--epochs N] [--seed S] [--progress]
"""

import argparse
import importlib.util
import os
import time

# Keras reads KERAS_BACKEND once, at import time, so pick the backend first:
# an explicit choice wins, otherwise take the first one that is installed.
if "KERAS_BACKEND" not in os.environ:
    for _backend in ("torch", "jax", "tensorflow"):
        if importlib.util.find_spec(_backend) is not None:
            os.environ["KERAS_BACKEND"] = _backend
            break

import keras  # noqa: E402  (must follow the backend choice above)
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402
from keras.models import Sequential  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def load_data(seed: int):
    """Return (x_train, x_test, y_train, y_test) as 8x8x1 images in [0, 1]."""
    digits = load_digits()
    # Pixels are counts 0..16; scaling to [0, 1] keeps the optimiser stable.
    images = (digits.images / 16.0).astype("float32")[..., np.newaxis]
    # Stratify so every digit is equally represented in the held-out 20 %.
    return train_test_split(
        images, digits.target, test_size=0.2, random_state=seed, stratify=digits.target
    )


def build_model() -> Sequential:
    """Two conv blocks and a small dense head: plenty for 8x8 inputs."""
    model = Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            # "same" padding keeps the tiny 8x8 grid from shrinking away.
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),  # 8x8 -> 4x4
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),  # 4x4 -> 2x2
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            # ~1400 training images overfit quickly; dropout regularises.
            layers.Dropout(0.3),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        # Integer labels, so no one-hot encoding is needed.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def epoch_lines():
    """A callback printing `epoch 3/20: 0.412 s, accuracy 0.9123` as each epoch ends, at once
    (`shadowcheck doctor --train` shows these as its progress)."""

    class EpochLines(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self.started
            accuracy = (logs or {}).get("accuracy", float("nan"))
            print(f"epoch {epoch + 1}/{self.params['epochs']}: {seconds:.3f} s, accuracy {accuracy:.4f}", flush=True)

    return EpochLines()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--progress", action="store_true", help="print a line as each epoch ends")
    args = parser.parse_args(argv)

    # Seeds Python, NumPy and the backend, so runs are repeatable.
    keras.utils.set_random_seed(args.seed)
    x_train, x_test, y_train, y_test = load_data(args.seed)

    started = time.perf_counter()
    model = build_model()
    callbacks = [epoch_lines()] if args.progress else []
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0, callbacks=callbacks)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)

    print(f"backend: {keras.backend.backend()}")
    print(f"training time: {time.perf_counter() - started:.1f} s ({args.epochs} epochs, {os.cpu_count()} CPUs)")
    print(f"test accuracy: {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
