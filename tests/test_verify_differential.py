"""`verify` against the real interpreter, on many generated trees and hand-written edge cases.

For each tree, the real interpreter is started the way the tree is meant to run
(`python app/<script>` or `python -m <module>` from the tree, PYTHONPATH as the tree says),
with a probe in place of the script: it walks sys.modules and sys.meta_path exactly as
``importlib._bootstrap._find_and_load`` would, without running any module body, and prints
each import's status and top-level origin. verify must agree on every import.
"""

from __future__ import annotations

import ast
import os
import random
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.environment import load_environment
from shadowcheck.verify import Target, verify

# Only `sys` is imported: anything else could itself be shadowed by the tree.
PROBE = r'''
import sys
requests, tree = eval(sys.argv[1]), sys.argv[2]
PathFinder = [f for f in sys.meta_path if getattr(f, "__name__", "") == "PathFinder"][0]
project = [p for p in sys.path if p.startswith(tree + "/")] + ([tree] if tree in sys.path else [])
installed_path = [p for p in sys.path if p not in project]

def finders(name, path):
    if name in sys.modules:
        return sys.modules[name].__spec__
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, path) if find else None
        if spec is not None:
            return spec
    return None

def chain(name, top_path=None):
    parts, specs, path = name.split("."), [], top_path
    for i in range(len(parts)):
        qualified = ".".join(parts[: i + 1])
        if top_path is not None:  # only the path finder, along the installed entries
            spec = PathFinder.find_spec(qualified, path) if path is not None or i == 0 else None
        elif specs and specs[-1].submodule_search_locations is None and qualified not in sys.modules:
            return specs, "not-a-package"
        else:
            spec = finders(qualified, path)
        if spec is None:
            return specs, "missing"
        specs.append(spec)
        path = spec.submodule_search_locations
        if path is None and top_path is not None and i + 1 < len(parts):
            return specs, "not-a-package"
    return specs, "ok"

def is_namespace(spec):
    return spec.origin is None and spec.submodule_search_locations is not None

def location(spec):
    return spec.origin if spec.origin and not is_namespace(spec) else list(spec.submodule_search_locations)[0]

def shadowed(specs):
    for spec in specs:
        if is_namespace(spec):
            continue
        if spec.origin in ("built-in", "frozen") or not location(spec).startswith(tree + "/"):
            return False
        others, status = chain(spec.name, installed_path)
        import posixpath
        return status == "ok" and posixpath.realpath(others[-1].origin or "") != posixpath.realpath(spec.origin or "")
    return False

answers = []
for name, names in requests:
    specs, status = chain(name)
    if status == "ok" and is_namespace(specs[-1]):
        for n in names:
            sub = PathFinder.find_spec(name + "." + n, list(specs[-1].submodule_search_locations))
            if sub is not None:
                specs.append(sub)
    if shadowed(specs):
        status = "shadowed"
    answers.append((status, specs[0].origin if specs else None))
print(repr(answers))
'''


@dataclass
class Case:
    files: dict[str, str | bytes]
    script: str  # relative path of the script, or "" for -m
    module: str = ""  # for -m
    pythonpath: tuple[str, ...] = ()
    symlinks: dict[str, str] = field(default_factory=dict)  # link -> target, relative to the tree


def build(root: Path, case: Case) -> None:
    make_tree(root, case.files)
    for link, target in case.symlinks.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(root / target, (root / link).parent), root / link)


def run_probe(python: str, root: Path, case: Case, requests: list[tuple[str, tuple[str, ...]]]) -> list | str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    if case.pythonpath:
        environ["PYTHONPATH"] = os.pathsep.join(case.pythonpath)
    tree = os.path.realpath(root)
    if case.module:
        probe = root / "_sc_probe.py"
        command = [python, "-m", "_sc_probe"]
    else:
        script = root / case.script
        # The probe takes the script's place: a symlinked script gets a symlinked probe.
        real = Path(os.path.realpath(script)).parent / "_sc_probe.py"
        probe = real
        command = [python, str(script.parent / "_sc_probe.py")]
        if script.is_symlink():
            os.symlink(real, script.parent / "_sc_probe.py")
    probe.write_text(PROBE, encoding="utf-8")
    result = subprocess.run(
        [*command, repr(requests), tree], cwd=root, env=environ, capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        return result.stderr.strip().splitlines()[-1]  # the run died before the probe ran
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def venv_environment(target_venv, tmp_path_factory):
    saved = os.environ.pop("PYTHONPATH", None)
    try:
        return load_environment(target_venv.python, "--python", use_cache=False)
    finally:
        if saved is not None:
            os.environ["PYTHONPATH"] = saved


def compare(root: Path, case: Case, environment, python: str) -> int:
    environ = {"PYTHONPATH": os.pathsep.join(case.pythonpath)} if case.pythonpath else {}
    target = Target(module=case.module) if case.module else Target(script=Path(case.script))
    result = verify(target, environment, root, environ)
    statements = [r for r in result.imports if r.line is not None and not r.module.startswith(".")]
    requests = [(r.module, _names(r.statement)) for r in statements]
    answers = run_probe(python, root, case, requests)
    before_main = [r.predicted_error for r in result.imports if r.statement == "python -m (runpy's own imports)"]
    if isinstance(answers, str) or before_main:
        # `python -m` died in runpy's own imports: verify must say so, word for word.
        assert before_main == [answers]
        return 1
    mismatches = [
        f"{r.path}:{r.line} {r.statement!r}: verify says {(r.status, r.origin)}, Python says {tuple(a)}"
        for r, a in zip(statements, answers)
        if (r.status, r.origin) != tuple(a)
    ]
    assert not mismatches, "\n".join(mismatches)
    return len(statements)


def _names(statement: str | None) -> tuple[str, ...]:
    if not statement or not statement.startswith("from "):
        return ()
    tail = statement.split(" import ", 1)[1].strip("()")
    return tuple(part.split(" as ")[0].strip() for part in tail.split(",") if part.strip())


# --- generated trees -------------------------------------------------------------------------

NEUTRAL = ["alpha", "beta", "gamma", "delta"]
INSTALLED = ["demopkg", "demosingle", "demons", "demodup"]
STDLIB = ["csv", "fractions", "os", "sys", "itertools"]
SUBS = ["models", "core", "functools"]
LAYOUTS = [
    "module", "package", "namespace", "pyc", "extension", "init_pyc", "case",
    "symlink_module", "symlink_package", "dir_and_module", "nested",
]  # fmt: skip


def generate(seed: int, extension_suffix: str) -> Case:
    rng = random.Random(seed)
    as_module = rng.random() < 0.3
    home = "" if as_module else "app/"
    dirs = [home]
    pythonpath: tuple[str, ...] = ()
    if rng.random() < 0.4:
        dirs.append("extra/")
        pythonpath = ("extra",) if rng.random() < 0.5 else (os.path.join("..", "tree", "extra"), "")
    files: dict[str, str | bytes] = {}
    symlinks: dict[str, str] = {}
    created = rng.sample(NEUTRAL + INSTALLED + STDLIB[:2], rng.randint(2, 5))
    for name in created:
        where = rng.choice(dirs) + name
        layout = rng.choice(LAYOUTS)
        sub = rng.choice(SUBS)
        if layout == "module":
            files[f"{where}.py"] = ""
        elif layout == "package":
            files[f"{where}/__init__.py"] = ""
            files[f"{where}/{sub}.py"] = ""
        elif layout == "namespace":
            files[f"{where}/{sub}.py"] = ""
        elif layout == "pyc":
            files[f"{where}.pyc"] = b""
        elif layout == "extension":
            files[f"{where}{extension_suffix}"] = b""
        elif layout == "init_pyc":
            files[f"{where}/__init__.pyc"] = b""
            files[f"{where}/{sub}.py"] = ""
        elif layout == "case":
            files[f"{where[:-len(name)]}{name.capitalize()}.py"] = ""
        elif layout == "symlink_module":
            files[f"elsewhere/{name}.py"] = ""
            symlinks[f"{where}.py"] = f"elsewhere/{name}.py"
        elif layout == "symlink_package":
            files[f"elsewhere/{name}/__init__.py"] = ""
            files[f"elsewhere/{name}/{sub}.py"] = ""
            symlinks[where] = f"elsewhere/{name}"
        elif layout == "dir_and_module":
            files[f"{where}/{sub}.py"] = ""  # a portion, beaten by the module beside it
            files[f"{where}.py"] = ""
        elif layout == "nested":
            files[f"{where}/__init__.py"] = ""
            files[f"{where}/{sub}/__init__.py"] = ""
            files[f"{where}/{sub}/deep.py"] = ""
    lines = []
    for _ in range(rng.randint(4, 9)):
        # Mostly names the tree provides, so that most imports meet something of the tree.
        name = rng.choice(created if rng.random() < 0.6 else NEUTRAL + INSTALLED + STDLIB)
        sub = rng.choice(SUBS)
        form = rng.randrange(6)
        statement = [
            f"import {name}", f"import {name}.{sub}", f"from {name} import {sub}",
            f"from {name}.{sub} import thing", f"import {name}.{sub}.deep", f"import {name} as renamed",
        ][form]  # fmt: skip
        if rng.random() < 0.2:
            statement = f"try:\n    {statement}\nexcept ImportError:\n    pass"
        lines.append(statement)
    if as_module:
        if rng.random() < 0.5:
            # Named like what runpy imports, in the working directory `python -m` puts first.
            files[rng.choice(["types.py", "functools.py", "collections.py", "contextlib.py", "importlib/__init__.py"])] = ""
        files["runner/__init__.py"] = ""
        files["runner/sibling.py"] = ""
        lines += ["from . import sibling", "from .sibling import thing", "from . import nothing_here"]
        module = "runner.main"
        if rng.random() < 0.5:
            files["runner/__main__.py"] = "\n".join(lines) + "\n"
            module = "runner"
        else:
            files["runner/main.py"] = "\n".join(lines) + "\n"
        return Case(files, "", module, pythonpath, symlinks)
    # A project module the script imports, whose own imports count too.
    files["app/helpers_local.py"] = "import demosingle\nimport alpha.core\n"
    lines.append("import helpers_local")
    files["app/main.py"] = "\n".join(lines) + "\n"
    if rng.random() < 0.2:
        # A symlinked script: sys.path[0] is the directory of the file it points to.
        files["real/main.py"] = files.pop("app/main.py")
        files["real/helpers_local.py"] = files.pop("app/helpers_local.py")
        symlinks["app/main.py"] = "real/main.py"
    return Case(files, "app/main.py", "", pythonpath, symlinks)


SEEDS = range(60)


def test_generated_trees_agree_with_the_interpreter(tmp_path, target_venv, venv_environment):
    extension = venv_environment.extension_suffixes[0]
    compared = 0
    start = time.monotonic()
    for seed in SEEDS:
        root = tmp_path / f"seed{seed}" / "tree"
        case = generate(seed, extension)
        build(root, case)
        try:
            compared += compare(root, case, venv_environment, target_venv.python)
        except AssertionError as error:
            raise AssertionError(f"seed {seed}: {error}") from None
    assert compared > 5 * len(SEEDS)
    print(f"{len(SEEDS)} trees, {compared} imports compared in {time.monotonic() - start:.1f}s")


# --- hand-written edge cases -----------------------------------------------------------------

EDGE_CASES = [
    pytest.param(Case({"app/demosingle.py": "", "app/main.py": "import demosingle\n"}, "app/main.py"), id="module-shadows-distribution"),
    pytest.param(Case({"app/demopkg.py": "", "app/main.py": "import demopkg.models\nfrom demopkg.models import Sequential\n"}, "app/main.py"), id="module-shadows-package-submodule"),
    pytest.param(Case({"app/demons/functools.py": "", "app/main.py": "import demons.functools\nfrom demons import functools\nimport demons\n"}, "app/main.py"), id="namespace-portion-shadows"),
    pytest.param(Case({"app/demons/other.py": "", "app/main.py": "import demons.other\nimport demons.functools\n"}, "app/main.py"), id="namespace-portion-beside-installed"),
    pytest.param(Case({"app/alpha/core.py": "", "app/alpha.py": "", "app/main.py": "import alpha\nimport alpha.core\n"}, "app/main.py"), id="module-beats-portion"),
    pytest.param(Case({"app/beta.pyc": b"", "app/main.py": "import beta\n"}, "app/main.py"), id="sourceless-bytecode"),
    pytest.param(Case({"app/delta/__init__.pyc": b"", "app/delta/core.py": "", "app/main.py": "import delta.core\n"}, "app/main.py"), id="package-with-bytecode-init"),
    pytest.param(Case({"app/Alpha.py": "", "app/main.py": "import alpha\nimport Alpha\n"}, "app/main.py"), id="case-variant"),
    pytest.param(Case({"app/alpha.py": "", "app/main.py": "import alpha.core\nfrom alpha.core import x\n"}, "app/main.py"), id="not-a-package"),
    pytest.param(Case({"app/gamma/__init__.py": "", "app/main.py": "import gamma.nothere\nimport nothere\n"}, "app/main.py"), id="missing"),
    pytest.param(Case({"app/csv.py": "", "app/os.py": "", "app/sys.py": "", "app/main.py": "import csv\nimport os\nimport sys\nimport os.path\nimport itertools\n"}, "app/main.py"), id="stdlib-builtin-frozen-startup"),
    pytest.param(Case({"extra/demosingle.py": "", "app/main.py": "import demosingle\n"}, "app/main.py", pythonpath=("extra",)), id="pythonpath-shadows"),
    pytest.param(Case({"extra/alpha.py": "", "app/alpha/__init__.py": "", "app/main.py": "import alpha\n"}, "app/main.py", pythonpath=("extra",)), id="script-dir-beats-pythonpath"),
    pytest.param(Case({"extra/demons/functools.py": "", "app/main.py": "import demons.functools\n"}, "app/main.py", pythonpath=("extra",)), id="pythonpath-namespace-portion"),
    pytest.param(Case({"runner/__init__.py": "", "runner/main.py": "from . import sib\nfrom .sib import x\nimport demopkg\nfrom .. import up\n", "runner/sib.py": "", "demopkg/__init__.py": ""}, "", "runner.main"), id="python-m-relative-and-cwd-shadow"),
    pytest.param(Case({"runner/__init__.py": "import demodup\n", "runner/__main__.py": "import alpha\n", "alpha.py": ""}, "", "runner"), id="python-m-package-main"),
    pytest.param(Case({"types.py": "", "functools.py": "", "runner/__init__.py": "", "runner/main.py": "import types\nimport functools\nimport importlib.util\n"}, "", "runner.main"), id="python-m-beside-what-runpy-imports"),
    pytest.param(Case({"app/mylib/__init__.py": "", "app/mylib/json.py": "", "app/main.py": "import mylib.json\nimport json\n"}, "app/main.py"), id="stdlib-name-inside-a-package"),
    pytest.param(Case({"real/main.py": "import alpha\n", "real/alpha.py": "", "app/alpha.py": ""}, "app/main.py", symlinks={"app/main.py": "real/main.py"}), id="symlinked-script"),
    pytest.param(Case({"elsewhere/demodup/__init__.py": "", "app/main.py": "import demodup\n"}, "app/main.py", symlinks={"app/demodup": "elsewhere/demodup"}), id="symlinked-package-shadows"),
    pytest.param(Case({"app/local/__init__.py": "from . import inner\n", "app/local/inner.py": "import demosingle\nimport demons.nothere\n", "app/main.py": "import local\n"}, "app/main.py"), id="transitive-relative"),
]  # fmt: skip


@pytest.mark.parametrize("case", EDGE_CASES)
def test_edge_cases_agree_with_the_interpreter(case, tmp_path, target_venv, venv_environment):
    root = tmp_path / "tree"
    build(root, case)
    assert compare(root, case, venv_environment, target_venv.python) >= 1
