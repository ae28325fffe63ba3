"""Ask a target interpreter, through _probe.py, what it would import.

The answer is cached per interpreter, and trusted only while the interpreter and every
directory on its sys.path look as they did when it was given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from shadowcheck import __version__
from shadowcheck.digest import sha256_hex
from shadowcheck.environment.process import BoundedProcess
from shadowcheck.ftypes import (
    Distribution,
    EnvironmentDetails,
    Problem,
    ShadowcheckError,
    TargetEnvironment,
)

PROBE = Path(__file__).with_name("_probe.py")
PROBE_TIMEOUT = 60.0
OLDEST_SUPPORTED = (3, 8)
# Isolated (-I: no PYTHONPATH, user site, PYTHONSTARTUP or script directory) and without site
# (-S), which the probe runs itself on the interpreter's own directories: nothing of the
# project can run in the probe. It computes what PYTHONPATH and the user site add (_probe.py).
PROBE_FLAGS = ("-I", "-S")
# The environment variables whose values the probe's answer depends on.
SYS_PATH_VARIABLES = ("PYTHONPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE")
# Prints the version on Python 2 too (which has no -I), so an old interpreter gets a clear
# message; -E -S: no PYTHONPATH and no site there either.
VERSION_QUERY = "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))"
VERSION_FLAGS = ("-E", "-S")
# Where the probe runs: the root directory holds nothing of the project, and under -I the
# working directory is on no path anyway. (Not a temporary directory: nothing to clean up.)
NEUTRAL_DIRECTORY = os.path.abspath(os.sep)
# A real answer is a few megabytes at most; a larger cache file is not one of ours.
MAX_CACHE_BYTES = 64 * 1024 * 1024


def load_environment(
    python: str,
    chosen_by: str,
    *,
    use_cache: bool = True,
    timeout: float = PROBE_TIMEOUT,
    details: bool = False,
) -> TargetEnvironment:
    """Run _probe.py with ``python`` (or reuse its cached answer) and describe what it imports.

    ``details`` asks for what only `doctor` needs too (EnvironmentDetails, each distribution's
    metadata path and installer); that answer is cached apart, so `check` never pays for it.
    Raises ShadowcheckError, with one line naming the interpreter, when it cannot answer.
    """
    pending = start_environment(python, chosen_by, use_cache=use_cache, timeout=timeout, details=details)
    try:
        return pending.result()
    finally:
        pending.close()


def start_environment(
    python: str,
    chosen_by: str,
    *,
    use_cache: bool = True,
    timeout: float = PROBE_TIMEOUT,
    details: bool = False,
) -> PendingEnvironment:
    """load_environment in two halves: the cached answer, or the probe started (a
    ShadowcheckError when it cannot start); its result() is load_environment's answer. The
    caller works while the probe runs, and must close() it however it ends."""
    cache_file = probe_cache_path(python, details=details) if use_cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file, python, chosen_by, details)
        if cached is not None:
            return PendingEnvironment(python, chosen_by, details, None, None, cached)
    probe = _start(python, [*PROBE_FLAGS, str(PROBE), *(["--details"] if details else [])], timeout)
    return PendingEnvironment(python, chosen_by, details, cache_file, probe, None)


class PendingEnvironment:
    """A probe under way (or its cached answer), from start_environment."""

    def __init__(
        self, python: str, chosen_by: str, details: bool, cache_file: Path | None,
        probe: BoundedProcess | None, environment: TargetEnvironment | None,
    ):  # fmt: skip
        self._python, self._chosen_by, self._details = python, chosen_by, details
        self._cache_file, self._probe, self._environment = cache_file, probe, environment

    def result(self) -> TargetEnvironment:
        """The environment the probe described; ShadowcheckError when it could not."""
        if self._environment is None:
            assert self._probe is not None
            python = self._python
            answer = _answer(python, _finish(python, self._probe))
            environment = _environment_from_answer(python, self._chosen_by, answer)
            if self._cache_file is not None:
                entry = {"key": _cache_key(python, self._details), "fingerprint": _fingerprint(python, environment)}
                _write_cache(self._cache_file, {**entry, "answer": answer})
            self._environment = environment
        return self._environment

    def close(self) -> None:
        """End the probe, if it runs still, and everything it started."""
        if self._probe is not None:
            self._probe.close()


def _answer(python: str, result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
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
        result = _run(python, [*VERSION_FLAGS, "-c", VERSION_QUERY], 10.0)
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

    The probe runs elsewhere, and CPython makes relative PYTHONPATH entries (and empty ones)
    absolute against its working directory at start-up: resolved here, they name the user's
    directories, not the probe's.
    """
    environ: dict[str, str | None] = {name: os.environ.get(name) for name in SYS_PATH_VARIABLES}
    if environ["PYTHONPATH"]:
        environ["PYTHONPATH"] = os.pathsep.join(os.path.abspath(e) for e in environ["PYTHONPATH"].split(os.pathsep))
    return environ


def _run(python: str, args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    probe = _start(python, args, timeout)
    try:
        return _finish(python, probe)
    finally:
        probe.close()


def _start(python: str, args: list[str], timeout: float) -> BoundedProcess:
    environ = dict(os.environ)
    if os.environ.get("PYTHONPATH"):
        environ["PYTHONPATH"] = _sys_path_environ()["PYTHONPATH"]
    # macOS sets this for a venv's python; inherited, it makes the target's sys.executable
    # (and so its sys.path) that of the interpreter running shadowcheck.
    environ.pop("__PYVENV_LAUNCHER__", None)
    try:
        return BoundedProcess([python, *args], cwd=NEUTRAL_DIRECTORY, env=environ, timeout=timeout)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ShadowcheckError(f"cannot run {python}: {reason}") from None


def _finish(python: str, probe: BoundedProcess) -> subprocess.CompletedProcess[bytes]:
    try:
        return probe.result()
    except subprocess.TimeoutExpired as expired:
        raise ShadowcheckError(
            f"cannot inspect {python}: it did not answer within {expired.timeout:g} seconds"
        ) from None


def _last_stderr_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return f": {lines[-1].strip()}" if lines else " and wrote nothing to stderr"


def _environment_from_answer(python: str, chosen_by: str, answer: object) -> TargetEnvironment:
    # The answer comes from a program we do not control, or from a cache file anyone could
    # have written: every field is checked for its type, never trusted.
    try:
        if not isinstance(answer, dict):
            raise TypeError("not a JSON object")
        version = _ints(answer["version"])
        if len(version) != 3:
            raise ValueError(f"version {list(version)}")
        _check_version(python, version)
        return TargetEnvironment(
            python=python,
            executable=_string(answer["executable"]),
            version=(version[0], version[1], version[2]),
            sys_path=_strings(answer["sys_path"]),
            stdlib_module_names=frozenset(_strings(answer["stdlib_module_names"])),
            builtin_module_names=frozenset(_strings(answer["builtin_module_names"])),
            frozen_module_names=frozenset(_strings(answer["frozen_module_names"])),
            startup_module_names=frozenset(_strings(answer["startup_module_names"])),
            extension_suffixes=_strings(answer["extension_suffixes"]),
            source_suffixes=_strings(answer["source_suffixes"]),
            bytecode_suffixes=_strings(answer["bytecode_suffixes"]),
            stdlib_paths=_strings(answer["stdlib_paths"]),
            site_packages=_strings(answer["site_packages"]),
            distributions=tuple(_distribution(d) for d in _list(answer["distributions"])),
            problems=tuple(Problem(p) for p in _strings(answer["problems"])),
            chosen_by=chosen_by,
            made_by_uv=_bool(answer.get("made_by_uv", False)),
            details=_details(answer["details"]) if "details" in answer else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ShadowcheckError(
            f"cannot inspect {python}: its answer is incomplete ({type(error).__name__}: {error})"
        ) from None


def _distribution(entry: object) -> Distribution:
    if not isinstance(entry, dict):
        raise TypeError("a distribution is not a JSON object")
    return Distribution(
        name=_string(entry["name"]),
        version=_string(entry["version"]),
        location=_string(entry["location"]),
        provides=_strings(entry["provides"]),
        requires=_strings(entry["requires"]),
        editable_project=_optional_string(entry.get("editable_project")),
        metadata_path=_optional_string(entry.get("metadata_path")),
        installer=_optional_string(entry.get("installer")),
    )


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _optional_string(value: object) -> str | None:
    return None if value is None else _string(value)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(_string(item) for item in _list(value))


def _ints(value: object) -> tuple[int, ...]:
    items = _list(value)
    if not all(type(item) is int for item in items):  # bool is an int subclass
        raise TypeError("expected a list of integers")
    return tuple(items)


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _details(details: object) -> EnvironmentDetails:
    if not isinstance(details, dict) or not isinstance(details["marker_environment"], dict):
        raise TypeError("details are not a JSON object of the probe's shape")
    return EnvironmentDetails(
        prefix=_string(details["prefix"]),
        base_prefix=_string(details["base_prefix"]),
        platform=_string(details["platform"]),
        implementation=_string(details["implementation"]),
        version_text=_string(details["version_text"]),
        marker_environment=tuple(sorted((_string(k), _string(v)) for k, v in details["marker_environment"].items())),
        leftovers=tuple(_distribution(d) for d in _list(details["leftovers"])),
        path_origins=tuple(_path_origin(o) for o in _list(details.get("path_origins", []))),
    )


def _path_origin(item: object) -> tuple[str, str, str]:
    entry, origin, source = _strings(item)  # a ValueError unless there are three
    return entry, origin, source


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


def probe_cache_path(python: str, *, details: bool = False) -> Path:
    """The file that holds the cached probe answer for ``python`` in this environment."""
    key = json.dumps(_cache_key(python, details), sort_keys=True)
    return cache_dir() / f"probe-{sha256_hex(key.encode())[:32]}.json"


def _cache_key(python: str, details: bool = False) -> dict[str, Any]:
    key = {
        "python": os.path.abspath(python),
        "environ": _sys_path_environ(),  # a relative PYTHONPATH means another path elsewhere
        "home": os.path.expanduser("~"),  # the default user site lives there
        "shadowcheck": __version__,
        "probe": sha256_hex(PROBE.read_bytes()),
    }
    if details:  # only then: check's key, and so its cache file, stays what it was
        key["details"] = True
    return key


def _fingerprint(python: str, environment: TargetEnvironment) -> dict[str, Any]:
    # Installing or removing a distribution adds or removes an entry in its site-packages
    # directory, which changes that directory's mtime; replacing the interpreter (or the
    # venv's link to it) changes the stat of the path or of its target.
    directories = dict.fromkeys([*environment.sys_path, *environment.site_packages])
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


def _read_cache(path: Path, python: str, chosen_by: str, details: bool = False) -> TargetEnvironment | None:
    # Anything unreadable, corrupt, hostile (too large, nested too deep for the parser, of
    # the wrong types), stale or from another key is a miss, never an error: the probe runs
    # again and the file is replaced.
    try:
        if path.stat().st_size > MAX_CACHE_BYTES:
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict) or entry.get("key") != _cache_key(python, details):
            return None
        environment = _environment_from_answer(python, chosen_by, entry.get("answer"))
        if entry.get("fingerprint") != _fingerprint(python, environment):
            return None
        return environment
    except (OSError, ValueError, RecursionError, MemoryError, ShadowcheckError):
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
