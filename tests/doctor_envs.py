"""The real environments of doctor's rule examples: a venv per distinct example, its wheels built
here and installed by pip, then altered as the example says. Built all at once, in parallel (pip's
start-up is most of the cost), once per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import Venv, create_venv
from wheels import build_wheel

from shadowcheck.rules import ENVIRONMENT_RULES, EnvironmentExample

WORKERS = 3


def all_examples() -> list[tuple[str, EnvironmentExample]]:
    """(rule code, example) for every example of every environment rule."""
    return [(rule.code, example) for rule in ENVIRONMENT_RULES for example in (*rule.valid, *rule.invalid)]


def example_key(example: EnvironmentExample) -> tuple:
    """Examples with the same wheels and alterations share one venv (only variables differ)."""
    wheels = tuple((w.name, w.version, tuple(sorted(w.files.items())), w.requires) for w in example.installed)
    return wheels, tuple(sorted(example.alter.items(), key=lambda item: item[0]))


def build_example_venvs(root: Path) -> Callable[[EnvironmentExample], Venv]:
    """Build every example's venv under ``root``; returns the lookup example -> its Venv."""
    unique: dict[tuple, EnvironmentExample] = {}
    for _, example in all_examples():
        unique.setdefault(example_key(example), example)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {key: pool.submit(_build, root / f"env{i}", example) for i, (key, example) in enumerate(unique.items())}
        venvs = {key: future.result() for key, future in futures.items()}
    return lambda example: venvs[example_key(example)]


def _build(directory: Path, example: EnvironmentExample) -> Venv:
    wheels = [build_wheel(directory / "wheels", w.name, w.version, w.files, requires=w.requires) for w in example.installed]
    venv = create_venv(directory / "venv", wheels)
    for relative, text in example.alter.items():
        path = venv.site_packages / relative
        if text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return venv
