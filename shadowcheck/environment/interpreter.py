"""Choose the target interpreter: --python, an activated or project environment, or ours."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from shadowcheck.environment.isolation import (
    DECLARED,
    base_interpreter,
    is_own_isolated_environment,
)
from shadowcheck.environment.trust import check_trusted
from shadowcheck.ftypes import ShadowcheckError

# How find_interpreter says the interpreter came from `python` in [tool.shadowcheck].
CONFIGURED = "configuration"


def find_interpreter(
    explicit: str | None,
    project_root: Path,
    environ: Mapping[str, str],
    configured: str | None = None,
) -> tuple[str, str]:
    """The interpreter to inspect and how it was chosen, e.g. ("/p/.venv/bin/python", ".venv").

    ``explicit`` is the user's own choice (--python, $SHADOWCHECK_PYTHON), ``configured`` the
    repository's (`python` in [tool.shadowcheck]). Then an activated virtualenv, the project's
    own .venv/ or venv/, an activated conda environment, and the interpreter running
    shadowcheck, unless that is an isolated tool environment of shadowcheck's own (a pre-commit
    hook's, pipx's, uv's: isolation.py): then its base interpreter, with how == "declared
    dependencies". What the repository chose runs only when trust.py allows it.
    """
    if explicit is not None:
        if not explicit.strip():
            raise ShadowcheckError("--python is empty: name an interpreter or a virtualenv directory")
        return _explicit_interpreter(explicit, "--python"), "--python"
    if configured is not None:
        if not configured.strip():
            raise ShadowcheckError("`python` in the configuration is empty: name an interpreter or a virtualenv directory")
        python = _explicit_interpreter(configured, "`python` in the configuration")
        check_trusted(python, project_root, CONFIGURED)
        return python, CONFIGURED
    virtual_env = environ.get("VIRTUAL_ENV")
    # pre-commit points $VIRTUAL_ENV at the hook's own virtualenv: not the project's.
    if virtual_env and not is_own_isolated_environment(virtual_env, environ, project_root):
        return _checked(_python_in(Path(virtual_env)), "$VIRTUAL_ENV"), "$VIRTUAL_ENV"
    for name in (".venv", "venv"):
        venv = project_root / name
        if (venv / "pyvenv.cfg").is_file():
            python = _checked(_python_in(venv), name)
            check_trusted(python, project_root, name)
            return python, name
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


def _explicit_interpreter(explicit: str, source: str) -> str:
    path = Path(explicit)
    if path.is_dir():
        path = _python_in(path)
    elif not path.exists() and not _has_separator(explicit):
        found = shutil.which(explicit)  # a bare name such as "python3.12"
        if found is None:
            raise ShadowcheckError(f"Python interpreter not found: {explicit} (from {source})")
        path = Path(found)
    return _checked(path, source)


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
