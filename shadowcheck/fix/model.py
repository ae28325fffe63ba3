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


# --- what a finding carries (check's JSON and SARIF show it; report.py makes it from a plan) ---


@dataclass(frozen=True)
class Edit:
    """Replace one region of a file's text with ``replacement``.

    Lines and columns are 1-based and count characters (code points) of the decoded text, a
    byte-order mark not included; the end is exclusive, as in a SARIF region. Positions are in
    the file as it is now, before any rename.
    """

    path: str  # relative to the working directory, posix separators
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True)
class LeftAlone:
    """An import or configuration entry the fix does not change, and why a person should look."""

    path: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Fix:
    """What renaming one shadowing module takes: the rename, then the edits of the files that
    meant it (edits are applied first, at the paths before the rename)."""

    rename: tuple[str, str]  # (from, to); a package directory ends in "/"
    edits: tuple[Edit, ...]
    deletions: tuple[str, ...] = ()  # stale bytecode of the old name
    left_alone: tuple[LeftAlone, ...] = ()


# --- the plan ---------------------------------------------------------------------------------


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
