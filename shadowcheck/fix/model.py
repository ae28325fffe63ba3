"""What a fix plan holds: every change computed before anything is written.

A plan is data only: ``plan.py`` computes it, ``diff.py`` shows it, ``apply.py`` writes it and
``report.py`` turns it into the ``Fix`` a finding carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import ShadowcheckError


class FixError(ShadowcheckError):
    """Why a fix was refused or could not be applied, in one line; nothing was left changed."""


@dataclass(frozen=True)
class Target:
    """One shadowing module to rename: its import name, its file or package directory, and
    the new last part of its name (None: ``suggest_name`` chooses)."""

    module: str  # "keras", or "jaraco.functools" for a module inside a namespace package
    local_path: Path  # keras.py, or the package directory keras/
    new_name: str | None = None
    kind: str = "third-party"  # or "stdlib": which default name suits it


@dataclass(frozen=True)
class Rename:
    module: str
    new_module: str
    source: Path  # absolute: keras.py or keras/
    destination: Path  # absolute: keras_experiments.py or keras_experiments/

    @property
    def is_package(self) -> bool:
        return self.source.suffix != ".py"


@dataclass(frozen=True)
class FileChange:
    """New bytes for one file, at its path before any rename."""

    path: Path
    before: bytes
    after: bytes


@dataclass(frozen=True)
class Rewritten:
    """One import statement the fix rewrites, for the summary and the per-finding Fix."""

    path: Path
    line: int
    module: str  # the shadowed module it is about
    before: str
    after: str


@dataclass(frozen=True)
class Unresolved:
    """An import or configuration entry left alone: the fix cannot tell what it meant."""

    path: Path
    line: int
    module: str
    text: str
    reason: str


@dataclass(frozen=True)
class FixPlan:
    root: Path
    renames: tuple[Rename, ...]
    changes: tuple[FileChange, ...]
    deletions: tuple[Path, ...]  # stale bytecode of the old names
    rewritten: tuple[Rewritten, ...]
    unresolved: tuple[Unresolved, ...]
    use_git: bool = False  # rename with `git mv`

    @property
    def is_empty(self) -> bool:
        return not (self.renames or self.changes or self.deletions)

    def destination_of(self, path: Path) -> Path:
        """Where ``path`` ends up once the renames are done."""
        for rename in self.renames:
            if path == rename.source:
                return rename.destination
            if rename.is_package and rename.source in path.parents:
                return rename.destination / path.relative_to(rename.source)
        return path
