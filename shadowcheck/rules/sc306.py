from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from shadowcheck.doctor.words import joined
from shadowcheck.ftypes import Distribution, Finding, Severity
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

# KERAS_BACKEND value -> the module keras/src/backend/__init__.py imports for it (Keras 3).
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "numpy": "numpy", "openvino": "openvino"}
TRAINING_BACKENDS = ("torch", "jax", "tensorflow")  # numpy and openvino only run inference
# keras/src/backend/config.py: used when neither KERAS_BACKEND nor keras.json names one.
DEFAULT_BACKEND = "tensorflow"
# tensorflow/python/util/lazy_loader.py (KerasLazyLoader): the values that make tf.keras tf_keras.
LEGACY_KERAS_ON = ("true", "True", "1")

KERAS3 = Wheel("keras", "3.5.0", {"keras/__init__.py": ""})
KERAS2 = Wheel("keras", "2.15.0", {"keras/__init__.py": ""})
TORCH = Wheel("torch", "2.4.0", {"torch/__init__.py": ""})
TENSORFLOW = Wheel("tensorflow", "2.17.0", {"tensorflow/__init__.py": ""})
TF_KERAS = Wheel("tf-keras", "2.17.0", {"tf_keras/__init__.py": ""})


class KerasBackend(EnvironmentRule):
    code = "SC306"
    name = "backend"
    summary = "Keras cannot import its backend: none is installed, or the chosen one is not."
    description = (
        "Keras 3 imports its backend when `import keras` runs: the one `KERAS_BACKEND` names, else "
        "the one in `$KERAS_HOME/keras.json` (`~/.keras/keras.json`), else tensorflow. Reported: "
        "Keras 3 with no backend installed; a chosen (or default) backend that is not installed; a "
        "`KERAS_BACKEND` that is no backend at all; Keras 2 without tensorflow (it runs on nothing "
        "else, and ignores `KERAS_BACKEND`); `TF_USE_LEGACY_KERAS` without tf-keras; and, as a "
        "warning, tf-keras beside tensorflow 2.16+ without `TF_USE_LEGACY_KERAS`, where `tf.keras` is "
        "Keras 3 and `tf_keras` is Keras 2. Read from metadata and variables only: nothing is imported."
    )
    why = (
        "`import keras` with only torch installed and no KERAS_BACKEND fails with "
        "`ModuleNotFoundError: No module named 'tensorflow'`, which says nothing about backends."
    )
    example = "pip install keras torch && python -c 'import keras'   # tensorflow is the default backend"
    fix = "Set KERAS_BACKEND to an installed backend (torch, jax, tensorflow), or install the one Keras uses."
    valid = (
        EnvironmentExample((KERAS3, TORCH), (), "backend-chosen-and-installed", environ={"KERAS_BACKEND": "torch"}),
        EnvironmentExample((KERAS3, TENSORFLOW), (), "default-backend-installed"),
        EnvironmentExample((TORCH,), (), "no-keras"),
    )  # fmt: skip
    invalid = (
        EnvironmentExample((KERAS3,), (("keras", "error"),), "no-backend"),
        EnvironmentExample((KERAS3, TORCH), (("keras", "error"),), "default-backend-missing"),
        EnvironmentExample((KERAS3, TORCH), (("keras", "error"),), "chosen-backend-missing", environ={"KERAS_BACKEND": "jax"}),
        EnvironmentExample((KERAS3, TORCH), (("keras", "error"),), "not-a-backend", environ={"KERAS_BACKEND": "pytorch"}),
        EnvironmentExample((KERAS2, TORCH), (("keras", "error"),), "keras-2-without-tensorflow"),
        EnvironmentExample((KERAS3, TENSORFLOW, TF_KERAS), (("tf_keras", "warning"),), "tf-keras-not-in-use"),
        EnvironmentExample((KERAS3, TENSORFLOW), (("tf_keras", "error"),), "legacy-keras-missing", environ={"TF_USE_LEGACY_KERAS": "1"}),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        keras = context.provider("keras")
        if keras is not None:
            major = _major(keras.version)
            if major is not None and major >= 3:
                yield from self._keras3(context, keras)
            elif major is not None:
                yield from self._keras2(context, keras)
        yield from self._tf_keras(context, keras)

    def _keras3(self, context: DoctorContext, keras: Distribution) -> Iterator[Finding]:
        label = f"Keras {keras.version}"
        path = _package(context, keras, "keras")
        command = context.installer((keras,))
        installed = [b for b in TRAINING_BACKENDS if context.provider(b) is not None]
        backend, chosen_by = effective_backend(context.environ)
        if backend not in BACKEND_MODULES:
            yield self.finding(
                path, "keras",
                f"KERAS_BACKEND={backend} is not a Keras backend: `import keras` raises "
                f"ValueError: Unable to import backend : {backend}",
                f"set KERAS_BACKEND to one of {', '.join(BACKEND_MODULES)}" + (f" ({joined(installed)} installed)" if installed else ""),
                distributions=((keras.name, keras.version),),
            )  # fmt: skip
        elif context.provider(BACKEND_MODULES[backend]) is not None:
            return
        elif not installed:
            yield self.finding(
                path, "keras",
                f"{label} is installed without a backend: none of {joined(list(TRAINING_BACKENDS), 'or')} is, "
                f"and `import keras` fails with ModuleNotFoundError: No module named '{BACKEND_MODULES[backend]}'",
                f"install one and name it in KERAS_BACKEND: `{command.install(['torch'])}` and `export KERAS_BACKEND=torch`",
                distributions=((keras.name, keras.version),),
            )  # fmt: skip
        else:
            yield self.finding(
                path, "keras",
                f"{label} uses the {backend} backend ({chosen_by}), which is not installed: `import keras` fails "
                f"with ModuleNotFoundError: No module named '{BACKEND_MODULES[backend]}'",
                f"`export KERAS_BACKEND={installed[0]}` ({joined(installed)} installed), or install {backend}",
                distributions=((keras.name, keras.version),),
            )  # fmt: skip

    def _keras2(self, context: DoctorContext, keras: Distribution) -> Iterator[Finding]:
        path = _package(context, keras, "keras")
        if context.provider("tensorflow") is None:
            command = context.installer((keras,))
            yield self.finding(
                path, "keras",
                f"Keras {keras.version} runs only on tensorflow, which is not installed",
                f"install Keras 3 with a backend (`{command.install(['keras>=3', 'torch'])}`, then "
                f"`export KERAS_BACKEND=torch`), or tensorflow for Keras 2",
                distributions=((keras.name, keras.version),),
            )  # fmt: skip
        backend = context.environ.get("KERAS_BACKEND")
        if backend and backend != "tensorflow":
            yield self.finding(
                path, "keras",
                f"KERAS_BACKEND={backend} has no effect: Keras {keras.version} runs on tensorflow only",
                "upgrade to Keras 3 to use another backend, or unset KERAS_BACKEND",
                severity=Severity.WARNING,
                distributions=((keras.name, keras.version),),
            )  # fmt: skip

    def _tf_keras(self, context: DoctorContext, keras: Distribution | None) -> Iterator[Finding]:
        tf_keras = context.provider("tf_keras")
        tensorflow = context.provider("tensorflow")
        legacy = context.environ.get("TF_USE_LEGACY_KERAS", "") in LEGACY_KERAS_ON
        if legacy and tf_keras is None and tensorflow is not None:
            minor = ".".join(tensorflow.version.split(".")[:2])
            command = context.installer((tensorflow,))
            yield self.finding(
                _package(context, tensorflow, "tensorflow"), "tf_keras",
                f"TF_USE_LEGACY_KERAS={context.environ['TF_USE_LEGACY_KERAS']} makes tf.keras import tf_keras, "
                f"which is not installed: tensorflow {tensorflow.version}'s tf.keras fails",
                f"install the tf-keras of this tensorflow: `{command.install([f'tf-keras~={minor}.0'])}`, or unset TF_USE_LEGACY_KERAS",
                distributions=((tensorflow.name, tensorflow.version),),
            )  # fmt: skip
        elif tf_keras is not None and tensorflow is not None and not legacy and (_minor(tensorflow.version) or (0, 0)) >= (2, 16):
            keras3 = f"Keras {keras.version}" if keras is not None else "Keras 3"
            yield self.finding(
                _package(context, tf_keras, "tf_keras"), "tf_keras",
                f"tf-keras {tf_keras.version} is installed beside tensorflow {tensorflow.version}, but TF_USE_LEGACY_KERAS "
                f"is not set: tf.keras is {keras3} while `import tf_keras` is Keras 2, and models of one do not load in the other",
                "`export TF_USE_LEGACY_KERAS=1` to make tf.keras Keras 2, or uninstall tf-keras to use Keras 3 only",
                severity=Severity.WARNING,
                distributions=((tf_keras.name, tf_keras.version), (tensorflow.name, tensorflow.version)),
            )  # fmt: skip


def effective_backend(environ) -> tuple[str, str]:
    """The backend Keras 3 imports, and why: keras/src/backend/config.py reads keras.json from
    $KERAS_HOME, else ~/.keras (/tmp/.keras when the home is not writable), and a non-empty
    KERAS_BACKEND overrides it."""
    if environ.get("KERAS_BACKEND"):
        return environ["KERAS_BACKEND"], "KERAS_BACKEND"
    if "KERAS_HOME" in environ:
        directory = Path(environ["KERAS_HOME"])
    else:
        home = environ.get("HOME") or os.path.expanduser("~")
        directory = Path(home if os.access(home, os.W_OK) else "/tmp") / ".keras"
    config = directory / "keras.json"
    try:
        backend = json.loads(config.read_text(encoding="utf-8")).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    if isinstance(backend, str) and backend:
        return backend, f"named in {config}; KERAS_BACKEND is not set"
    return DEFAULT_BACKEND, "the default: KERAS_BACKEND is not set"


def _package(context: DoctorContext, distribution: Distribution, module: str) -> str:
    package = os.path.join(distribution.location, module)
    return context.shown(package) + "/" if os.path.isdir(package) else context.shown(distribution.location)


def _major(version: str) -> int | None:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else None


def _minor(version: str) -> tuple[int, int] | None:
    parts = version.split(".")[:2]
    return (int(parts[0]), int(parts[1])) if len(parts) == 2 and all(p.isdigit() for p in parts) else None
