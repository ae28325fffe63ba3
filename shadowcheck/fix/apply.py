"""Write a fix plan, all or nothing.

Every file is written atomically (a temporary file in the same directory, then a rename over
the original, keeping its mode and owner), and each step is journalled: when one fails, the
steps already taken are undone in reverse, so the tree is as it was before. Stale bytecode is
moved aside, not deleted, until everything else has succeeded.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from shadowcheck.fix.git import git_mv, work_tree
from shadowcheck.fix.model import FixError, FixPlan

# Called before each step with its kind ("write", "rename", "delete") and path; raising
# there is how the tests prove a failure part way through leaves nothing behind.
FaultHook = Callable[[str, Path], None]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` in one rename, keeping its mode and owner."""
    info = os.stat(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".shadowcheck")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except PermissionError:
                pass  # only root can give a file away; the mode is what matters
        os.replace(temporary, path)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _preflight(plan: FixPlan) -> None:
    # The plan was computed from these bytes: anything changed since would be overwritten.
    for change in plan.changes:
        try:
            current = change.path.read_bytes()
        except OSError as error:
            raise FixError(f"{change.path}: cannot read: {error.strerror}; nothing was changed") from None
        if current != change.before:
            raise FixError(f"{change.path}: changed since the fix was planned; nothing was changed")
    for rename in plan.renames:
        if not os.path.lexists(rename.source):
            raise FixError(f"{rename.source}: no longer exists; nothing was changed")
        if os.path.lexists(rename.destination):
            raise FixError(f"{rename.destination}: already exists; nothing was changed")


def apply_plan(plan: FixPlan, fault: FaultHook | None = None) -> None:
    """Write ``plan``: edits at the old paths, then the renames, then the stale bytecode's removal.
    On any failure every step already taken is undone and FixError says what failed."""
    _preflight(plan)
    top = work_tree(plan.root) if plan.use_git else None
    undo: list[Callable[[], None]] = []
    moved_aside: list[Path] = []
    try:
        for change in plan.changes:
            if fault:
                fault("write", change.path)
            write_atomic(change.path, change.after)
            undo.append(lambda change=change: write_atomic(change.path, change.before))
        for rename in plan.renames:
            if fault:
                fault("rename", rename.source)
            if top is not None:
                git_mv(top, rename.source, rename.destination)
                undo.append(lambda r=rename: git_mv(top, r.destination, r.source))
            else:
                os.rename(rename.source, rename.destination)
                undo.append(lambda r=rename: os.rename(r.destination, r.source))
        for path in plan.deletions:
            if fault:
                fault("delete", path)
            aside = path.with_name(f".{path.name}.shadowcheck-removed")
            os.rename(path, aside)
            moved_aside.append(aside)
            undo.append(lambda path=path, aside=aside: os.rename(aside, path))
    except (OSError, FixError) as error:
        failures = _undo(undo)
        what = getattr(error, "strerror", None) or str(error)
        where = f"{error.filename}: " if getattr(error, "filename", None) else ""
        if failures:
            raise FixError(f"{where}{what}; could not undo: {'; '.join(failures)}") from None
        raise FixError(f"{where}{what}; every change was undone") from None
    for aside in moved_aside:
        try:
            os.unlink(aside)
        except OSError:
            pass  # a leftover .shadowcheck-removed file shadows nothing


def _undo(steps: list[Callable[[], None]]) -> list[str]:
    failures = []
    for step in reversed(steps):
        try:
            step()
        except OSError as error:
            failures.append(str(error))
    return failures
