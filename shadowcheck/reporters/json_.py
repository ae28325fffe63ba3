"""`--format json`: the stable machine-readable report documented in the README."""

from __future__ import annotations

import json
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.ftypes import Finding, Report, Shadowed


def shadowed_to_dict(shadows: Shadowed) -> dict:
    """The `shadows` object, as check and verify both write it."""
    return {
        "kind": shadows.kind,
        "origin": shadows.origin,
        "distributions": [{"name": n, "version": v} for n, v in shadows.distributions],
    }


def finding_to_dict(finding: Finding) -> dict:
    shadows = finding.shadows
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "module": finding.module,
        "message": finding.message,
        "root": finding.root,
        "shadows": None if shadows is None else shadowed_to_dict(shadows),
        "importers": [
            {
                "path": i.path,
                "line": i.line,
                "statement": i.statement,
                "predicted_error": i.predicted_error,
            }
            for i in finding.importers
        ],
    }


def write(report: Report, stream: TextIO, color: bool = False) -> None:
    document = {
        "version": __version__,
        "python": report.python,
        "root": report.root,
        "findings": [finding_to_dict(f) for f in report.findings],
        "summary": {"files": report.files, "errors": report.errors, "warnings": report.warnings},
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
