"""The default format: compiler-style lines, the evidence indented under each finding."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.ftypes import Finding, Report, Severity
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.escape import one_line
from shadowcheck.rules.base import NAMED_RUNS
from shadowcheck.reporters.evidence import TEXT_IMPORTERS, importer_line, importer_place, more, shown_importers

BOLD, RED, YELLOW, CYAN, DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[2m", "\033[0m"


def paint(text: str, style: str, color: bool) -> str:
    """``text`` in an ANSI ``style`` when ``color`` is on (shared by the terminal formats)."""
    return f"{style}{text}{_RESET}" if color else text


def location(finding: Finding) -> str:
    return one_line(f"{finding.path}:{finding.line}:{finding.column}")


def headline(finding: Finding, color: bool = False) -> str:
    """`path:line:col: CODE [severity] message`, the one line every format starts from."""
    severity_style = RED if finding.severity is Severity.ERROR else YELLOW
    return (
        f"{paint(location(finding), BOLD, color)}: {paint(finding.code, severity_style, color)} "
        f"[{paint(str(finding.severity), severity_style, color)}] {one_line(finding.message)}"
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    files = plural(report.files, "file")
    using = f" with {report.python_note}" if report.python_note else ""
    # A run that could not read everything has not passed, whatever it found (exit 2).
    unchecked = f"; {plural(len(report.problems), 'error')} above stopped part of the check" if report.problems else ""
    if not report.findings:
        if unchecked:
            return one_line(f"Nothing shadowed in {files}{using}{unchecked}.")
        return one_line(f"All checks passed: nothing shadowed in {files}{using}.")
    counts = f"{plural(report.errors, 'error')}, {plural(report.warnings, 'warning')}"
    return one_line(f"Found {plural(len(report.findings), 'problem')} ({counts}) in {files}{using}{unchecked}.")


def write(report: Report, stream: TextIO, display: Display = Display()) -> None:
    color = display.color
    limit = None if display.all_importers else TEXT_IMPORTERS
    for finding in report.findings:
        stream.write(headline(finding, color) + "\n")
        shown, hidden = shown_importers(finding, limit)
        for importer in shown:
            where = one_line(importer_place(importer))
            line = one_line(importer_line(finding, importer))
            stream.write(f"    {paint(where, CYAN, color)}{line[len(where):]}\n")
        if hidden:
            stream.write(f"    {paint(more(hidden), DIM, color)} (--all-importers lists them)\n")
        if len(finding.runs) > NAMED_RUNS:  # the message names the first few
            stream.write(f"    {paint('runs:', DIM, color)} {one_line(', '.join(finding.runs))}\n")
        if finding.help:
            stream.write(f"    {paint('help:', DIM, color)} {one_line(finding.help)}\n")
    stream.write(summary(report) + "\n")
