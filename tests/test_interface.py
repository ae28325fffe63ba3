"""The command line's surface: help, version, mistyped commands, usage errors, `rule`,
`--statistics`, and exit statuses that mean one thing."""

from __future__ import annotations

import pytest
from conftest import make_tree

from shadowcheck import __version__
from shadowcheck.reporters import rule_doc
from shadowcheck.rules import ALL_RULES

EVERY_RULE = ALL_RULES  # `shadowcheck rule` explains check's and doctor's

KERAS_LIKE = {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n"}
WARNING_ONLY = {"fractions.py": "", "train.py": "import demopkg\n"}  # nothing imports fractions


# --- help and version ------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(cli, flag):
    result = cli(flag)
    assert result.status == 0 and result.out == f"shadowcheck, version {__version__}\n"


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("check", "--help"), ("verify", "--help")], ids=" ".join)
def test_help_states_exit_statuses_and_the_interpreter_order(cli, args):
    result = cli(*args)
    assert result.status == 0
    flat = " ".join(result.out.split())
    for status in ("0 nothing found", "1 findings", "2 a problem", "130 interrupted", "143 terminated"):
        assert status in flat, status
    order = ["--python or $SHADOWCHECK_PYTHON", "`python` in [tool.shadowcheck]", "$VIRTUAL_ENV", ".venv/ or venv/",
             "$CONDA_PREFIX", "the interpreter running shadowcheck"]  # fmt: skip
    positions = [flat.index(step) for step in order]
    assert positions == sorted(positions)


def test_help_lists_each_command_in_full(cli):
    flat = " ".join(cli("--help").out.split())
    from shadowcheck.cli import cli as group

    for name, command in group.commands.items():
        assert f"{name} {' '.join(command.short_help.split())}" in flat, name  # never cut short


# --- mistakes: one line, exit 2 --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, meant",
    [("chek", "check"), ("verfy", "verify"), ("rules", "rule")],
)
def test_a_mistyped_command_suggests_the_command(cli, tmp_path, typed, meant):
    cli(typed, ".", cwd=tmp_path).error_line(f"'{typed}'", f"did you mean '{meant}'?")


def test_a_directory_named_like_a_mistyped_command_is_checked(cli, tmp_path, target_venv):
    make_tree(tmp_path, {"chek/fractions.py": ""})
    result = cli("chek", "--python", target_venv.python, cwd=tmp_path)
    assert result.status == 1 and "chek/fractions.py" in result.out


def test_a_missing_path_that_is_no_command_says_so(cli, tmp_path, target_venv):
    cli("nowhere", "--python", target_venv.python, cwd=tmp_path).error_line("nowhere: no such file or directory")


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("--frob",), ("No such option", "--frob", "(see 'shadowcheck check --help')")),
        (("--output-format", "xml"), ("'xml' is not one of",)),
        (("--fail-on", "never"), ("'never' is not one of",)),
        (("--ignore", "SC1"), ("unknown rule code 'SC1'; known codes: SC101, SC102",)),
        (("--statistics", "--output-format", "sarif"), ("--statistics writes concise, json, text, not sarif",)),
        (("verify",), ("give exactly one of SCRIPT, -m MODULE or --reference", "(see 'shadowcheck verify --help')")),
        (("verify", "--frob"), ("No such option",)),
        (("rule",), ("give a rule code or --all",)),
        (("rule", "SC999"), ("unknown rule 'SC999'; known: SC101, SC102",)),
    ],
    ids=["unknown-option", "unknown-format", "unknown-fail-on", "unknown-code", "statistics-format",
         "verify-nothing", "verify-unknown-option", "rule-nothing", "rule-unknown"],
)  # fmt: skip
def test_usage_errors_take_one_line(cli, tmp_path, args, fragments):
    cli(*args, cwd=tmp_path).error_line(*fragments)


# --- rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", EVERY_RULE, ids=lambda r: r.code)
@pytest.mark.parametrize("spelling", ["code", "lower-code", "name"])
def test_rule_prints_the_rules_documentation(cli, rule, spelling):
    asked = {"code": rule.code, "lower-code": rule.code.lower(), "name": rule.name}[spelling]
    result = cli("rule", asked)
    assert result.status == 0
    assert result.out == rule_doc.markdown(rule)
    headings = [line for line in result.out.splitlines() if line.startswith("#")]
    assert headings == [f"# {rule.code} {rule.name}", "## What it does", "## Why is this bad?", "## Example", "## How to fix"]
    for text in (rule.summary, rule.description, rule.why, rule.example, rule.fix):
        assert text and text in result.out


def test_rule_all_prints_every_rule_in_code_order(cli):
    result = cli("rule", "--all")
    assert result.status == 0
    assert result.out == "\n".join(rule_doc.markdown(rule) for rule in EVERY_RULE)


# --- statistics ------------------------------------------------------------------------------


def test_statistics_count_each_rule(cli, tmp_path, target_venv):
    project = make_tree(tmp_path, {**KERAS_LIKE, "demosingle.py": "", "fractions.py": "", "queue.py": "", "token.py": ""})
    result = cli("--statistics", "--python", target_venv.python, cwd=project)
    assert result.status == 1
    lines = result.out.splitlines()
    assert lines[:2] == ["3\tSC102\tshadows-stdlib-module", "2\tSC101\tshadows-installed-package"]
    assert lines[2].startswith("Found 5 problems (1 error, 4 warnings)") and len(lines) == 3
    document = cli("--statistics", "--output-format", "json", "--python", target_venv.python, cwd=project).json()
    assert document == [
        {"code": "SC102", "name": "shadows-stdlib-module", "count": 3},
        {"code": "SC101", "name": "shadows-installed-package", "count": 2},
    ]


def test_statistics_of_a_clean_tree(cli, tmp_path, target_venv):
    result = cli("--statistics", "--python", target_venv.python, cwd=make_tree(tmp_path, {"train.py": ""}))
    assert result.status == 0 and result.out.startswith("All checks passed")


# --- exit statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tree, args, status",
    [
        ({"train.py": ""}, (), 0),
        (KERAS_LIKE, (), 1),
        (WARNING_ONLY, (), 1),
        (WARNING_ONLY, ("--fail-on", "error"), 0),
        (KERAS_LIKE, ("--fail-on", "error"), 1),
        (KERAS_LIKE, ("--exit-zero",), 0),
        ({**KERAS_LIKE, "broken.py": b"import demopkg\nname = '\xff\xfe'\n"}, (), 2),
        ({**KERAS_LIKE, "broken.py": b"import demopkg\nname = '\xff\xfe'\n"}, ("--exit-zero",), 2),
        ({**KERAS_LIKE, "broken.py": "import demopkg\ndef (:\n"}, (), 2),
        ({**KERAS_LIKE, "broken.py": "import demopkg\ndef (:\n"}, ("--exit-zero",), 2),
    ],
    ids=["clean", "error", "warning", "warning-fail-on-error", "error-fail-on-error", "exit-zero",
         "problem-beats-findings", "problem-beats-exit-zero", "syntax-error-beats-findings", "syntax-error-beats-exit-zero"],
)  # fmt: skip
def test_exit_status_means_one_thing(cli, tmp_path, target_venv, tree, args, status):
    result = cli(*args, "--python", target_venv.python, cwd=make_tree(tmp_path, tree))
    assert result.status == status, result.err
    if status == 2:
        assert "SC101" in result.out  # the findings are still printed
        assert result.err.splitlines() == [line for line in result.err.splitlines() if line.startswith("shadowcheck: error: ")]


@pytest.mark.parametrize(
    "source, args, status",
    [
        ("import json\n", (), 0),
        ("import nothere_xyz\n", (), 1),
        ("try:\n    import nothere_xyz\nexcept ImportError:\n    pass\n", (), 0),
        ("try:\n    import nothere_xyz\nexcept ImportError:\n    pass\n", ("--fail-on", "warning"), 1),
    ],
    ids=["ok", "missing", "guarded-missing-runs", "guarded-missing-fail-on-warning"],
)
def test_verify_fails_on_what_breaks_the_run(cli, tmp_path, target_venv, source, args, status):
    result = cli("verify", "train.py", *args, "--python", target_venv.python, cwd=make_tree(tmp_path, {"train.py": source}))
    assert result.status == status, result.err
