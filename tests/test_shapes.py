"""The shapes of public repositories that check used to get wrong (issue 7), rebuilt small.

keras (its own package, a backend folder with one runnable test), DeepSpeed (a copied script in
a utils package), jax (a module documented as `python -m`), fairseq (library modules with a
copied shebang), nanotron (a leftover __main__ guard), monobase (modules run with -m that
import their own package), tqdm (its own module, declared the older ways), a repository that is
itself a package, yolov5's test.py and mitmproxy's test/, flash-attention's sub-project.

Where a finding is about a script run by path, the script is run for real: every shadowing
module in these trees writes a marker when imported, and check must report exactly the ones the
run imports from that script's folder.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest
from conftest import create_venv, make_tree
from wheels import build_wheel

from shadowcheck.check import Settings, run_check

INSTALLED = {
    "keras": {"keras/__init__.py": "", "keras/models.py": ""},
    "numpy": {"numpy/__init__.py": "array = list\n"},
    "torch": {"torch/__init__.py": "", "torch/utils/__init__.py": ""},
    "tqdm": {"tqdm/__init__.py": "def tqdm(x):\n    return x\n"},
}


def marker(module: str) -> str:
    """A shadowing module's body: it says when it is imported, under which name."""
    return f"import sys\nsys.stderr.write('SHADOW {module}\\n')\n"


@pytest.fixture(scope="session")
def shapes_venv(tmp_path_factory) -> str:
    wheels = tmp_path_factory.mktemp("shapes-wheels")
    built = [build_wheel(wheels, name, "1.0", files) for name, files in INSTALLED.items()]
    return create_venv(tmp_path_factory.mktemp("shapes-venv") / "venv", built).python


PYPROJECT = "[project]\nname = '{}'\nversion = '1'\n"
GUARD = "if __name__ == '__main__':\n    main()\n"

# id, tree, expected findings (path, module, severity), scripts to run by path as the oracle
CASES = [
    (
        "keras-its-own-package",
        {"pyproject.toml": PYPROJECT.format("keras"), "keras/__init__.py": "", "keras/models.py": "", "train.py": "import keras\n"},
        set(),
        [],
    ),
    (
        "tqdm-module-declared-in-setup-py",
        {"setup.py": "from setuptools import setup\nsetup(name='tqdm', py_modules=['tqdm'])\n", "tqdm.py": "", "bench.py": "import tqdm\n"},
        set(),
        [],
    ),
    (
        "tqdm-package-declared-in-pyproject",
        {"pyproject.toml": PYPROJECT.format("tqdm"), "tqdm/__init__.py": "", "examples/demo.py": "import tqdm\n"},
        set(),
        [],
    ),
    (
        "keras-backend-folder-with-a-test-run-by-path",
        {
            "pyproject.toml": PYPROJECT.format("keras"),
            "keras/__init__.py": "", "keras/src/__init__.py": "", "keras/src/backend/__init__.py": "",
            "keras/src/backend/jax/__init__.py": "",
            "keras/src/backend/jax/numpy.py": marker("numpy"),
            "keras/src/backend/jax/math.py": marker("math"),
            "keras/src/backend/jax/random.py": marker("random"),
            "keras/src/backend/jax/core.py": "import numpy as np\nimport math\n",
            "keras/src/backend/jax/distribution_test.py": (
                "import numpy as np\nimport pytest\n"
                "if __name__ == '__main__':\n    pytest.main([__file__])\n"
            ),
        },
        {("keras/src/backend/jax/numpy.py", "numpy", "error")},
        ["keras/src/backend/jax/distribution_test.py"],
    ),
    (
        "deepspeed-copied-script-in-utils",
        {
            "deepspeed/__init__.py": "", "deepspeed/utils/__init__.py": "",
            "deepspeed/utils/torch.py": marker("torch"),
            "deepspeed/utils/types.py": marker("types"),
            "deepspeed/utils/logging.py": marker("logging"),
            "deepspeed/utils/zero_to_fp32.py": "#!/usr/bin/env python\nimport os\nimport torch\ndef main():\n    pass\n" + GUARD,
        },
        {("deepspeed/utils/torch.py", "torch", "warning")},
        ["deepspeed/utils/zero_to_fp32.py"],
    ),
    (
        "jax-module-documented-as-python-m",
        {
            "jax/__init__.py": "", "jax/_src/__init__.py": "", "jax/_src/profiler.py": "",
            "jax/numpy/__init__.py": marker("numpy"), "jax/typing.py": marker("typing"),
            "jax/collect_profile.py": "import numpy\nfrom jax._src import profiler\ndef main():\n    pass\n" + GUARD,
            "README.md": "Run `python -m jax.collect_profile`.\n",
        },
        set(),
        [],
    ),
    (
        "fairseq-library-modules-with-a-copied-shebang",
        {
            "fairseq/__init__.py": "",
            "fairseq/pdb.py": "#!/usr/bin/env python3\n" + marker("pdb") + "import pdb\n",
            "fairseq/logging/__init__.py": marker("logging"),
            "fairseq/file_io.py": "#!/usr/bin/env python3\nimport logging\nimport os\n",
        },
        {("fairseq/pdb.py", "pdb", "warning"), ("fairseq/logging/__init__.py", "logging", "warning")},
        ["fairseq/pdb.py", "fairseq/file_io.py"],
    ),
    (
        "nanotron-leftover-guard",
        {
            "pyproject.toml": PYPROJECT.format("nanotron"), "src/nanotron/__init__.py": "",
            "src/nanotron/random.py": marker("random") + "import random\nif __name__ == '__main__':\n    print('seed')\n",
        },
        {("src/nanotron/random.py", "random", "warning")},
        ["src/nanotron/random.py"],
    ),
    (
        "monobase-modules-run-with-python-m",
        {
            "pyproject.toml": PYPROJECT.format("monobase"), "src/monobase/__init__.py": "",
            "src/monobase/__main__.py": "from monobase.build import main\nmain()\n",
            "src/monobase/util.py": "", "src/monobase/torch.py": marker("torch"),
            "src/monobase/build.py": "from monobase.util import *\nimport torch\ndef main():\n    pass\n" + GUARD,
        },
        set(),
        [],
    ),
    (
        "package-with-relative-imports",
        {
            "src/__init__.py": "", "src/torch.py": marker("torch"), "src/x.py": "",
            "src/genshi.py": "from . import x\nimport torch\ndef main():\n    pass\n" + GUARD,
        },
        set(),
        [],
    ),
    (
        "repository-that-is-a-package",
        {"__init__.py": "", "torch.py": marker("torch"), "utils.py": "import torch\n"},
        set(),
        [],
    ),
    (
        "stdlib-test-package-and-test-py",
        {"test.py": "", "train.py": "import test\n", "tools/test/__init__.py": "", "tools/run.py": "import test\n"},
        set(),
        [],
    ),
    (
        "sub-project-with-its-own-build",
        {
            "flash_attn/__init__.py": "", "flash_attn/cute/pyproject.toml": PYPROJECT.format("flash-attn-cute"),
            "flash_attn/cute/__init__.py": "", "flash_attn/cute/logging.py": marker("logging"),
            "flash_attn/cute/interface.py": "import logging\n",
        },
        {("flash_attn/cute/logging.py", "logging", "error")},
        [],
    ),
    (
        "script-reaches-the-shadow-through-a-helper",
        {
            "tools/__init__.py": "", "tools/torch.py": marker("torch"), "tools/helper.py": "import torch\n",
            "tools/cli.py": "import os\nimport helper\ndef main():\n    pass\n" + GUARD,
        },
        {("tools/torch.py", "torch", "warning")},
        ["tools/cli.py"],
    ),
]  # fmt: skip


def checked(python: str, project: Path, *paths: str) -> list[dict]:
    """The findings of `check` (library API: importer chains and runs included)."""
    report = run_check(Settings(paths=tuple(Path(p) for p in paths or (".",)), python=python, use_cache=False), Path.cwd())
    return [
        {**dataclasses.asdict(f), "severity": str(f.severity), "importers": [dataclasses.asdict(i) for i in f.importers]}
        for f in report.findings
    ]


def markers_of(python: str, project: Path, script: str) -> set[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run([python, script], cwd=project, env=environ, capture_output=True, text=True, timeout=60)
    return {line.split()[1] for line in run.stderr.splitlines() if line.startswith("SHADOW ")}


@pytest.mark.parametrize("tree, expected, scripts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_shape(tree, expected, scripts, shapes_venv, tmp_path, monkeypatch):
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    findings = checked(shapes_venv, project)
    assert {(f["path"], f["module"], f["severity"]) for f in findings} == expected
    for script in scripts:
        # Run for real, the script imports from its folder exactly what check says it does.
        said = {f["module"] for f in findings if script in f["runs"]}
        assert markers_of(shapes_venv, project, script) == said, script


def test_chain_from_the_script_to_the_import(shapes_venv, tmp_path, monkeypatch):
    tree = dict(CASES[-1][1])
    project = make_tree(tmp_path / "project", tree)
    os.chmod(project / "tools/cli.py", 0o755)
    (project / "tools/cli.py").write_text("#!/usr/bin/env python\n" + tree["tools/cli.py"])
    monkeypatch.chdir(project)
    (finding,) = checked(shapes_venv, project)
    # Executable with a shebang: the project evidently runs it by path.
    assert finding["severity"] == "error"
    assert "tools/cli.py run by path from tools/" in finding["message"]
    (importer,) = finding["importers"]
    assert (importer["path"], importer["line"]) == ("tools/helper.py", 1)
    assert [(s["path"], s["line"], s["statement"]) for s in importer["chain"]] == [("tools/cli.py", 3, "import helper")]
    assert markers_of(shapes_venv, project, "tools/cli.py") == {"torch"}


def test_documentation_that_runs_the_file_by_path_makes_it_an_error(shapes_venv, tmp_path, monkeypatch):
    tree = {**CASES[-1][1], "README.md": "Run it with `python tools/cli.py --help`.\n"}
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    (finding,) = checked(shapes_venv, project)
    assert finding["severity"] == "error"


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param({"pyproject.toml": PYPROJECT.format("app"), "keras.py": marker("keras"), "train.py": "import keras\n",
                      "sub/random.py": "", "sub/run.py": "import random\n", "sub/deeper/numpy.py": "", "sub/deeper/x.py": ""}, id="project"),
        pytest.param({"keras.py": "", "sub/__init__.py": "", "sub/torch.py": "", "sub/tool.py": "import torch\n" + GUARD}, id="package-scripts"),
    ],
)  # fmt: skip
def test_a_path_inside_a_project_gives_the_whole_projects_findings_there(tree, shapes_venv, tmp_path, monkeypatch):
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    whole = checked(shapes_venv, project)
    assert whole
    under = [f for f in whole if f["path"].startswith("sub/")]
    assert under
    assert checked(shapes_venv, project, "sub") == under
    monkeypatch.chdir(project / "sub")
    inside = checked(shapes_venv, project, ".")
    assert [(f["module"], f["severity"]) for f in inside] == [(f["module"], f["severity"]) for f in under]
