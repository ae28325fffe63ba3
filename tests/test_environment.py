"""The probe and the interpreter choice, against real interpreters and real venvs."""

from __future__ import annotations

import ast
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from conftest import Interpreter, Venv, create_venv, make_tree, pip_install, python_for
from shadowcheck.environment import _probe
from shadowcheck.environment import (
    PROBE,
    cache_dir,
    find_interpreter,
    load_environment,
    probe_cache_path,
)
from shadowcheck.ftypes import ShadowcheckError, TargetEnvironment
from wheels import build_wheel

# What the interpreter itself says, for comparing with what the probe says.
SELF_REPORT = """
import importlib.machinery, json, site, sys
path = sys.path[1:] if sys.path and sys.path[0] == "" else sys.path
print(json.dumps({
    "executable": sys.executable,
    "version": list(sys.version_info[:3]),
    "sys_path": path,
    "builtin": list(sys.builtin_module_names),
    "stdlib": list(getattr(sys, "stdlib_module_names", [])),
    "extension_suffixes": importlib.machinery.EXTENSION_SUFFIXES,
    "source_suffixes": importlib.machinery.SOURCE_SUFFIXES,
    "bytecode_suffixes": importlib.machinery.BYTECODE_SUFFIXES,
    "site_packages": site.getsitepackages(),
}))
"""

# Run by a 3.10+ interpreter: the probe's stdlib list for 3.8/3.9, against the real one.
STDLIB_FROM_DISK = """
import importlib.util, json, runpy, sys
probe = runpy.run_path(sys.argv[1], run_name="probe")
paths, frozen = probe["stdlib_paths"](), probe["frozen_module_names"]()
disk = probe["stdlib_module_names_from_disk"](paths, frozen)
real = set(sys.stdlib_module_names)
print(json.dumps({
    "extra": sorted(disk - real - set(sys.builtin_module_names)),
    "missing_but_importable": sorted(n for n in real - disk if importlib.util.find_spec(n)),
}))
"""


def run_json(python: str, code: str, *args: str, cwd: Path) -> dict:
    result = subprocess.run(
        [python, "-c", code, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def probe(python: str, chosen_by: str = "--python") -> TargetEnvironment:
    return load_environment(python, chosen_by, use_cache=False)


# --- the probe agrees with the interpreter it runs on ------------------------------------------


def test_probe_agrees_with_interpreter(target_python: Interpreter, tmp_path: Path) -> None:
    env = probe(target_python.path)
    itself = run_json(target_python.path, SELF_REPORT, cwd=tmp_path)

    assert env.python == target_python.path
    assert env.executable == itself["executable"]
    assert list(env.version) == itself["version"]
    assert list(env.sys_path) == itself["sys_path"]
    assert env.builtin_module_names == frozenset(itself["builtin"])
    assert list(env.extension_suffixes) == itself["extension_suffixes"]
    assert list(env.source_suffixes) == itself["source_suffixes"]
    assert list(env.bytecode_suffixes) == itself["bytecode_suffixes"]
    assert set(itself["site_packages"]) <= set(env.site_packages)
    if itself["stdlib"]:
        assert env.stdlib_module_names == frozenset(itself["stdlib"])
    assert env.problems == ()


def test_probe_with_safe_path(
    target_python: Interpreter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PYTHONSAFEPATH (3.11+) keeps the script's directory off sys.path: nothing to drop then.
    if target_python.version_info < (3, 11):
        pytest.skip("PYTHONSAFEPATH arrived in 3.11")
    monkeypatch.setenv("PYTHONSAFEPATH", "1")

    env = probe(target_python.path)

    assert list(env.sys_path) == run_json(target_python.path, SELF_REPORT, cwd=tmp_path)["sys_path"]


def test_probe_module_kinds(target_python: Interpreter) -> None:
    env = probe(target_python.path)

    assert {"json", "os", "asyncio", "sys", "importlib"} <= env.stdlib_module_names
    assert "pip" not in env.stdlib_module_names  # site-packages is never the stdlib
    assert {"sys", "builtins"} <= env.builtin_module_names
    assert {"sys", "os", "site", "__main__"} <= env.startup_module_names
    assert "json" not in env.startup_module_names  # imported by the probe, after start-up
    assert env.is_immune("sys") and not env.is_immune("json")
    if env.version >= (3, 11):
        assert "os" in env.frozen_module_names | env.startup_module_names
        assert "zipimport" in env.frozen_module_names
    assert any(os.path.isfile(os.path.join(p, "os.py")) for p in env.stdlib_paths)
    assert any(os.path.basename(p) == "lib-dynload" for p in env.stdlib_paths)
    assert PROBE.parent.as_posix() not in env.sys_path  # the script's own directory is left out


@pytest.mark.parametrize("minor", ["3.10", "3.11", "3.12", "3.13", "3.14"])
def test_stdlib_names_from_disk_match_where_python_knows(minor: str, tmp_path: Path) -> None:
    # 3.8 and 3.9 have no sys.stdlib_module_names; check the on-disk list where the truth exists.
    interpreter = python_for(minor)
    if interpreter is None:
        pytest.skip(f"no Python {minor} here")
    found = run_json(interpreter.path, STDLIB_FROM_DISK, str(PROBE), cwd=tmp_path)
    assert found == {"extra": [], "missing_but_importable": []}


EXPECTED_PROVIDES = {
    "demo-pkg": ("demopkg",),
    "demo-single": ("demosingle",),
    "demo-ns-functools": ("demons.functools",),
    "demo-dup-a": ("demodup",),
    "demo-dup-b": ("demodup",),
}


def test_target_venv_distributions(target_venv: Venv) -> None:
    env = probe(target_venv.python)

    assert {d.name: d.provides for d in env.distributions} == EXPECTED_PROVIDES
    assert {d.location for d in env.distributions} == {str(target_venv.site_packages)}
    by_name = {d.name: d for d in env.distributions}
    assert by_name["demo-pkg"].version == "1.0"
    assert by_name["demo-pkg"].requires == ("demo-single",)
    assert {d.name for d in env.providers("demodup")} == {"demo-dup-a", "demo-dup-b"}
    assert [d.name for d in env.providers("demons.functools")] == ["demo-ns-functools"]
    assert env.providers("demons") == ()  # a namespace package belongs to nobody
    assert str(target_venv.site_packages) in env.sys_path
    assert str(target_venv.site_packages) in env.site_packages


def copy_installed(source: Venv, names: list[str], venv: Venv) -> Venv:
    """Copy what pip installed into ``source`` (pure Python) into another venv's site-packages."""
    for name in names:
        origin = source.site_packages / name
        if origin.is_dir():
            shutil.copytree(origin, venv.site_packages / name)
        else:
            shutil.copy2(origin, venv.site_packages / name)
    return venv


def test_distributions_on_every_version(
    target_python: Interpreter, target_venv: Venv, tmp_path: Path
) -> None:
    # importlib.metadata changed a lot between 3.8 and 3.13: read the same files with each.
    venv = create_venv(tmp_path / "venv", python=target_python.path)
    copy_installed(target_venv, os.listdir(target_venv.site_packages), venv)

    env = probe(venv.python)

    assert {d.name: d.provides for d in env.distributions} == EXPECTED_PROVIDES
    assert env.problems == ()


# --- provides, from RECORD paths --------------------------------------------------------------

EXT = importlib.machinery.EXTENSION_SUFFIXES[0]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        pytest.param(["pkg/__init__.py", "pkg/mod.py"], {"pkg"}, id="regular-package"),
        pytest.param(["single.py"], {"single"}, id="single-module"),
        pytest.param([f"fast{EXT}"], {"fast"}, id="extension-module"),
        pytest.param(["old.pyc"], {"old"}, id="sourceless-module"),
        pytest.param([f"cpkg/__init__{EXT}"], {"cpkg"}, id="compiled-package-init"),
        pytest.param(["jaraco/functools.py"], {"jaraco.functools"}, id="namespace-module"),
        pytest.param(
            ["jaraco/functools/__init__.py", "jaraco/functools/more.py"],
            {"jaraco.functools"},
            id="namespace-package",
        ),
        pytest.param(
            ["google/cloud/storage/__init__.py", "google/cloud/storage/blob.py"],
            {"google.cloud.storage"},
            id="nested-namespace",
        ),
        pytest.param(
            ["ns/__pycache__/a.cpython-311.pyc", "ns/a.py"], {"ns.a"}, id="namespace-pycache"
        ),
        pytest.param(["nsdata/table.txt"], {"nsdata"}, id="namespace-without-modules"),
        pytest.param(
            ["a.py", "b/__init__.py", "c/x.py", "c/y/__init__.py"],
            {"a", "b", "c.x", "c.y"},
            id="several",
        ),
    ],
)
def test_provided_names(paths: list[str], expected: set[str]) -> None:
    assert _probe.provided_names([PurePosixPath(p).parts for p in paths]) == expected


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("x-1.0.dist-info/METADATA", id="dist-info"),
        pytest.param("x-1.0.egg-info/PKG-INFO", id="egg-info"),
        pytest.param("x-1.0.data/scripts/tool", id="data"),
        pytest.param("../../../bin/tool", id="script-outside"),
        pytest.param("__pycache__/x.cpython-311.pyc", id="pycache"),
        pytest.param("distutils-precedence.pth", id="pth"),
        pytest.param("README.md", id="data-file"),
        pytest.param("not-a-name/__init__.py", id="invalid-identifier"),
        pytest.param("class.py", id="keyword"),
    ],
)
def test_provided_names_ignores(path: str) -> None:
    assert _probe.provided_names([PurePosixPath(path).parts]) == set()


# --- metadata that is missing or broken -------------------------------------------------------


def make_single_venv(directory: Path, source: Venv, python: str = sys.executable) -> Venv:
    """A fresh venv, made by ``python``, holding only demo-single (as pip installed it)."""
    venv = create_venv(directory / "venv", python=python)
    return copy_installed(source, ["demo_single-2.0.dist-info", "demosingle.py"], venv)


@pytest.fixture
def single_venv(tmp_path: Path, target_venv: Venv) -> Venv:
    return make_single_venv(tmp_path, target_venv)


def test_broken_metadata_is_skipped_with_a_problem(
    target_python: Interpreter, target_venv: Venv, tmp_path: Path
) -> None:
    single_venv = make_single_venv(tmp_path, target_venv, target_python.path)
    site = single_venv.site_packages
    original = site / "demo_single-2.0.dist-info"
    for broken in ("no_name-1.0", "bad_record-1.0", "bad_metadata-1.0"):
        shutil.copytree(original, site / f"{broken}.dist-info")
    (site / "no_name-1.0.dist-info/METADATA").write_text("Metadata-Version: 2.1\nVersion: 1.0\n")
    (site / "bad_record-1.0.dist-info/METADATA").write_text("Name: bad-record\nVersion: 1.0\n")
    (site / "bad_record-1.0.dist-info/RECORD").write_bytes(b"a.py,\x00\xff\xfe\n")
    (site / "bad_metadata-1.0.dist-info/METADATA").write_bytes(b"Name: \xff\xfe\n")

    env = probe(single_venv.python)

    assert [d.name for d in env.distributions] == ["demo-single"]
    assert sorted(map(str, env.problems)) == [
        f"skipped distribution at {site}/bad_metadata-1.0.dist-info: METADATA cannot be read "
        "('utf-8' codec can't decode byte 0xff in position 6: invalid start byte)",
        f"skipped distribution at {site}/bad_record-1.0.dist-info: RECORD cannot be parsed "
        "('utf-8' codec can't decode byte 0xff in position 6: invalid start byte)",
        f"skipped distribution at {site}/no_name-1.0.dist-info: METADATA has no Name",
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(
            "demosingle.py,sha256=x,big",
            "invalid literal for int() with base 10: 'big'",
            id="size-not-a-number",
        ),
        pytest.param("demosingle.py,a,1,extra", "but 4 were given", id="four-columns"),
    ],
)
def test_unparseable_record_is_a_problem(single_venv: Venv, row: str, reason: str) -> None:
    record = single_venv.site_packages / "demo_single-2.0.dist-info/RECORD"
    record.write_text(row + "\n")

    env = probe(single_venv.python)

    assert env.distributions == ()
    [problem] = map(str, env.problems)
    assert problem.startswith(f"skipped distribution at {record.parent}: RECORD cannot be parsed (")
    assert reason in problem


def test_file_lists_other_than_record(
    target_python: Interpreter, target_venv: Venv, tmp_path: Path
) -> None:
    venv = make_single_venv(tmp_path, target_venv, target_python.path)
    (venv.site_packages / "demo_single-2.0.dist-info/RECORD").unlink()
    make_tree(
        venv.site_packages,
        {
            # pip's legacy `setup.py install`: installed-files.txt, relative to the egg-info.
            "legacy_pkg-1.0-py3.8.egg-info/PKG-INFO": "Name: legacy-pkg\nVersion: 1.0\n",
            "legacy_pkg-1.0-py3.8.egg-info/SOURCES.txt": "setup.py\nsrc/legacy_pkg/__init__.py\n",
            "legacy_pkg-1.0-py3.8.egg-info/installed-files.txt": (
                "../legacy_pkg/__init__.py\n../legacy_ns/part.py\nPKG-INFO\n../../../../bin/tool\n"
            ),
            "legacy_pkg/__init__.py": "",
            "legacy_ns/part.py": "",
            # setuptools' oldest layout: no file list at all, a module named after the project.
            "legacy_mod.egg-info/PKG-INFO": "Name: legacy-mod\nVersion: 0.1\n",
            "legacy_mod.py": "",
        },
    )

    env = probe(venv.python)

    assert {d.name: d.provides for d in env.distributions} == {
        "demo-single": ("demosingle",),  # from top_level.txt
        "legacy-pkg": ("legacy_ns.part", "legacy_pkg"),  # from installed-files.txt
        "legacy-mod": ("legacy_mod",),  # from the disk
    }
    assert env.problems == ()


def test_pythonpath_is_kept_and_distributions_listed_once(
    target_venv: Venv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The same site-packages twice on sys.path, under two names.
    alias = tmp_path / "alias"
    alias.symlink_to(target_venv.site_packages, target_is_directory=True)
    monkeypatch.setenv("PYTHONPATH", str(alias))

    env = probe(target_venv.python)

    assert env.sys_path[0] == str(alias)
    assert str(target_venv.site_packages) in env.sys_path
    assert sorted(d.name for d in env.distributions) == sorted(EXPECTED_PROVIDES)
    assert {d.location for d in env.distributions} == {str(alias)}  # the first one found


# --- choosing the interpreter -----------------------------------------------------------------


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real, empty venvs: an activated one, a conda-like prefix, and a project's two."""
    root = tmp_path_factory.mktemp("choice")
    made = {}
    for name in ("activated", "conda", "project/.venv", "project/venv", "other/venv"):
        made[name] = create_venv(root / name).path
    (root / "bare").mkdir()
    return made


def venv_python(venv: Path) -> str:
    return str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


@pytest.mark.parametrize(
    ("explicit", "project", "environ", "expected", "how"),
    [
        pytest.param(
            "activated", "project", {"VIRTUAL_ENV": "conda"}, "activated", "--python",
            id="python-flag-venv-dir-beats-all",
        ),
        pytest.param(
            "activated/bin/python", "project", {}, "activated", "--python",
            id="python-flag-executable",
        ),
        pytest.param(
            None, "project", {"VIRTUAL_ENV": "activated", "CONDA_PREFIX": "conda"}, "activated",
            "$VIRTUAL_ENV", id="virtual-env-beats-project-venv",
        ),
        pytest.param(
            None, "project", {"CONDA_PREFIX": "conda"}, "project/.venv", ".venv",
            id="dot-venv-beats-conda",
        ),
        pytest.param(None, "other", {"CONDA_PREFIX": "conda"}, "other/venv", "venv", id="venv"),
        pytest.param(
            None, "bare", {"CONDA_PREFIX": "conda"}, "conda", "$CONDA_PREFIX", id="conda-prefix"
        ),
        pytest.param(
            None, "bare", {"VIRTUAL_ENV": "", "CONDA_PREFIX": ""}, None, "running interpreter",
            id="running-interpreter",
        ),
    ],
)
def test_find_interpreter(
    venvs: dict[str, Path],
    explicit: str | None,
    project: str,
    environ: dict[str, str],
    expected: str | None,
    how: str,
) -> None:
    root = venvs["activated"].parent
    if explicit is not None and os.name != "nt":
        explicit = str(root / explicit)
    elif explicit is not None:
        explicit = str(root / explicit.replace("bin/python", "Scripts/python.exe"))
    environ = {k: str(root / v) if v else "" for k, v in environ.items()}

    python, chosen_by = find_interpreter(explicit, root / project, environ)

    assert chosen_by == how
    assert python == (venv_python(root / expected) if expected else sys.executable)


def test_find_interpreter_keeps_the_venv_symlink(venvs: dict[str, Path]) -> None:
    python, _ = find_interpreter(str(venvs["activated"]), Path("/nonexistent"), {})

    assert python == venv_python(venvs["activated"])
    assert os.path.realpath(python) != python  # the link, which finds pyvenv.cfg
    site_packages = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"
    assert probe(python).site_packages == (str(venvs["activated"] / site_packages),)


def test_find_interpreter_ignores_a_venv_dir_without_pyvenv_cfg(tmp_path: Path) -> None:
    make_tree(tmp_path, {".venv/bin/python": "#!/bin/sh\n"})

    assert find_interpreter(None, tmp_path, {}) == (sys.executable, "running interpreter")


def test_find_interpreter_bare_name(tmp_path: Path) -> None:
    name = os.path.basename(sys.executable)
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not on PATH")

    assert find_interpreter(name, tmp_path, {}) == (
        os.path.abspath(shutil.which(name)),
        "--python",
    )


@pytest.mark.parametrize(
    ("explicit", "environ", "message"),
    [
        pytest.param(
            "{tmp}/missing/python", {}, "Python interpreter not found: {tmp}/missing/python "
            "(from --python)", id="missing-path",
        ),
        pytest.param(
            "no-such-python3.99", {}, "Python interpreter not found: no-such-python3.99 "
            "(from --python)", id="missing-name",
        ),
        pytest.param(
            None, {"VIRTUAL_ENV": "{tmp}/gone"}, "Python interpreter not found: "
            "{tmp}/gone/bin/python (from $VIRTUAL_ENV)", id="stale-virtual-env",
        ),
        pytest.param(
            "{tmp}/not-executable", {}, "Python interpreter is not executable: "
            "{tmp}/not-executable (from --python)", id="not-executable",
        ),
    ],
)
def test_find_interpreter_errors(
    tmp_path: Path, explicit: str | None, environ: dict[str, str], message: str
) -> None:
    make_tree(tmp_path, {"not-executable": "#!/bin/sh\n"})
    if explicit is not None:
        explicit = explicit.format(tmp=tmp_path)
    environ = {k: v.format(tmp=tmp_path) for k, v in environ.items()}

    with pytest.raises(ShadowcheckError) as caught:
        find_interpreter(explicit, tmp_path, environ)

    assert str(caught.value) == message.format(tmp=tmp_path)


# --- interpreters that cannot answer ----------------------------------------------------------


def executable_script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


@pytest.mark.skipif(os.name == "nt", reason="uses /bin/sh scripts as broken interpreters")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            "echo 'Traceback (most recent call last):' >&2\n"
            "echo 'Fatal Python error: failed to get random numbers' >&2\nexit 1\n",
            "cannot inspect {python}: it exited with status 1: "
            "Fatal Python error: failed to get random numbers",
            id="exits-1",
        ),
        pytest.param(
            "echo garbage\necho 'warning: odd' >&2\n",
            "cannot inspect {python}: it printed 'garbage' instead of the probe's answer: "
            "warning: odd",
            id="prints-garbage",
        ),
        pytest.param(
            "echo '[1, 2]'\n",
            "cannot inspect {python}: it printed '[1, 2]' instead of the probe's answer "
            "and wrote nothing to stderr",
            id="prints-other-json",
        ),
    ],
)
def test_broken_interpreter(tmp_path: Path, body: str, message: str) -> None:
    python = executable_script(tmp_path / "python", body)

    with pytest.raises(ShadowcheckError) as caught:
        probe(python)

    assert str(caught.value) == message.format(python=python)


@pytest.mark.skipif(os.name == "nt", reason="uses /bin/sh scripts as broken interpreters")
def test_interpreter_that_hangs(tmp_path: Path) -> None:
    python = executable_script(tmp_path / "python", "exec sleep 30\n")

    with pytest.raises(ShadowcheckError) as caught:
        load_environment(python, "--python", use_cache=False, timeout=0.5)

    assert str(caught.value) == f"cannot inspect {python}: it did not answer within 0.5 seconds"


def test_interpreter_that_cannot_start(tmp_path: Path) -> None:
    python = make_tree(tmp_path, {"python": "no shebang"}) / "python"
    python.chmod(0o755)

    with pytest.raises(ShadowcheckError) as caught:
        probe(str(tmp_path / "missing"))
    assert str(caught.value) == f"cannot run {tmp_path / 'missing'}: No such file or directory"

    with pytest.raises(ShadowcheckError) as caught:
        probe(str(python))
    assert str(caught.value) == f"cannot run {python}: Exec format error"


@pytest.mark.parametrize("version", ["2.7.18", "3.6.15", "3.7.16"])
def test_old_python_is_refused(version: str) -> None:
    python = f"/root/.pyenv/versions/{version}/bin/python"
    if not os.path.isfile(python):
        pytest.skip(f"no Python {version} at {python}")

    with pytest.raises(ShadowcheckError) as caught:
        probe(python)

    assert str(caught.value) == (
        f"{python} is Python {version}; shadowcheck inspects Python 3.8 and newer"
    )


# --- the cache --------------------------------------------------------------------------------


def test_cache_is_reused_until_site_packages_changes(single_venv: Venv, tmp_path: Path) -> None:
    first = load_environment(single_venv.python, ".venv")
    cache_file = probe_cache_path(single_venv.python)
    written = cache_file.stat().st_mtime_ns

    again = load_environment(single_venv.python, "$VIRTUAL_ENV")
    assert cache_file.stat().st_mtime_ns == written  # read, not rewritten
    assert again == TargetEnvironment(**{**vars(first), "chosen_by": "$VIRTUAL_ENV"})

    # Mark the cached answer: seeing the mark proves the probe did not run again.
    entry = json.loads(cache_file.read_text())
    entry["answer"]["problems"] = ["marked by the test"]
    cache_file.write_text(json.dumps(entry))
    assert tuple(map(str, load_environment(single_venv.python, ".venv").problems)) == ("marked by the test",)
    assert probe(single_venv.python).problems == ()  # use_cache=False never reads it

    wheel = build_wheel(tmp_path / "more", "demo-late", "0.1", {"demolate.py": ""})
    pip_install(single_venv, [wheel])

    after = load_environment(single_venv.python, ".venv")
    assert after.problems == ()
    assert [d.name for d in after.providers("demolate")] == ["demo-late"]
    assert json.loads(cache_file.read_text())["answer"]["problems"] == []  # rewritten


def test_use_cache_false_writes_nothing(single_venv: Venv, isolated_cache: Path) -> None:
    load_environment(single_venv.python, ".venv", use_cache=False)

    assert list(isolated_cache.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xff\x00 not json", id="garbage"),
        pytest.param(b'{"key": 1}', id="wrong-shape"),
        pytest.param(b"[]", id="not-an-object"),
    ],
)
def test_corrupt_cache_is_a_miss(single_venv: Venv, content: bytes) -> None:
    cache_file = probe_cache_path(single_venv.python)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_bytes(content)

    env = load_environment(single_venv.python, ".venv")

    assert [d.name for d in env.distributions] == ["demo-single"]
    assert json.loads(cache_file.read_text())["answer"]["version"] == list(env.version)


def test_cache_key_follows_sys_path_variables(
    single_venv: Venv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = probe_cache_path(single_venv.python)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with_pythonpath = probe_cache_path(single_venv.python)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path))  # does not change sys.path

    assert plain != with_pythonpath
    assert probe_cache_path(single_venv.python) == with_pythonpath
    assert str(tmp_path) in load_environment(single_venv.python, "--python").sys_path


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies to Linux")
def test_cache_dir(monkeypatch: pytest.MonkeyPatch, isolated_cache: Path, tmp_path: Path) -> None:
    assert cache_dir() == isolated_cache
    monkeypatch.delenv("SHADOWCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "shadowcheck"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert cache_dir() == Path.home() / ".cache" / "shadowcheck"


def test_relative_pythonpath_names_the_users_directory_not_the_probes(tmp_path, monkeypatch, target_venv):
    # CPython makes relative (and empty) PYTHONPATH entries absolute against the working
    # directory; the probe runs elsewhere, so they must be resolved where the user stands.
    (tmp_path / "lib").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["lib", ""]))
    expected = subprocess.run(
        [target_venv.python, "-c", "import sys, json; print(json.dumps(sys.path[1:3]))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    environment = load_environment(target_venv.python, "--python")
    assert list(environment.sys_path[:2]) == json.loads(expected) == [str(tmp_path / "lib"), str(tmp_path)]
    # Somewhere else, the same relative PYTHONPATH is another directory: another cache entry.
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    moved = load_environment(target_venv.python, "--python")
    assert moved.sys_path[0] == str(tmp_path / "elsewhere" / "lib")


# --- isolated: PYTHONPATH and the user site are computed, never imported from -----------------

USER_VIEW = """
import json, site, sys
print(json.dumps({"sys_path": sys.path[1:], "startup": sorted(sys.modules), "user_site": site.getusersitepackages()}))
"""


@pytest.mark.parametrize("kind", ["interpreter", "venv"])
def test_users_sys_path_is_computed_as_python_computes_it(
    target_python: Interpreter, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user site with .pth files of every kind, and PYTHONPATH with a relative, an absolute
    # and an empty entry: the probe reports the sys.path a script gets, and runs none of it.
    python = target_python.path if kind == "interpreter" else create_venv(tmp_path / "venv", python=target_python.path).python
    marker = tmp_path / "marker"
    monkeypatch.setenv("PYTHONUSERBASE", str(tmp_path / "userbase"))
    user_site = Path(run_json(python, USER_VIEW, cwd=tmp_path)["user_site"])
    make_tree(tmp_path, {
        f"{user_site}/a.pth": f"# a comment\n../added-relative\n{tmp_path / 'added-absolute'}\n{tmp_path / 'missing'}\n",
        f"{user_site}/b.pth": f"import builtins; open({str(marker)!r}, 'w').close()\n{tmp_path / 'lib'}\n",
        f"{user_site}/sitecustomize.py": f"open({str(marker)!r}, 'w').close()\n",
        f"{user_site}/usercustomize.py": f"open({str(marker)!r}, 'w').close()\n",
        "added-absolute/x.py": "", "lib/sitecustomize.py": f"open({str(marker)!r}, 'w').close()\n",
    })  # fmt: skip
    (user_site.parent / "added-relative").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["lib", str(tmp_path / "added-absolute"), ""]))

    env = probe(python)

    assert not marker.exists()
    real = run_json(python, USER_VIEW, cwd=tmp_path)
    assert list(env.sys_path) == real["sys_path"]
    assert (str(user_site) in env.site_packages) is (str(user_site) in real["sys_path"])
    if kind == "interpreter":
        assert str(user_site) in env.sys_path and str(user_site.parent / "added-relative") in env.sys_path
    else:
        assert str(user_site) not in env.sys_path  # a venv without system site-packages
    assert marker.exists()  # the real interpreter does run them: the canaries are live


def test_startup_modules_are_the_interpreters(target_python: Interpreter, tmp_path: Path) -> None:
    # The probe runs site itself (-I -S, then site.main()): the modules loaded before a
    # script's first line must still be the ones a plain run loads. (`import sys` adds none.)
    script = make_tree(tmp_path, {"startup.py": "import sys\nprint(repr(sorted(sys.modules)))\n"}) / "startup.py"
    real = subprocess.run([target_python.path, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)

    assert probe(target_python.path).startup_module_names == set(ast.literal_eval(real.stdout))


# --- a hostile cache: parses, but is not an answer --------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda entry: {"key": entry["key"], "answer": "[" * 100_000 + "]" * 100_000}, id="deeply-nested"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "sys_path": [1, 2]}}, id="paths-not-strings"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "sys_path": {"a": 1}}}, id="paths-not-a-list"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "version": ["3", "11", "0"]}}, id="version-strings"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "version": [True, 11, 0]}}, id="version-bool"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "distributions": [["demo"]]}}, id="distribution-not-an-object"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "stdlib_module_names": [None]}}, id="names-null"),
        pytest.param(lambda entry: {**entry, "answer": {**entry["answer"], "made_by_uv": "yes"}}, id="flag-not-a-bool"),
        pytest.param(lambda entry: {**entry, "answer": None}, id="answer-null"),
        pytest.param(lambda entry: [entry], id="entry-a-list"),
    ],
)
def test_hostile_cache_is_discarded_and_rebuilt(single_venv: Venv, isolated_cache: Path, change) -> None:
    first = load_environment(single_venv.python, ".venv")
    cache_file = probe_cache_path(single_venv.python)
    hostile = change(json.loads(cache_file.read_text()))
    text = json.dumps(hostile) if not isinstance(hostile, dict) or not isinstance(hostile.get("answer"), str) else (
        '{"key": %s, "answer": %s}' % (json.dumps(hostile["key"]), hostile["answer"])
    )  # fmt: skip
    cache_file.write_text(text)

    again = load_environment(single_venv.python, ".venv")

    assert again == first
    assert json.loads(cache_file.read_text())["answer"]["sys_path"] == list(first.sys_path)  # rebuilt


def test_huge_cache_is_not_read(single_venv: Venv, isolated_cache: Path) -> None:
    from shadowcheck.environment.probe import MAX_CACHE_BYTES

    first = load_environment(single_venv.python, ".venv")
    cache_file = probe_cache_path(single_venv.python)
    with open(cache_file, "r+b") as file:
        file.truncate(MAX_CACHE_BYTES + 1)  # sparse: nothing is written, yet too large to read

    assert load_environment(single_venv.python, ".venv") == first
    assert cache_file.stat().st_size < MAX_CACHE_BYTES


# --- what the summary says about the environment -----------------------------------------------


@pytest.mark.parametrize("line, expected", [("uv = 0.13.9\n", True), ("", False)], ids=["uv", "venv"])
def test_made_by_uv(tmp_path: Path, line: str, expected: bool) -> None:
    venv = create_venv(tmp_path / "venv")
    with open(venv.path / "pyvenv.cfg", "a", encoding="utf-8") as config:
        config.write(line)

    assert probe(venv.python).made_by_uv is expected


@pytest.mark.parametrize(
    "requirements, explicit, clause",
    [
        pytest.param("keras\ntorch\nnumpy\n", False, "; it lacks 3 of the 3 distributions requirements.txt declares (keras, numpy, torch): name the project's environment with --python", id="lacks-all"),
        pytest.param("keras\ntorch\nnumpy\ndemo-pkg\nb\n", True, "; it lacks 4 of the 5 distributions requirements.txt declares (b, keras, numpy and 1 more)", id="lacks-most-after-python"),
        pytest.param("keras\ndemo-pkg\n", False, None, id="lacks-half"),
        pytest.param("demo-pkg\ndemo-single\n", False, None, id="has-all"),
    ],
)  # fmt: skip
def test_summary_says_when_the_interpreter_lacks_the_declared(target_venv: Venv, tmp_path: Path, requirements, explicit, clause) -> None:
    from shadowcheck.environment import describe_environment, project_environment

    project = make_tree(tmp_path, {"requirements.txt": requirements})
    environ = {} if explicit else {"VIRTUAL_ENV": str(target_venv.path)}
    environment = project_environment(target_venv.python if explicit else None, project, environ)

    described = describe_environment(environment, tmp_path)
    how = "--python" if explicit else "$VIRTUAL_ENV"
    assert described == f"{target_venv.python} (Python {'.'.join(map(str, environment.version))}, {how}){clause or ''}"


def test_summary_names_two_declaring_files_and_counts_the_rest(target_venv: Venv, tmp_path: Path) -> None:
    from shadowcheck.environment import describe_environment, project_environment

    files = {f"requirements{suffix}.txt": f"{name}\n" for suffix, name in [("", "keras"), ("-dev", "torch"), ("-gpu", "jax"), ("-tpu", "flax")]}
    project = make_tree(tmp_path, files)
    environment = project_environment(target_venv.python, project, {})

    described = describe_environment(environment, tmp_path)
    assert described.endswith("; it lacks 4 of the 4 distributions requirements-dev.txt, requirements-gpu.txt and 2 more files declare (flax, jax, keras and 1 more)")
