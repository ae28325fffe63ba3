"""Declared dependencies, read from a project's files without any environment."""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.environment import describe_environment, load_environment
from shadowcheck.environment.declared import DeclaredDependencies, declared_dependencies
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.environment.isolation import DECLARED, declared_environment
from shadowcheck.ftypes import ShadowcheckError

# The name that begins a Requires-Dist value (PEP 508).
REQUIRES_DIST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """make_tree, with the indented string literals of these tables dedented."""
    return make_tree(root, {k: v if isinstance(v, bytes) else textwrap.dedent(v) for k, v in files.items()})


PYPROJECT_CASES = {
    "project-dependencies": (
        {"pyproject.toml": """
            [project]
            name = "demo"
            dependencies = [
                "numpy>=1.26",
                "Pillow",
                "scikit_learn[alldeps]>=1.3; python_version > '3.9'",
                "torch @ https://download.pytorch.org/whl/cpu/torch-2.2.0.whl",
                "opencv-python-headless (>=4.8)",
            ]
        """},
        ("numpy", "opencv-python-headless", "pillow", "scikit-learn", "torch"),
    ),
    "optional-dependencies-all-groups": (
        {"pyproject.toml": """
            [project]
            name = "demo"
            dependencies = []
            [project.optional-dependencies]
            test = ["pytest>=8", "demo[cnn]"]
            cnn = ["keras>=3", "tensorflow-cpu"]
        """},
        ("keras", "pytest", "tensorflow-cpu"),
    ),
    "dependency-groups-skip-include-group": (
        {"pyproject.toml": """
            [dependency-groups]
            test = ["pytest", "coverage[toml]"]
            lint = ["ruff"]
            dev = [{include-group = "test"}, {include-group = "lint"}, "ipython"]
        """},
        ("coverage", "ipython", "pytest", "ruff"),
    ),
    "poetry-skip-python": (
        {"pyproject.toml": """
            [tool.poetry]
            name = "demo"
            [tool.poetry.dependencies]
            python = "^3.10"
            PyYAML = "^6"
            torch = {version = "^2.2", source = "pytorch"}
            [tool.poetry.dev-dependencies]
            black = "*"
            [tool.poetry.group.docs.dependencies]
            Sphinx = "^7"
            [tool.poetry.group.test.dependencies]
            pytest = "*"
        """},
        ("black", "pytest", "pyyaml", "sphinx", "torch"),
    ),
    "setuptools-dynamic-file": (
        {
            "pyproject.toml": """
                [project]
                name = "demo"
                dynamic = ["dependencies", "optional-dependencies"]
                [tool.setuptools.dynamic]
                dependencies = {file = ["deps/base.in"]}
                optional-dependencies.gpu = {file = "deps/gpu.in"}
            """,
            "deps/base.in": "numpy\n",
            "deps/gpu.in": "cupy-cuda12x\n",
        },
        ("cupy-cuda12x", "numpy"),
    ),
}

PYPROJECT_NO_OP_CASES = {
    "tool-tables-only": ({"pyproject.toml": "[tool.black]\nline-length = 100\n"}, ()),
    "project-without-dependencies": ({"pyproject.toml": '[project]\nname = "demo"\n'}, ("pyproject.toml",)),
    "empty-lists": (
        {"pyproject.toml": '[project]\nname = "d"\ndependencies = []\n[dependency-groups]\ndev = []\n'},
        ("pyproject.toml",),
    ),
    "no-files": ({"README.md": "# demo\n"}, ()),
}


@pytest.mark.parametrize(("files", "expected"), PYPROJECT_CASES.values(), ids=PYPROJECT_CASES)
def test_pyproject(tmp_path, files, expected):
    declared = declared_dependencies(write_project(tmp_path, files))
    assert declared.distributions == expected
    assert declared.sources[0] == "pyproject.toml"


@pytest.mark.parametrize(("files", "sources"), PYPROJECT_NO_OP_CASES.values(), ids=PYPROJECT_NO_OP_CASES)
def test_nothing_declared(tmp_path, files, sources):
    assert declared_dependencies(write_project(tmp_path, files)) == DeclaredDependencies(sources, ())


REQUIREMENTS_CASES = {
    "names-versions-extras-markers": (
        {"requirements.txt": """
            # training
            numpy==1.26.4

            scikit-learn>=1.3,<2  # the model
            requests[socks]>=2 ; python_version < "3.13"
            Keras
            torch @ https://download.pytorch.org/whl/cpu/torch-2.2.0.whl
        """},
        ("keras", "numpy", "requests", "scikit-learn", "torch"),
    ),
    "options-and-hash-continuations": (
        {"requirements.txt": """
            --index-url https://pypi.org/simple
            --extra-index-url=https://download.pytorch.org/whl/cpu
            -f ./wheels
            --pre
            --only-binary :all:
            pyyaml==6.0.1 \\
                --hash=sha256:aaaa \\
                --hash=sha256:bbbb
            attrs==23.2.0 --hash=sha256:cccc
        """},
        ("attrs", "pyyaml"),
    ),
    "editable-and-urls": (
        {"requirements.txt": """
            -e git+https://github.com/org/tool.git@v1#egg=tool-kit&subdirectory=py
            --editable ./vendored#egg=Vendored_Lib
            -e .
            -e ./local/package
            git+https://github.com/org/other.git#egg=other
            https://example.com/archive/noname.zip
            ./dist/thing-1.0-py3-none-any.whl
            thing-1.0-py3-none-any.whl
            thing-1.0.tar.gz
        """},
        ("other", "tool-kit", "vendored-lib"),
    ),
    "constraints-not-read": (
        {"requirements.txt": "-c constraints.txt\npandas\n", "constraints.txt": "numpy<2\n"},
        ("pandas",),
    ),
    "includes-relative-to-file": (
        {
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "-r common.txt\nnumpy\n",
            "requirements/common.txt": "--requirement=extra/more.txt\n",
            "requirements/extra/more.txt": "-rlast.txt\npandas\n",
            "requirements/extra/last.txt": "polars\n",
        },
        ("numpy", "pandas", "polars"),
    ),
    "include-cycle": (
        {
            "requirements.txt": "-r requirements-dev.txt\n-r requirements.txt\nnumpy\n",
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
        },
        ("numpy", "pytest"),
    ),
    "globbed-files": (
        {
            "requirements-dev.txt": "pytest\n",
            "requirements_gpu.txt": "cupy-cuda12x\n",
            "requirements/docs.txt": "sphinx\n",
            "requirements/notes.md": "not-a-requirement\n",
            "requirements.in": "not-read-either\n",
        },
        ("cupy-cuda12x", "pytest", "sphinx"),
    ),
    "only-comments-and-options": (
        {"requirements.txt": "# nothing yet\n\n--index-url https://pypi.org/simple\n"},
        (),
    ),
}


@pytest.mark.parametrize(("files", "expected"), REQUIREMENTS_CASES.values(), ids=REQUIREMENTS_CASES)
def test_requirements(tmp_path, files, expected):
    assert declared_dependencies(write_project(tmp_path, files)).distributions == expected


@pytest.mark.parametrize(
    ("files", "sources"),
    [
        ({"requirements.txt": "numpy\n"}, ("requirements.txt",)),
        (
            {"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "numpy\n",
             "requirements/dev.txt": "-r base.txt\n"},
            ("requirements.txt", "requirements/base.txt", "requirements/dev.txt"),
        ),
        (
            {"requirements.txt": "-r requirements-dev.txt\n", "requirements-dev.txt": "-r requirements.txt\n"},
            ("requirements-dev.txt", "requirements.txt"),
        ),
    ],
    ids=["one-file", "each-file-once", "cycle"],
)  # fmt: skip
def test_requirements_sources(tmp_path, files, sources):
    assert declared_dependencies(write_project(tmp_path, files)).sources == sources


ENVIRONMENT_FULL = """
    name: cnn  # the training environment
    channels:
      - pytorch
      - conda-forge
    dependencies:
      - python=3.11
      - pip
      - numpy=1.26            # pinned for the cluster
      - pytorch::pytorch>=2.2
      - conda-forge/linux-64::scikit-learn==1.4.0=py311_0
      - "pandas>=2"
      - 'matplotlib-base 3.8.*'
      - py-opencv
      - cudatoolkit=11.8
      - tensorflow
      - pyyaml[version='>=6']
      - pip:
        - keras>=3
        - -r pip/extra.txt
        - git+https://github.com/org/lib.git#egg=orglib
      - jupyterlab
    variables:
      - not-a-dependency
"""

ENVIRONMENT_CASES = {
    "full": (
        {"environment.yml": ENVIRONMENT_FULL, "pip/extra.txt": "tf-keras\n"},
        ("jupyterlab", "keras", "matplotlib", "numpy", "opencv-python", "orglib", "pandas",
         "pyyaml", "scikit-learn", "tensorflow", "tf-keras", "torch"),
    ),
    "unindented-items-yaml-suffix": (
        {"environment.yaml": "name: x\ndependencies:\n- opencv\n- pip:\n  - python-dotenv\n- scipy\n"},
        ("opencv-python", "python-dotenv", "scipy"),
    ),
    "pip-include-relative-to-environment-file": (
        {"environment.yml": "dependencies:\n  - pip:\n    - -r deps/pip.txt\n", "deps/pip.txt": "attrs\n"},
        ("attrs",),
    ),
    "only-python-and-pip": (
        {"environment.yml": "name: x\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n"},
        (),
    ),
    "no-dependencies-key": ({"environment.yml": "name: x\nchannels:\n  - conda-forge\n"}, ()),
}  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), ENVIRONMENT_CASES.values(), ids=ENVIRONMENT_CASES)
def test_environment(tmp_path, files, expected):
    declared = declared_dependencies(write_project(tmp_path, files))
    assert declared.distributions == expected
    assert declared.sources[0] in ("environment.yml", "environment.yaml")


SETUP_CFG_CASES = {
    "install-requires-and-extras": (
        {"setup.cfg": """
            [metadata]
            name = demo
            [options]
            packages = find:
            install_requires =
                numpy>=1.26
                # the model
                scikit-learn; python_version >= "3.10"
            [options.extras_require]
            vision = opencv-python-headless
            all =
                demo[vision]
                PyYAML
        """},
        ("numpy", "opencv-python-headless", "pyyaml", "scikit-learn"),
    ),
    "semicolon-list": ({"setup.cfg": "[options]\ninstall_requires = numpy; pandas\n"}, ("numpy", "pandas")),
    "file-directive": (
        {"setup.cfg": "[options]\ninstall_requires = file: base.in, extra.in\n", "base.in": "numpy\n",
         "extra.in": "torch\n"},
        ("numpy", "torch"),
    ),
    "options-without-requirements": ({"setup.cfg": "[options]\npackages = find:\n"}, ()),
    "no-options-section": ({"setup.cfg": "[flake8]\nmax-line-length = 100\n"}, ()),
}  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), SETUP_CFG_CASES.values(), ids=SETUP_CFG_CASES)
def test_setup_cfg(tmp_path, files, expected):
    assert declared_dependencies(write_project(tmp_path, files)).distributions == expected


# Literal setup() arguments, as setuptools itself reads them: each case is compared with the
# Requires-Dist that setuptools' own backend writes into the metadata for the same setup.py.
SETUP_PY_CASES = {
    "install-requires-list": """
        from setuptools import setup
        setup(
            name="demo",
            install_requires=[
                "numpy>=1.26",
                "Pillow",
                "scikit_learn[alldeps]>=1.3; python_version > '3.9'",
                "torch @ https://download.pytorch.org/whl/cpu/torch-2.2.0.whl",
            ],
        )
    """,
    "install-requires-string-with-comments": '''
        import setuptools
        setuptools.setup(
            name="demo",
            install_requires="""
                numpy  # arrays
                # the model
                opencv-python-headless (>=4.8)
            """,
        )
    ''',
    "lines-inside-tuple-items": r"""
        from setuptools import setup
        setup(name="demo", install_requires=("PyYAML\nattrs>=23", "polars"))
    """,
    "extras-require-own-extra-and-marker-key": r"""
        from setuptools import setup
        setup(
            name="demo",
            install_requires=[],
            extras_require={
                "gpu": ["cupy-cuda12x"],
                "vision:python_version >= '3.9'": "opencv-python\nPyYAML",
                "all": ["demo[gpu,vision]"],
            },
        )
    """,
    "keywords-from-a-literal-dict": """
        from setuptools import setup
        setup(**{"name": "demo", "install_requires": ["pandas"], "extras_require": {"x": "requests"}})
    """,
}


# Runs setuptools' backend for each directory given, in one process (one start-up, not one a case).
SETUPTOOLS_METADATA = """
import os, sys
from setuptools import build_meta
for directory in sys.argv[1:]:
    os.chdir(directory)
    os.mkdir("out")
    print("METADATA", os.path.join(directory, "out", build_meta.prepare_metadata_for_build_wheel("out")))
"""


@pytest.fixture(scope="module")
def setuptools_requirements(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, ...]]:
    """Each SETUP_PY_CASES id -> the distributions setuptools' backend lists as Requires-Dist,
    less the project's own name ("demo[gpu]"); built in copies, so the projects stay untouched."""
    root = tmp_path_factory.mktemp("setuptools")
    copies = [make_tree(root / case, {"setup.py": textwrap.dedent(source)}) for case, source in SETUP_PY_CASES.items()]
    result = subprocess.run(
        [sys.executable, "-c", SETUPTOOLS_METADATA, *map(str, copies)], capture_output=True, text=True, check=True
    )
    requirements = {}
    written = [line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("METADATA ")]
    for case, metadata_dir in zip(SETUP_PY_CASES, written, strict=True):
        metadata = email.parser.HeaderParser().parsestr((Path(metadata_dir) / "METADATA").read_text())
        requires = metadata.get_all("Requires-Dist", [])
        names = {normalize_distribution_name(REQUIRES_DIST_NAME.match(r).group()) for r in requires}
        requirements[case] = tuple(sorted(names - {metadata["Name"]}))
    return requirements


@pytest.mark.parametrize("case", SETUP_PY_CASES)
def test_setup_py_as_setuptools_reads_it(tmp_path, case, setuptools_requirements):
    declared = declared_dependencies(write_project(tmp_path, {"setup.py": SETUP_PY_CASES[case]}))
    assert declared.sources == ("setup.py",)
    assert declared.distributions == setuptools_requirements[case]


SETUP_PY_OTHER_CASES = {
    # setuptools no longer writes tests_require into the metadata; the tests still import them.
    "tests-require": (
        {"setup.py": "from setuptools import setup\nsetup(install_requires=['numpy'], tests_require=['pytest'])\n"},
        ("setup.py",), ("numpy", "pytest"),
    ),
    # Computed values are skipped, never guessed.
    "names-calls-and-sums-skipped": (
        {"setup.py": """
            from setuptools import setup
            REQUIREMENTS = ["numpy"]
            setup(
                install_requires=REQUIREMENTS,
                tests_require=open("test-requirements.in").read().splitlines(),
                extras_require={"gpu": ["cupy-cuda12x"] + REQUIREMENTS},
            )
        """},
        ("setup.py",), (),
    ),
    "literal-keyword-beside-a-computed-one": (
        {"setup.py": "from setuptools import setup\nGPU = []\nsetup(install_requires=['numpy'], extras_require={'gpu': GPU})\n"},
        ("setup.py",), ("numpy",),
    ),
    "requirements-file-read-by-setup-py-counted-as-itself": (
        {"setup.py": "from setuptools import setup\nsetup(install_requires=open('requirements.txt').read().split())\n",
         "requirements.txt": "torch\n"},
        ("setup.py", "requirements.txt"), ("torch",),
    ),
    # No-op cases: a setup.py that lists no requirements is not a source.
    "shim-without-requirements": ({"setup.py": "from setuptools import setup\nsetup()\n"}, (), ()),
    "setup-requires-only": (
        {"setup.py": "from setuptools import setup\nsetup(name='demo', setup_requires=['cython'])\n"}, (), (),
    ),
    "no-setup-call": ({"setup.py": "import numpy\nprint(numpy.__version__)\n"}, (), ()),
}  # fmt: skip


@pytest.mark.parametrize(("files", "sources", "expected"), SETUP_PY_OTHER_CASES.values(), ids=SETUP_PY_OTHER_CASES)
def test_setup_py(tmp_path, files, sources, expected):
    assert declared_dependencies(write_project(tmp_path, files)) == DeclaredDependencies(sources, expected)


PIPFILE_CASES = {
    "packages-dev-and-custom-categories": (
        {"Pipfile": """
            [[source]]
            url = "https://pypi.org/simple"
            verify_ssl = true
            name = "pypi"

            [[source]]
            url = "https://download.pytorch.org/whl/cpu"
            verify_ssl = true
            name = "pytorch"

            [packages]
            numpy = "*"
            torch = {version = "==2.2.0", index = "pytorch"}
            "scikit_learn" = ">=1.3"
            requests = {extras = ["socks"], version = "*"}
            tool-kit = {git = "https://github.com/org/tool.git", ref = "v1"}

            [dev-packages]
            pytest = "*"

            [docs]
            Sphinx = "*"

            [requires]
            python_version = "3.11"

            [scripts]
            train = "python train.py"

            [pipenv]
            allow_prereleases = true
        """},
        ("Pipfile",),
        ("numpy", "pytest", "requests", "scikit-learn", "sphinx", "tool-kit", "torch"),
    ),
    "own-project-editable": (
        {"Pipfile": '[packages]\ndemo = {path = ".", editable = true}\nPyYAML = "*"\n',
         "pyproject.toml": '[project]\nname = "demo"\n'},
        ("pyproject.toml", "Pipfile"), ("pyyaml",),
    ),
    "empty-categories": ({"Pipfile": "[packages]\n[dev-packages]\n"}, ("Pipfile",), ()),
    # No-op: a Pipfile with only pipenv's own sections declares nothing.
    "only-pipenv-sections": (
        {"Pipfile": '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n[requires]\npython_version = "3.11"\n'},
        (), (),
    ),
}  # fmt: skip


@pytest.mark.parametrize(("files", "sources", "expected"), PIPFILE_CASES.values(), ids=PIPFILE_CASES)
def test_pipfile(tmp_path, files, sources, expected):
    assert declared_dependencies(write_project(tmp_path, files)) == DeclaredDependencies(sources, expected)


def test_sources_in_reading_order(tmp_path):
    write_project(
        tmp_path,
        {
            "environment.yml": "dependencies:\n  - numpy\n",
            "requirements.txt": "numpy\n",
            "setup.cfg": "[options]\ninstall_requires = numpy\n",
            "pyproject.toml": '[project]\nname = "d"\ndependencies = ["numpy"]\n',
            "setup.py": "from setuptools import setup\nsetup(install_requires=['numpy'])\n",
            "Pipfile": '[packages]\nnumpy = "*"\n',
        },
    )
    assert declared_dependencies(tmp_path) == DeclaredDependencies(
        sources=("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "requirements.txt", "environment.yml"),
        distributions=("numpy",),
    )


@pytest.mark.parametrize(
    ("distributions", "expected"),
    [
        (("opencv-python", "opencv-python-headless", "pyyaml"),
         {"cv2": ("opencv-python", "opencv-python-headless"), "yaml": ("pyyaml",)}),
        (("attrs", "protobuf", "typing-extensions"),
         {"attr": ("attrs",), "attrs": ("attrs",), "google.protobuf": ("protobuf",),
          "typing_extensions": ("typing-extensions",)}),
        ((), {}),
    ],
    ids=["shared-import-name", "several-and-default", "empty"],
)  # fmt: skip
def test_import_names(distributions, expected):
    assert DeclaredDependencies(sources=(), distributions=distributions).import_names == expected


ERROR_CASES = {
    "bad-toml": (
        {"pyproject.toml": '[project]\nname = "x"\nfoo bar\n'},
        "pyproject.toml: invalid TOML: Expected '=' after a key in a key/value pair (at line 3, column 5)",
    ),
    "undecodable-pyproject": (
        {"pyproject.toml": b"[project]\nname = '\xff'\n"},
        "pyproject.toml: not UTF-8: invalid start byte at byte 18",
    ),
    "dependencies-not-a-list": (
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = "numpy"\n'},
        "pyproject.toml: [project].dependencies must be a list of strings",
    ),
    "undecodable-requirements": (
        {"requirements.txt": b"numpy\n\xfe\xfe\n"},
        "requirements.txt: not UTF-8: invalid start byte at byte 6",
    ),
    "missing-include": (
        {"requirements.txt": "numpy\n-r base.txt\n"},
        "requirements.txt:2: -r base.txt: no such file",
    ),
    "bad-setup-cfg": (
        {"setup.cfg": "install_requires = numpy\n"},
        "setup.cfg: invalid INI: File contains no section headers.",
    ),
    "missing-include-from-environment": (
        {"environment.yml": "name: x\ndependencies:\n  - numpy\n  - pip:\n    - -r pip.txt\n"},
        "environment.yml:5: -r pip.txt: no such file",
    ),
    "setup-py-not-python": (
        {"setup.py": "from setuptools import setup\nsetup(install_requires=['numpy']\n"},
        "setup.py:2: invalid Python: '(' was never closed",
    ),
    "bad-pipfile": (
        {"Pipfile": "[packages]\nnumpy = *\n"},
        "Pipfile: invalid TOML: Invalid value (at line 2, column 9)",
    ),
    "pipfile-category-not-a-table": ({"Pipfile": 'packages = ["numpy"]\n'}, "Pipfile: 'packages' must be a table"),
    "undecodable-environment": (
        {"environment.yml": b"dependencies:\n  - caf\xe9\n"},
        "environment.yml: not UTF-8: invalid continuation byte at byte 21",
    ),
}


@pytest.mark.parametrize(("files", "message"), ERROR_CASES.values(), ids=ERROR_CASES)
def test_unreadable_file_is_a_one_line_error(tmp_path, files, message):
    with pytest.raises(ShadowcheckError) as raised:
        declared_dependencies(write_project(tmp_path, files))
    assert str(raised.value) == message
    assert "\n" not in str(raised.value)


# The summary's words for the environment when declared dependencies stand in for it.
SUMMARY_CASES = {
    "nothing-found": ({"train.py": "import numpy\n"}, "(no project environment found; no declared dependencies found)"),
    "files-that-list-nothing": (
        {"pyproject.toml": '[project]\nname = "demo"\n', "Pipfile": "[packages]\n"},
        "(no project environment found; no declared dependencies found in pyproject.toml, Pipfile)",
    ),
    "declared": (
        {"Pipfile": '[packages]\nnumpy = "*"\n'},
        "declared dependencies from Pipfile (no project environment found;",
    ),
}


@pytest.mark.parametrize(("files", "words"), SUMMARY_CASES.values(), ids=SUMMARY_CASES)
def test_summary_says_what_was_declared(tmp_path, files, words):
    project = write_project(tmp_path, files)
    declared = declared_dependencies(project)
    base = load_environment(sys.executable, DECLARED)
    environment = declared_environment(base, declared.sources, declared.import_names)
    assert words in describe_environment(environment, project)
