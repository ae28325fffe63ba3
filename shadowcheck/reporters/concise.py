"""`--format concise`: one line per finding and nothing else, for editors and grep."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters.text import headline


def write(report: Report, stream: TextIO, color: bool = False) -> None:
    for finding in report.findings:
        stream.write(headline(finding, color) + "\n")
