"""Tests generated from each project rule's own examples: a rule cannot exist without its proof.
(The environment rules' examples are real environments: tests/test_doctor_rules.py.)"""

from __future__ import annotations

import json

import pytest
from conftest import create_venv, make_tree
from wheels import build_wheel

from shadowcheck.cli import main
from shadowcheck.rules import PROJECT_RULES

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{'valid' if not example.expected else 'invalid'}-{example.id}")
    for rule in PROJECT_RULES
    for example in (*rule.valid, *rule.invalid)
]


@pytest.fixture(scope="session")
def example_venvs(tmp_path_factory):
    """One venv per rule, with the distributions its examples need, from real wheels."""
    venvs = {}
    for rule in PROJECT_RULES:
        wheel_dir = tmp_path_factory.mktemp(f"wheels-{rule.code}")
        wheels = [build_wheel(wheel_dir, name, "1.0", files) for name, files in rule.installed.items()]
        venvs[rule.code] = create_venv(tmp_path_factory.mktemp(f"venv-{rule.code}") / "venv", wheels)
    return venvs


def test_every_rule_has_valid_and_invalid_examples():
    for rule in PROJECT_RULES:
        assert rule.valid and rule.invalid, rule.code
        assert rule.code.startswith("SC") and rule.name and rule.summary and rule.message


@pytest.mark.parametrize("rule, example", CASES)
def test_rule_example(rule, example, tmp_path, monkeypatch, capsys, example_venvs):
    project = make_tree(tmp_path / "project", example.tree)
    monkeypatch.chdir(project)
    status = main(["--format", "json", "--select", rule.code, "--python", example_venvs[rule.code].python, "."])
    report = json.loads(capsys.readouterr().out)
    found = {(f["path"], f["module"], f["severity"]) for f in report["findings"]}
    assert found == set(example.expected)
    assert status == (1 if example.expected else 0)
