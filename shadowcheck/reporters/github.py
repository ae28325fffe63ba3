"""`--output-format github`: GitHub Actions workflow commands, one annotation per finding and
one per problem that left the run incomplete (an unreadable file is annotated where it is), and
a notice on each file read only in part.

`::error file=keras.py,line=1,col=1,title=SC101 shadows-installed-package::message`
"""

from __future__ import annotations

import os
from typing import TextIO

from shadowcheck.ftypes import Finding, Problem, Report, Severity
from shadowcheck.paths import from_repository_root, relative, repository_root
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.evidence import details


def escape_data(text: str) -> str:
    """A command's message, escaped as @actions/core's escapeData (command.ts) does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, escaped as @actions/core's escapeProperty does: also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, properties: dict[str, str], message: str) -> str:
    shown = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level} {shown}::{escape_data(message)}"


def command(finding: Finding, path: str | None = None) -> str:
    """One workflow command; ``path`` is the file as the repository names it (Actions resolves
    `file=` against the workspace root, not the directory shadowcheck ran in)."""
    level = "error" if finding.severity is Severity.ERROR else "warning"
    properties = {"file": path or finding.path}
    if finding.line > 0:  # a finding may point at a file without a line
        properties.update(line=str(finding.line), col=str(finding.column))
    properties["title"] = f"{finding.code} {finding.name}" if finding.name else finding.code
    # An annotation is a short note on the diff: the first importers, then how many more.
    return _command(level, properties, "\n".join((finding.message, *details(finding))))


def problem_command(problem: Problem, root: str, cwd: str, level: str = "error") -> str:
    """An annotation for what left the run incomplete (or, a `notice`, a file read only in
    part), on its file when it has one."""
    properties = {}
    if problem.path is not None:
        properties["file"] = from_repository_root(relative(problem.path, cwd), root, cwd) or problem.path
        if problem.line:
            properties["line"] = str(problem.line)
    properties["title"] = "shadowcheck"
    return _command(level, properties, problem.shown(cwd))


def write(report: Report, stream: TextIO, display: Display = Display()) -> None:
    root, cwd = repository_root(report.root), os.getcwd()
    for finding in report.findings:
        stream.write(command(finding, from_repository_root(finding.path, root, cwd)) + "\n")
    for problem in report.problems:
        stream.write(problem_command(problem, root, cwd) + "\n")
    for note in report.notes:
        stream.write(problem_command(note, root, cwd, "notice") + "\n")
