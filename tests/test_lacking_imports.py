"""An interpreter that has none of what the project imports is usually the wrong one (a global
Python, a fresh venv), and every shadow of a package is then missed in silence: when nothing is
declared, the project's imports tell, and the summary says so. Real virtual environments."""

from __future__ import annotations

import pytest
from conftest import create_venv, make_tree

IMPORTS = "import demopkg.models\nimport demosingle\nimport json\nimport helpers\nfrom . import sibling\n"
PROJECT = {"train.py": IMPORTS, "helpers.py": ""}
CLAUSE = "it lacks 2 of the 2 third-party modules the project imports (demopkg, demosingle)"
SUGGESTION = ": name the project's environment with --python"


@pytest.fixture(scope="module")
def empty_venv(tmp_path_factory):
    """A virtual environment with nothing installed."""
    return create_venv(tmp_path_factory.mktemp("empty") / "venv")


@pytest.mark.parametrize(
    "files, chosen, summary",
    [
        pytest.param(PROJECT, "$VIRTUAL_ENV", CLAUSE + SUGGESTION + ".", id="virtual-env-lacks-the-imports"),
        pytest.param(PROJECT, "--python", CLAUSE + ".", id="chosen-by-hand-no-suggestion"),
        pytest.param(PROJECT, "target", None, id="the-projects-environment"),
        pytest.param({"train.py": "import json\nimport helpers\n", "helpers.py": ""}, "$VIRTUAL_ENV", None, id="stdlib-and-local-only"),
        # What is declared is what the project asks for: its imports are not read for this.
        pytest.param({**PROJECT, "requirements.txt": "demo-single\n"}, "$VIRTUAL_ENV",
                     "it lacks 1 of the 1 distributions requirements.txt declares (demo-single)" + SUGGESTION + ".", id="declared-decides"),
    ],
)  # fmt: skip
def test_the_summary_says_what_the_interpreter_lacks(cli, tmp_path, empty_venv, target_venv, files, chosen, summary):
    root = make_tree(tmp_path, files)
    env = {"VIRTUAL_ENV": None, "CONDA_PREFIX": None, "SHADOWCHECK_PYTHON": None}
    if chosen == "$VIRTUAL_ENV":
        env["VIRTUAL_ENV"] = str(empty_venv.path)
        args: tuple[str, ...] = ()
    else:
        args = ("--python", empty_venv.python if chosen == "--python" else target_venv.python)
    result = cli(*args, ".", cwd=root, env=env)
    assert result.status == 0, result.err
    (line,) = result.out.splitlines()
    if summary is None:
        assert "lacks" not in line
    else:
        assert line.endswith(summary), line
