"""How reports show paths."""

from __future__ import annotations

import os
from pathlib import Path


def relative(path: Path | str, cwd: Path) -> str:
    """A path as reports show it: relative to the working directory where possible, posix."""
    absolute = os.path.abspath(path)
    try:
        shown = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        shown = ".."
    # Both are normalized already: posix is only a matter of the separator.
    shown = absolute if shown.startswith("..") else shown
    return shown if os.sep == "/" else shown.replace(os.sep, "/")


def repository_root(project_root: str) -> str:
    """The enclosing git work tree of ``project_root`` (a directory or file holding `.git`),
    or ``project_root`` itself when it is in none."""
    directory = Path(project_root)
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return str(directory)


def from_repository_root(finding_path: str, root: str, cwd: str) -> str | None:
    """``finding_path`` (relative to ``cwd``) relative to ``root``, posix; None when the file
    is outside ``root``. Code scanning and Actions annotations both want this form."""
    absolute = os.path.normpath(os.path.join(cwd, finding_path))
    try:
        shown = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    if shown == ".." or shown.startswith(".." + os.sep):
        return None
    return Path(shown).as_posix()


def real(path: str | os.PathLike[str]) -> str:
    """``path`` as the file system resolves it, case-folded where the platform folds case."""
    return os.path.normcase(os.path.realpath(path))


def is_inside(path: str | os.PathLike[str], directory: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is ``directory`` or below it, once both are resolved."""
    return within(real(path), real(directory))


def within(resolved: str, directory: str) -> bool:
    """is_inside for paths resolved already (real)."""
    return resolved == directory or resolved.startswith(directory.rstrip(os.sep) + os.sep)


def same_file(a: str | os.PathLike[str] | None, b: str | os.PathLike[str] | None) -> bool:
    """Whether two paths name one existing file (links and case folding included)."""
    if a is None or b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
