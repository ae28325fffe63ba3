"""Doctor's rules against real environments: each rule's own examples (generated tests), and
each prediction against the real thing: `pip check`, the files `import` loads, real Keras."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import create_venv, make_tree, pip_install
from doctor_envs import all_examples
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from wheels import build_wheel

from shadowcheck.doctor.run import DoctorSettings, run_doctor
from shadowcheck.ftypes import Finding
from shadowcheck.rules import ENVIRONMENT_RULES, EnvironmentExample
from shadowcheck.rules.sc301 import FULL, HEADLESS
from shadowcheck.rules.sc302 import BrokenRequirement


def doctor(python: str, root: Path, home: Path, codes=None, environ=None, all_distributions=False):
    """run_doctor on ``python`` with only ``environ`` (HOME empty: no user keras.json)."""
    settings = DoctorSettings(
        root=root,
        python=python,
        select=None if codes is None else frozenset(codes),
        all_distributions=all_distributions,
        environ={"HOME": str(home), **(environ or {})},
    )
    return run_doctor(settings, cwd=root)


def run_example(code: str, example: EnvironmentExample, venv, tmp_path: Path) -> list[Finding]:
    project = make_tree(tmp_path / "project", example.project or {"README.md": ""})
    home = tmp_path / "home"
    home.mkdir()
    report = doctor(venv.python, project, home, {code}, example.environ, example.all_distributions)
    assert not report.problems, report.problems
    return list(report.findings)


# --- the rules' own examples -----------------------------------------------------------------


def test_every_environment_rule_documents_itself_and_has_examples():
    for rule in ENVIRONMENT_RULES:
        assert re.fullmatch(r"SC3\d\d", rule.code) and re.fullmatch(r"[a-z-]+", rule.name)
        for attribute in ("summary", "description", "why", "example", "fix"):
            assert getattr(rule, attribute).strip(), f"{rule.code} has no {attribute}"
        assert rule.invalid and rule.valid, f"{rule.code} needs examples of both kinds"


@pytest.mark.parametrize(
    "code, example", [pytest.param(code, example, id=f"{code}-{example.id}") for code, example in all_examples()]
)
def test_rule_example(code, example, doctor_venvs, tmp_path):
    findings = run_example(code, example, doctor_venvs(example), tmp_path)
    assert sorted((f.module, str(f.severity)) for f in findings) == sorted(example.expected)
    assert all(f.code == code and f.message and f.help for f in findings)


# --- SC301: which provider's files are on disk, as `import` finds them --------------------------


def test_duplicate_provider_names_the_copy_python_imports(tmp_path):
    wheels = {w.name: build_wheel(tmp_path / "wheels", w.name, w.version, w.files) for w in (FULL, HEADLESS)}
    builds = {"gui": f"{FULL.name} {FULL.version}", "headless": f"{HEADLESS.name} {HEADLESS.version}"}
    venv = create_venv(tmp_path / "venv", [wheels[FULL.name]])
    project = make_tree(tmp_path / "project", {"app.py": "import cv2\n"})
    (tmp_path / "home").mkdir()
    seen = []
    # The opencv trap: headless installed over the full build; then the full build reinstalled.
    for install in ([HEADLESS.name], ["--force-reinstall", FULL.name]):
        pip_install(venv, [wheels.get(arg, arg) for arg in install])
        imported = subprocess.run(
            [venv.python, "-c", "import cv2; print(cv2.BUILD)"], capture_output=True, text=True, check=True
        ).stdout.strip()
        seen.append(imported)
        report = doctor(venv.python, project, tmp_path / "home", {"SC301", "SC307"}, all_distributions=True)
        (finding,) = report.findings  # SC307 leaves the overwritten file to SC301
        assert (finding.code, finding.module) == ("SC301", "cv2")
        assert finding.message.endswith(f"{builds[imported]}'s are on disk now"), finding.message
        assert finding.evidence == (
            f"1 file installed by more than one of them with different contents; on disk: 1 {builds[imported]}'s",
        )
        assert {name for name, _ in finding.distributions} == {FULL.name, HEADLESS.name}
    assert seen == ["headless", "gui"]


# --- SC302 says what `pip check` says ----------------------------------------------------------

PIP_MISSING = re.compile(r"^(\S+) (\S+) requires (\S+), which is not installed\.$")
PIP_CONFLICT = re.compile(r"^(\S+) (\S+) has requirement (.+), but you have (\S+) (\S+)\.$")


def pip_check(python: str) -> set[tuple[str, str, str]]:
    """(requirer, required, missing|conflict) for each line `pip check` prints in that venv."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "--isolated", "--disable-pip-version-check", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = set()
    for line in result.stdout.splitlines():
        if missing := PIP_MISSING.match(line):
            found.add((canonicalize_name(missing[1]), canonicalize_name(missing[3]), "missing"))
        elif conflict := PIP_CONFLICT.match(line):
            found.add((canonicalize_name(conflict[1]), canonicalize_name(Requirement(conflict[3]).name), "conflict"))
        else:
            assert line == "No broken requirements found.", f"pip check said something SC302 does not model: {line}"
    assert result.returncode == (1 if found else 0)
    return found


def _sc302(findings: list[Finding]) -> set[tuple[str, str, str]]:
    found = set()
    for finding in findings:
        requirement = next(e for e in finding.evidence if e.startswith("requirement: ")).partition(": ")[2]
        kind = "conflict" if len(finding.distributions) == 2 else "missing"
        found.add((canonicalize_name(finding.module), canonicalize_name(Requirement(requirement).name), kind))
    return found


@pytest.mark.parametrize(
    "example", [pytest.param(e, id=e.id) for e in (*BrokenRequirement.valid, *BrokenRequirement.invalid)]
)
def test_broken_requirement_agrees_with_pip_check(example, doctor_venvs, tmp_path):
    venv = doctor_venvs(example)
    findings = run_example("SC302", example, venv, tmp_path)
    assert _sc302(findings) == pip_check(venv.python)


# --- SC306 predicts what `import keras` does, with the real Keras -----------------------------

HAS_KERAS_AND_TORCH = all(importlib.util.find_spec(name) is not None for name in ("keras", "torch"))
HAS_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None


@pytest.mark.slow
@pytest.mark.skipif(not HAS_KERAS_AND_TORCH or HAS_TENSORFLOW, reason="needs keras and torch, without tensorflow (the cnn extra)")
@pytest.mark.parametrize(
    "environ, keras_json",
    [
        pytest.param({}, None, id="default-backend-not-installed"),
        pytest.param({}, {"backend": "torch"}, id="keras-json-names-torch"),
        pytest.param({"KERAS_BACKEND": "pytorch"}, None, id="not-a-backend"),
    ],
)
def test_backend_predicts_import_keras(environ, keras_json, tmp_path):
    home = tmp_path / "home"
    if keras_json is not None:
        make_tree(home, {".keras/keras.json": json.dumps(keras_json)})
    else:
        home.mkdir()
    project = make_tree(tmp_path / "project", {"README.md": ""})
    report = doctor(sys.executable, project, home, {"SC306"}, environ)
    real = subprocess.run(
        [sys.executable, "-c", "import keras"], cwd=project, env={"HOME": str(home), **environ},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if real.returncode == 0:
        assert report.findings == ()
    else:
        (finding,) = report.findings
        last_line = real.stderr.strip().splitlines()[-1]
        assert last_line in finding.message, (last_line, finding.message)
