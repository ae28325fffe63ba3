"""read_first_party against the real build backends: each shape is built into a real wheel,
and the wheel's top-level import names and Name are the oracle.

The shapes recreate the configuration of real repositories (Keras, tqdm old and new,
flash-attention's flash_attn/cute/) and the layouts each backend discovers on its own.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from build_backends import build_wheels, can_import, wheel_name, wheel_top_levels
from conftest import make_tree

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.source.layout import read_first_party

SETUPTOOLS = "setuptools.build_meta"
SETUPTOOLS_LEGACY = "setuptools.build_meta:__legacy__"  # pip's backend for a setup.py alone
HATCH = "hatchling.build"
FLIT = "flit_core.buildapi"
POETRY = "poetry.core.masonry.api"
PDM = "pdm.backend"
IMPORTED = {SETUPTOOLS: "setuptools", SETUPTOOLS_LEGACY: "setuptools", HATCH: "hatchling",
            FLIT: "flit_core", POETRY: "poetry.core", PDM: "pdm.backend"}  # fmt: skip

CODE = "VALUE = 1\n"


def pyproject(backend: str, body: str) -> str:
    module = backend.partition(":")[0]
    requires = {SETUPTOOLS: "setuptools", HATCH: "hatchling", FLIT: "flit_core", POETRY: "poetry-core",
                PDM: "pdm-backend"}[module]  # fmt: skip
    system = f'[build-system]\nrequires = ["{requires}"]\nbuild-backend = "{module}"\n'
    return system + textwrap.dedent(body)


# id -> (backend, files). Every tree also carries the clutter real repositories have beside
# their package (tests, docs, scripts, benchmarks, a conftest.py) unless the shape is about it.
SHAPES: dict[str, tuple[str, dict[str, str]]] = {
    # Keras: [project] name, keras/ at the root remapped by package-dir, no packages listed.
    "keras-package-dir": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "keras"
            version = "3.0"
            [tool.setuptools.package-dir]
            "" = "."
            "keras" = "keras/api"
            "keras.src" = "keras/src"
        """),
        "keras/__init__.py": "", "keras/api/__init__.py": CODE, "keras/src/__init__.py": CODE,
        "keras/src/backend/jax/numpy.py": CODE, "integration_tests/basic_test.py": CODE,
        "conftest.py": CODE, "pip_build.py": CODE, "api_gen.py": CODE,
    }),
    # Keras as the issue describes it: setuptools packages.find with include.
    "keras-packages-find": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "keras"
            version = "3.0"
            [tool.setuptools.packages.find]
            include = ["keras", "keras.*"]
        """),
        "keras/__init__.py": CODE, "keras/src/ops/numpy.py": CODE, "keras/src/ops/math.py": CODE,
        "integration_tests/basic_test.py": CODE, "conftest.py": CODE, "guides/intro.py": CODE,
    }),
    # tqdm today: packages.find with an exclude list, namespaces on (the default), so a
    # tests/ subdirectory not excluded by "tests" alone ships, and images/ ships no Python.
    "tqdm-pyproject": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "tqdm"
            version = "4.0"
            [tool.setuptools.packages.find]
            exclude = ["benchmarks", "examples", "tests", "wiki", "docs", "feedstock"]
        """),
        "tqdm/__init__.py": CODE, "tqdm/contrib/logging.py": CODE, "tests/tests_tqdm.py": CODE,
        "tests/py37/tests_asyncio.py": CODE, "examples/simple_examples.py": CODE,
        "benchmarks/benchmarks.py": CODE, "images/logo.gif": "GIF89a",
    }),
    # tqdm 1.0: a setup.py with py_modules beside tqdm.py and tests.py.
    "tqdm-setup-py-module": (SETUPTOOLS_LEGACY, {
        "setup.py": "from setuptools import setup\n\nsetup(\n    name='tqdm',\n    version='1.0',\n"
                    "    py_modules=['tqdm'],\n)\n",
        "tqdm.py": CODE, "tests.py": CODE,
    }),
    # tqdm 4.x: setup.cfg [metadata] and find: with [options.packages.find]; setup.py computed.
    "tqdm-setup-cfg": (SETUPTOOLS_LEGACY, {
        "setup.cfg": textwrap.dedent("""
            [metadata]
            name=tqdm
            version=4.50.0
            [options]
            packages=find:
            [options.packages.find]
            exclude=benchmarks, tests
        """),
        "setup.py": "import sys\nfrom setuptools import setup\n\nsetup(use_scm_version=len(sys.argv) < 0)\n",
        "tqdm/__init__.py": CODE, "tqdm/contrib/__init__.py": CODE, "tests/tests_main.py": CODE,
        "tests/__init__.py": "", "benchmarks/__init__.py": "", "benchmarks/bench.py": CODE,
        "examples/parallel_bars.py": CODE,
    }),
    # flash-attention's flash_attn/cute/: its own pyproject ships "." as flash_attn.cute.
    "flash-attn-cute-subproject": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "flash-attn-4"
            version = "4.0"
            [tool.setuptools]
            packages = ["flash_attn.cute"]
            package-dir = {"flash_attn.cute" = "."}
        """),
        "__init__.py": CODE, "interface.py": CODE, "logging.py": CODE, "benchmark.py": CODE,
    }),
    "setuptools-src-layout": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, '[project]\nname = "demo-src"\nversion = "1"\n'),
        "src/demo_src/__init__.py": CODE, "src/demo_src/models/net.py": CODE, "src/helpers.py": CODE,
        "src/assets/data.json": "{}", "tests/test_demo.py": CODE, "scripts/train.py": CODE,
    }),
    "setuptools-flat-package": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, '[project]\nname = "flatpkg"\nversion = "1"\n'),
        "flatpkg/__init__.py": CODE, "flatpkg/sub/mod.py": CODE, "tests/test_x.py": CODE,
        "docs/conf.py": CODE, "scripts/run.py": CODE, "conftest.py": CODE, "noxfile.py": CODE,
        ".github/helper.py": CODE, "_private/x.py": CODE,
    }),
    "setuptools-flat-module": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, '[project]\nname = "onemod"\nversion = "1"\n'),
        "onemod.py": CODE, "conftest.py": CODE, "setup.py": "from setuptools import setup\nsetup()\n",
        "tests/test_onemod.py": CODE,
    }),
    "setuptools-tool-table-lists": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "Tool_Lists"
            version = "1"
            [tool.setuptools]
            packages = ["alpha", "alpha.inner", "lib_only_data"]
            py-modules = ["beta"]
            package-dir = {"alpha" = "lib/alpha"}
        """),
        "lib/alpha/__init__.py": CODE, "lib/alpha/inner/__init__.py": CODE, "beta.py": CODE,
        "lib_only_data/__init__.py": CODE, "gamma.py": CODE,
    }),
    "setuptools-find-where-no-namespaces": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, """
            [project]
            name = "where-demo"
            version = "1"
            [tool.setuptools.packages.find]
            where = ["lib"]
            include = ["pkg*"]
            exclude = ["pkg_skip"]
            namespaces = false
        """),
        "lib/pkg_one/__init__.py": CODE, "lib/pkg_skip/__init__.py": CODE, "lib/pkg_ns/mod.py": CODE,
        "lib/other/__init__.py": CODE,
    }),
    "setup-py-find-packages-src": (SETUPTOOLS_LEGACY, {
        "setup.py": textwrap.dedent("""
            from setuptools import find_packages, setup
            setup(
                name="Legacy.Src",
                version="1.0",
                package_dir={"": "src"},
                packages=find_packages(where="src", exclude=["*.tests", "tests"]),
                install_requires=["numpy"],
            )
        """),
        "src/legacy_src/__init__.py": CODE, "src/legacy_src/tests/__init__.py": CODE,
        "src/tests/__init__.py": CODE, "src/second/__init__.py": CODE, "src/no_init/mod.py": CODE,
    }),
    "setup-py-namespace-plus-list": (SETUPTOOLS_LEGACY, {
        "setup.py": textwrap.dedent("""
            import setuptools
            setuptools.setup(
                name="ns-demo",
                version="1.0",
                packages=setuptools.find_namespace_packages(include=["nsroot.*"]) + ["extra"],
            )
        """),
        "nsroot/plugin/__init__.py": CODE, "extra/__init__.py": CODE, "unlisted/__init__.py": CODE,
    }),
    "setup-py-kwargs-dict": (SETUPTOOLS_LEGACY, {
        "setup.py": 'from setuptools import setup\nsetup(**{"name": "dict-name", "version": "1", "py_modules": ["dictmod"]})\n',
        "dictmod.py": CODE, "other.py": CODE,
    }),
    "setup-cfg-namespace-src": (SETUPTOOLS_LEGACY, {
        "setup.cfg": textwrap.dedent("""
            [metadata]
            name = cfg-ns
            version = 1
            [options]
            package_dir =
                =src
            packages = find_namespace:
            py_modules = top_helper
            [options.packages.find]
            where = src
            exclude =
                scratch*
        """),
        "setup.py": "from setuptools import setup\nsetup()\n",
        "src/cfgns/core/__init__.py": CODE, "src/scratch/x.py": CODE, "src/top_helper.py": CODE,
    }),
    "hatch-src-name": (HATCH, {
        "pyproject.toml": pyproject(HATCH, '[project]\nname = "Hatch-Demo"\nversion = "1"\n'),
        "src/hatch_demo/__init__.py": CODE, "tests/test_it.py": CODE, "scripts/tool.py": CODE,
    }),
    "hatch-module-name": (HATCH, {
        "pyproject.toml": pyproject(HATCH, '[project]\nname = "hatch-single"\nversion = "1"\n'),
        "hatch_single.py": CODE, "other.py": CODE,
    }),
    "hatch-namespace-glob": (HATCH, {
        "pyproject.toml": pyproject(HATCH, '[project]\nname = "plugin"\nversion = "1"\n'),
        "company/plugin/__init__.py": CODE, "docs/conf.py": CODE,
    }),
    "hatch-packages-and-only-include": (HATCH, {
        "pyproject.toml": pyproject(HATCH, """
            [project]
            name = "hatch-explicit"
            version = "1"
            [tool.hatch.build.targets.wheel]
            packages = ["src/foo", "bar"]
        """),
        "src/foo/__init__.py": CODE, "bar/__init__.py": CODE, "baz/__init__.py": CODE,
    }),
    "hatch-only-include-sources": (HATCH, {
        "pyproject.toml": pyproject(HATCH, """
            [project]
            name = "hatch-sources"
            version = "1"
            [tool.hatch.build.targets.wheel]
            only-include = ["lib/engine", "cli.py"]
            sources = ["lib"]
        """),
        "lib/engine/__init__.py": CODE, "cli.py": CODE, "lib/unused/__init__.py": CODE,
    }),
    "flit-project-name": (FLIT, {
        "pyproject.toml": pyproject(FLIT, '[project]\nname = "flit-demo"\nversion = "1"\ndescription = "d"\n'),
        "flit_demo/__init__.py": CODE, "tests/test_x.py": CODE,
    }),
    "flit-module-table-src": (FLIT, {
        "pyproject.toml": pyproject(FLIT, """
            [project]
            name = "flit-renamed"
            version = "1"
            description = "d"
            [tool.flit.module]
            name = "shortname"
        """),
        "src/shortname.py": CODE, "flit_renamed/__init__.py": CODE,
    }),
    "poetry-default-lowercase": (POETRY, {
        "pyproject.toml": pyproject(POETRY, """
            [tool.poetry]
            name = "Poetry-Demo"
            version = "1.0"
            description = "d"
            authors = ["A <a@example.com>"]
        """),
        "poetry_demo/__init__.py": CODE, "tests/test_x.py": CODE,
    }),
    "poetry-packages-from": (POETRY, {
        "pyproject.toml": pyproject(POETRY, """
            [tool.poetry]
            name = "poetry-packages"
            version = "1.0"
            description = "d"
            authors = ["A <a@example.com>"]
            packages = [
                {include = "app", from = "src"},
                {include = "tool.py"},
                {include = "extra/**/*.py"},
                {include = "sdist_only", format = "sdist"},
            ]
        """),
        "src/app/__init__.py": CODE, "tool.py": CODE, "extra/__init__.py": CODE,
        "extra/more/x.py": CODE, "sdist_only/__init__.py": CODE,
    }),
    "poetry-project-table-src": (POETRY, {
        "pyproject.toml": pyproject(POETRY, '[project]\nname = "poetry2-demo"\nversion = "1.0"\n'),
        "src/poetry2_demo/__init__.py": CODE,
    }),
    "pdm-src-packages": (PDM, {
        "pyproject.toml": pyproject(PDM, '[project]\nname = "pdm-demo"\nversion = "1"\n'),
        "src/pkg_one/__init__.py": CODE, "src/pkg_two/__init__.py": CODE, "src/notpkg/x.py": CODE,
        "tests/test_x.py": CODE,
    }),
    "pdm-flat-modules-and-includes": (PDM, {
        "pyproject.toml": pyproject(PDM, """
            [project]
            name = "pdm-includes"
            version = "1"
            [tool.pdm.build]
            includes = ["engine", "runner.py"]
        """),
        "engine/__init__.py": CODE, "runner.py": CODE, "helper.py": CODE, "tests/__init__.py": CODE,
    }),
}


# Shapes the backend refuses to build: read_first_party falls back to the project's name.
# id -> (backend, files, the backend's error, the modules read_first_party gives).
REFUSED: dict[str, tuple[str, dict[str, str], str, set[str]]] = {
    "setuptools-flat-layout-several-packages": (SETUPTOOLS, {
        "pyproject.toml": pyproject(SETUPTOOLS, '[project]\nname = "dataproj"\nversion = "1"\n'),
        "dataproj/__init__.py": CODE, "data/raw.csv": "a,b\n", "models/__init__.py": CODE,
    }, "Multiple top-level packages discovered in a flat-layout", {"dataproj"}),
    "hatch-nothing-named-after-project": (HATCH, {
        "pyproject.toml": pyproject(HATCH, '[project]\nname = "hatch-missing"\nversion = "1"\n'),
        "other/__init__.py": CODE,
    }, "Unable to determine which files to ship inside the wheel", set()),
}  # fmt: skip


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path | str]]:
    """Each shape's tree and its wheel (or the backend's error), built once per session."""
    root = tmp_path_factory.mktemp("shapes")
    shapes = {**{k: v for k, v in SHAPES.items()}, **{k: (b, files) for k, (b, files, _, _) in REFUSED.items()}}
    trees = {shape: make_tree(root / shape, files) for shape, (_, files) in shapes.items()}
    # Backends write build/ and *.egg-info into the tree: build copies, read the originals.
    copies = {shape: Path(shutil.copytree(tree, root / "copies" / shape)) for shape, tree in trees.items()}
    result: dict[str, tuple[Path, Path | str]] = {}
    for backend in dict.fromkeys(backend for backend, _ in shapes.values()):
        if not can_import(IMPORTED[backend]):
            continue
        ids = [shape for shape, (b, _) in shapes.items() if b == backend]
        wheels = build_wheels(backend, [copies[shape] for shape in ids])
        result.update((shape, (trees[shape], wheels[copies[shape]])) for shape in ids)
    return result


@pytest.mark.parametrize("shape", SHAPES)
def test_modules_are_what_the_wheel_installs(built, shape):
    if shape not in built:
        pytest.skip(f"{IMPORTED[SHAPES[shape][0]]} is not installed (pip install -e '.[test]')")
    tree, wheel = built[shape]
    assert isinstance(wheel, Path), f"the backend did not build {shape}: {wheel}"
    expected = wheel_top_levels(wheel)
    assert expected, "the shape must ship at least one module"
    first_party = read_first_party(tree)
    assert first_party.modules == expected
    assert normalize_distribution_name(wheel_name(wheel)) in first_party.distributions


@pytest.mark.parametrize("shape", REFUSED)
def test_refused_build_falls_back_to_the_name(built, shape):
    backend, _, error, modules = REFUSED[shape]
    if shape not in built:
        pytest.skip(f"{IMPORTED[backend]} is not installed (pip install -e '.[test]')")
    tree, wheel = built[shape]
    assert isinstance(wheel, str) and error in wheel
    assert read_first_party(tree).modules == modules
