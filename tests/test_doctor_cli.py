"""`shadowcheck doctor` as a user meets it: the summary, exit statuses, selection and
configuration, the JSON document against its schema, the probe's details, and --train."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import Interpreter, make_tree

from shadowcheck.cli import main
from shadowcheck.doctor.summary import environment_kind
from shadowcheck.doctor.training import BOOTSTRAP, MIN_ACCURACY
from shadowcheck.environment import load_environment, probe_cache_path
from shadowcheck.rules import ALL_RULES
from shadowcheck.rules.sc302 import BrokenRequirement

SCHEMA = json.loads((Path(__file__).parents[1] / "shadowcheck" / "schemas" / "doctor.schema.json").read_text())
HEALTHY = BrokenRequirement.valid[0]  # app and its requirements, all met


@pytest.fixture
def doctor(monkeypatch, capsys, tmp_path):
    """Run `shadowcheck doctor ARGS` in-process from ``directory``; (status, out, err)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no user keras.json
    for name in ("KERAS_BACKEND", "TF_USE_LEGACY_KERAS", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)

    def run(directory: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(directory)
        capsys.readouterr()
        status = main(["doctor", *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def healthy_project(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "project", {"train.py": "import app\n"})


# --- the report and the exit status ----------------------------------------------------------


def test_list_names_every_check_without_asking_an_interpreter(doctor, tmp_path):
    status, out, _ = doctor(tmp_path, "--list", "--python", str(tmp_path / "no-python"))
    assert status == 0
    assert out.splitlines() == [f"{r.code}  {r.name.ljust(26)}  {r.summary}" for r in ALL_RULES]


def test_healthy_environment_says_so_and_exits_0(doctor, doctor_venvs, tmp_path):
    venv = doctor_venvs(HEALTHY)
    status, out, err = doctor(healthy_project(tmp_path), "--python", venv.python)
    assert status == 0, out + err
    lines = out.splitlines()
    assert lines[0] == "Environment"
    summary = dict(line.strip().split(None, 1) for line in lines[1:] if line.startswith("  ") and "  " in line.strip())
    assert summary["version"].startswith("cpython 3.")
    assert summary["environment"].startswith(f"venv at {venv.path}")
    assert summary["KERAS_BACKEND"] == "(not set)"
    assert "SC307 hashed the files of the 1 distribution the project declares or imports" in out
    assert lines[-1] == f"Healthy: nothing wrong in 2 distributions of {venv.python} (Python {summary['version'].split()[1]})."
    assert err == ""


def test_unhealthy_environment_exits_1_with_the_findings(doctor, target_venv, tmp_path):
    # target_venv holds demo-dup-a and demo-dup-b, which both install demodup/__init__.py.
    status, out, _ = doctor(tmp_path, "--python", target_venv.python)
    assert status == 1
    assert "SC301 [error] `demodup` is installed by both demo-dup-a 1.1 and demo-dup-b 1.2" in out
    assert out.splitlines()[-1].startswith("Not healthy: 1 error, 0 warnings in 5 distributions of ")


def test_json_document_follows_its_schema(doctor, target_venv, doctor_venvs, tmp_path):
    for python, healthy in ((target_venv.python, False), (doctor_venvs(HEALTHY).python, True)):
        status, out, _ = doctor(healthy_project(tmp_path), "--python", python, "--format", "json")
        document = json.loads(out)
        jsonschema.validate(document, SCHEMA)
        assert (status, document["verdict"]["healthy"]) == ((0, True) if healthy else (1, False))
        assert document["schema_version"] == 1 and document["environment"]["python"] == python
        assert document["checks"] == [r.code for r in ALL_RULES]
        # target_venv has no `app` for the project's `import app`: SC304 says so.
        assert [f["code"] for f in document["findings"]] == ([] if healthy else ["SC301", "SC304"])


# --- selection, configuration, errors ---------------------------------------------------------


@pytest.mark.parametrize(
    "args, pyproject, reported",
    [
        pytest.param([], None, {"SC301"}, id="everything"),
        pytest.param(["--ignore", "SC301"], None, set(), id="ignore-flag"),
        pytest.param(["--select", "SC302,SC307"], None, set(), id="select-flag"),
        pytest.param([], "ignore = ['sc301']", set(), id="ignore-in-config"),
        pytest.param([], "select = ['SC101']", {"SC301"}, id="config-select-of-check-only"),
        pytest.param(["--select", "SC101"], None, set(), id="select-a-check-code"),
        pytest.param(["--select", "SC301"], "ignore = ['SC301']", set(), id="ignore-beats-select"),
    ],
)
def test_selection(doctor, target_venv, tmp_path, args, pyproject, reported):
    files = {"pyproject.toml": f"[tool.shadowcheck]\n{pyproject}\n"} if pyproject else {"README.md": ""}
    status, out, err = doctor(make_tree(tmp_path / "p", files), "--python", target_venv.python, "--format", "json", *args)
    assert {f["code"] for f in json.loads(out)["findings"]} == reported, err
    assert status == (1 if reported else 0)


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--ignore", "SC999"], "unknown rule code 'SC999'; known codes: SC101, SC102, SC301", id="unknown-code"),
        pytest.param(["nowhere"], "nowhere: not a directory", id="missing-root"),
        pytest.param(["--python", "/no/python"], "Python interpreter not found: /no/python", id="missing-python"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(doctor, target_venv, tmp_path, args, message):
    python = [] if "--python" in args else ["--python", target_venv.python]
    status, out, err = doctor(tmp_path, *args, *python)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


# --- the probe's details ---------------------------------------------------------------------

# pip vendors the packaging that pip check uses: its marker variables are the oracle.
PIP_MARKERS = "import json; from pip._vendor.packaging.markers import default_environment; print(json.dumps(default_environment()))"


def test_marker_environment_is_the_targets(target_python: Interpreter, tmp_path):
    expected = subprocess.run([target_python.path, "-c", PIP_MARKERS], capture_output=True, text=True, cwd=tmp_path, check=False)
    if expected.returncode != 0:
        pytest.skip(f"no pip in {target_python.path}")
    details = load_environment(target_python.path, "--python", use_cache=False, details=True).details
    assert dict(details.marker_environment) == json.loads(expected.stdout)
    assert environment_kind(details.prefix, details.base_prefix) == "system"


def test_details_are_asked_for_apart_and_cached_apart(doctor_venvs):
    venv = doctor_venvs(HEALTHY)
    plain = load_environment(venv.python, "--python")
    detailed = load_environment(venv.python, "--python", details=True)
    assert plain.details is None and {d.metadata_path for d in plain.distributions} == {None}
    assert {d.installer for d in detailed.distributions} == {"pip"}
    assert all(Path(d.metadata_path, "RECORD").is_file() for d in detailed.distributions)
    assert environment_kind(detailed.details.prefix, detailed.details.base_prefix) == "venv"
    assert probe_cache_path(venv.python) != probe_cache_path(venv.python, details=True)
    assert probe_cache_path(venv.python, details=True).is_file()


# --- the smoke test --------------------------------------------------------------------------


def test_the_training_run_starts_where_a_script_in_the_root_would(tmp_path):
    # Compared with the real thing: `python ROOT/probe.py`, run from ROOT.
    report = "import json, sys; print(json.dumps([sys.path, sorted(sys.modules), __name__, __file__, sys.argv]))"
    root = make_tree(tmp_path / "root", {"probe.py": report})
    elsewhere = make_tree(tmp_path / "elsewhere", {"probe.py": report})
    real = subprocess.run([sys.executable, str(root / "probe.py"), "--x"], cwd=root, capture_output=True, text=True, check=True)
    booted = subprocess.run(
        [sys.executable, "-c", BOOTSTRAP, str(root), str(elsewhere / "probe.py"), "--x"],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    real_path, real_modules, real_name, _, _ = json.loads(real.stdout)
    path, modules, name, file, argv = json.loads(booted.stdout)
    assert path == real_path and path[0] == str(root)
    assert modules == real_modules  # the bootstrap imports nothing a script would not
    assert (name, file, argv) == (real_name, str(elsewhere / "probe.py"), [str(elsewhere / "probe.py"), "--x"])


def test_training_does_not_start_when_the_references_imports_fail(doctor, doctor_venvs, tmp_path):
    # This venv has no keras, numpy or scikit-learn: verify says so before anything runs.
    status, out, _ = doctor(healthy_project(tmp_path), "--python", doctor_venvs(HEALTHY).python, "--train", "--format", "json")
    training = json.loads(out)["training"]
    assert status == 1
    assert training["status"] == "not-started" and training["seconds"] is None
    assert "verify --reference" in training["reason"]
    assert {line.split(":")[0] for line in training["blocked_by"]} >= {"keras", "numpy", "sklearn.datasets"}


CNN_MISSING = [n for n in ("keras", "sklearn", "torch") if importlib.util.find_spec(n) is None]


@pytest.mark.slow
@pytest.mark.skipif(bool(CNN_MISSING), reason=f"--train needs the cnn extra; missing: {', '.join(CNN_MISSING)}")
def test_train_reaches_the_reference_accuracy(doctor, tmp_path, monkeypatch):
    # One OpenMP thread: on a busy 2-core machine torch's spinning threads make each epoch 30
    # times slower; the accuracy (seeded) is the same.
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    codes = ",".join(r.code for r in ALL_RULES)  # only the smoke test: this interpreter's own
    status, out, err = doctor(make_tree(tmp_path / "project", {"README.md": ""}), "--python", sys.executable,
                              "--train", "--ignore", codes, "--format", "json")  # fmt: skip
    training = json.loads(out)["training"]
    assert training["status"] == "trained", training["reason"]
    assert training["accuracy"] >= MIN_ACCURACY and training["passed"]
    assert len(training["epoch_seconds"]) == training["epochs"] == 20
    assert training["root"] == str(tmp_path / "project")
    assert status == 0
    progress = [line for line in err.splitlines() if line.startswith("  epoch ")]
    assert len(progress) == 20 and progress[-1].startswith("  epoch 20/20")
