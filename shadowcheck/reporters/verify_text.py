"""`verify --format text`: one line per import, failing ones first, each with why and how to fix."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.reporters.text import BOLD, CYAN, DIM, RED, YELLOW, paint
from shadowcheck.verify import Verification, VerifiedImport

_STYLE = {"error": RED, "warning": YELLOW, None: DIM}


def _where(record: VerifiedImport) -> str:
    return f"{record.path}:{record.line}" if record.line is not None else record.path


def _resolved(record: VerifiedImport) -> str:
    if record.origin is None:
        return "namespace package" if record.kind not in ("missing",) else "nowhere"
    return record.origin


def line(record: VerifiedImport, color: bool = False) -> str:
    """`path:line: status module -> origin (kind)`."""
    status = paint(record.status if record.severity != "warning" else f"{record.status} (guarded)", _STYLE[record.severity], color)
    target = f"{record.module} -> {_resolved(record)} ({record.kind})"
    return f"{paint(_where(record), BOLD, color)}: {status} {target}"


def _details(record: VerifiedImport) -> list[tuple[str, str]]:
    details = []
    if record.shadows is not None:
        shadows = record.shadows
        hidden = ", ".join(f"{n} {v}" for n, v in shadows.distributions) or shadows.kind
        details.append(("hides", f"'{record.shadowed_module}' from {hidden} ({shadows.origin or 'namespace package'})"))
    if record.line is None and record.status != "ok":
        if record.importers:
            names = ", ".join(f"{n} {v}" for n, v in record.importers)
            details.append(("imported by", f"{names} (their Requires-Dist), and any other import of it in this run"))
        else:
            details.append(("imported by", "no installed distribution requires it (Requires-Dist); still, any import "
                            "of it in this run, inside installed packages too, gets the project file"))
    if record.predicted_error:
        details.append(("will fail", record.predicted_error))
    if record.fix:
        details.append(("fix", record.fix))
    return details


def write(verification: Verification, stream: TextIO, color: bool = False) -> None:
    for record in verification.imports:
        stream.write(line(record, color) + "\n")
        if record.severity is not None:
            for label, text in _details(record):
                stream.write(f"    {paint(label + ':', CYAN, color)} {text}\n")
    using = f" with {verification.python_note}" if verification.python_note else ""
    total = len(verification.imports)
    if verification.errors:
        summary = f"{verification.errors} of {total} imports will fail running {verification.script}{using}."
    else:
        summary = f"All {total} imports of {verification.script} resolve as intended{using}."
    if verification.warnings:
        summary += f" {verification.warnings} guarded import(s) missing."
    stream.write(summary + "\n")
