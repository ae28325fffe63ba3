"""The benchmark's trees (bench/trees.py): built the same twice, reused while their recipe holds,
and holding real shadows, so that what bench/run.py times is real work. Nothing here is timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import create_venv
from wheels import build_wheel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benchmark is not installed: it is run from the checkout
    sys.path.insert(0, str(ROOT))

from bench import trees

BUILDERS = [
    pytest.param(lambda directory: trees.build_monorepo(directory, 250), id="monorepo-250"),
    pytest.param(lambda directory: trees.build_files_tree(directory, 30), id="files-30"),
]

# The distributions the trees shadow, as wheels of the same shape: packages with submodules.
ML_DISTRIBUTIONS = [
    ("keras", "3.0.0", {"keras/__init__.py": "", "keras/models.py": "class Sequential:\n    pass\n", "keras/layers/__init__.py": ""}),
    ("torch", "2.2.0", {"torch/__init__.py": "def tensor(values):\n    return values\n", "torch/nn/__init__.py": ""}),
    ("numpy", "1.26.0", {"numpy/__init__.py": "def mean(values):\n    return 0\n"}),
    ("PyYAML", "6.0", {"yaml/__init__.py": "def safe_load(stream):\n    return {}\n"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def ml_venv(tmp_path_factory):
    wheel_dir = tmp_path_factory.mktemp("ml-wheels")
    wheels = [build_wheel(wheel_dir, name, version, files) for name, version, files in ML_DISTRIBUTIONS]
    return create_venv(tmp_path_factory.mktemp("ml") / "venv", wheels)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("build", BUILDERS)
def test_building_twice_gives_identical_trees(build, tmp_path):
    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert snapshot(first.path) == snapshot(second.path)
    assert (first.python_files, first.files, first.size, first.planted) == (
        second.python_files, second.files, second.size, second.planted
    )  # fmt: skip


@pytest.mark.parametrize("files", [250, 1_000], ids=["250", "1000"])
def test_the_monorepo_holds_exactly_the_files_asked_for(files, tmp_path):
    tree = trees.build_monorepo(tmp_path, files)
    counted = [
        name
        for directory, _, names in os.walk(tree.path)
        if ".ipynb_checkpoints" not in directory
        for name in names
        if name.endswith((".py", ".ipynb"))
    ]
    assert tree.python_files == len(counted) == files


@pytest.mark.parametrize(
    "change, rebuilt",
    [
        pytest.param(None, False, id="unchanged-is-reused"),
        pytest.param("append", True, id="changed-file-is-rebuilt"),
        pytest.param("stamp", True, id="other-recipe-is-rebuilt"),
    ],
)
def test_a_built_tree_is_reused_only_while_it_matches_its_recipe(change, rebuilt, tmp_path):
    tree = trees.build_files_tree(tmp_path, 30)
    script = tree.path / tree.verify_script
    original = script.read_bytes()
    if change == "append":
        script.write_bytes(original + b"# edited\n")
    elif change == "stamp":
        stamp = tmp_path / f"{tree.name}.json"
        record = json.loads(stamp.read_text())
        record["recipe"]["version"] = -1
        stamp.write_text(json.dumps(record))
    os.utime(script, (1, 1))  # a rebuild writes the file again, with a new time
    again = trees.build_files_tree(tmp_path, 30)
    assert again == tree
    assert script.read_bytes() == original
    assert (script.stat().st_mtime != 1) == rebuilt


def test_the_lib_copy_leaves_out_site_packages_and_bytecode(make_tree, tmp_path):
    lib = make_tree(
        {
            "lib/os.py": "",
            "lib/json/__init__.py": "",
            "lib/json/__pycache__/__init__.cpython-311.pyc": b"\0",
            "lib/site-packages/keras/__init__.py": "",
            "lib/test/site-packages/kept.py": "",  # only the top-level one is the environment's
        }
    )
    tree = trees.build_lib_copy(tmp_path / "trees", source=lib / "lib")
    assert sorted(snapshot(tree.path)) == ["json/__init__.py", "os.py", "test/site-packages/kept.py"]


@pytest.fixture(scope="module", params=BUILDERS)
def planted_tree(request, tmp_path_factory):
    return request.param(tmp_path_factory.mktemp("planted"))


# What Python itself resolves each planted name to, with the directory its importers run from
# first on sys.path, as `python script.py` puts the script's directory.
RESOLVE = """
import importlib.util, json, sys
preloaded = set(sys.modules)
answers = []
for directory, module in json.loads(sys.argv[1]):
    sys.path.insert(0, directory)
    spec = importlib.util.find_spec(module)
    answers.append([spec.origin if spec else None, module in preloaded])
    del sys.path[0]
print(json.dumps(answers))
"""


def test_python_resolves_the_planted_shadows_to_the_project(planted_tree, ml_venv):
    tree = planted_tree
    asked = [[str(tree.path / p.runs_from), p.module] for p in tree.planted]
    result = subprocess.run([ml_venv.python, "-I", "-c", RESOLVE, json.dumps(asked)], capture_output=True, text=True, check=True)
    resolved = {}
    for planted, (origin, preloaded) in zip(tree.planted, json.loads(result.stdout)):
        assert not preloaded, planted
        resolved[planted.path] = origin is not None and os.path.samefile(origin, tree.path / planted.path)
    assert resolved == {p.path: p.shadows for p in tree.planted}
    # The monorepo also plants look-alikes that shadow nothing: the no-op cases.
    assert {p.shadows for p in tree.planted} == ({True, False} if tree.name.startswith("monorepo") else {True})


def test_shadowcheck_reports_the_planted_shadows_and_not_the_look_alikes(planted_tree, ml_venv):
    tree = planted_tree
    result = subprocess.run(
        [sys.executable, "-m", "shadowcheck", "--python", ml_venv.python, "--format", "json", "."],
        cwd=tree.path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    importers = {(f["path"], f["module"]): len(f["importers"]) for f in report["findings"]}
    for planted in tree.planted:
        key = (planted.path, planted.module)
        if planted.shadows:
            # Reported, with the files beside it that import it: the reads the benchmark times.
            assert importers.get(key), planted
        else:
            assert key not in importers, planted
    assert report["summary"]["files"] == tree.python_files
