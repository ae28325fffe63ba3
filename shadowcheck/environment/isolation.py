"""Telling shadowcheck's own isolated environment from the project's.

A linter is usually installed in a virtualenv of its own, holding shadowcheck, click, libcst and
nothing of the project; inspecting it would report click and libcst as the project's packages
and miss everything the project uses. Each tool marks its environments:

- pre-commit runs a `language: python` hook from `py_env-<version>` in its store, and sets
  $VIRTUAL_ENV to it and $PRE_COMMIT=1 while the hook runs (languages/python.py
  get_env_patch, commands/run.py);
- pipx writes `pipx_metadata.json` into every virtualenv it manages
  ($PIPX_HOME/venvs/<name>/, pipx_metadata_file.py), `pipx run`'s cached ones too;
- `uv tool install` writes its receipt, `uv-receipt.toml`, into the tool's environment
  (`uv tool dir`/<name>/);
- uvx (`uv tool run`) makes its environments in uv's cache, `archive-v0/<id>/` (a
  pyvenv.cfg with a `uv = <version>` line), linked from `environments-v2/`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from shadowcheck.ftypes import TargetEnvironment
from shadowcheck.paths import is_inside, real

# How find_interpreter says "no project environment: use the declared dependencies".
DECLARED = "declared dependencies"
# pre-commit names a python hook's environment `py_env-<language_version>` (lang_base.py
# environment_dir), inside its clone of the hook's repository.
PRE_COMMIT_ENV_PREFIX = "py_env-"
PIPX_MARKER = "pipx_metadata.json"
UV_TOOL_RECEIPT = "uv-receipt.toml"
UV_CACHE_ARCHIVE = re.compile(r"archive-v\d+")


def pre_commit_home(environ: Mapping[str, str]) -> Path:
    """pre-commit's store, where it keeps hook environments (store.py _get_default_directory)."""
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(environ.get("PRE_COMMIT_HOME") or os.path.join(cache, "pre-commit"))


def is_own_isolated_environment(
    prefix: str | os.PathLike[str], environ: Mapping[str, str], project_root: Path | None = None
) -> bool:
    """True when ``prefix`` is the virtualenv shadowcheck itself runs from and a tool made it
    for shadowcheck alone, so it holds shadowcheck's packages rather than the project's."""
    return own_tool_environment(prefix, environ, project_root) is not None


def own_tool_environment(
    prefix: str | os.PathLike[str], environ: Mapping[str, str], project_root: Path | None = None
) -> str | None:
    """Which tool made ``prefix`` for shadowcheck ("pre-commit", "pipx", "uv tool", "uvx"),
    when it is the virtualenv shadowcheck runs from; None otherwise."""
    if sys.prefix == sys.base_prefix or real(prefix) != real(sys.prefix):
        return None  # not a virtualenv, or not ours
    if project_root is not None and is_inside(prefix, project_root):
        return None  # the project's own .venv/ that has shadowcheck installed
    directory = Path(prefix)
    if is_inside(prefix, pre_commit_home(environ)):
        return "pre-commit"
    # `pre-commit try-repo` keeps its environments in a temporary store; `language: unsupported`
    # (system) hooks also run with PRE_COMMIT=1 but from the user's environment, which is the
    # project's, so the directory name has to match too.
    if environ.get("PRE_COMMIT") and directory.name.startswith(PRE_COMMIT_ENV_PREFIX):
        return "pre-commit"
    if (directory / PIPX_MARKER).is_file():
        return "pipx"
    if (directory / UV_TOOL_RECEIPT).is_file():
        return "uv tool"
    if UV_CACHE_ARCHIVE.fullmatch(Path(real(prefix)).parent.name) and made_by_uv(directory):
        return "uvx"
    return None


def made_by_uv(prefix: Path) -> bool:
    """Whether uv made the virtualenv at ``prefix``: it writes `uv = <version>` into pyvenv.cfg."""
    try:
        with open(prefix / "pyvenv.cfg", encoding="utf-8") as config:
            return any(line.partition("=")[0].strip().lower() == "uv" for line in config)
    except (OSError, UnicodeDecodeError):
        return False


def base_interpreter() -> str | None:
    """The interpreter our virtualenv was made from: the same standard library, without the
    packages installed for shadowcheck."""
    candidates = []
    base_executable = getattr(sys, "_base_executable", "")
    if base_executable and not is_inside(base_executable, sys.prefix):
        candidates.append(Path(base_executable))
    base = Path(sys.base_prefix)
    if os.name == "nt":
        candidates.append(base / "python.exe")
    else:
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        candidates += [base / "bin" / f"python{version}", base / "bin" / "python3", base / "bin" / "python"]
    return next((str(c) for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def declared_environment(
    base: TargetEnvironment,
    sources: tuple[str, ...],
    import_names: Mapping[str, tuple[str, ...]],
    own_environment: str = "",
) -> TargetEnvironment:
    """``base`` (the base interpreter) reduced to its standard library, with the project's
    declared dependencies standing in for installed ones."""
    stdlib = {real(p) for p in base.stdlib_paths}
    return dataclasses.replace(
        base,
        # The base interpreter's own site-packages are neither the project's nor empty
        # (pyenv, Homebrew and system Pythons carry packages): only the stdlib stays.
        sys_path=tuple(p for p in base.sys_path if p and real(p) in stdlib),
        site_packages=(),
        distributions=(),
        declared=tuple(sorted((name, tuple(dists)) for name, dists in import_names.items())),
        declared_sources=tuple(sources),
        chosen_by=DECLARED,
        own_environment=own_environment,
        made_by_uv=False,  # nothing is installed in it: the project's own tool decides
    )
