"""shadowcheck never runs the project: canary modules that leave a marker file when imported,
named like the standard library, like shadowcheck's own dependencies and like the files Python
runs by itself at start-up, in every import root of a project and on $PYTHONPATH. Every command
and format runs, from inside and outside the project, with the real console script and with
`python -I -m shadowcheck` (the pre-commit hook's entry); no marker may appear, and the shadow
must still be reported."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_tree

# Named like the stdlib and like what shadowcheck imports, and like what Python or pytest run
# by themselves: each is code of the project's, which shadowcheck must only read.
CANARY_MODULES = (
    "json", "re", "click", "libcst", "pathlib", "subprocess", "signal", "tempfile", "tomllib",
    "dataclasses", "typing", "enum", "sitecustomize", "usercustomize", "conftest",
)  # fmt: skip
ROOTS = {".": "root", "scripts": "scripts", "src": "src"}
COMMANDS = {
    **{f"check-{f}": ["check", "{project}", "--format", f] for f in ("text", "concise", "json", "sarif", "github")},
    "verify-text": ["verify", "{project}/train.py"],
    "verify-json": ["verify", "{project}/train.py", "--format", "json"],
}  # fmt: skip
SHADOWCHECK = shutil.which("shadowcheck", path=os.path.dirname(sys.executable))


def canary(markers: Path, name: str) -> str:
    # Builtins only: a canary named like `os` must not need os.
    return f"open({str(markers / name)!r}, 'w').close()\n"


def plant(directory: Path, markers: Path, where: str, modules: tuple[str, ...] = CANARY_MODULES) -> None:
    files: dict[str, str] = {f"{m}.py": canary(markers, f"{m}@{where}") for m in modules}
    # A .pth file runs its `import` lines when site reads it: never from a project root.
    files["canary.pth"] = f"import builtins; {canary(markers, 'pth@' + where).strip()}\n"
    make_tree(directory, files)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("canaries")
    markers, project, outside = base / "markers", base / "project", base / "outside"
    markers.mkdir()
    outside.mkdir()
    make_tree(project, {
        "train.py": "import json\nimport click\n",
        "scripts/run.py": "import json\n\nif __name__ == '__main__':\n    print(json.dumps(1))\n",
        "src/app/__init__.py": "",
        "src/app/main.py": "import json\n",
        "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['click']\n",
    })  # fmt: skip
    for relative, where in ROOTS.items():
        plant(project / relative, markers, where)
    pythonpath = base / "on-pythonpath"
    plant(pythonpath, markers, "pythonpath")
    # For the console script: without the modules any interpreter imports before a program's
    # first line (which would run, or kill the interpreter, in every program started so).
    console_pythonpath = base / "on-pythonpath-console"
    plant(console_pythonpath, markers, "pythonpath", tuple(m for m in CANARY_MODULES if m not in startup_modules()))
    # A user site of the project's choosing ($PYTHONUSERBASE), with a .pth and usercustomize.
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    user_site = base / "userbase" / "lib" / version / "site-packages"
    plant(user_site, markers, "usersite")
    startup = base / "startup.py"
    startup.write_text(canary(markers, "pythonstartup"))
    return {"markers": markers, "project": project, "outside": outside, "pythonpath": pythonpath,
            "console-pythonpath": console_pythonpath, "userbase": base / "userbase", "startup": startup}  # fmt: skip


@functools.lru_cache(maxsize=None)
def startup_modules() -> frozenset[str]:
    """What this interpreter imports before any code of shadowcheck's can run when started
    as a console script: a module of that name on $PYTHONPATH runs in every Python program
    started so (README, "What shadowcheck never runs"). The launcher imports `re` first."""
    code = "import sys, json; print(json.dumps(list(sys.modules)))"
    names = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    return frozenset({n for n in names if "." not in n} | {"re", "sitecustomize", "usercustomize"})


def run(planted: dict[str, Path], entry: str, command: str, inside: bool, environ: dict[str, str]):
    if entry == "console":
        if SHADOWCHECK is None:
            pytest.skip(f"no shadowcheck console script beside {sys.executable}")
        argv = [SHADOWCHECK]
    elif entry == "module":  # `python -m` puts the working directory first on sys.path
        argv = [sys.executable, "-m", "shadowcheck"]
    else:
        argv = [sys.executable, "-I", "-m", "shadowcheck"]
    project = planted["project"]
    args = [a.format(project="." if inside else str(project)) for a in COMMANDS[command]]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA"))}
    return subprocess.run(
        [*argv, *args], cwd=project if inside else planted["outside"],
        env={**clean, **environ}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def assert_reported(result: subprocess.CompletedProcess[str], command: str) -> None:
    assert result.returncode == 1, result.stderr
    if command == "check-json":
        paths = {f["path"].rsplit("/", 1)[-1] for f in json.loads(result.stdout)["findings"]}
        assert "json.py" in paths
    elif command == "verify-json":
        statuses = {i["module"]: i["status"] for i in json.loads(result.stdout)["imports"]}
        assert statuses["json"] == "shadowed"
    else:
        assert "json" in result.stdout


# Every command and format from inside the project; from outside, one of each reporter kind
# (what runs before the reporter does not depend on the format).
RUNS = [pytest.param(c, True, id=f"{c}-from-inside") for c in COMMANDS] + [
    pytest.param(c, False, id=f"{c}-from-outside") for c in ("check-text", "check-sarif", "verify-json")
]


@pytest.mark.slow
@pytest.mark.parametrize("command, inside", RUNS)
@pytest.mark.parametrize(
    "entry, variables",
    [
        pytest.param("isolated", ("PYTHONPATH", "PYTHONUSERBASE", "PYTHONSTARTUP"), id="python-I-m"),
        pytest.param("console", (), id="console-script"),
        pytest.param("console", ("PYTHONPATH",), id="console-script-with-pythonpath"),
        pytest.param("module", (), id="python-m"),
    ],
)
def test_no_canary_runs(planted, entry, variables, command, inside):
    markers = planted["markers"]
    for marker in markers.iterdir():
        marker.unlink()
    values = {
        "PYTHONPATH": str(planted["pythonpath"]),
        "PYTHONUSERBASE": str(planted["userbase"]),
        "PYTHONSTARTUP": str(planted["startup"]),
    }

    if entry == "console":
        values["PYTHONPATH"] = str(planted["console-pythonpath"])

    result = run(planted, entry, command, inside, {v: values[v] for v in variables})

    assert sorted(m.name for m in markers.iterdir()) == []
    assert_reported(result, command)


LOADED_FROM = """
import sys
sys.path.insert(0, sys.argv[1])
import canary_module
from shadowcheck.__main__ import _loaded_from
print(_loaded_from(sys.argv[1]), _loaded_from(sys.argv[2]))
"""


def test_a_module_already_loaded_from_the_working_directory_is_seen(tmp_path):
    # What `python -m shadowcheck` checks before it drops the working directory: if runpy
    # already imported a project module from there, shadowcheck starts again isolated.
    make_tree(tmp_path, {"here/canary_module.py": "", "elsewhere/other.py": ""})
    result = subprocess.run(
        [sys.executable, "-c", LOADED_FROM, str(tmp_path / "here"), str(tmp_path / "elsewhere")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "False"]
