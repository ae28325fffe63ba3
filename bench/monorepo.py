"""The layout of a generated ML monorepo of exactly N Python files and notebooks.

A root with its own packages, a src layout, script folders, notebooks and tests, then sub-projects
of about 500 files each, in turn: libraries (regular and namespace packages, tests, examples),
experiment folders (scripts beside real shadows: keras.py, torch.py, numpy/, random.py), services
(src layout, a package holding a script and a queue.py), and research folders of notebooks. The
shadows grow with the tree, so the 40,000-file tree is the 20,000-file one twice over, not the
same work spread thinner.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.sources import (
    WORDS,
    line_count,
    notebook_source,
    pick_imports,
    python_source,
)

Render = Callable[[random.Random], str]

UNIT_FILES = 500  # in trees of 4,000 files and more; smaller trees get smaller sub-projects
PACKAGE_WORDS = (
    "data", "models", "training", "evaluation", "serving", "features", "pipelines", "vision",
    "text", "audio", "ranking", "forecasting", "tuning", "export", "monitoring", "storage",
)  # fmt: skip
AREAS = ("vision", "nlp", "speech", "recsys", "tabular", "rl", "forecast", "multimodal")
MAIN_GUARD = ("", "", "if __name__ == \"__main__\":", "    main()")
MAIN_FUNCTION = (
    "def main(argv=None):",
    "    parser = argparse.ArgumentParser(description=__doc__)",
    "    parser.add_argument('--epochs', type=int, default=10)",
    "    args = parser.parse_args(argv)",
    "    return args.epochs",
)


@dataclass(frozen=True)
class Planted:
    """A module put in the tree on purpose: a real shadow (``shadows``) or a look-alike that
    shadows nothing (inside a library package, or a namespace portion)."""

    path: str  # the file shadowcheck reports: a module, or a package's __init__.py
    module: str
    kind: str  # "third-party" or "stdlib"
    runs_from: str  # the directory first on sys.path when the files importing it run ("." the root)
    shadows: bool = True


@dataclass
class Plan:
    """The files of a tree, in order, with the number of Python files and notebooks capped."""

    limit: int
    entries: list[tuple[str, Render]] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)
    python: int = 0

    def full(self, cap: int | None = None) -> bool:
        return self.python >= min(self.limit, cap if cap is not None else self.limit)

    def add(self, path: str, render: Render, cap: int | None = None) -> bool:
        counted = path.endswith((".py", ".ipynb")) and ".ipynb_checkpoints/" not in path
        if counted:
            if self.full(cap):
                return False
            self.python += 1
        self.entries.append((path, render))
        return True

    def plant(self, planted: Planted, render: Render, cap: int | None = None) -> None:
        if self.add(planted.path, render, cap):
            self.planted.append(planted)


def module(imports_extra: tuple[str, ...] = (), third_party: float = 0.6, lines: int | None = None) -> Render:
    def render(rng: random.Random) -> str:
        return python_source(rng, lines or line_count(rng), pick_imports(rng, third_party, imports_extra))

    return render


def script(imports_extra: tuple[str, ...] = (), shebang: bool = False) -> Render:
    def render(rng: random.Random) -> str:
        imports = pick_imports(rng, 0.8, ("import argparse", *imports_extra))
        header = ("#!/usr/bin/env python3",) if shebang else ()
        return python_source(rng, max(30, line_count(rng)), imports, header=header, footer=(*MAIN_FUNCTION, *MAIN_GUARD))

    return render


def test_module(subject: str, runs_itself: bool) -> Render:
    def render(rng: random.Random) -> str:
        imports = pick_imports(rng, 0.3, ("import pytest", f"from {subject} import {rng.choice(WORDS)}_{rng.choice(WORDS)}"))
        footer = ('', '', 'if __name__ == "__main__":', "    pytest.main([__file__])") if runs_itself else ()
        return python_source(rng, line_count(rng), imports, footer=footer)

    return render


def notebook(imports_extra: tuple[str, ...] = ()) -> Render:
    def render(rng: random.Random) -> str:
        return notebook_source(rng, rng.randint(4, 14), pick_imports(rng, 0.9, imports_extra))

    return render


def text(content: str) -> Render:
    return lambda rng: content


def shadow(docstring: str, body: str) -> Render:
    return text(f'"""{docstring}"""\n\n{body}')


def pyproject(name: str) -> Render:
    return text(
        f'[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["numpy", "torch", "keras"]\n\n'
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
    )


def _words(rng: random.Random, count: int) -> list[str]:
    names = []
    while len(names) < count:
        name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}"
        if name not in names:
            names.append(name)
    return names


def package(plan: Plan, rng: random.Random, directory: str, dotted: str, cap: int, depth: int = 0) -> None:
    """A regular package: modules with relative and absolute imports, and subpackages."""
    plan.add(f"{directory}/__init__.py", text(f'"""The {dotted} package."""\n'), cap)
    modules = _words(rng, rng.randint(4, 12))
    for name in modules:
        sibling = rng.choice(modules)
        local = (f"from . import {sibling}",) if sibling != name else ()
        if depth and rng.random() < 0.5:
            local += (f"from ..{rng.choice(modules)} import {rng.choice(WORDS)}",)
        if rng.random() < 0.02:
            local += ("import queue",)  # prefetching threads
        plan.add(f"{directory}/{name}.py", module(local), cap)
    if depth < 2:
        for sub in rng.sample(PACKAGE_WORDS, rng.randint(1, 4)):
            if plan.full(cap):
                return
            package(plan, rng, f"{directory}/{sub}", f"{dotted}.{sub}", cap, depth + 1)


def root(plan: Plan, rng: random.Random, files: int) -> None:
    scale = files / 20_000
    for path, content in (
        ("pyproject.toml", '[project]\nname = "mono"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'),
        ("README.md", "# mono\n\nThe team's models, pipelines and experiments.\n"),
        ("requirements.txt", "numpy\ntorch\nkeras\nscikit-learn\npyyaml\nrequests\n"),
        (".gitignore", "*.ckpt\nwandb/\nmlruns/\n"),
        ("Makefile", "test:\n\tpython -m pytest tests\n"),
    ):
        plan.add(path, text(content))
    plan.add("conftest.py", module(("import pytest",), 0.2, 40))
    plan.add("manage.py", script(shebang=True))
    # Someone's job queue at the top of the repository hides the standard library's queue.
    plan.plant(Planted("queue.py", "queue", "stdlib", "."), shadow("Jobs waiting for a GPU.", "class JobQueue:\n    pass\n"))
    plan.add("tasks.py", script(("from queue import JobQueue", "import queue")))
    cap = plan.python + max(30, round(1_200 * scale))
    package(plan, rng, "mlcore", "mlcore", cap)
    plan.add("mlcore/cli/__init__.py", text(""))
    plan.add("mlcore/cli/launch.py", script())  # a package holding a script: an import root
    # An integration module inside a library package: imported as mlcore.keras, hides nothing.
    plan.plant(Planted("mlcore/keras.py", "keras", "third-party", ".", shadows=False), module(("import keras",)))
    cap = plan.python + max(10, round(400 * scale))
    plan.plant(Planted("src/yaml.py", "yaml", "third-party", "src"), shadow("YAML helpers.", "def load(path):\n    return {}\n"))
    package(plan, rng, "src/platform_core", "platform_core", cap)
    plan.add("src/platform_core/settings_loader.py", module(("import yaml",)))
    plan.plant(Planted("tools/random.py", "random", "stdlib", "tools"), shadow("Seeding.", "def seed_everything(seed):\n    return seed\n"))
    for index in range(max(5, round(200 * scale))):
        plan.add(f"tools/{rng.choice(WORDS)}_{index:03d}.py", script(("import random",), shebang=index % 3 == 0))
    plan.plant(Planted("notebooks/keras.py", "keras", "third-party", "notebooks"), shadow("Trying Keras.", "from keras.models import Sequential\n"))
    for index in range(max(4, round(400 * scale))):
        plan.add(f"notebooks/{rng.choice(WORDS)}_{index:03d}.ipynb", notebook(("from keras import layers",) if index % 4 == 0 else ()))
        if index < 3:  # Jupyter's autosave copies: skipped by every tool
            plan.add(f"notebooks/.ipynb_checkpoints/{index:03d}-checkpoint.ipynb", notebook())
    plan.add("tests/conftest.py", module(("import pytest",), 0.2, 60))
    for index in range(max(5, round(400 * scale))):
        plan.add(f"tests/test_{rng.choice(WORDS)}_{index:03d}.py", test_module("mlcore", index % 5 == 0))
    for index in range(max(2, files // 5_000)):
        # Python 2: no parser of today's Python reads these; their imports are still there.
        plan.add(f"legacy/old_job_{index}.py", text(f"import os\nimport random\n\nprint 'job {index}', random.random()\n"))
    plan.add("docs/conf.py", text('project = "mono"\nextensions = ["sphinx.ext.autodoc"]\n'))
    plan.add("docs/index.md", text("# mono\n"))


def library(plan: Plan, rng: random.Random, index: int, cap: int) -> None:
    name = f"{rng.choice(PACKAGE_WORDS)}_lib{index}"
    base = f"libs/{name}"
    plan.add(f"{base}/pyproject.toml", pyproject(name))
    plan.add(f"{base}/README.md", text(f"# {name}\n"))
    # Every other library is a portion of the `acme` namespace package (no acme/__init__.py).
    namespace = (index // len(UNITS)) % 2 == 0
    directory, dotted = (f"{base}/acme/{name}", f"acme.{name}") if namespace else (f"{base}/{name}", name)
    package(plan, rng, directory, dotted, plan.python + int((cap - plan.python) * 0.82))
    plan.add(f"{directory}/jobs/__init__.py", text(""), cap)
    plan.add(f"{directory}/jobs/run_job.py", script(("import queue",)), cap)
    plan.plant(Planted(f"{directory}/jobs/queue.py", "queue", "stdlib", f"{directory}/jobs"), shadow("Job queue.", "class JobQueue:\n    pass\n"), cap)
    plan.add(f"{base}/tests/conftest.py", module(("import pytest",), 0.2, 50), cap)
    tests_cap = plan.python + int((cap - plan.python) * 0.8)
    number = 0
    while not plan.full(tests_cap):
        plan.add(f"{base}/tests/test_{rng.choice(WORDS)}_{number:03d}.py", test_module(dotted, number % 5 == 0), tests_cap)
        number += 1
    number = 0
    while not plan.full(cap):
        plan.add(f"{base}/examples/{rng.choice(WORDS)}_example_{number:02d}.py", script(("import torch",)), cap)
        number += 1


# The shadows planted in an experiments unit's first folders, beside scripts that import them.
EXPERIMENT_SHADOWS = (
    ("keras.py", "keras", "third-party", "from keras.models import Sequential"),
    ("torch.py", "torch", "third-party", "import torch"),
    ("numpy/__init__.py", "numpy", "third-party", "import numpy as np"),
    ("random.py", "random", "stdlib", "import random"),
)
EXPERIMENT_SCRIPTS = ("train", "evaluate", "data_prep", "model_def", "sweep", "plot_results", "export_onnx", "infer")


def experiments(plan: Plan, rng: random.Random, index: int, cap: int) -> None:
    area = AREAS[index % len(AREAS)]
    folder = 0
    while not plan.full(cap):
        directory = f"experiments/{area}/exp_{index:03d}_{folder:02d}"
        plan.add(f"{directory}/config.yaml", text(f"lr: 0.001\nepochs: {rng.randint(5, 90)}\n"))
        imports: tuple[str, ...] = ()
        if folder < len(EXPERIMENT_SHADOWS):
            name, dotted, kind, statement = EXPERIMENT_SHADOWS[folder]
            imports = (statement,)
            body = shadow(f"Local {dotted} helpers.", "def helper():\n    return 1\n")
            plan.plant(Planted(f"{directory}/{name}", dotted, kind, directory), body, cap)
            if name.endswith("__init__.py"):
                plan.add(f"{directory}/numpy/linalg_tools.py", module(), cap)
        elif folder == len(EXPERIMENT_SHADOWS):
            # A directory without __init__.py is a namespace portion: it loses to installed torch.
            plan.plant(Planted(f"{directory}/torch/notes.py", "torch", "third-party", directory, shadows=False), module(), cap)
        for script_name in EXPERIMENT_SCRIPTS[: rng.randint(4, len(EXPERIMENT_SCRIPTS))]:
            plan.add(f"{directory}/{script_name}.py", script(imports), cap)
        plan.add(f"{directory}/{rng.choice(WORDS)}_utils.py", module(imports), cap)
        folder += 1


def service(plan: Plan, rng: random.Random, index: int, cap: int) -> None:
    name = f"{rng.choice(PACKAGE_WORDS)}_svc{index}"
    base = f"services/{name}"
    plan.add(f"{base}/pyproject.toml", pyproject(name))
    package(plan, rng, f"{base}/src/{name}", name, plan.python + int((cap - plan.python) * 0.8))
    plan.add(f"{base}/src/{name}/server_main.py", script(), cap)
    number = 0
    tests_cap = plan.python + int((cap - plan.python) * 0.75)
    while not plan.full(tests_cap):
        plan.add(f"{base}/tests/test_{rng.choice(WORDS)}_{number:03d}.py", test_module(name, number % 4 == 0), tests_cap)
        number += 1
    number = 0
    while not plan.full(cap):
        plan.add(f"{base}/scripts/{rng.choice(WORDS)}_task_{number:02d}.py", script(shebang=True), cap)
        number += 1


def research(plan: Plan, rng: random.Random, index: int, cap: int) -> None:
    topic = f"{AREAS[index % len(AREAS)]}_{index:03d}"
    base = f"research/{topic}"
    plan.plant(Planted(f"{base}/keras.py", "keras", "third-party", base), shadow("Keras scratch.", "import keras\n"), cap)
    notebooks_cap = plan.python + int((cap - plan.python) * 0.25)
    number = 0
    while not plan.full(notebooks_cap):
        plan.add(f"{base}/{rng.choice(WORDS)}_{number:03d}.ipynb", notebook(("import keras",) if number % 3 == 0 else ()), notebooks_cap)
        number += 1
    package(plan, rng, f"{base}/helpers_{index}", f"helpers_{index}", plan.python + int((cap - plan.python) * 0.8))
    number = 0
    while not plan.full(cap):
        plan.add(f"{base}/{rng.choice(WORDS)}_analysis_{number:02d}.py", script(), cap)
        number += 1


UNITS = (library, experiments, service, research)


def monorepo(files: int, seed: int) -> Plan:
    """The plan of an ML monorepo with exactly ``files`` Python files and notebooks."""
    rng = random.Random(f"monorepo:{seed}:{files}")
    plan = Plan(files)
    root(plan, rng, files)
    index = 0
    while not plan.full():
        UNITS[index % len(UNITS)](plan, rng, index, plan.python + min(UNIT_FILES, max(50, files // 8)))
        index += 1
    return plan
