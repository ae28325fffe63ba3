"""What the engine carries reaches every format: a package script's run and the chain of imports
to the statement, a notebook cell, each finding's fix, a file read only in part; and verify's
imports that meet a shadow through their own imports, with the way down. Real trees, real runs.
(JSON against the published schemas: test_schemas.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_tree, python_for
from trees import EVERY_FIELD, IMPORTS_SHADOW

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
BROKEN_CELL = "nb/explore.ipynb: imports read without the parser: cell 3: Python 3.11 cannot parse it: '(' was never closed (line 1)"


@pytest.fixture
def check(cli, tmp_path, target_venv):
    """`shadowcheck ARGS .` on the EVERY_FIELD tree, a git work tree of its own."""
    root = make_tree(tmp_path / "project", EVERY_FIELD)
    (root / ".git").mkdir()
    return lambda *args: cli("--python", target_venv.python, *args, ".", cwd=root)


def test_text_shows_the_chain_the_cell_and_the_note(check):
    result = check()
    assert result.status == 1  # a note leaves the exit status alone
    lines = result.out.splitlines()
    assert "    mylib/helper.py:1 `import numbers` imports mylib/numbers.py instead (via mylib/cli.py:2)" in lines
    assert "    nb/explore.ipynb:cell 2:2 `import fractions` imports nb/fractions.py instead" in lines
    assert result.err.splitlines() == [f"shadowcheck: note: {BROKEN_CELL}"]


def test_concise_and_github_name_the_run_and_the_cell(check):
    concise = check("--output-format", "concise").out.splitlines()
    assert "mylib/numbers.py:1:1: SC102 [warning] `mylib/numbers.py` shadows the standard-library module `numbers` for mylib/cli.py run by path from mylib/" in concise
    github = check("--output-format", "github").out.splitlines()
    package = next(line for line in github if "file=mylib/numbers.py" in line)
    assert "for mylib/cli.py run by path from mylib/%0Amylib/helper.py:1 `import numbers` imports mylib/numbers.py instead (via mylib/cli.py:2)" in package
    assert any("%0Anb/explore.ipynb:cell 2:2 `import fractions`" in line for line in github)
    # The file read only in part is a notice on it, not an error.
    assert github[-1] == f"::notice file=nb/explore.ipynb,title=shadowcheck::{BROKEN_CELL}"


def test_sarif_carries_flows_cells_fixes_and_notes(check):
    import jsonschema

    result = check("--output-format", "sarif")
    document = result.json()
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}
    # The chain is a code flow: the script's import, then the statement that meets the shadow.
    (flow,) = results["mylib/numbers.py"]["codeFlows"]
    steps = [(step["location"]["physicalLocation"]["artifactLocation"]["uri"], step["location"]["physicalLocation"]["region"]["startLine"]) for step in flow["threadFlows"][0]["locations"]]
    assert steps == [("mylib/cli.py", 2), ("mylib/helper.py", 1)]
    assert results["mylib/numbers.py"]["properties"] == {"runs": ["mylib/cli.py"], "renameTo": "numbers_utils.py"}
    # A cell's line is no line of the .ipynb file: the notebook, no region, the cell in properties.
    (cell,) = results["nb/fractions.py"]["relatedLocations"]
    assert cell["physicalLocation"] == {"artifactLocation": {"uri": "nb/explore.ipynb", "uriBaseId": "%SRCROOT%"}}
    assert cell["properties"] == {"cell": 2, "lineInCell": 2}
    # The fix of the finding whose importer meant the local module edits that import.
    (fix,) = results["demopkg.py"]["fixes"]
    assert fix["properties"]["rename"] == {"from": "demopkg.py", "to": "demopkg_experiments.py"}
    assert [c["artifactLocation"]["uri"] for c in fix["artifactChanges"]] == ["train.py"]
    assert run["columnKind"] == "unicodeCodePoints"
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "note",
            "message": {"text": BROKEN_CELL},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "nb/explore.ipynb", "uriBaseId": "%SRCROOT%"}}}],
        }
    ]


def test_sarif_without_fixes_has_no_column_kind(cli, tmp_path, target_venv):
    # A rename alone has no artifactChange, so no fix; then nothing says how columns count.
    result = cli("--python", target_venv.python, "--output-format", "sarif", ".", cwd=make_tree(tmp_path, {"demopkg.py": ""}))
    run = result.json()["runs"][0]
    assert "fixes" not in run["results"][0] and "columnKind" not in run


def test_text_lists_every_run_the_message_leaves_out(cli, tmp_path, target_venv):
    scripts = {f"mylib/tool_{n}.py": "#!/usr/bin/env python\nimport numbers\n" for n in range(4)}
    tree = {"mylib/__init__.py": "", "mylib/numbers.py": "", **scripts}
    result = cli("--python", target_venv.python, ".", cwd=make_tree(tmp_path, tree))
    headline, *rest = result.out.splitlines()
    assert headline.endswith("for mylib/tool_0.py, mylib/tool_1.py, mylib/tool_2.py and 1 more run by path from mylib/")
    assert "    runs: mylib/tool_0.py, mylib/tool_1.py, mylib/tool_2.py, mylib/tool_3.py" in rest


def test_text_names_no_runs_when_the_message_names_them_all(check):
    assert not any(line.strip().startswith("runs:") for line in check().out.splitlines())


# --- verify ----------------------------------------------------------------------------------


def test_verify_text_names_the_import_that_meets_a_shadow_and_the_way_down(cli, tmp_path, target_venv):
    result = cli("verify", "train.py", "--python", target_venv.python, cwd=make_tree(tmp_path, IMPORTS_SHADOW))
    assert result.status == 1
    lines = result.out.splitlines()
    assert lines[0] == "imports-shadow inspect -> …/python3.11/inspect.py (stdlib) [SC102]"
    assert lines[2].startswith("    train.py:1 `import inspect` will fail: ImportError: cannot import name")
    # The statement itself is the line above; the way down starts inside inspect.
    assert lines[3].startswith("    via: …/python3.11/inspect.py:") and lines[3].endswith("`from token import EXACT_TOKEN_TYPES`")
    assert "shadowed token -> token.py (project) [SC102]" in lines
    assert result.err.splitlines() == ["shadowcheck: note: big.py: imports read without the parser: too large to parse (1.2 MB): its import statements only"]


def test_verify_text_shows_runpys_own_imports_under_python_m(cli, tmp_path):
    # 3.12 imports types again in runpy's own imports (test_python_m.py compares every version).
    python = python_for("3.12")
    if python is None:
        pytest.skip("needs Python 3.12")
    result = cli("verify", "-m", "main", "--python", python.path, cwd=make_tree(tmp_path, {"main.py": "", "types.py": ""}))
    lines = result.out.splitlines()
    assert lines[0] == "shadowed types -> types.py (project) [SC102]"
    assert lines[2] == "    python -m (runpy's own imports) will fail: AttributeError: module 'types' has no attribute 'ModuleType'"
    assert lines[3].startswith("    via: …/python3.12/runpy.py:") and lines[3].endswith("`import types`")
