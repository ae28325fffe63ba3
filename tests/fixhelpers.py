"""Helpers for the fix tests: plan and apply on a tree, and snapshots of a whole tree."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from shadowcheck.fix.apply import apply_plan
from shadowcheck.fix.model import FixPlan
from shadowcheck.fix.plan import plan_fix
from shadowcheck.source.tree import walk

# What the tests' environment answers to, for names a fix must not take.
TAKEN = frozenset({"keras", "random", "os", "sys", "json", "demopkg", "demosingle"})


def plan_on(root: Path, module: str, local: str, new: str | None = None, kind: str = "third-party", **options) -> FixPlan:
    project = walk(root)
    options.setdefault("taken", TAKEN)
    return plan_fix(root, module, root / local, new, [*project.python_files, *project.notebooks], kind=kind, **options)


def fix_on(root: Path, module: str, local: str, new: str | None = None, kind: str = "third-party", **options) -> FixPlan:
    plan = plan_on(root, module, local, new, kind, **options)
    apply_plan(plan)
    return plan


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and directory under ``root`` (but .git): its bytes (None for a directory)
    and its mode."""
    found = {}
    for base, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in dirs:
            path = Path(base) / name
            found[path.relative_to(root).as_posix() + "/"] = (None, stat.S_IMODE(path.stat().st_mode))
        for name in files:
            path = Path(base) / name
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), stat.S_IMODE(path.lstat().st_mode))
    return found


def texts(root: Path) -> dict[str, str]:
    """Every text file under ``root`` (but .git and __pycache__), decoded leniently."""
    return {
        path: data.decode("utf-8", "replace")
        for path, (data, _) in snapshot(root).items()
        if data is not None and "__pycache__" not in path
    }


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=test", *args],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def commit_all(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before the fix")
