"""A fix plan as a patch: git's unified diff with `rename from`/`rename to`, which `git apply`
(or `patch -p1`, for the edits) applies from the project root. Bytes, not text: each file keeps
its own encoding and line endings in the patch."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from shadowcheck.fix.model import FixPlan

_NO_NEWLINE = b"\\ No newline at end of file\n"



def _hunks(before: bytes, after: bytes, old: str, new: str) -> list[bytes]:
    # Split on \n only, as git and patch do: a \r stays part of its line.
    a = [line for line in before.split(b"\n")]
    b = [line for line in after.split(b"\n")]
    a_lines = [line + b"\n" for line in a[:-1]] + ([a[-1]] if a[-1] else [])
    b_lines = [line + b"\n" for line in b[:-1]] + ([b[-1]] if b[-1] else [])
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, a_lines, b_lines, f"a/{old}".encode(), f"b/{new}".encode(), lineterm=b"\n"):
        if line.startswith((b"---", b"+++", b"@@")):
            out.append(line if line.endswith(b"\n") else line + b"\n")
        elif line.endswith(b"\n"):
            out.append(line)
        else:
            out.append(line + b"\n" + _NO_NEWLINE)
    return out


def _files_under(directory: Path) -> list[Path]:
    found = []
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [Path(base) / f for f in sorted(files) if not f.endswith((".pyc", ".pyo"))]
    return found


def _posix(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def render_diff(plan: FixPlan) -> bytes:
    """The whole plan as one patch, files in path order."""
    root = plan.root
    changes = {c.path: c for c in plan.changes}
    moved: dict[Path, Path] = {}
    for rename in plan.renames:
        if rename.is_package:
            for file in _files_under(rename.source):
                moved[file] = rename.destination / file.relative_to(rename.source)
        else:
            moved[rename.source] = rename.destination
    out: list[bytes] = []
    for path in sorted({*changes, *moved}):
        old = _posix(path, root)
        new = _posix(moved.get(path, path), root)
        out.append(f"diff --git a/{old} b/{new}\n".encode())
        change = changes.get(path)
        if path in moved:
            if change is None:
                out.append(b"similarity index 100%\n")
            out.append(f"rename from {old}\nrename to {new}\n".encode())
        if change is not None:
            out += _hunks(change.before, change.after, old, new)
    return b"".join(out)
