"""A plan as the ``Fix`` a finding carries, and that Fix as check's JSON and as a SARIF ``fix``.

Nothing here imports libcst: reporters call ``fix_to_json`` and ``fix_to_sarif`` on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shadowcheck.fix.edits import edits_between
from shadowcheck.fix.model import Edit, FileChange, Fix, FixPlan, LeftAlone
from shadowcheck.fix.source import decode_python
from shadowcheck.paths import relative

# Edit columns count code points; a SARIF run carrying these fixes must say so
# (run.columnKind, SARIF 2.1.0 §3.14.17), since consumers otherwise may count UTF-16 units.
SARIF_COLUMN_KIND = "unicodeCodePoints"


def _text(change: FileChange, data: bytes) -> str:
    if change.path.suffix == ".py":
        return decode_python(data, change.path)[0]
    return data.decode("utf-8-sig")


def fix_from_plan(plan: FixPlan, cwd: Path) -> Fix:
    """The Fix of a plan with one rename; paths relative to ``cwd``, as findings show them."""
    if len(plan.renames) != 1:
        raise ValueError(f"a Fix is one rename; this plan has {len(plan.renames)}")
    rename = plan.renames[0]
    slash = "/" if rename.is_package else ""
    edits: list[Edit] = []
    for change in plan.changes:
        shown = relative(change.path, cwd)
        edits += edits_between(shown, _text(change, change.before), _text(change, change.after))
    return Fix(
        rename=(relative(rename.source, cwd) + slash, relative(rename.destination, cwd) + slash),
        edits=tuple(edits),
        deletions=tuple(relative(p, cwd) for p in plan.deletions),
        left_alone=tuple(LeftAlone(relative(u.path, cwd), u.line, u.text, u.reason) for u in plan.unresolved),
    )


def edit_to_json(edit: Edit) -> dict:
    return {
        "path": edit.path,
        "start_line": edit.start_line,
        "start_column": edit.start_column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
        "replacement": edit.replacement,
    }


def fix_to_json(fix: Fix) -> dict:
    """The ``fix`` object of a finding in `check --format json`."""
    return {
        "rename": {"from": fix.rename[0], "to": fix.rename[1]},
        "edits": [edit_to_json(e) for e in fix.edits],
        "deletions": list(fix.deletions),
        "left_alone": [{"path": a.path, "line": a.line, "text": a.text, "reason": a.reason} for a in fix.left_alone],
    }


def describe(fix: Fix) -> str:
    """One sentence: what applying the fix does."""
    files = len({e.path for e in fix.edits})
    text = f"Rename {fix.rename[0]} to {fix.rename[1]}"
    if fix.edits:
        text += f" and rewrite the imports that meant it ({len(fix.edits)} edit{'s' * (len(fix.edits) != 1)} in {files} file{'s' * (files != 1)})"
    return text + "."


def fix_to_sarif(fix: Fix, artifact: Callable[[str], dict]) -> dict | None:
    """A SARIF 2.1.0 ``fix`` object (§3.55) for a result's ``fixes`` array; ``artifact`` turns
    a finding path into an artifactLocation (the reporter's own, so URIs agree). SARIF has no
    rename: the edits are the artifactChanges, the rename is in the description and in
    ``properties.rename``. None when there is no edit, since a fix needs an artifactChange."""
    if not fix.edits:
        return None
    changes: dict[str, list[dict]] = {}
    for edit in fix.edits:
        replacement: dict = {
            "deletedRegion": {
                "startLine": edit.start_line,
                "startColumn": edit.start_column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            }
        }
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        changes.setdefault(edit.path, []).append(replacement)
    return {
        "description": {"text": describe(fix)},
        "artifactChanges": [{"artifactLocation": artifact(path), "replacements": r} for path, r in changes.items()],
        "properties": {"rename": {"from": fix.rename[0], "to": fix.rename[1]}, "deletions": list(fix.deletions)},
    }
