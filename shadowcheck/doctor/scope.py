"""Which installed distributions the project uses: what it declares, and what its files import.

Until `check`'s import reading is shared with doctor (issue 7), this is a cheap reading of each
file's absolute imports through the SourceStore; a name counts when a distribution provides it or
one of its parents ("google.protobuf.message" -> protobuf).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from shadowcheck.environment.declared import declared_dependencies
from shadowcheck.ftypes import (
    Distribution,
    Problem,
    ShadowcheckError,
    TargetEnvironment,
)
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import walk


def imported_distributions(
    environment: TargetEnvironment,
    installed: Mapping[str, Distribution],
    project_root: Path,
    exclude: tuple[str, ...] = (),
) -> tuple[tuple[Distribution, ...], tuple[Problem, ...]]:
    """The installed distributions ``project_root`` declares or imports, in the probe's order,
    and the problems met reading the project (an unparsable file, an invalid pyproject.toml)."""
    problems: list[Problem] = []
    used: set[int] = set()
    try:
        declared = declared_dependencies(project_root).distributions
    except ShadowcheckError as error:  # the imports still tell
        problems.append(Problem(str(error)))
        declared = ()
    for name in declared:
        if name in installed:
            used.add(id(installed[name]))
    project = walk(project_root, exclude)
    problems.extend(project.problems)
    sources = SourceStore()
    for file in (*project.python_files, *project.notebooks):
        if project.is_excluded(file):
            continue
        parsed = sources.imports(file)
        for statement in parsed.imports if parsed is not None else ():
            if statement.level:
                continue  # relative: the project's own modules
            parts = statement.module.split(".")
            for end in range(1, len(parts) + 1):
                used.update(id(d) for d in environment.providers(".".join(parts[:end])))
    problems.extend(sources.problems)
    distributions = tuple(d for d in installed.values() if id(d) in used)
    return distributions, tuple(problems)
