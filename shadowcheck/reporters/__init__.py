"""Reporters turn a Report into text on a stream; they know nothing of how it was found."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters import concise, github, json_, sarif, statistics, text
from shadowcheck.reporters.display import Display

# Each writes a whole report; Display says how (colour, how many importers, ...).
Writer = Callable[[Report, TextIO, Display], None]

REPORTERS: dict[str, Writer] = {
    "text": text.write,
    "json": json_.write,
    "sarif": sarif.write,
    "github": github.write,
    "concise": concise.write,
}

# The formats that carry each finding's fix (check computes fixes only for these).
FIX_FORMATS = frozenset({"json", "sarif"})

# --statistics: ruff's tab-separated table, or a JSON list; a count per rule means nothing to a
# SARIF viewer or to Actions annotations, so those formats have none (as in ruff).
STATISTICS: dict[str, Writer] = {
    "text": statistics.write_text,
    "concise": statistics.write_text,
    "json": statistics.write_json,
}

__all__ = ["FIX_FORMATS", "REPORTERS", "STATISTICS", "Display", "Writer"]
