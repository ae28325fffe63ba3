"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

Locations are relative to the repository root (%SRCROOT%), so that an upload from any
checkout directory points at the same files, and each result carries a fingerprint that
survives edits above the finding and moves of the checkout. Results stay within what code
scanning accepts: at most MAX_RELATED_LOCATIONS related locations (it stores 1,000 and shows
100) and a message of a few lines (files over 10 MB are rejected whole).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from shadowcheck import __version__
from shadowcheck.fix.report import SARIF_COLUMN_KIND, fix_to_sarif
from shadowcheck.ftypes import Finding, Importer, Problem, Report, Severity
from shadowcheck.paths import from_repository_root, relative, repository_root
from shadowcheck.reporters import rule_doc
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.escape import printable
from shadowcheck.reporters.evidence import details, importer_line
from shadowcheck.rules import ALL_RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = rule_doc.REPOSITORY_URL
MAX_RELATED_LOCATIONS = 100
SRCROOT = "%SRCROOT%"
# Bump the key, never the recipe, if what a fingerprint is made of has to change: code
# scanning would otherwise close every open alert and open it again.
FINGERPRINT_KEY = "shadowcheck/v1"


def relative_uri(finding_path: str, root: str, cwd: str) -> str | None:
    """``finding_path`` relative to ``root`` as a URI percent-encoded from the name's bytes
    (a name that is not UTF-8 included); None outside ``root``."""
    shown = from_repository_root(finding_path, root, cwd)
    return None if shown is None else quote(os.fsencode(shown))


def fingerprint(code: str, uri: str, module: str) -> str:
    """Stable across commits: no line numbers, no absolute paths."""
    key = f"{code}\0{uri}\0{module}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()[:32]


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def rule_descriptor(rule: type[Rule]) -> dict:
    documentation = rule_doc.markdown(rule, level=2)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": documentation, "markdown": documentation},
        "helpUri": rule_doc.help_uri(rule),
        # A rule's findings are errors whenever something imports the shadowed name (what the
        # rule is for); each result carries its own level, `warning` when nothing does yet.
        "defaultConfiguration": {"level": _level(Severity.ERROR)},
    }


class _Locator:
    def __init__(self, report: Report):
        self.root = repository_root(report.root)
        self.cwd = os.getcwd()

    def artifact(self, path: str) -> dict:
        uri = relative_uri(path, self.root, self.cwd)
        if uri is None:  # as_uri percent-encodes the name's bytes too
            return {"uri": Path(os.path.abspath(os.path.join(self.cwd, path))).as_uri()}
        return {"uri": uri, "uriBaseId": SRCROOT}

    def physical(self, path: str, line: int, column: int | None = None) -> dict:
        location: dict = {"artifactLocation": self.artifact(path)}
        if line > 0:
            location["region"] = {"startLine": line}
            if column is not None and column > 0:
                location["region"]["startColumn"] = column
        return location


def result(finding: Finding, rule_index: int | None, locator: _Locator) -> dict:
    location = locator.physical(finding.path, finding.line, finding.column)
    entry: dict = {"ruleId": finding.code}
    if rule_index is not None:
        entry["ruleIndex"] = rule_index
    entry.update(
        {
            "level": _level(finding.severity),
            "message": {"text": printable("\n".join((finding.message, *details(finding))))},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(finding.code, location["artifactLocation"]["uri"], finding.module)
            },
        }
    )
    shown = finding.importers[:MAX_RELATED_LOCATIONS]
    if shown:
        entry["relatedLocations"] = [
            {"id": number, **importer_location(importer, locator), "message": {"text": printable(importer_line(finding, importer))}}
            for number, importer in enumerate(shown, start=1)
        ]
    flows = [code_flow(finding, importer, locator) for importer in shown if importer.chain]
    if flows:
        entry["codeFlows"] = flows
    if finding.fix is not None:
        fix = fix_to_sarif(finding.fix, locator.artifact)
        if fix is not None:
            entry["fixes"] = [fix]
    properties = {"runs": list(finding.runs), "renameTo": finding.rename_to}
    properties = {key: value for key, value in properties.items() if value}
    if properties:
        entry["properties"] = properties
    return entry


def importer_location(importer: Importer, locator: _Locator) -> dict:
    """Where an importing statement is. A notebook cell's line is not a line of the .ipynb
    file (JSON, each cell a list of strings), and SARIF has no cells: the location is the
    notebook without a region, and `properties` say the cell and the line within it."""
    if importer.cell is None:
        return {"physicalLocation": locator.physical(importer.path, importer.line)}
    return {
        "physicalLocation": locator.physical(importer.path, 0),
        "properties": {"cell": importer.cell, "lineInCell": importer.line},
    }


def code_flow(finding: Finding, importer: Importer, locator: _Locator) -> dict:
    """The imports from a run's script to the statement that meets the shadow, as SARIF's
    thread flow: viewers step through them ("show paths" in code scanning)."""
    steps = [
        {"location": {"physicalLocation": locator.physical(step.path, step.line), "message": {"text": printable(f"`{step.statement}`")}}}
        for step in importer.chain
    ]
    last = {**importer_location(importer, locator), "message": {"text": printable(importer_line(finding, importer))}}
    script = importer.chain[0].path
    return {
        "message": {"text": printable(f"python {script} imports `{finding.module}` through its own imports")},
        "threadFlows": [{"locations": [*steps, {"location": last}]}],
    }


def document(report: Report) -> dict:
    locator = _Locator(report)
    rule_indices = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "shadowcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in ALL_RULES],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(locator.root).as_uri().rstrip("/") + "/"}},
                "invocations": [invocation(report.problems, locator, report.notes)],
                "results": [result(f, rule_indices.get(f.code), locator) for f in report.findings],
            }
        ],
    }
    if any("fixes" in r for r in document["runs"][0]["results"]):
        # A fix's columns count code points: say so, or consumers may count UTF-16 units.
        document["runs"][0]["columnKind"] = SARIF_COLUMN_KIND
    return document


def invocation(problems: tuple[Problem, ...], locator: _Locator, notes: tuple[Problem, ...] = ()) -> dict:
    """The run itself: unsuccessful, with a notification each, when a problem left it incomplete;
    a file read only in part is a notification of level `note`, which leaves it successful. A
    problem or note about a file points at it."""
    run: dict = {"executionSuccessful": not problems}
    notifications = [notification(p, locator) for p in problems] + [notification(n, locator, "note") for n in notes]
    if notifications:
        run["toolExecutionNotifications"] = notifications
    return run


def notification(problem: Problem, locator: _Locator, level: str = "error") -> dict:
    entry: dict = {"level": level, "message": {"text": printable(problem.shown(locator.cwd))}}
    if problem.path is not None:
        shown = relative(problem.path, Path(locator.cwd))
        entry["locations"] = [{"physicalLocation": locator.physical(shown, problem.line or 0)}]
    return entry


def write(report: Report, stream: TextIO, display: Display = Display()) -> None:
    json.dump(document(report), stream, indent=2)
    stream.write("\n")
