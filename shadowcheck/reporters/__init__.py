"""Reporters turn a Report into text on a stream; they know nothing of how it was found.

A format's module is imported when that format is asked for (``writer``): a text report does
not pay for json, hashlib and urllib (SARIF) or the rule registry (statistics).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters.display import Display

# Each writes a whole report; Display says how (colour, how many importers, ...).
Writer = Callable[[Report, TextIO, Display], None]

# format -> "module:function" in this package.
_WRITERS = {
    "text": "text:write",
    "json": "json_:write",
    "sarif": "sarif:write",
    "github": "github:write",
    "concise": "concise:write",
}
FORMATS = tuple(sorted(_WRITERS))

# The formats that carry each finding's fix (check computes fixes only for these).
FIX_FORMATS = frozenset({"json", "sarif"})

# --statistics: ruff's tab-separated table, or a JSON list; a count per rule means nothing to a
# SARIF viewer or to Actions annotations, so those formats have none (as in ruff).
_STATISTICS_WRITERS = {
    "text": "statistics:write_text",
    "concise": "statistics:write_text",
    "json": "statistics:write_json",
}
STATISTICS_FORMATS = tuple(sorted(_STATISTICS_WRITERS))


def writer(output_format: str, statistics: bool = False) -> Writer:
    """The function that writes ``output_format`` (a count per rule with ``statistics``)."""
    module, _, function = (_STATISTICS_WRITERS if statistics else _WRITERS)[output_format].partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def __getattr__(name: str) -> dict[str, Writer]:
    # REPORTERS and STATISTICS: every format's writer, all loaded (for code that wants them all).
    if name == "REPORTERS":
        return {name: writer(name) for name in _WRITERS}
    if name == "STATISTICS":
        return {name: writer(name, statistics=True) for name in _STATISTICS_WRITERS}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FIX_FORMATS", "FORMATS", "REPORTERS", "STATISTICS", "STATISTICS_FORMATS", "Display", "Writer", "writer"]
