"""Ask a target interpreter, through _probe.py, what it would import.

The answer is cached per interpreter, and trusted only while the interpreter and every
directory on its sys.path look as they did when it was given.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from shadowcheck import __version__
from shadowcheck.ftypes import Distribution, Problem, ShadowcheckError, TargetEnvironment

PROBE = Path(__file__).with_name("_probe.py")
PROBE_TIMEOUT = 60.0
OLDEST_SUPPORTED = (3, 8)
# The environment variables that change the sys.path a target interpreter computes.
SYS_PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONSAFEPATH")
# Prints the version on Python 2 too, so an old interpreter gets a clear message.
VERSION_QUERY = "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"


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
                    editable_project=d.get("editable_project"),
                )
                for d in answer["distributions"]
            ),
            problems=tuple(Problem(str(p)) for p in answer["problems"]),
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
