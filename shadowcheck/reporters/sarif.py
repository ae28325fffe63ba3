"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

Locations are relative to the repository root (%SRCROOT%), so that an upload from any
checkout directory points at the same files, and each result carries a fingerprint that
survives edits above the finding and moves of the checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from shadowcheck import __version__
from shadowcheck.ftypes import Finding, Problem, Report, Severity
from shadowcheck.paths import from_repository_root, repository_root
from shadowcheck.reporters.evidence import details, importer_line
from shadowcheck.rules import ALL_RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/shadowcheck/shadowcheck"
SRCROOT = "%SRCROOT%"
# Bump the key, never the recipe, if what a fingerprint is made of has to change: code
# scanning would otherwise close every open alert and open it again.
FINGERPRINT_KEY = "shadowcheck/v1"

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def relative_uri(finding_path: str, root: str, cwd: str) -> str | None:
    """``finding_path`` relative to ``root`` as a percent-encoded URI; None outside ``root``."""
    shown = from_repository_root(finding_path, root, cwd)
    return None if shown is None else quote(shown)


def fingerprint(code: str, uri: str, module: str) -> str:
    """Stable across commits: no line numbers, no absolute paths."""
    return hashlib.sha256(f"{code}\0{uri}\0{module}".encode()).hexdigest()[:32]


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _generic(template: str, markdown: bool = False) -> str:
    # Rule help is a template filled per finding; the rule entry shows its placeholders.
    return _PLACEHOLDER.sub(lambda m: f"`<{m.group(1)}>`" if markdown else f"<{m.group(1)}>", template)


def rule_descriptor(rule: type[Rule]) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": f"{rule.description}\n\nFix: {_generic(rule.help)}.",
            "markdown": f"{rule.description}\n\n**Fix:** {_generic(rule.help, markdown=True)}.",
        },
        "defaultConfiguration": {"level": _level(rule.default_severity)},
    }


class _Locator:
    def __init__(self, report: Report):
        self.root = repository_root(report.root)
        self.cwd = os.getcwd()

    def artifact(self, path: str) -> dict:
        uri = relative_uri(path, self.root, self.cwd)
        if uri is None:
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
            "message": {"text": "\n".join((finding.message, *details(finding)))},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(finding.code, location["artifactLocation"]["uri"], finding.module)
            },
        }
    )
    if finding.importers:
        entry["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": locator.physical(importer.path, importer.line),
                "message": {"text": importer_line(finding, importer)},
            }
            for number, importer in enumerate(finding.importers, start=1)
        ]
    return entry


def document(report: Report) -> dict:
    locator = _Locator(report)
    rule_indices = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    return {
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
                "invocations": [invocation(report.problems)],
                "results": [result(f, rule_indices.get(f.code), locator) for f in report.findings],
            }
        ],
    }


def invocation(problems: tuple[Problem, ...]) -> dict:
    """The run itself: unsuccessful, with a notification each, when a problem left it incomplete."""
    run: dict = {"executionSuccessful": not problems}
    if problems:
        run["toolExecutionNotifications"] = [{"level": "error", "message": {"text": p.shown(os.getcwd())}} for p in problems]
    return run


def write(report: Report, stream: TextIO, color: bool = False) -> None:
    json.dump(document(report), stream, indent=2)
    stream.write("\n")
