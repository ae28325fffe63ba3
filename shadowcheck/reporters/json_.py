"""`--output-format json`: the stable document described by shadowcheck/schemas/check.schema.json.

Strings are exactly what shadowcheck saw: a file name that is not UTF-8 keeps its lone
surrogates (`\\udcff`), which `os.fsencode` turns back into the name's bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.fix.report import fix_to_json
from shadowcheck.ftypes import Finding, Importer, Problem, Report, Shadowed, Step
from shadowcheck.paths import relative
from shadowcheck.reporters.display import Display

# Bump when a field is renamed, removed or changes meaning (adding one is not a change). The
# documents before schema_version existed count as version 1.
SCHEMA_VERSION = 2


def shadowed_to_dict(shadows: Shadowed) -> dict:
    """The `shadows` object, as check and verify both write it."""
    return {
        "kind": shadows.kind,
        "origin": shadows.origin,
        "distributions": [{"name": n, "version": v} for n, v in shadows.distributions],
    }


def problem_to_dict(problem: Problem, cwd: str) -> dict:
    """A problem that left the run incomplete, or a note on a file read only in part: its file
    relative to ``cwd`` like a finding's."""
    return {
        "path": None if problem.path is None else relative(problem.path, Path(cwd)),
        "line": problem.line,
        "message": problem.message,
    }


def step_to_dict(step: Step) -> dict:
    """One import on the way from a run's script to a statement (check's chain, verify's via)."""
    return {"path": step.path, "line": step.line, "statement": step.statement}


def importer_to_dict(importer: Importer) -> dict:
    return {
        "path": importer.path,
        "line": importer.line,
        "cell": importer.cell,
        "statement": importer.statement,
        "predicted_error": importer.predicted_error,
        "chain": [step_to_dict(s) for s in importer.chain],
    }


def finding_to_dict(finding: Finding) -> dict:
    shadows = finding.shadows
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "module": finding.module,
        "message": finding.message,
        "import_root": finding.root,
        "shadows": None if shadows is None else shadowed_to_dict(shadows),
        "importers": [importer_to_dict(i) for i in finding.importers],
        "runs": list(finding.runs),
        "help": finding.help,
        "rename_to": finding.rename_to,
        "fix": None if finding.fix is None else fix_to_json(finding.fix),
    }


def write(report: Report, stream: TextIO, display: Display = Display()) -> None:
    cwd = os.getcwd()
    document = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "python": report.python,
        "root": report.root,
        "findings": [finding_to_dict(f) for f in report.findings],
        "problems": [problem_to_dict(p, cwd) for p in report.problems],
        "notes": [problem_to_dict(n, cwd) for n in report.notes],
        "summary": {
            "files": report.files,
            "errors": report.errors,
            "warnings": report.warnings,
            "problems": len(report.problems),
            "notes": len(report.notes),
        },
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
