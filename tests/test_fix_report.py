"""A plan as the Fix a finding carries: its edits reproduce the plan, its JSON is plain data,
and its SARIF `fixes` object validates against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_tree
from fixhelpers import plan_on

from shadowcheck.check import Settings, run_check
from shadowcheck.fix.edits import apply_edits
from shadowcheck.fix.names import suggest_name
from shadowcheck.fix.report import SARIF_COLUMN_KIND, fix_from_plan, fix_to_json, fix_to_sarif
from shadowcheck.reporters import sarif

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"

TREE = {
    "demopkg.py": "def build_model():\n    return 1\n",
    "train.py": "# -*- coding: utf-8 -*-\nfrom demopkg import (\n    build_model,  # é\n)\nimport demopkg\r\ndemopkg.build_model()\n",
    "nb.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": ["import demopkg as d\n", "d.build_model()"]}]}, indent=1) + "\n",
    "odd.py": "import demopkg\nprint(demopkg)\n",
}


def test_edits_reproduce_the_plan(tmp_path, monkeypatch):
    root = make_tree(tmp_path, TREE)
    plan = plan_on(root, "demopkg", "demopkg.py")
    monkeypatch.chdir(root)
    fix = fix_from_plan(plan, root)
    assert fix.rename == ("demopkg.py", "demopkg_experiments.py")
    assert {e.path for e in fix.edits} == {"train.py", "nb.ipynb"}
    for change in plan.changes:
        name = change.path.name
        before, after = change.before.decode(), change.after.decode()
        assert apply_edits(before, [e for e in fix.edits if e.path == name]) == after
    assert [(a.path, a.line) for a in fix.left_alone] == [("odd.py", 1)]
    document = fix_to_json(fix)
    assert json.loads(json.dumps(document)) == document
    assert document["rename"] == {"from": "demopkg.py", "to": "demopkg_experiments.py"}
    assert document["edits"][0].keys() == {"path", "start_line", "start_column", "end_line", "end_column", "replacement"}


def test_package_rename_ends_in_a_slash(tmp_path):
    root = make_tree(tmp_path, {"demopkg/__init__.py": "", "demopkg/a.py": ""})
    fix = fix_from_plan(plan_on(root, "demopkg", "demopkg/__init__.py"), tmp_path)
    assert fix.rename == ("demopkg/", "demopkg_experiments/") and fix.edits == ()


def test_sarif_fix_validates_in_a_real_report(tmp_path, target_venv, monkeypatch):
    import jsonschema

    root = make_tree(tmp_path, TREE)
    monkeypatch.chdir(root)
    report = run_check(Settings(python=target_venv.python), root)
    document = sarif.document(report)
    # Where the SARIF reporter will call it: per result, with its own artifact locations.
    locator = sarif._Locator(report)
    fix = fix_from_plan(plan_on(root, "demopkg", "demopkg.py"), root)
    sarif_fix = fix_to_sarif(fix, locator.artifact)
    document["runs"][0]["columnKind"] = SARIF_COLUMN_KIND
    document["runs"][0]["results"][0]["fixes"] = [sarif_fix]
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    changes = {c["artifactLocation"]["uri"]: c["replacements"] for c in sarif_fix["artifactChanges"]}
    assert set(changes) == {"train.py", "nb.ipynb"}
    assert {"deletedRegion": {"startLine": 2, "startColumn": 13, "endLine": 2, "endColumn": 13}, "insertedContent": {"text": "_experiments"}} in changes["train.py"]
    assert sarif_fix["properties"]["rename"] == {"from": "demopkg.py", "to": "demopkg_experiments.py"}


def test_a_rename_alone_has_no_sarif_fix(tmp_path):
    root = make_tree(tmp_path, {"demopkg.py": ""})
    assert fix_to_sarif(fix_from_plan(plan_on(root, "demopkg", "demopkg.py"), root), lambda p: {"uri": p}) is None


@pytest.mark.parametrize(
    ("module", "kind", "taken", "existing", "expected"),
    [
        pytest.param("keras", "third-party", set(), [], "keras_experiments", id="third-party"),
        pytest.param("random", "stdlib", set(), [], "random_utils", id="stdlib"),
        pytest.param("keras", "third-party", {"keras_experiments"}, [], "keras_local", id="first-choice-installed"),
        pytest.param("keras", "third-party", set(), ["keras_experiments.py"], "keras_local", id="first-choice-is-a-file"),
        pytest.param("keras", "third-party", set(), ["Keras_Experiments", "keras_local.cpython-311-x86_64-linux-gnu.so"], "keras_local2", id="folded-case-and-extensions"),
        pytest.param("jaraco.functools", "third-party", {"jaraco.functools_experiments"}, [], "functools_local", id="namespace-module"),
    ],
)
def test_suggest_name(tmp_path, module, kind, taken, existing, expected):
    make_tree(tmp_path, {name: "" for name in existing})
    assert suggest_name(module, kind, taken, tmp_path) == expected


@pytest.mark.parametrize("budget, planned", [(10_000, True), (100, False)], ids=["within-budget", "over-budget"])
def test_fixes_past_the_planning_budget_are_left_out_and_said(tmp_path, target_venv, monkeypatch, budget, planned):
    # TREE's importers (train.py, odd.py, nb.ipynb) hold about 300 bytes.
    import shadowcheck.check

    monkeypatch.setattr(shadowcheck.check, "FIX_PLANNING_BUDGET", budget)
    root = make_tree(tmp_path, TREE)
    monkeypatch.chdir(root)
    report = run_check(Settings(python=target_venv.python, fixes=True), root)
    assert [f.fix is not None for f in report.findings] == [planned]
    unplanned = [n.message for n in report.notes if n.message.startswith("fixes not planned")]
    assert bool(unplanned) is not planned
