"""The README's promises that code can check: the rules' documentation, the set-up commands, the
options, the JSON examples, and CI recipes that work as written."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from shadowcheck.rules import ALL_RULES, ENVIRONMENT_RULES, PROJECT_RULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_rule_table_matches_the_rules():
    rows = re.findall(r"^\| (SC\d+) \| ([a-z-]+) \| (.+) \|$", README, re.MULTILINE)
    # check's table, then doctor's.
    assert rows == [(r.code, r.name, r.summary) for r in (*PROJECT_RULES, *ENVIRONMENT_RULES)]


def test_ci_runs_the_readme_test_command():
    setup = README.split("## Set-up", 1)[1].split("```", 2)[1].strip().splitlines()
    assert len(setup) == 2, setup
    install, test_command = setup
    assert "shadowcheck ." in install
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


# --- the rules' documentation, written once ---------------------------------------------------


def test_rule_sections_are_the_rules_own_documentation():
    from shadowcheck.reporters import rule_doc

    begin = README.index("\n", README.index("<!-- rules: generated")) + 1
    end = README.index("<!-- end of rules -->")
    assert README[begin:end].strip() == "\n".join(rule_doc.markdown(rule, level=3) for rule in ALL_RULES).strip()


def _anchors(markdown: str) -> set[str]:
    from shadowcheck.reporters import rule_doc

    in_code, headings = False, []
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            headings.append(line.lstrip("#").strip())
    return {rule_doc.anchor(h) for h in headings}


def test_sarif_help_uris_point_at_readme_sections():
    from shadowcheck.reporters import rule_doc

    homepage = re.search(r'^Homepage = "(.+)"$', PYPROJECT, re.MULTILINE).group(1)
    for rule in ALL_RULES:
        base, _, anchor = rule_doc.help_uri(rule).partition("#")
        assert base == homepage and anchor in _anchors(README), rule.code


# --- usage and recipes that work as written ---------------------------------------------------


def test_every_option_in_the_usage_table_exists(cli):
    documented = set(re.findall(r"^\| `(--[a-z-]+)", README.split("## Usage", 1)[1].split("### ", 1)[0], re.MULTILINE))
    assert len(documented) > 10
    help_text = cli("check", "--help").out
    for option in documented:
        assert re.search(rf"(^|[ ,]){option}[ ,\n]", help_text, re.MULTILINE), option


def test_json_examples_match_the_schemas():
    import json

    import jsonschema
    from referencing import Registry, Resource

    schemas = {name: json.loads((ROOT / "shadowcheck" / "schemas" / f"{name}.schema.json").read_text()) for name in ("check", "verify")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    examples = re.findall(r"```json\n(.*?)```", README, re.DOTALL)
    assert len(examples) == 2
    for name, example in zip(("check", "verify"), examples):
        jsonschema.Draft202012Validator(schemas[name], registry=registry).validate(json.loads(example))


PINNED = re.compile(r"(?:rev: |shadowcheck/shadowcheck@|/shadowcheck@)([0-9a-f]{7,40})\b")


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_recipes_install_from_this_repository_pinned_to_one_commit():
    homepage = re.search(r'^Homepage = "(.+)"$', PYPROJECT, re.MULTILINE).group(1)
    assert "pip install shadowcheck" not in README and "v0.1.0" not in README  # no index, no tags
    assert re.findall(r"repo: (\S+)", README) == [homepage]
    assert set(re.findall(r"git\+(\S+?)@", README)) == {homepage}
    assert set(re.findall(r"uses: (shadowcheck/shadowcheck)@", README)) == {homepage.removeprefix("https://github.com/")}
    pinned = set(PINNED.findall(README))
    assert len(pinned) == 1 and len(next(iter(pinned))) == 40, pinned


def test_the_pinned_commit_has_what_the_recipes_use():
    """The README's commit exists here and has the hooks and the action it names: after a
    squash or a rebase, pin a commit of the new history."""
    if _git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout")
    if _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone does not have the pinned commit's history")
    (commit,) = set(PINNED.findall(README))
    assert _git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0, f"{commit} is not in this history"
    hooks = yaml.safe_load(_git("show", f"{commit}:.pre-commit-hooks.yaml").stdout)
    action = yaml.safe_load(_git("show", f"{commit}:action.yml").stdout)
    assert set(re.findall(r"- id: ([\w-]+)", README)) <= {hook["id"] for hook in hooks}
    used = README.split(f"uses: shadowcheck/shadowcheck@{commit}", 1)[1].split("\n      - ", 1)[0]
    assert set(re.findall(r"^          ([\w-]+):", used, re.MULTILINE)) <= set(action["inputs"])


def test_hook_ids_and_action_inputs_exist_now():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert set(re.findall(r"- id: ([\w-]+)", README)) == {hook["id"] for hook in hooks}
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for name in re.findall(r"`(python|path|sarif-file|args|working-directory)`", README.split("### GitHub Actions", 1)[1]):
        assert name in action["inputs"]
    assert set(action["inputs"]) <= set(re.findall(r"`([\w-]+)`", README.split("Its inputs:", 1)[1].split("\n\n", 1)[0]))
