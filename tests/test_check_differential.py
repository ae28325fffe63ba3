"""SC101/SC102 against the real interpreter, on many generated trees.

For each tree, a real `python script.py` in every import root asks importlib where each
candidate name resolves, once with the root first on sys.path and once without it. The
names that resolve into the tree while something else also provides them are exactly
the ones shadowcheck must report.
"""

from __future__ import annotations

import ast
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from shadowcheck.cli import main

STDLIB = ["random", "queue", "token", "json", "string", "csv", "email", "fractions", "functools"]
IMMUNE = ["os", "sys", "abc", "time", "builtins", "codecs"]
THIRD_PARTY = ["demopkg", "demosingle", "demodup"]
NEUTRAL = ["mymod", "helpers"]
NAMES = STDLIB + IMMUNE + THIRD_PARTY + NEUTRAL + ["demons"]

# Asks the import system itself, through sys.meta_path, without running any module body:
# find_spec consults sys.modules first, then the builtin, frozen and path finders.
PROBE = r"""
import os, sys
# Start-up modules only: anything else (importlib.util imports functools) could itself be
# shadowed by the tree. find_spec below is importlib.util.find_spec without the import.
names = sys.argv[1].split(",")
root = os.path.abspath(sys.argv[2])
if sys.argv[3] == "without":
    del sys.path[0]

def find_spec(name):
    if name in sys.modules:
        return sys.modules[name].__spec__
    parent, _, _ = name.rpartition(".")
    path = None
    if parent:
        try:
            path = __import__(parent, fromlist=["__path__"]).__path__
        except (ImportError, AttributeError):
            return None
    for finder in sys.meta_path:
        spec = finder.find_spec(name, path)
        if spec is not None:
            return spec
    return None

def inside(path):
    # The path as the finder found it: a symlink in the root is imported from the root.
    return path is not None and os.path.abspath(path).startswith(root + os.sep)

result = {}
for name in names:
    spec = find_spec(name)
    result[name] = None if spec is None else inside(spec.origin) if spec.has_location else False
print(repr(result))
"""


def _artefact(rng: random.Random, directory: Path, name: str, suffix: str, outside: Path) -> None:
    kind = rng.choice(
        ["module", "package", "namespace", "bytecode", "extension", "pycache-only", "case-variant",
         "symlink-file", "symlink-package", "broken-symlink", "module-and-namespace", "package-and-module"]
    )  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "module":
        (directory / f"{name}.py").write_text("")
    elif kind == "package":
        (directory / name).mkdir(exist_ok=True)
        (directory / name / "__init__.py").write_text("")
    elif kind == "namespace":
        (directory / name).mkdir(exist_ok=True)
        (directory / name / "data.txt").write_text("")
    elif kind == "bytecode":
        (directory / f"{name}.pyc").write_bytes(b"\0" * 16)
    elif kind == "extension":
        (directory / f"{name}{suffix}").write_bytes(b"\0")
    elif kind == "pycache-only":
        (directory / "__pycache__").mkdir(exist_ok=True)
        (directory / "__pycache__" / f"{name}.cpython-311.pyc").write_bytes(b"\0" * 16)
    elif kind == "case-variant":
        (directory / f"{name.capitalize()}.py").write_text("")
    elif kind == "symlink-file":
        target = outside / f"{name}_real.py"
        target.write_text("")
        (directory / f"{name}.py").symlink_to(target)
    elif kind == "symlink-package":
        target = outside / f"{name}_pkg"
        target.mkdir(exist_ok=True)
        (target / "__init__.py").write_text("")
        (directory / name).symlink_to(target, target_is_directory=True)
    elif kind == "broken-symlink":
        (directory / f"{name}.py").symlink_to(outside / "does-not-exist.py")
    elif kind == "module-and-namespace":
        (directory / name).mkdir(exist_ok=True)
        (directory / f"{name}.py").write_text("")
    elif kind == "package-and-module":
        (directory / name).mkdir(exist_ok=True)
        (directory / name / "__init__.py").write_text("")
        (directory / f"{name}.py").write_text("")


def generate_tree(seed: int, base: Path, suffix: str) -> tuple[Path, list[Path]]:
    """A project with artefacts at its root, in a script folder and in a library package."""
    rng = random.Random(seed)
    root, outside = base / "project", base / "outside"
    root.mkdir()
    outside.mkdir()
    roots = [root]
    for name in rng.sample(NAMES, 6):
        if name == "demons":
            # A namespace portion whose submodule may win over the installed namespace
            # package's, or a regular package that hides all of it.
            (root / "demons").mkdir()
            (root / "demons" / "functools.py").write_text("")
            if rng.random() < 0.3:
                (root / "demons" / "__init__.py").write_text("")
            else:
                roots.append(root / "demons")  # .py files outside a package: a root too
            continue
        _artefact(rng, root, name, suffix, outside)
    if rng.random() < 0.6:
        scripts = root / "scripts"
        for name in rng.sample(NAMES[:-1], 3):
            _artefact(rng, scripts, name, suffix, outside)
        (scripts / "run.py").write_text("")
        roots.append(scripts)
    library = root / "mylib"
    library.mkdir()
    (library / "__init__.py").write_text("")
    for name in rng.sample(STDLIB + THIRD_PARTY, 2):
        (library / f"{name}.py").write_text("")
    return root, roots


def real_shadows(python: str, root: Path, names: list[str], tmp: Path) -> set[str]:
    """Names that a script in ``root`` imports from the tree while something else provides them."""
    script = root / "zz_probe_script.py"
    script.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    answers = {}
    try:
        for mode in ("with", "without"):
            command = [python, str(script), ",".join(names), str(root), mode]
            answers[mode] = ast.literal_eval(subprocess.check_output(command, cwd=tmp, env=env, text=True))
    finally:
        script.unlink()
    # Local with the root first, and provided by something else without it.
    shadowed = {n for n in names if answers["with"][n] and answers["without"][n] is not None}
    # A dotted name is reported only when won inside a namespace package; under a local
    # regular package it is part of that package's finding.
    return {n for n in shadowed if n.rpartition(".")[0] not in shadowed}


def reported(python: str, project: Path, capsys) -> set[tuple[str, str]]:
    capsys.readouterr()
    status = main(["check", "--format", "json", "--python", python, "--no-cache", str(project)])
    out = capsys.readouterr().out
    assert status in (0, 1), out
    return {(f["import_root"], f["module"]) for f in json.loads(out)["findings"]}


SEEDS = range(100)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_generated_tree_matches_python(seed, tmp_path, target_venv, capsys, monkeypatch):
    suffix = _suffix(target_venv.python)
    project, roots = generate_tree(seed, tmp_path, suffix)
    monkeypatch.chdir(project)
    expected = set()
    for root in roots:
        names = NAMES + ["demons.functools"]
        label = "." if root == project else root.relative_to(project).as_posix()
        expected |= {(label, n) for n in real_shadows(target_venv.python, root, names, tmp_path)}
    # A local regular `demons` package hides the whole installed namespace package; a
    # local portion only wins its submodule: "demons.functools" is asked for separately.
    assert reported(target_venv.python, project, capsys) == expected


_SUFFIX: dict[str, str] = {}


def _suffix(python: str) -> str:
    if python not in _SUFFIX:
        _SUFFIX[python] = subprocess.check_output(
            [python, "-c", "import importlib.machinery as m; print(m.EXTENSION_SUFFIXES[0])"], text=True
        ).strip()
    return _SUFFIX[python]
