"""`shadowcheck verify`: the command line, its output, its errors, and the reference script."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import create_venv, make_tree
from shadowcheck.verify import REFERENCE_SCRIPT


@pytest.fixture
def run(cli):
    """`shadowcheck verify ARGS` in ``cwd``, PYTHONPATH unset; (status, out, err)."""

    def run_in(cwd: Path, *args: str) -> tuple[int, str, str]:
        result = cli("verify", *args, cwd=cwd, env={"PYTHONPATH": None})
        return result.status, result.out, result.err

    return run_in


@pytest.fixture
def verify_json(run):
    def run_json(cwd: Path, *args: str) -> tuple[int, dict]:
        code, out, err = run(cwd, "--format", "json", *args)
        assert code in (0, 1), err
        return code, json.loads(out)

    return run_json


# --- against the demo venv -----------------------------------------------------------------


def test_clean_script_is_ok(verify_json, tmp_path, target_venv):
    make_tree(tmp_path, {"train.py": "import demopkg.models\nimport demosingle\nimport json\n"})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 0
    assert [(i["module"], i["status"], i["kind"]) for i in document["imports"]] == [
        ("demopkg.models", "ok", "site-packages"),
        ("demosingle", "ok", "site-packages"),
        ("json", "ok", "stdlib"),
    ]
    assert document["sys_path"][0] == str(tmp_path.resolve())


def test_shadowed_import_has_the_documented_shape(verify_json, tmp_path, target_venv):
    make_tree(tmp_path, {"demopkg.py": "", "train.py": "import json\nfrom demopkg.models import Sequential\n"})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1
    first = document["imports"][0]
    assert first == {
        "module": "demopkg.models",
        "path": "train.py",
        "line": 2,
        "status": "shadowed",
        "origin": str(tmp_path.resolve() / "demopkg.py"),
        "kind": "project",
        "statement": "from demopkg.models import Sequential",
        "severity": "error",
        "shadows": {
            "module": "demopkg",
            "kind": "third-party",
            "origin": str(target_venv.site_packages / "demopkg" / "__init__.py"),
            "distributions": [{"name": "demo-pkg", "version": "1.0"}],
        },
        "predicted_error": "ModuleNotFoundError: No module named 'demopkg.models'; 'demopkg' is not a package",
        "fix": "rename demopkg.py (e.g. to demopkg_experiments.py) so that 'demopkg' imports demo-pkg 1.0",
        "code": "SC101",
        "via": [],
        "guarded": False,
        "required_by": [],
    }
    assert document["imports"][1]["status"] == "ok"  # failing ones first


def test_scan_names_installed_importers_from_requires_dist(verify_json, tmp_path, target_venv):
    # demo-pkg declares Requires-Dist: demo-single, so demo-pkg imports the shadow.
    make_tree(tmp_path, {"demosingle.py": "", "train.py": "import demopkg\n"})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1
    scanned = [i for i in document["imports"] if i["line"] is None]
    assert [(i["module"], i["status"], i["path"]) for i in scanned] == [("demosingle", "shadowed", "demosingle.py")]
    assert scanned[0]["required_by"] == [{"name": "demo-pkg", "version": "1.0"}]


def test_transitive_local_imports_are_followed(verify_json, tmp_path, target_venv):
    make_tree(tmp_path, {"models.py": "import demons.functools\nimport nothere_xyz\n", "train.py": "import models\n"})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1
    found = {(i["path"], i["line"], i["module"]): i["status"] for i in document["imports"]}
    assert found == {
        ("train.py", 1, "models"): "ok",
        ("models.py", 1, "demons.functools"): "ok",
        ("models.py", 2, "nothere_xyz"): "missing",
    }


def test_guarded_missing_import_is_a_warning(verify_json, tmp_path, target_venv):
    source = "try:\n    import cv2\nexcept ImportError:\n    cv2 = None\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sklearn\n"
    make_tree(tmp_path, {"train.py": source})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 0
    cv2 = document["imports"][0]
    assert (cv2["module"], cv2["status"], cv2["severity"]) == ("cv2", "missing", "warning")
    assert "opencv-python" in cv2["fix"]
    assert "sklearn" not in {i["module"] for i in document["imports"]}


def test_missing_import_names_the_distribution(run, tmp_path, target_venv):
    make_tree(tmp_path, {"train.py": "import sklearn\n"})
    code, out, _ = run(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1
    assert out.splitlines()[:3] == [
        "missing sklearn",
        "    train.py:1 `import sklearn` will fail: ModuleNotFoundError: No module named 'sklearn'",
        f"    fix: install scikit-learn: `{target_venv.python} -m pip install scikit-learn`",
    ]


@pytest.mark.parametrize("made_by_uv", [True, False], ids=["uv-environment", "pip-environment"])
def test_missing_import_gets_the_environments_install_command(run, tmp_path, made_by_uv):
    # An environment uv made usually has no pip: its command is uv's.
    venv = create_venv(tmp_path / "venv")
    if made_by_uv:
        with open(venv.path / "pyvenv.cfg", "a", encoding="utf-8") as config:
            config.write("uv = 0.13.9\n")
    project = make_tree(tmp_path / "project", {"train.py": "import tqdm\n"})
    code, out, _ = run(project, "train.py", "--python", venv.python)
    command = f"uv pip install --python {venv.python} tqdm" if made_by_uv else f"{venv.python} -m pip install tqdm"
    assert code == 1
    assert f"    fix: install tqdm: `{command}`" in out.splitlines()


def test_python_m_resolves_relative_imports(verify_json, tmp_path, target_venv):
    make_tree(tmp_path, {"pkg/__init__.py": "", "pkg/run.py": "from . import util\nfrom .util import x\n", "pkg/util.py": ""})
    code, document = verify_json(tmp_path, "-m", "pkg.run", "--python", target_venv.python)
    assert code == 0
    assert [i["module"] for i in document["imports"]] == ["pkg", "pkg.util"]


def test_relative_import_in_a_script_fails(verify_json, tmp_path, target_venv):
    make_tree(tmp_path, {"train.py": "from . import util\n"})
    code, document = verify_json(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1
    assert document["imports"][0]["predicted_error"] == (
        "ImportError: attempted relative import with no known parent package"
    )


def test_pythonpath_and_safe_path(cli, tmp_path, target_venv):
    make_tree(tmp_path, {"lib/demosingle.py": "", "app/demopkg.py": "", "app/train.py": "import demosingle\nimport demopkg\n"})
    args = ("app/train.py", "--python", target_venv.python, "--format", "json", "--output-file", "out.json")
    assert cli("verify", *args, cwd=tmp_path, env={"PYTHONPATH": "lib"}).status == 1
    statuses = {i["module"]: i["status"] for i in json.loads((tmp_path / "out.json").read_text())["imports"]}
    assert statuses == {"demosingle": "shadowed", "demopkg": "shadowed"}
    assert cli("verify", "-P", *args, env={"PYTHONPATH": None}).status == 0


@pytest.mark.parametrize(
    "files, args, message",
    [
        pytest.param({}, ["nope.py"], "nope.py: no such file", id="missing-script"),
        pytest.param({"t.py": "import (\n"}, ["t.py"], "t.py:", id="syntax-error"),
        pytest.param({"t.py": "import m\n", "m.py": "def (:\n"}, ["t.py"], "m.py:1: syntax error", id="syntax-error-in-local-module"),
        pytest.param({"t.py": b"# coding: nope\n"}, ["t.py"], "cannot decode", id="undecodable"),
        pytest.param({}, ["-m", "nothere_xyz"], "No module named nothere_xyz", id="missing-module"),
        pytest.param({}, ["-m", ""], "No module named ", id="empty-module-name"),
        pytest.param({}, ["-m", ".x"], "Relative module names not supported", id="relative-module-name"),
        pytest.param(
            {"pkg/__init__.py": ""}, ["-m", "pkg"],
            "No module named pkg.__main__; 'pkg' is a package and cannot be directly executed", id="package-without-main",
        ),
        pytest.param({"app/x.py": ""}, ["app"], "can't find '__main__' module", id="directory-without-main"),
    ],
)
def test_errors_are_one_line_and_exit_2(run, tmp_path, target_venv, files, args, message):
    make_tree(tmp_path, files)
    code, out, err = run(tmp_path, *args, "--python", target_venv.python)
    assert code == 2
    assert err.startswith("shadowcheck: error:") and message in err and err.count("\n") == 1


def test_directory_runs_its_main_and_import_main_is_the_script(verify_json, tmp_path, target_venv):
    # `python app` runs app/__main__.py with app/ first on sys.path; `import __main__` is that file.
    make_tree(tmp_path, {"app/__main__.py": "import __main__\nimport helper\n", "app/helper.py": ""})
    code, report = verify_json(tmp_path, "app", "--python", target_venv.python)
    assert code == 0
    statuses = {(i["module"], i["status"], i["kind"]) for i in report["imports"]}
    assert statuses == {("__main__", "ok", "project"), ("helper", "ok", "project")}
    real = subprocess.run([target_venv.python, "app"], cwd=tmp_path, capture_output=True, text=True)
    assert real.returncode == 0, real.stderr


@pytest.mark.parametrize(
    "args",
    [pytest.param([], id="none"), pytest.param(["t.py", "-m", "x"], id="script-and-module"), pytest.param(["t.py", "--reference"], id="script-and-reference")],
)
def test_usage_errors(run, tmp_path, args):
    code, _, err = run(tmp_path, *args)
    assert code == 2 and "exactly one of SCRIPT, -m MODULE or --reference" in err


# --- the reference script against the real keras -------------------------------------------

_MISSING = [name for name in ("keras", "sklearn", "torch") if importlib.util.find_spec(name) is None]
needs_ml = pytest.mark.skipif(
    bool(_MISSING), reason=f"the reference script's imports need {', '.join(_MISSING)} in {sys.executable}"
)


def _last_error_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


@needs_ml
def test_reference_in_a_clean_directory_is_ok(verify_json, tmp_path):
    code, document = verify_json(tmp_path, "--reference", "--python", sys.executable)
    assert code == 0
    assert {i["status"] for i in document["imports"]} == {"ok"}
    assert {"keras", "numpy", "keras.models", "sklearn.datasets"} <= {i["module"] for i in document["imports"]}


@needs_ml
def test_reference_beside_keras_py_predicts_the_real_error(verify_json, tmp_path):
    make_tree(tmp_path, {"keras.py": ""})
    code, document = verify_json(tmp_path, "--reference", "--python", sys.executable)
    assert code == 1
    keras = [i for i in document["imports"] if i["module"].split(".")[0] == "keras"]
    assert keras and {i["status"] for i in keras} == {"shadowed"}
    # Python stops at the first import that fails; the AttributeError predicted for
    # `import keras` comes later, when build_model() reads keras.Input.
    at_import = [i for i in keras if (i["predicted_error"] or "").startswith(("ImportError", "ModuleNotFoundError"))]
    first = min(at_import, key=lambda i: i["line"])
    shutil.copy(REFERENCE_SCRIPT, tmp_path / "cnn_train.py")
    result = subprocess.run([sys.executable, "cnn_train.py", "--epochs", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert _last_error_line(result) == first["predicted_error"]


@needs_ml
def test_reference_beside_torch_py_names_the_import_whose_chain_meets_it(verify_json, tmp_path):
    # keras's own imports reach `torch` (its torch tree implementation), and get the project's
    # torch.py: `import keras` is not ok, and verify says how it gets there.
    make_tree(tmp_path, {"torch.py": ""})
    code, document = verify_json(tmp_path, "--reference", "--python", sys.executable)
    assert code == 1
    failing = [i for i in document["imports"] if i["status"] != "ok"]
    (scanned,) = [i for i in failing if i["line"] is None]
    assert (scanned["module"], scanned["path"], scanned["kind"]) == ("torch", "torch.py", "project")
    # keras 3 does not list torch in Requires-Dist, so metadata names no installed importer.
    assert scanned["required_by"] == []
    first = min((i for i in failing if i["line"] is not None), key=lambda i: i["line"])
    assert (first["module"], first["status"]) == ("keras", "imports-shadow")
    shutil.copy(REFERENCE_SCRIPT, tmp_path / "cnn_train.py")
    result = subprocess.run([sys.executable, "cnn_train.py", "--epochs", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert _last_error_line(result) == first["predicted_error"]


def test_broken_distribution_metadata_is_reported_and_exits_2(run, tmp_path):
    from conftest import create_venv

    venv = create_venv(tmp_path / "venv")
    broken = venv.site_packages / "broken-1.0.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.1\nVersion: 1.0\n")  # no Name
    make_tree(tmp_path / "project", {"t.py": "import os\n"})
    code, out, err = run(tmp_path / "project", "t.py", "--python", venv.python)
    assert code == 2
    assert "broken-1.0.dist-info" in err and err.startswith("shadowcheck: error:") and "Traceback" not in err


def test_an_unparsable_module_costs_only_itself(run, tmp_path, target_venv):
    # The target's Python rejects m.py too: one error line and exit 2, yet the script's other
    # imports are still predicted, and m.py's own imports (read by tokens) still count.
    make_tree(tmp_path, {"t.py": "import m\nimport demopkg.models\n", "m.py": "import demosingle\ndef (:\n", "demopkg.py": "", "demosingle.py": ""})
    code, out, err = run(tmp_path, "t.py", "--format", "json", "--python", target_venv.python)
    assert code == 2 and err.count("\n") == 1 and err.startswith("shadowcheck: error: m.py:2: syntax error: invalid syntax"), err
    document = json.loads(out)
    assert document["problems"] == [{"path": "m.py", "line": 2, "message": document["problems"][0]["message"]}]
    statuses = {(i["module"], i["status"], i["path"]) for i in document["imports"]}
    assert statuses == {("m", "ok", "t.py"), ("demopkg.models", "shadowed", "t.py"), ("demosingle", "shadowed", "m.py")}


# --- the text report ---------------------------------------------------------------------------

GROUPED = {
    "demopkg.py": "",
    "demosingle.py": "",
    "train.py": "import json\nfrom demopkg.models import Sequential\nimport demopkg\n"
    "try:\n    import nothere_xyz\nexcept ImportError:\n    pass\nimport demons.functools\n",
}


def test_text_groups_each_problem_module_and_summarises_the_rest(run, tmp_path, target_venv):
    make_tree(tmp_path, GROUPED)
    code, out, err = run(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[:13] == [
        "shadowed demopkg -> demopkg.py (project) [SC101]",
        "    hides: 'demopkg' from demo-pkg 1.0 (…/site-packages/demopkg/__init__.py)",
        "    train.py:2 `from demopkg.models import Sequential` will fail: ModuleNotFoundError: "
        "No module named 'demopkg.models'; 'demopkg' is not a package",
        "    train.py:3 `import demopkg` imports demopkg.py instead",
        "    fix: rename demopkg.py (e.g. to demopkg_experiments.py) so that 'demopkg' imports demo-pkg 1.0",
        "shadowed demosingle -> demosingle.py (project) [SC101]",
        "    hides: 'demosingle' from demo-single 2.0 (…/site-packages/demosingle.py)",
        "    imported by: demo-pkg 1.0 (their Requires-Dist), and any other import of it in this run",
        "    fix: rename demosingle.py (e.g. to demosingle_experiments.py) so that 'demosingle' imports demo-single 2.0",
        "missing (guarded) nothere_xyz",
        "    train.py:5 `import nothere_xyz` is guarded: ModuleNotFoundError: No module named 'nothere_xyz' "
        "is caught and the script goes on",
        "    fix: install the distribution that provides `nothere_xyz` (shadowcheck's table does not list one, and a "
        "distribution's name often differs from its import name)",
        "ok: 2 imports resolve as intended (json, demons.functools); --show-ok lists them",
    ]
    assert lines[13].startswith("3 of 6 imports will fail running train.py with ")
    assert lines[13].endswith("1 guarded import missing: the script goes on without it.")
    assert len(lines) == 14
    # A guarded import never "will fail": the script catches it and goes on.
    assert not [line for line in lines if "nothere_xyz" in line and "will fail" in line]


def test_show_ok_lists_every_import_that_is_fine(run, tmp_path, target_venv):
    make_tree(tmp_path, GROUPED)
    _, out, _ = run(tmp_path, "train.py", "--python", target_venv.python, "--show-ok")
    lines = out.splitlines()
    start = lines.index("ok: 2 imports resolve as intended:")
    assert lines[start + 1].startswith("    train.py:1 json -> ") and lines[start + 1].endswith("/json/__init__.py (stdlib)")
    assert lines[start + 2] == "    train.py:8 demons.functools -> namespace package (site-packages)"


def test_a_clean_run_is_two_lines(run, tmp_path, target_venv):
    make_tree(tmp_path, {"train.py": "import json\nimport demopkg.models\n"})
    code, out, _ = run(tmp_path, "train.py", "--python", target_venv.python)
    assert code == 0
    first, last = out.splitlines()
    assert first == "ok: 2 imports resolve as intended (json, demopkg.models); --show-ok lists them"
    assert last.startswith("All 2 imports of train.py resolve as intended with ")
