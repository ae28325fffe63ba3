"""The benchmark's trees, built deterministically and reused while their recipe is unchanged.

Each tree is built into DIRECTORY/NAME, and DIRECTORY/NAME.json (written last) records the recipe
it was built from and what it holds; a later run reuses the tree when that record matches the
recipe and the tree still holds the same number of files and bytes, and rebuilds it otherwise.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.floor import SKIPPED as SKIPPED_DIRECTORIES
from bench.monorepo import Plan, Planted, monorepo, script
from bench.sources import WORDS

# Bump when a builder changes what it writes: every tree built before is rebuilt.
RECIPE_VERSION = 1
SEED = 8

@dataclass(frozen=True)
class Tree:
    """A tree on disk and what the benchmark knows about it."""

    name: str
    path: Path
    python_files: int  # .py files and notebooks, outside the skipped directories
    files: int  # every file
    size: int  # bytes of every file
    planted: tuple[Planted, ...] = ()  # empty for trees the benchmark did not write
    verify_script: str | None = None  # relative to path: the script `shadowcheck verify` runs
    description: str = ""


def files_tree(files: int = 1_000, seed: int = SEED) -> Plan:
    """``files`` files in ten script folders, each beside a local module that shadows what every
    file in the folder imports: six folders shadow torch, two keras, two the stdlib's random."""
    rng = random.Random(f"files:{seed}:{files}")
    plan = Plan(files)
    shadows = ("torch", "torch", "keras", "torch", "random", "torch", "keras", "torch", "random", "torch")
    folders = len(shadows)
    for folder, name in enumerate(shadows):
        directory = f"exp_{folder:02d}"
        kind = "stdlib" if name == "random" else "third-party"
        body = f'"""Local {name} helpers."""\n\n\ndef helper():\n    return 1\n'
        plan.plant(Planted(f"{directory}/{name}.py", name, kind, directory), lambda rng, body=body: body)
        statement = {"torch": "import torch", "keras": "from keras import layers", "random": "import random"}[name]
        share = files // folders + (1 if folder < files % folders else 0)
        for number in range(share - 1):
            stem = "train" if number == 0 else f"{rng.choice(WORDS)}_{number:03d}"
            plan.add(f"{directory}/{stem}.py", script((statement,)))
    return plan


def _write(plan: Plan, root: Path, seed: int) -> None:
    seen: set[str] = set()
    for relative, render in plan.entries:
        if relative in seen:
            raise ValueError(f"recipe writes {relative} twice")
        seen.add(relative)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        # Each file's text depends on its path and the seed only, never on the order of writing.
        data = render(random.Random(f"{seed}:{relative}")).encode("utf-8")
        path.write_bytes(data)


def _census(root: Path) -> tuple[int, int, int]:
    """(Python files and notebooks, files, bytes) outside the skipped directories (.git ...)."""
    python = files = size = 0
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d not in SKIPPED_DIRECTORIES]
        for name in names:
            files += 1
            size += os.lstat(os.path.join(directory, name)).st_size
            if name.endswith((".py", ".ipynb")):
                python += 1
    return python, files, size


def _stamped(directory: Path, name: str, recipe: dict) -> Tree | None:
    stamp = directory / f"{name}.json"
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("recipe") != recipe:
        return None
    tree = Tree(
        name=name,
        path=directory / name,
        python_files=record["python_files"],
        files=record["files"],
        size=record["size"],
        planted=tuple(Planted(**p) for p in record["planted"]),
        verify_script=record["verify_script"],
        description=record["description"],
    )
    if not tree.path.is_dir() or _census(tree.path) != (tree.python_files, tree.files, tree.size):
        return None  # changed since it was built (a tool wrote into it, or someone did)
    return tree


def _build(
    directory: Path,
    name: str,
    recipe: dict,
    write: Callable[[Path], list[Planted]],
    description: str,
    verify_script: str | None = None,
) -> Tree:
    """Reuse DIRECTORY/NAME when it was built from ``recipe``; otherwise (re)build it."""
    tree = _stamped(directory, name, recipe)
    if tree is not None:
        return tree
    stamp = directory / f"{name}.json"
    stamp.unlink(missing_ok=True)
    path = directory / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    planted = write(path)
    python_files, files, size = _census(path)
    tree = Tree(name, path, python_files, files, size, tuple(planted), verify_script, description)
    record = {
        "recipe": recipe,
        "python_files": python_files,
        "files": files,
        "size": size,
        "planted": [asdict(p) for p in planted],
        "verify_script": verify_script,
        "description": description,
    }
    stamp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return tree


def _writing(make_plan: Callable[[], Plan], seed: int) -> Callable[[Path], list[Planted]]:
    # The plan is made only when the tree is (re)built, never when it is reused.
    def write(path: Path) -> list[Planted]:
        plan = make_plan()
        _write(plan, path, seed)
        return plan.planted

    return write


def build_monorepo(directory: Path, files: int, seed: int = SEED) -> Tree:
    """The generated ML monorepo of ``files`` Python files and notebooks."""
    recipe = {"version": RECIPE_VERSION, "kind": "monorepo", "files": files, "seed": seed}
    description = "generated ML monorepo: packages, src layout, script folders, notebooks, tests, sub-projects"
    write = _writing(lambda: monorepo(files, seed), seed)
    return _build(directory, f"monorepo-{files}", recipe, write, description)


def build_files_tree(directory: Path, files: int = 1_000, seed: int = SEED) -> Tree:
    """The tree in which every file imports a name a local module shadows."""
    recipe = {"version": RECIPE_VERSION, "kind": "files", "files": files, "seed": seed}
    description = "every file imports a name a local module shadows (import torch beside torch.py)"
    write = _writing(lambda: files_tree(files, seed), seed)
    return _build(directory, f"files-{files}", recipe, write, description, verify_script="exp_00/train.py")


def copy_ignoring(source: Path) -> Callable[[str, list[str]], set[str]]:
    """shutil.copytree's ``ignore``: the top-level site-packages and every __pycache__."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored = {"__pycache__"} & set(names)
        if Path(directory) == source:
            ignored |= {"site-packages", "dist-packages"} & set(names)
        return ignored

    return ignore


def build_lib_copy(directory: Path, source: Path | None = None) -> Tree:
    """A copy of the running interpreter's lib directory, without site-packages and bytecode."""
    source = Path(source or sysconfig.get_path("stdlib"))

    def write(path: Path) -> list[Planted]:
        shutil.rmtree(path)
        shutil.copytree(source, path, symlinks=True, ignore=copy_ignoring(source))
        return []

    recipe = {"version": RECIPE_VERSION, "kind": "lib", "source": str(source), "python": sys.version}
    description = f"a copy of {source} without site-packages and __pycache__"
    return _build(directory, "lib", recipe, write, description)


def given_tree(path: Path) -> Tree:
    """A directory given on the command line, measured where it is (never written to)."""
    path = Path(os.path.abspath(path))
    if not path.is_dir():
        raise SystemExit(f"bench: --tree {path}: not a directory")
    python_files, files, size = _census(path)
    return Tree(f"tree:{path.name}", path, python_files, files, size, description=f"given: {path}")
