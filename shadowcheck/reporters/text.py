"""The default format: compiler-style lines, the evidence indented under each finding."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.ftypes import Finding, Report, Severity

_BOLD, _RED, _YELLOW, _CYAN, _DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[2m", "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def location(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}"


def headline(finding: Finding, color: bool = False) -> str:
    """`path:line:col: CODE [severity] message`, the one line every format starts from."""
    severity_style = _RED if finding.severity is Severity.ERROR else _YELLOW
    return (
        f"{_paint(location(finding), _BOLD, color)}: {_paint(finding.code, severity_style, color)} "
        f"[{_paint(str(finding.severity), severity_style, color)}] {finding.message}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    files = _plural(report.files, "file")
    using = f" with {report.python_note}" if report.python_note else ""
    if not report.findings:
        return f"All checks passed: nothing shadowed in {files}{using}."
    counts = f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
    return f"Found {_plural(len(report.findings), 'problem')} ({counts}) in {files}{using}."


def write(report: Report, stream: TextIO, color: bool = False) -> None:
    for finding in report.findings:
        stream.write(headline(finding, color) + "\n")
        for importer in finding.importers:
            where = _paint(f"{importer.path}:{importer.line}", _CYAN, color)
            outcome = f"will fail: {importer.predicted_error}" if importer.predicted_error else (
                f"imports {finding.path} instead"
            )
            stream.write(f"    {where} `{importer.statement}` {outcome}\n")
        if finding.help:
            stream.write(f"    {_paint('help:', _DIM, color)} {finding.help}\n")
    stream.write(summary(report) + "\n")
