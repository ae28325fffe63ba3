"""Editable installs, as the probe reports them: real `pip install -e` into real venvs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import wheels
from conftest import create_venv, make_tree, python_for

from shadowcheck.environment._probe import path_from_file_url
from shadowcheck.environment.probe import load_environment
from shadowcheck.source.layout import editable_of, read_first_party

# A PEP 517 backend inside the project (backend-path), so pip installs it offline with no
# build dependency: tests/wheels.py plus a build_editable hook whose wheel holds a .pth file
# naming the project, as hatchling's and flit's editable wheels do.
IN_TREE_BACKEND = Path(wheels.__file__).read_text(encoding="utf-8") + '''

import os


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    pth = {"_edit_demo.pth": os.getcwd() + "\\n"}
    return build_wheel(Path(wheel_directory), "edit-demo", "1.0", pth, top_level_txt=False).name
'''

PROJECT = {
    "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
                      '[project]\nname = "Edit_Demo"\nversion = "1.0"\n',
    "backend.py": IN_TREE_BACKEND,
    "editdemo/__init__.py": "VALUE = 1\n",
}  # fmt: skip


def pip(python: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "--isolated", "--no-input", "--disable-pip-version-check",
         "-q", "install", "--no-index", "--no-deps", *args],
        check=True, capture_output=True,
    )  # fmt: skip


def test_pip_editable_install_names_its_project(tmp_path, target_venv):
    project = make_tree(tmp_path / "Edit Demo", PROJECT)  # a space: the URL is percent-encoded
    venv = create_venv(tmp_path / "venv")
    pip(venv.python, "-e", str(project))
    imported = subprocess.run([venv.python, "-c", "import editdemo; print(editdemo.__file__)"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    assert imported.stdout.strip() == str(project / "editdemo" / "__init__.py")
    environment = load_environment(venv.python, "test")
    (installed,) = [d for d in environment.distributions if d.name == "edit-demo"]
    assert installed.editable_project == str(project)
    assert editable_of(environment, project) == (installed,)
    assert editable_of(environment, tmp_path) == ()
    # The installed name and the project's own name are the same distribution.
    assert read_first_party(project).distributions == ("edit-demo",)


def test_regular_install_is_not_editable(target_venv):
    environment = load_environment(target_venv.python, "test")
    assert {d.name: d.editable_project for d in environment.distributions} == {
        "demo-pkg": None, "demo-single": None, "demo-ns-functools": None, "demo-dup-a": None, "demo-dup-b": None,
    }  # fmt: skip
    assert editable_of(environment, target_venv.path) == ()


def _old_setuptools_python() -> str | None:
    # `setup.py develop` (an .egg-link, no dist-info) is what pip runs for a setup.py-only
    # project when setuptools predates PEP 660 (64): Python 3.8's bundled setuptools 56.
    interpreter = python_for("3.8")
    if interpreter is None:
        return None
    query = "import setuptools, pip; print(setuptools.__version__.split('.')[0])"
    result = subprocess.run([interpreter.path, "-c", query], capture_output=True, text=True, check=False)
    return interpreter.path if result.returncode == 0 and int(result.stdout) < 64 else None


def test_setup_py_develop_egg_link_names_its_project(tmp_path):
    python = _old_setuptools_python()
    if python is None:
        pytest.skip("needs a Python 3.8 with pip and setuptools < 64 (pyenv's bundled ones)")
    project = make_tree(tmp_path / "old", {
        "setup.py": "from setuptools import setup, find_packages\n"
                    "setup(name='old-pkg', version='1.0', package_dir={'': 'src'}, packages=find_packages('src'))\n",
        "src/oldpkg/__init__.py": "VALUE = 1\n",
    })  # fmt: skip
    venv_dir = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", "--system-site-packages", str(venv_dir)], check=True)
    venv_python = str(venv_dir / "bin" / "python")
    subprocess.run(
        [venv_python, "-m", "pip", "--isolated", "--no-input", "--disable-pip-version-check", "-q", "install",
         "--no-index", "--no-deps", "--no-build-isolation", "-e", str(project)],
        check=True, capture_output=True,
    )  # fmt: skip
    assert [p.name for p in venv_dir.glob("lib/python3.8/site-packages/*.egg-link")] == ["old-pkg.egg-link"]
    environment = load_environment(venv_python, "test")
    (installed,) = [d for d in environment.distributions if d.name == "old-pkg"]
    assert installed.location == str(project / "src")  # the .egg-info sits in src/
    assert editable_of(environment, project) == (installed,)
    assert read_first_party(project).modules == {"oldpkg"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [("file:///tmp/a%20b/c", "/tmp/a b/c"), ("file://localhost/srv/x", "/srv/x"),
     ("file:///tmp/x/", "/tmp/x"), ("https://example.com/x", None)],
    ids=["percent-encoded", "localhost", "trailing-slash", "not-a-file-url"],
)  # fmt: skip
def test_path_from_file_url(url, expected):
    assert path_from_file_url(url) == expected
