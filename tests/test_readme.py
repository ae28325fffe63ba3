"""The README's promises that code can check: the rule table and the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from shadowcheck.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_the_rules():
    rows = re.findall(r"^\| (SC\d+) \| ([a-z-]+) \| (.+) \|$", README, re.MULTILINE)
    assert rows == [(r.code, r.name, r.summary) for r in ALL_RULES]


def test_ci_runs_the_readme_test_command():
    setup = README.split("## Set-up", 1)[1].split("```", 2)[1].strip().splitlines()
    assert len(setup) == 2, setup
    install, test_command = setup
    assert "shadowcheck ." in install
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
