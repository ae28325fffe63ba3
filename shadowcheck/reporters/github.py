"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=keras.py,line=1,col=1,title=SC101 shadows-installed-package::message`
"""

from __future__ import annotations

import os
from typing import TextIO

from shadowcheck.ftypes import Finding, Report, Severity
from shadowcheck.paths import from_repository_root, repository_root
from shadowcheck.reporters.evidence import details


def escape_data(text: str) -> str:
    """A command's message, escaped as @actions/core's escapeData (command.ts) does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, escaped as @actions/core's escapeProperty does: also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding, path: str | None = None) -> str:
    """One workflow command; ``path`` is the file as the repository names it (Actions resolves
    `file=` against the workspace root, not the directory shadowcheck ran in)."""
    level = "error" if finding.severity is Severity.ERROR else "warning"
    title = f"{finding.code} {finding.name}" if finding.name else finding.code
    properties = {"file": path or finding.path}
    if finding.line > 0:  # a finding may point at a file without a line
        properties.update(line=str(finding.line), col=str(finding.column))
    properties["title"] = title
    shown = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = "\n".join((finding.message, *details(finding)))
    return f"::{level} {shown}::{escape_data(message)}"


def write(report: Report, stream: TextIO, color: bool = False) -> None:
    root, cwd = repository_root(report.root), os.getcwd()
    for finding in report.findings:
        stream.write(command(finding, from_repository_root(finding.path, root, cwd)) + "\n")
