"""`shadowcheck check` loads what a check needs, and nothing that only another command needs.

A small tree's run is mostly start-up: every module imported before the first file is read is
paid on every run, the pre-commit hook's included. Each command imports its own modules when it
runs (cli.py); these tests start the real entries in a fresh interpreter and read which modules
it imported (`-X importtime` names each one), less those `python -c pass` imports anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_tree

# What `check` with a text report never needs: other commands' modules, the fix's libcst,
# the worker pool's concurrent.futures (a small tree is read in this process), and what
# those would bring.
NEVER_IN_CHECK = (
    "libcst",
    "shadowcheck.doctor",
    "shadowcheck.verify",
    "shadowcheck.explain",
    "shadowcheck.fix.command",
    "shadowcheck.fix.plan",
    "shadowcheck.reporters.sarif",
    "shadowcheck.reporters.json_",
    "concurrent.futures",
    "multiprocessing",
    "importlib.metadata",
    "zipfile",
    "email",
    "pickle",
    "socket",
    "logging",
    "configparser",
)
TREE = {
    "keras.py": "VERSION = 1\n",
    "train.py": "import os\nimport keras\n",
    "pyproject.toml": "[project]\nname = 'example'\ndependencies = ['keras']\n",
}


# Run in a fresh `python -I`: the modules imported before the entry starts, then (at exit, as
# the command's SystemExit unwinds) every module imported since, one name a line.
RECORDER = """
import atexit, sys
before, record = set(sys.modules), sys.argv.pop(1)
atexit.register(lambda: open(record, "w").write("\\n".join(sorted(set(sys.modules) - before))))
"""
ENTRIES = {
    # What `python -m shadowcheck` does (runpy, __main__.py), and the console script's body.
    "python-m": "import runpy; runpy.run_module('shadowcheck', run_name='__main__', alter_sys=True)",
    "console-script": "from shadowcheck.__main__ import console; sys.exit(console())",
}


def _imported(entry: str, arguments: list[str], cwd: Path, record: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules the entry imports to run ``arguments``, beyond what started it."""
    argv = [sys.executable, "-I", "-c", RECORDER + ENTRIES[entry], str(record), *arguments]
    run = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    return set(record.read_text().split()), run


def _loaded(prefixes: tuple[str, ...], modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["."], id="text"),
        pytest.param(["check", "--format", "concise", "."], id="concise"),
        pytest.param(["check", "--statistics", "."], id="statistics"),
    ],
)
def test_check_loads_no_other_commands_modules(entry, arguments, tmp_path):
    project = make_tree(tmp_path / "project", TREE)
    modules, run = _imported(entry, arguments, project, tmp_path / "modules.txt")
    assert run.returncode == 1, run.stderr[-2000:]  # keras.py found: the whole check ran
    assert "SC101" in run.stdout
    assert "shadowcheck.check" in modules and "shadowcheck.source.store" in modules
    assert _loaded(NEVER_IN_CHECK, modules) == []


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param(["doctor", "--list"], "shadowcheck.doctor", id="doctor-list"),
        pytest.param(["rule", "SC301"], "shadowcheck.doctor.records", id="rule-of-the-environment"),
        pytest.param(["check", "--format", "sarif", "."], "shadowcheck.reporters.sarif", id="sarif"),
        pytest.param(["check", "--select", "SC101", "."], "shadowcheck.rules.sc307", id="select-validates-every-code"),
    ],
)
def test_other_commands_load_their_own_modules(arguments, expected, tmp_path):
    # The other side of the test above: the modules each command needs do load when it runs.
    project = make_tree(tmp_path / "project", TREE)
    modules, run = _imported("python-m", arguments, project, tmp_path / "modules.txt")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert expected in modules


def test_the_registry_loaded_late_is_the_whole_registry():
    # check imports only PROJECT_RULES; the rest load on first use. Every rule lands in its list,
    # in code order, whichever way it was reached.
    from shadowcheck import rules
    from shadowcheck.rules.environment import EnvironmentRule

    assert [rule.code for rule in rules.ALL_RULES] == sorted(rule.code for rule in rules.ALL_RULES)
    assert rules.PROJECT_RULES == tuple(rule for rule in rules.ALL_RULES if rule.reads == rules.PROJECT)
    assert rules.ENVIRONMENT_RULES == tuple(rule for rule in rules.ALL_RULES if issubclass(rule, EnvironmentRule))
    assert set(rules.RULES_BY_CODE) == {rule.code for rule in rules.ALL_RULES}
    assert len(rules.ALL_RULES) == len(rules.PROJECT_RULES) + len(rules.ENVIRONMENT_RULES)


# What a warm run (every file's summary and facts in the cache, nothing changed) never needs:
# the parser's modules, which read files, and OpenSSL's hashlib, which named the cache files.
NEVER_IN_A_WARM_CHECK = (
    "shadowcheck.source.reader",
    "shadowcheck.source.ast_reader",
    "shadowcheck.source.token_reader",
    "shadowcheck.source.import_statements",
    "shadowcheck.source.blocks",
    "_hashlib",
)


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_a_warm_check_loads_no_reader(entry, tmp_path, isolated_cache):
    project = make_tree(tmp_path / "project", TREE)
    past = time.time_ns() - 10**10  # settled: the cache keeps only files changed a while ago
    for path in project.rglob("*"):
        os.utime(path, ns=(past, past))
    cold, run = _imported(entry, ["."], project, tmp_path / "cold.txt")
    assert run.returncode == 1 and "SC101" in run.stdout, run.stderr[-2000:]
    assert "shadowcheck.source.reader" in cold  # the first run read the files
    warm, run = _imported(entry, ["."], project, tmp_path / "warm.txt")
    assert run.returncode == 1 and "SC101" in run.stdout, run.stderr[-2000:]
    assert _loaded(NEVER_IN_A_WARM_CHECK, warm) == []
