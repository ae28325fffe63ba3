"""Reading the environment: which interpreter, and what it would import (never the project).

interpreter.py chooses the interpreter, probe.py asks it (running _probe.py in it) and caches
the answer, declared.py and import_names.py stand in for an environment that cannot be asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dataclasses
import sys

from shadowcheck.environment.declared import declared_dependencies
from shadowcheck.environment.interpreter import find_interpreter
from shadowcheck.environment.isolation import DECLARED, declared_environment, own_tool_environment
from shadowcheck.environment.lacking import describe_lacking, lacking_declared, lacking_imports
from shadowcheck.environment.probe import (
    PROBE,
    PendingEnvironment,
    cache_dir,
    load_environment,
    probe_cache_path,
    start_environment,
)
from shadowcheck.ftypes import ShadowcheckError, TargetEnvironment
from shadowcheck.paths import relative

__all__ = [
    "PROBE", "cache_dir", "describe_environment", "find_interpreter", "lacking_imports",
    "load_environment", "probe_cache_path", "project_environment", "start_project_environment",
]  # fmt: skip


def project_environment(
    explicit: str | None,
    project_root: Path,
    environ: Mapping[str, str],
    *,
    use_cache: bool = True,
    configured: str | None = None,
) -> TargetEnvironment:
    """The environment `check` and `verify` inspect for a project: the chosen interpreter's,
    or, inside pre-commit's own virtualenv with no project environment, its base
    interpreter's standard library plus the project's declared dependencies (isolation.py).

    ``explicit`` is the user's --python or $SHADOWCHECK_PYTHON (always run), ``configured``
    the configuration's `python` (the repository's choice: run only when trust.py allows)."""
    pending = start_project_environment(explicit, project_root, environ, use_cache=use_cache, configured=configured)
    try:
        return pending.result()
    finally:
        pending.close()


def start_project_environment(
    explicit: str | None,
    project_root: Path,
    environ: Mapping[str, str],
    *,
    use_cache: bool = True,
    configured: str | None = None,
) -> PendingProjectEnvironment:
    """project_environment in two halves: the interpreter chosen and its probe started (the
    caller works while it runs), then result(). The caller must close() it however it ends."""
    python, chosen_by = find_interpreter(explicit, project_root, environ, configured)
    probe = start_environment(python, chosen_by, use_cache=use_cache)
    return PendingProjectEnvironment(probe, chosen_by, project_root, environ)


class PendingProjectEnvironment:
    """An environment's probe under way, and what the project declares to add to its answer."""

    def __init__(self, probe: PendingEnvironment, chosen_by: str, project_root: Path, environ: Mapping[str, str]):
        self._probe, self._chosen_by, self._project_root, self._environ = probe, chosen_by, project_root, environ

    def result(self) -> TargetEnvironment:
        """project_environment's answer; ShadowcheckError when the environment cannot be read."""
        environment, project_root = self._probe.result(), self._project_root
        if self._chosen_by == DECLARED:
            declared = declared_dependencies(project_root)
            own = own_tool_environment(sys.prefix, self._environ, project_root) or ""
            return declared_environment(environment, declared.sources, declared.import_names, own)
        try:
            declared = declared_dependencies(project_root)
        except ShadowcheckError:
            return environment  # an unreadable declaration is the declared mode's problem only
        return dataclasses.replace(environment, lacking=lacking_declared(environment, declared))

    def close(self) -> None:
        """End the probe if it runs still."""
        self._probe.close()


def describe_environment(environment: TargetEnvironment, cwd: Path) -> str:
    """How a summary line names the environment: interpreter, version, how it was chosen."""
    version = ".".join(map(str, environment.version))
    if environment.chosen_by == DECLARED:
        # Why not the interpreter running shadowcheck: it is a tool's environment, not the project's.
        own = f", and {environment.own_environment}'s environment is shadowcheck's own" if environment.own_environment else ""
        if not environment.declared:  # no file declares dependencies, or those found list none
            where = f" in {', '.join(environment.declared_sources)}" if environment.declared_sources else ""
            return (
                f"the Python {version} standard library only "
                f"(no project environment found{own}; no declared dependencies found{where})"
            )
        sources = ", ".join(environment.declared_sources)
        return f"declared dependencies from {sources} (no project environment found{own}; Python {version} standard library)"
    described = f"{relative(environment.python, cwd)} (Python {version}, {environment.chosen_by})"
    if environment.lacking is not None:
        described += "; " + describe_lacking(environment.lacking, suggest=environment.chosen_by != "--python")
    return described
