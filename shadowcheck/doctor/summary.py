"""The environment in a few lines, as `python -m torch.utils.collect_env` gives it: the
interpreter, the platform, where the environment came from, the ML packages installed (from
their metadata: nothing is imported) and the variables that change how they run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import TargetEnvironment

# Listed when installed, in this order (several names of one project are all listed: seeing
# tensorflow and tensorflow-cpu side by side is the point).
ML_DISTRIBUTIONS = (
    "numpy", "scipy", "pandas", "scikit-learn", "torch", "torchvision", "torchaudio",
    "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tensorflow-intel",
    "tf-nightly", "tf-keras", "keras", "keras-nightly", "jax", "jaxlib", "flax",
    "opencv-python", "opencv-python-headless", "opencv-contrib-python",
    "opencv-contrib-python-headless", "pillow", "transformers", "xgboost", "lightgbm",
    "onnxruntime", "onnxruntime-gpu", "matplotlib", "nvidia-cuda-runtime-cu11",
    "nvidia-cuda-runtime-cu12", "nvidia-cudnn-cu11", "nvidia-cudnn-cu12",
)  # fmt: skip
# What changes which backend, device or module a training script gets.
VARIABLES = ("KERAS_BACKEND", "CUDA_VISIBLE_DEVICES", "TF_USE_LEGACY_KERAS", "PYTHONPATH")


@dataclass(frozen=True)
class EnvironmentSummary:
    python: str  # as chosen (a venv's bin/python, not resolved)
    chosen_by: str  # "--python", ".venv", "$VIRTUAL_ENV" ...
    version: str  # "3.12.3"
    implementation: str  # "cpython"
    platform: str  # platform.platform() of the target
    kind: str  # "venv", "uv venv", "virtualenv", "conda" or "system"
    prefix: str
    base_prefix: str
    distributions: int  # how many are installed (first of each name on sys.path)
    packages: tuple[tuple[str, str], ...]  # the ML distributions installed: (name, version)
    variables: tuple[tuple[str, str | None], ...]  # VARIABLES as the target's scripts get them


def summarize(environment: TargetEnvironment, environ: Mapping[str, str], installed: int) -> EnvironmentSummary:
    """The summary of ``environment`` (probed with details) for scripts run with ``environ``."""
    details = environment.details
    if details is None:
        raise ValueError("the environment was probed without details")
    versions = {normalize_distribution_name(d.name): d for d in reversed(environment.distributions)}
    packages = tuple((versions[n].name, versions[n].version) for n in ML_DISTRIBUTIONS if n in versions)
    return EnvironmentSummary(
        python=environment.python,
        chosen_by=environment.chosen_by,
        version=".".join(map(str, environment.version)),
        implementation=details.implementation,
        platform=details.platform,
        kind=environment_kind(details.prefix, details.base_prefix, environment.made_by_uv),
        prefix=details.prefix,
        base_prefix=details.base_prefix,
        distributions=installed,
        packages=packages,
        variables=tuple((name, environ.get(name)) for name in VARIABLES),
    )


def environment_kind(prefix: str, base_prefix: str, made_by_uv: bool = False) -> str:
    """Where the environment came from, from the marks its makers leave in its prefix
    (``made_by_uv``: the probe found uv's line in pyvenv.cfg)."""
    root = Path(prefix)
    if (root / "conda-meta").is_dir():
        return "conda"
    if made_by_uv:
        return "uv venv"
    config = root / "pyvenv.cfg"
    if config.is_file():
        # virtualenv writes `virtualenv = 20.26.0` into pyvenv.cfg; the venv module does not.
        keys = {line.partition("=")[0].strip().lower() for line in _lines(config)}
        return "virtualenv" if "virtualenv" in keys else "venv"
    return "venv" if os.path.realpath(prefix) != os.path.realpath(base_prefix) else "system"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
