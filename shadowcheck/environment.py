"""Choose the target interpreter and ask it, through _probe.py, what it would import.

The answer is cached per interpreter, and trusted only while the interpreter and every
directory on its sys.path look as they did when it was given.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shadowcheck import __version__
from shadowcheck.ftypes import Distribution, ShadowcheckError, TargetEnvironment
from shadowcheck.declared import declared_dependencies
from shadowcheck.isolation import DECLARED, base_interpreter, declared_environment, is_own_isolated_environment
from shadowcheck.paths import relative

PROBE = Path(__file__).with_name("_probe.py")
PROBE_TIMEOUT = 60.0
OLDEST_SUPPORTED = (3, 8)
# The environment variables that change the sys.path a target interpreter computes.
SYS_PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONSAFEPATH")
# Prints the version on Python 2 too, so an old interpreter gets a clear message.
VERSION_QUERY = "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"


# --- choosing the interpreter ----------------------------------------------------------------


def find_interpreter(
    explicit: str | None, project_root: Path, environ: Mapping[str, str]
) -> tuple[str, str]:
    """The interpreter to inspect and how it was chosen, e.g. ("/p/.venv/bin/python", ".venv").

    --python, then an activated virtualenv, then the project's own .venv/ or venv/, then an
    activated conda environment, then the interpreter running shadowcheck, unless that is
    pre-commit's virtualenv for the hook (isolation.py): then its base interpreter, with
    how == "declared dependencies".
    """
    if explicit:
        return _explicit_interpreter(explicit), "--python"
    virtual_env = environ.get("VIRTUAL_ENV")
    # pre-commit points $VIRTUAL_ENV at the hook's own virtualenv: not the project's.
    if virtual_env and not is_own_isolated_environment(virtual_env, environ, project_root):
        return _checked(_python_in(Path(virtual_env)), "$VIRTUAL_ENV"), "$VIRTUAL_ENV"
    for name in (".venv", "venv"):
        venv = project_root / name
        if (venv / "pyvenv.cfg").is_file():
            return _checked(_python_in(venv), name), name
    conda_prefix = environ.get("CONDA_PREFIX")
    if conda_prefix:
        return _checked(_python_in(Path(conda_prefix)), "$CONDA_PREFIX"), "$CONDA_PREFIX"
    if is_own_isolated_environment(sys.prefix, environ, project_root):
        # Nothing of the project is installed where we run: the base interpreter answers for
        # the standard library, the project's declared dependencies for the rest (check.py).
        return base_interpreter() or sys.executable, DECLARED
    if not sys.executable:  # an embedding application may leave it empty
        raise ShadowcheckError("cannot tell which Python runs shadowcheck; pass --python")
    return sys.executable, "running interpreter"


def _explicit_interpreter(explicit: str) -> str:
    path = Path(explicit)
    if path.is_dir():
        path = _python_in(path)
    elif not path.exists() and not _has_separator(explicit):
        found = shutil.which(explicit)  # a bare name such as "python3.12"
        if found is None:
            raise ShadowcheckError(f"Python interpreter not found: {explicit} (from --python)")
        path = Path(found)
    return _checked(path, "--python")


def _has_separator(text: str) -> bool:
    return os.sep in text or bool(os.altsep and os.altsep in text)


def _python_in(prefix: Path) -> Path:
    """The interpreter of a venv or conda environment (the first candidate if none exists)."""
    if os.name == "nt":
        candidates = [prefix / "Scripts" / "python.exe", prefix / "python.exe"]
    else:
        candidates = [prefix / "bin" / "python", prefix / "bin" / "python3"]
    return next((c for c in candidates if c.is_file()), candidates[0])


def _checked(path: Path, source: str) -> str:
    # Absolute, but never resolved: a venv's bin/python is a symlink to the base interpreter,
    # and only through the link does Python find pyvenv.cfg and the venv's site-packages.
    absolute = os.path.abspath(path)
    if not os.path.isfile(absolute):
        raise ShadowcheckError(f"Python interpreter not found: {absolute} (from {source})")
    if not os.access(absolute, os.X_OK):
        raise ShadowcheckError(f"Python interpreter is not executable: {absolute} (from {source})")
    return absolute


# --- asking it -------------------------------------------------------------------------------


def load_environment(
    python: str, chosen_by: str, *, use_cache: bool = True, timeout: float = PROBE_TIMEOUT
) -> TargetEnvironment:
    """Run _probe.py with ``python`` (or reuse its cached answer) and describe what it imports.

    Raises ShadowcheckError, with one line naming the interpreter, when it cannot answer.
    """
    cache_file = probe_cache_path(python) if use_cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file, python, chosen_by)
        if cached is not None:
            return cached
    answer = _run_probe(python, timeout)
    environment = _environment_from_answer(python, chosen_by, answer)
    if cache_file is not None:
        entry = {"key": _cache_key(python), "fingerprint": _fingerprint(python, answer)}
        _write_cache(cache_file, {**entry, "answer": answer})
    return environment


def _run_probe(python: str, timeout: float) -> dict[str, Any]:
    result = _run(python, [str(PROBE)], timeout)
    if result.returncode != 0:
        _reject_old_python(python)
        raise ShadowcheckError(
            f"cannot inspect {python}: it exited with status {result.returncode}"
            f"{_last_stderr_line(result)}"
        )
    lines = result.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1])
        if not isinstance(answer, dict):
            raise ValueError("not a JSON object")
    except (IndexError, ValueError):
        _reject_old_python(python)
        printed = repr(lines[-1][:60]) if lines else "nothing"
        raise ShadowcheckError(
            f"cannot inspect {python}: it printed {printed} instead of the probe's answer"
            f"{_last_stderr_line(result)}"
        ) from None
    return answer


def _reject_old_python(python: str) -> None:
    # The probe needs Python 3.8 (importlib.metadata); on older interpreters it fails, and
    # a plain version question tells why.
    try:
        result = _run(python, ["-c", VERSION_QUERY], 10.0)
        version = tuple(int(part) for part in result.stdout.decode().split("."))
    except (ShadowcheckError, ValueError, UnicodeDecodeError):
        return
    _check_version(python, version)


def _check_version(python: str, version: tuple[int, ...]) -> None:
    if len(version) == 3 and version < OLDEST_SUPPORTED:
        shown = ".".join(map(str, version))
        raise ShadowcheckError(
            f"{python} is Python {shown}; shadowcheck inspects Python 3.8 and newer"
        )


def _sys_path_environ() -> dict[str, str | None]:
    """The variables that shape the target's sys.path, PYTHONPATH made absolute.

    The probe runs from a temporary directory, and CPython makes relative PYTHONPATH entries
    (and empty ones) absolute against its working directory at start-up: resolved here, they
    name the user's directories, not the probe's.
    """
    environ: dict[str, str | None] = {name: os.environ.get(name) for name in SYS_PATH_VARIABLES}
    if environ["PYTHONPATH"]:
        environ["PYTHONPATH"] = os.pathsep.join(os.path.abspath(e) for e in environ["PYTHONPATH"].split(os.pathsep))
    return environ


def _run(python: str, args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    environ = dict(os.environ)
    if os.environ.get("PYTHONPATH"):
        environ["PYTHONPATH"] = _sys_path_environ()["PYTHONPATH"]
    # macOS sets this for a venv's python; inherited, it makes the target's sys.executable
    # (and so its sys.path) that of the interpreter running shadowcheck.
    environ.pop("__PYVENV_LAUNCHER__", None)
    # A fresh working directory: nothing of the user's project may be imported by the probe.
    with tempfile.TemporaryDirectory(prefix="shadowcheck-probe-") as cwd:
        try:
            return subprocess.run(
                [python, *args],
                cwd=cwd,
                env=environ,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ShadowcheckError(
                f"cannot inspect {python}: it did not answer within {timeout:g} seconds"
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise ShadowcheckError(f"cannot run {python}: {reason}") from None


def _last_stderr_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return f": {lines[-1].strip()}" if lines else " and wrote nothing to stderr"


def _environment_from_answer(
    python: str, chosen_by: str, answer: dict[str, Any]
) -> TargetEnvironment:
    try:
        version = tuple(int(part) for part in answer["version"])
        _check_version(python, version)
        return TargetEnvironment(
            python=python,
            executable=answer["executable"],
            version=(version[0], version[1], version[2]),
            sys_path=tuple(answer["sys_path"]),
            stdlib_module_names=frozenset(answer["stdlib_module_names"]),
            builtin_module_names=frozenset(answer["builtin_module_names"]),
            frozen_module_names=frozenset(answer["frozen_module_names"]),
            startup_module_names=frozenset(answer["startup_module_names"]),
            extension_suffixes=tuple(answer["extension_suffixes"]),
            source_suffixes=tuple(answer["source_suffixes"]),
            bytecode_suffixes=tuple(answer["bytecode_suffixes"]),
            stdlib_paths=tuple(answer["stdlib_paths"]),
            site_packages=tuple(answer["site_packages"]),
            distributions=tuple(
                Distribution(
                    name=d["name"],
                    version=d["version"],
                    location=d["location"],
                    provides=tuple(d["provides"]),
                    requires=tuple(d["requires"]),
                )
                for d in answer["distributions"]
            ),
            problems=tuple(answer["problems"]),
            chosen_by=chosen_by,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ShadowcheckError(
            f"cannot inspect {python}: its answer is incomplete ({type(error).__name__}: {error})"
        ) from None


# --- the cache -------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where probe answers are kept: $SHADOWCHECK_CACHE_DIR, else the user's cache directory."""
    override = os.environ.get("SHADOWCHECK_CACHE_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(local) / "shadowcheck" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "shadowcheck"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative $XDG_CACHE_HOME is invalid and must be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else home / ".cache"
    return base / "shadowcheck"


def probe_cache_path(python: str) -> Path:
    """The file that holds the cached probe answer for ``python`` in this environment."""
    key = json.dumps(_cache_key(python), sort_keys=True)
    return cache_dir() / f"probe-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def _cache_key(python: str) -> dict[str, Any]:
    return {
        "python": os.path.abspath(python),
        "environ": _sys_path_environ(),  # a relative PYTHONPATH means another path elsewhere
        "shadowcheck": __version__,
        "probe": hashlib.sha256(PROBE.read_bytes()).hexdigest(),
    }


def _fingerprint(python: str, answer: dict[str, Any]) -> dict[str, Any]:
    # Installing or removing a distribution adds or removes an entry in its site-packages
    # directory, which changes that directory's mtime; replacing the interpreter (or the
    # venv's link to it) changes the stat of the path or of its target.
    directories = dict.fromkeys([*answer["sys_path"], *answer["site_packages"]])
    return {
        "interpreter": [_stat(python, follow_symlinks=False), _stat(python, follow_symlinks=True)],
        "directories": {d: _stat(d, follow_symlinks=True, size=False) for d in directories},
    }


def _stat(path: str, *, follow_symlinks: bool, size: bool = True) -> list[int] | None:
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
    except OSError:
        return None  # missing now; its appearing later must invalidate the answer too
    return [st.st_mtime_ns, st.st_size] if size else [st.st_mtime_ns]


def _read_cache(path: Path, python: str, chosen_by: str) -> TargetEnvironment | None:
    # Anything unreadable, corrupt, stale or from another key is a miss, never an error.
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry["key"] != _cache_key(python):
            return None
        if entry["fingerprint"] != _fingerprint(python, entry["answer"]):
            return None
        return _environment_from_answer(python, chosen_by, entry["answer"])
    except (OSError, ValueError, KeyError, TypeError, ShadowcheckError):
        return None


def _write_cache(path: Path, entry: dict[str, Any]) -> None:
    # Written beside its final name and renamed over it, so a concurrent run reads either the
    # old answer or the new one, never half of one.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".probe-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(entry, file)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs time on the next run


# --- the environment a command inspects ------------------------------------------------------


def project_environment(
    explicit: str | None, project_root: Path, environ: Mapping[str, str], *, use_cache: bool = True
) -> TargetEnvironment:
    """The environment `check` and `verify` inspect for a project: the chosen interpreter's,
    or, inside pre-commit's own virtualenv with no project environment, its base
    interpreter's standard library plus the project's declared dependencies (isolation.py)."""
    python, chosen_by = find_interpreter(explicit, project_root, environ)
    environment = load_environment(python, chosen_by, use_cache=use_cache)
    if chosen_by == DECLARED:
        declared = declared_dependencies(project_root)
        environment = declared_environment(environment, declared.sources, declared.import_names)
    return environment


def describe_environment(environment: TargetEnvironment, cwd: Path) -> str:
    """How a summary line names the environment: interpreter, version, how it was chosen."""
    version = ".".join(map(str, environment.version))
    if environment.chosen_by == DECLARED:
        if not environment.declared_sources:
            return f"the Python {version} standard library only (no project environment or declared dependencies found)"
        sources = ", ".join(environment.declared_sources)
        return f"declared dependencies from {sources} (no project environment found; Python {version} standard library)"
    return f"{relative(environment.python, cwd)} (Python {version}, {environment.chosen_by})"
