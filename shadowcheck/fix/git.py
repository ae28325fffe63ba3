"""The little of git a fix needs: is this a checkout, which files have uncommitted changes,
and `git mv` so that history follows a renamed file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from shadowcheck.fix.model import FixError


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)


def work_tree(directory: Path) -> Path | None:
    """The top of the git checkout holding ``directory``; None outside one (or without git)."""
    try:
        result = _git(directory, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode("utf-8", "surrogateescape").strip())


def is_tracked(top: Path, path: Path) -> bool:
    """Whether git tracks ``path`` (a file, or any file under a directory)."""
    result = _git(top, "ls-files", "-z", "--", str(path))
    return result.returncode == 0 and bool(result.stdout)


def uncommitted(top: Path, paths: list[Path]) -> list[Path]:
    """Which of ``paths`` (or files under them) differ from the last commit or are untracked:
    changes a fix could mix with, and that git could not give back."""
    if not paths:
        return []
    result = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *map(str, paths))
    if result.returncode != 0:
        raise FixError(f"git status failed: {result.stderr.decode(errors='replace').strip()}")
    found = []
    for entry in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) > 3 and entry[2] == " ":
            found.append(top / entry[3:])
    return found


def git_mv(top: Path, source: Path, destination: Path) -> None:
    result = _git(top, "mv", "--", str(source), str(destination))
    if result.returncode != 0:
        raise OSError(f"git mv failed: {result.stderr.decode(errors='replace').strip()}")
