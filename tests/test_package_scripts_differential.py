"""Scripts inside a package, against the real interpreter, on generated trees.

A package folder holds modules named like the standard library or an installed distribution
(each leaves a marker when imported), a helper, and scripts with a __main__ guard that import
some of them, directly or through the helper, some with a module-level relative import. Each
script is run for real by its path: check must report in that folder exactly the modules some
runnable script's run imports from it (a script that dies at its relative import first is no
script, issue 7).
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.check import Settings, run_check

SHADOWING = ["random", "queue", "token", "string", "csv", "fractions", "demopkg", "demosingle"]
RELATIVE_FAILURE = "attempted relative import with no known parent package"


def generate(seed: int) -> tuple[dict[str, str], list[str]]:
    rng = random.Random(seed)
    chosen = rng.sample(SHADOWING, 3)
    tree = {"tools/__init__.py": ""}
    for name in chosen:
        tree[f"tools/{name}.py"] = f"import sys\nsys.stderr.write('SHADOW {name}\\n')\n"
    tree["tools/helper.py"] = f"import {rng.choice(chosen)}\n" if rng.random() < 0.7 else ""
    scripts = []
    for number in range(rng.randint(1, 3)):
        lines = [f"import {name}" for name in rng.sample([*chosen, "helper", "demopkg"], rng.randint(0, 2))]
        if rng.random() < 0.3:
            lines.insert(rng.randint(0, len(lines)), "from . import helper as relative_helper")
        body = "\n".join(lines) + "\ndef main():\n    pass\nif __name__ == '__main__':\n    main()\n"
        script = f"tools/script{number}.py"
        tree[script] = body
        scripts.append(script)
    return tree, scripts


def imported_from_the_folder(python: str, project: Path, script: str) -> set[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run([python, script], cwd=project, env=environ, capture_output=True, text=True, timeout=60)
    if run.returncode != 0 and run.stderr.strip().endswith(RELATIVE_FAILURE):
        return set()  # it cannot run as a file at all
    return {line.split()[1] for line in run.stderr.splitlines() if line.startswith("SHADOW ")}


@pytest.mark.parametrize("seed", range(40), ids=lambda s: f"seed{s}")
def test_package_scripts_match_real_runs(seed, tmp_path, target_venv, monkeypatch):
    tree, scripts = generate(seed)
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    expected = set().union(*(imported_from_the_folder(target_venv.python, project, s) for s in scripts))
    report = run_check(Settings(python=target_venv.python, use_cache=False), project)
    assert {f.module for f in report.findings if f.path.startswith("tools/")} == expected
    for finding in report.findings:
        assert finding.runs and set(finding.runs) <= set(scripts)


def test_the_generated_trees_give_findings_and_relative_imports():
    # A guard on the generator itself: shadows imported by scripts, and scripts excluded.
    trees = [generate(seed) for seed in range(40)]
    assert sum("from . import" in source for tree, _ in trees for source in tree.values()) >= 5
    assert sum(any(f"import {name}" in tree[s] for s in scripts for name in SHADOWING) for tree, scripts in trees) >= 20
