"""`--output-format concise`: one line per finding and nothing else, for editors and grep."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.text import headline


def write(report: Report, stream: TextIO, display: Display = Display()) -> None:
    for finding in report.findings:
        stream.write(headline(finding, display.color) + "\n")
