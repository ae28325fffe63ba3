"""SC303 path-shadowing against the real interpreter: what `import NAME` loads, with the variables,
user site and .pth files the test sets up, is the oracle for what the rule reports and where
each sys.path entry came from."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import create_venv, make_tree, python_for
from wheels import build_wheel

from shadowcheck.doctor.run import DoctorSettings, run_doctor
from shadowcheck.environment import load_environment

SIX = {"six.py": "INSTALLED = True\n"}


def imported_file(python: str, module: str, environ: dict[str, str], cwd: Path) -> str:
    """Where the real interpreter imports ``module`` from, run as `python -c` from ``cwd``."""
    result = subprocess.run(
        [python, "-c", f"import {module}; print({module}.__file__)"],
        capture_output=True, text=True, env=environ, cwd=cwd, check=True,
    )  # fmt: skip
    return os.path.realpath(result.stdout.strip())


def doctor_sc303(python: str, root: Path, environ: dict[str, str]):
    report = run_doctor(DoctorSettings(root=root, python=python, select=frozenset({"SC303"}), environ=environ), cwd=root)
    assert not report.problems, report.problems
    return report.findings


def environ_with(monkeypatch, **variables: str | None) -> dict[str, str]:
    """The process's variables with ``variables`` set (None: unset); the probe reads them too."""
    for name in ("PYTHONPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "PYTHONSAFEPATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        if value is not None:
            monkeypatch.setenv(name, value)
    return dict(os.environ)


@pytest.fixture(scope="module")
def six_venv(tmp_path_factory) -> object:
    directory = tmp_path_factory.mktemp("six")
    return create_venv(directory / "venv", [build_wheel(directory / "wheels", "six", "1.16.0", SIX)])


# --- PYTHONPATH and a venv's .pth file -----------------------------------------------------------


@pytest.mark.parametrize(
    "tree, pythonpath, pth, hides",
    [
        pytest.param({"vendor/six.py": "VENDORED = True\n"}, "vendor", None, "vendor/six.py", id="pythonpath-hides-six"),
        pytest.param({"vendor/helpers.py": ""}, "vendor", None, None, id="pythonpath-without-six"),
        # site.addpackage appends a .pth file's directories after the site-packages holding it.
        pytest.param({"vendor/six.py": "VENDORED = True\n"}, None, "vendor", None, id="venv-pth-comes-after-site-packages"),
    ],
)
def test_path_shadowing_agrees_with_import(six_venv, tmp_path, monkeypatch, tree, pythonpath, pth, hides):
    project = make_tree(tmp_path / "project", tree)
    pth_file = Path(six_venv.site_packages) / "zz-test-vendor.pth"
    if pth:
        pth_file.write_text(str(project / pth) + "\n", encoding="utf-8")
    try:
        environ = environ_with(monkeypatch, PYTHONPATH=str(project / pythonpath) if pythonpath else None)
        real = imported_file(six_venv.python, "six", environ, project)
        findings = doctor_sc303(six_venv.python, project, environ)
    finally:
        pth_file.unlink(missing_ok=True)
    if hides is None:
        assert real == os.path.realpath(Path(six_venv.site_packages) / "six.py")
        assert findings == ()
        return
    assert real == os.path.realpath(project / hides)
    (finding,) = findings
    assert (finding.code, finding.module, finding.path, str(finding.severity)) == ("SC303", "six", hides, "error")
    assert "(PYTHONPATH) hides six 1.16.0" in finding.message
    assert finding.evidence[0] == "sys.path[0]: vendor (PYTHONPATH)"
    assert finding.help.startswith("take vendor out of PYTHONPATH, or rename six.py")


def test_a_relative_pythonpath_entry_is_the_working_directorys(six_venv, tmp_path, monkeypatch):
    # CPython makes PYTHONPATH entries absolute against the directory the script starts in.
    project = make_tree(tmp_path / "project", {"vendor/six.py": ""})
    environ = environ_with(monkeypatch, PYTHONPATH="vendor")
    monkeypatch.chdir(project)
    assert imported_file(six_venv.python, "six", environ, project) == os.path.realpath(project / "vendor/six.py")
    (finding,) = doctor_sc303(six_venv.python, project, environ)
    assert finding.path == "vendor/six.py"


# --- the user site, and the .pth files in it (a Python that is no venv) ---------------------------

BASE = python_for("3.12")
PIP_99 = {"pip/__init__.py": "__version__ = '99.0'\n"}


@pytest.mark.skipif(BASE is None, reason="needs Python 3.12 (a base interpreter with pip in its site-packages)")
@pytest.mark.parametrize(
    "user_site, nousersite, expected",
    [
        # A `pip install --user` of a distribution the interpreter has: one install hides another.
        pytest.param("distribution", False, ("user site", "warning"), id="user-site-distribution"),
        pytest.param("distribution", True, None, id="user-site-disabled"),
        # A .pth file in the user site names a directory: it comes before the system site-packages.
        pytest.param("pth", False, ("added by", "error"), id="user-site-pth-directory"),
        pytest.param("pth-unrelated", False, None, id="user-site-pth-hides-nothing"),
    ],
)
def test_user_site_and_its_pth_files(tmp_path, monkeypatch, user_site, nousersite, expected):
    base_pip = imported_file(BASE.path, "pip", environ_with(monkeypatch, PYTHONNOUSERSITE="1"), tmp_path)
    userbase = tmp_path / "userbase"
    site_dir = Path(
        subprocess.run(
            [BASE.path, "-c", "import site; print(site.getusersitepackages())"],
            env={**os.environ, "PYTHONUSERBASE": str(userbase)}, capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    site_dir.mkdir(parents=True)
    if user_site == "distribution":
        wheel = build_wheel(tmp_path / "wheels", "pip", "99.0", PIP_99)
        subprocess.run(
            [BASE.path, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--root-user-action", "ignore",
             "--no-index", "--no-deps", "--target", str(site_dir), str(wheel)],
            check=True,
        )  # fmt: skip
        hiding = site_dir / "pip" / "__init__.py"
    else:
        extra = make_tree(tmp_path / "extra", PIP_99 if user_site == "pth" else {"tools.py": ""})
        (site_dir / "extra.pth").write_text(f"# test\n{extra}\n", encoding="utf-8")
        hiding = extra / "pip" / "__init__.py"
    project = make_tree(tmp_path / "project", {"README.md": ""})
    environ = environ_with(monkeypatch, PYTHONUSERBASE=str(userbase), PYTHONNOUSERSITE="1" if nousersite else None)
    real = imported_file(BASE.path, "pip", environ, project)
    findings = doctor_sc303(BASE.path, project, environ)
    if expected is None:
        assert real == base_pip and findings == ()
        return
    origin, severity = expected
    assert real == os.path.realpath(hiding) != base_pip
    (finding,) = findings
    assert (finding.module, str(finding.severity)) == ("pip", severity)
    assert finding.path == str(hiding.parent) + "/"
    assert f"({origin}" in finding.message and f"hides pip 23.2.1 ({base_pip})" in finding.message
    if user_site == "pth":
        assert f"added by {site_dir / 'extra.pth'}" in finding.message
        assert finding.help.startswith(f"remove the line naming {extra} from {site_dir / 'extra.pth'}")
    else:
        assert "-m pip uninstall -y pip` removes the first one found, the user site" in finding.help
        assert "PYTHONNOUSERSITE=1" in finding.help


# --- the probe says where each entry came from ----------------------------------------------------


def test_the_probe_names_each_entrys_origin(six_venv, tmp_path, monkeypatch):
    vendor = make_tree(tmp_path / "vendor", {"x.py": ""})
    named = make_tree(tmp_path / "named", {"y.py": ""})
    pth = Path(six_venv.site_packages) / "zz-test-named.pth"
    pth.write_text(f"{named}\nimport sys\n", encoding="utf-8")
    try:
        environ = environ_with(monkeypatch, PYTHONPATH=str(vendor))
        environment = load_environment(six_venv.python, "--python", use_cache=False, details=True)
        real_path = subprocess.run(
            [six_venv.python, "-c", "import sys; print('\\n'.join(sys.path[1:]))"],
            env=environ, capture_output=True, text=True, check=True,
        ).stdout.splitlines()  # fmt: skip
    finally:
        pth.unlink()
    origins = {entry: (origin, source) for entry, origin, source in environment.details.path_origins}
    assert [entry for entry, _, _ in environment.details.path_origins] == list(environment.sys_path) == real_path
    assert origins[str(vendor)] == ("PYTHONPATH", "")
    assert origins[str(six_venv.site_packages)] == ("site-packages", "")
    assert origins[str(named)] == (".pth file", str(pth))
    interpreter = {entry for entry, (origin, _) in origins.items() if origin == "interpreter"}
    assert interpreter and all(entry.startswith(str(Path(environment.stdlib_paths[0]).parent)) for entry in interpreter)
