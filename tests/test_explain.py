"""`shadowcheck explain` on real errors: each scenario's tree is run for real by every interpreter
here (3.8 to 3.13.0), in a venv holding a wheel the test builds, and what it printed on standard
error is what explain reads. The oracle is the run itself: it failed with that error, and the file
explain blames is the one the error came from (renaming it makes the same run succeed)."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
from conftest import Venv, create_venv, make_tree, python_for
from wheels import build_wheel

from shadowcheck.explain.messages import CANNOT_IMPORT, NO_ATTRIBUTE, read_message
from shadowcheck.importsystem.finders import MODULE, Spec
from shadowcheck.importsystem.predict import Predictor

VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
SCHEMA = json.loads((Path(__file__).parents[1] / "shadowcheck" / "schemas" / "explain.schema.json").read_text())
DEMOLIB = {
    "demolib/__init__.py": "def helper():\n    return 1\n",
    "demolib/models.py": "class Model:\n    pass\n",
}


@pytest.fixture(scope="session")
def explain_venvs(tmp_path_factory) -> dict[str, Venv]:
    """A venv per interpreter here, with demolib installed from a wheel; built in parallel."""
    root = tmp_path_factory.mktemp("explain")
    wheel = build_wheel(root / "wheels", "demolib", "1.0", DEMOLIB)
    found = {v: python_for(v) for v in VERSIONS}
    with ThreadPoolExecutor(3) as pool:
        futures = {v: pool.submit(create_venv, root / v, [wheel], p.path) for v, p in found.items() if p is not None}
        return {v: future.result() for v, future in futures.items()}


# (id, tree, the run: argv after python and the directory it starts in, what explain says:
#  explained?, cause, the file at fault)
SCENARIOS = [
    pytest.param(
        {"demolib.py": "", "train.py": "from demolib.models import Model\n"},
        ["train.py"], ".", (True, "shadow", "demolib.py"), id="not-a-package",
    ),
    pytest.param(
        {"demolib/__init__.py": "", "train.py": "import demolib.models\n"},
        ["train.py"], ".", (True, "shadow", "demolib/"), id="package-hides-package",
    ),
    pytest.param(
        {"demolib.py": "VERSION = 1\n", "train.py": "from demolib import helper\n"},
        ["train.py"], ".", (True, "shadow", "demolib.py"), id="cannot-import-name",
    ),
    pytest.param(
        {"demolib.py": "import demolib\ndemolib.helper()\n"},
        ["demolib.py"], ".", (True, "shadow", "demolib.py"), id="imports-itself-attribute",
    ),
    pytest.param(
        {"demolib.py": "from demolib import helper\n"},
        ["demolib.py"], ".", (True, "shadow", "demolib.py"), id="imports-itself-from",
    ),
    pytest.param(
        {"string.py": "VERSION = 1\n", "run.py": "import string\nprint(string.ascii_letters)\n"},
        ["run.py"], ".", (True, "shadow", "string.py"), id="stdlib-attribute",
    ),
    pytest.param(
        {"string.py": "", "run.py": "from string import ascii_letters\n"},
        ["run.py"], ".", (True, "shadow", "string.py"), id="stdlib-cannot-import",
    ),
    pytest.param(
        {"numbers.py": "import numbers\nprint(numbers.Number)\n"},
        ["numbers.py"], ".", (True, "shadow", "numbers.py"), id="stdlib-imports-itself",
    ),
    pytest.param(
        {"demolib.py": "", "pkg/__init__.py": "", "pkg/main.py": "import demolib.models\n"},
        ["-m", "pkg.main"], ".", (True, "shadow", "demolib.py"), id="python-m",
    ),
    pytest.param(
        {"demolib.py": ""}, ["-c", "import demolib.models"], ".", (True, "shadow", "demolib.py"), id="python-c",
    ),
    # `python -m` puts the working directory first before runpy imports what it needs.
    pytest.param({"types.py": "", "main.py": ""}, ["-m", "main"], ".", (True, "shadow", "types.py"), id="python-m-runpy-imports"),
    pytest.param(
        {"scripts/demolib.py": "", "scripts/train.py": "import demolib.models\n"},
        ["scripts/train.py"], ".", (True, "shadow", "scripts/demolib.py"), id="script-in-a-folder",
    ),
    pytest.param(
        {"train.py": "from sklearn.linear_model import Ridge\n"},
        ["train.py"], ".", (True, "missing-dependency", None), id="missing-dependency",
    ),
    pytest.param(
        {"mypkg/__init__.py": "", "scripts/train.py": "import mypkg\n"},
        ["scripts/train.py"], ".", (True, "not-on-sys-path", "mypkg/__init__.py"), id="project-package-not-on-path",
    ),
    pytest.param(
        {"main.py": "import a\n", "a.py": "import b\ndef f():\n    pass\n", "b.py": "from a import f\n"},
        ["main.py"], ".", (True, "circular-import", "b.py"), id="circular-import",
    ),
    pytest.param(
        {"train.py": "try:\n    import sklearn\nexcept ImportError as error:\n    raise RuntimeError('pip install scikit-learn') from error\n"},
        ["train.py"], ".", (True, "missing-dependency", None), id="chained",
    ),
    # Not explained: nothing in the project hides the module; the attribute is just not there.
    pytest.param(
        {"train.py": "import demolib\ndemolib.fit()\n"}, ["train.py"], ".", (False, None, None), id="attribute-of-the-installed-module",
    ),
    pytest.param({"train.py": "raise ValueError('bad shape')\n"}, ["train.py"], ".", (False, None, None), id="not-an-import-error"),
]


def real_run(venv: Venv, tree: dict, argv: list[str], start: str, root: Path) -> Path:
    """Run the scenario for real; return the file holding what it printed on standard error."""
    project = make_tree(root / "project", tree)
    result = subprocess.run(
        [venv.python, *argv], cwd=project / start, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0, "the scenario must fail for real"
    pasted = root / "error.txt"
    pasted.write_text(result.stderr, encoding="utf-8")
    return pasted


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("tree, argv, start, expected", SCENARIOS)
def test_explain_real_errors(cli, explain_venvs, tmp_path, version, tree, argv, start, expected):
    if version not in explain_venvs:
        pytest.skip(f"no Python {version} here")
    venv = explain_venvs[version]
    pasted = real_run(venv, tree, argv, start, tmp_path)
    result = cli("explain", pasted, "--python", venv.python, "--format", "json", cwd=tmp_path / "project" / start)
    document = result.json()
    jsonschema.validate(document, SCHEMA)
    explained, cause, file = expected
    assert (document["explained"], document["cause"], document["file"]) == expected, (pasted.read_text(), document)
    assert result.status == (0 if explained else 1)
    assert any(line.startswith(document["error"]) for line in pasted.read_text().splitlines())
    if cause == "shadow":
        # The oracle: with the blamed file renamed, the same run gets past that error.
        blamed = tmp_path / "project" / start / file.rstrip("/")
        blamed.rename(blamed.with_name(blamed.name.replace(".py", "") + "_renamed" + (".py" if file.endswith(".py") else "")))
        rerun = subprocess.run([venv.python, *argv], cwd=tmp_path / "project" / start, capture_output=True, text=True, timeout=120)
        assert document["error"] not in rerun.stderr
        assert document["fix"].startswith(f"rename {Path(file.rstrip('/')).name}")
    if cause == "missing-dependency":
        assert document["module"] == "sklearn" and document["fix"].startswith("install scikit-learn: `")


def test_explain_from_another_directory_reads_the_run_from_the_frames(cli, explain_venvs, tmp_path):
    version = max(explain_venvs)
    venv = explain_venvs[version]
    project = make_tree(tmp_path / "project", {"scripts/demolib.py": "", "scripts/train.py": "import demolib.models\n"})
    result = subprocess.run([venv.python, str(project / "scripts" / "train.py")], cwd=tmp_path, capture_output=True, text=True)
    elsewhere = make_tree(tmp_path / "elsewhere", {"README.md": ""})
    explained = cli("explain", "--python", venv.python, "--format", "json", cwd=elsewhere, stdin=result.stderr).json()
    assert explained["cause"] == "shadow" and explained["file"] == str(project / "scripts" / "demolib.py")
    assert explained["run"].startswith(f"the first frame is {project / 'scripts' / 'train.py'}")


@pytest.mark.parametrize(
    "line, expected",
    [
        pytest.param("ModuleNotFoundError: No module named 'demolib.models'; 'demolib' is not a package", (True, "shadow", "demolib.py"), id="with-type"),
        pytest.param("No module named 'demolib.models'; 'demolib' is not a package", (True, "shadow", "demolib.py"), id="without-type"),
        pytest.param("ModuleNotFoundError: No module named 'demolib.models'", (False, None, None), id="no-such-error-here"),
    ],
)
def test_a_single_line_is_explained_for_the_current_directory(cli, explain_venvs, tmp_path, line, expected):
    venv = explain_venvs[max(explain_venvs)]
    project = make_tree(tmp_path / "project", {"demolib.py": ""})
    # The real error, for the lines that claim to be one.
    real = subprocess.run([venv.python, "-c", "import demolib.models"], cwd=project, capture_output=True, text=True)
    if expected[0]:
        assert real.stderr.strip().endswith(line)
    document = cli("explain", "-", "--python", venv.python, "--format", "json", cwd=project, stdin=line + "\n").json()
    assert (document["explained"], document["cause"], document["file"]) == expected


@pytest.mark.parametrize(
    "stdin, args, message",
    [
        pytest.param("", (), "no Python error in the input", id="empty"),
        pytest.param("hello\n", (), "no Python error in the input", id="no-error"),
        pytest.param(None, ("missing.txt",), "missing.txt: cannot read: No such file or directory", id="missing-file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, stdin, args, message):
    result = cli("explain", *args, cwd=tmp_path, stdin=stdin or "")
    result.error_line(message)


# --- the words of 3.13.1 and later, which no interpreter here prints -----------------------------


@pytest.mark.parametrize("version", [(3, 13, 0), (3, 13, 1), (3, 14, 0)], ids=lambda v: ".".join(map(str, v)))
@pytest.mark.parametrize("module, stdlib", [("random", True), ("demolib", False)])
def test_the_reader_reads_what_the_predictor_writes(tmp_path, version, module, stdlib):
    # predict.py words CPython's errors version by version (3.13.1's from CPython's own tests of
    # the hint); every one of them must read back as what it is about.
    origin = str(tmp_path / f"{module}.py")
    spec = Spec(module, MODULE, origin)
    predictor = Predictor(None, version, frozenset({"random"}), lambda _: {}, str(tmp_path))
    for error, kind in ((predictor._cannot_import("x", module, spec, True), CANNOT_IMPORT),
                        (predictor._no_attribute("x", module, spec, True), NO_ATTRIBUTE)):  # fmt: skip
        exception_type, _, message = error.partition(": ")
        reading = read_message(exception_type, message)
        assert reading is not None, error
        assert (reading.kind, reading.module, reading.name) == (kind, module, "x")
        assert reading.path in (origin, None)
        assert reading.initializing or reading.hint == "stdlib"  # that hint does not say
        if "consider renaming" in message:
            assert reading.hint == ("stdlib" if stdlib else "library")


def test_the_json_document_names_its_schema_version(cli, tmp_path):
    document = cli("explain", "--format", "json", cwd=tmp_path, stdin="ValueError: x\n").json()
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == 1 and document["explained"] is False


@pytest.fixture(autouse=True)
def _no_stray_variables(monkeypatch):
    for name in ("PYTHONPATH", "PYTHONSAFEPATH", "VIRTUAL_ENV", "CONDA_PREFIX"):
        monkeypatch.delenv(name, raising=False)

