"""Reporters turn a Report into text on a stream; they know nothing of how it was found."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters import concise, github, json_, sarif, text

# Each writes a whole report; `color` is only honoured by formats meant for terminals.
Writer = Callable[[Report, TextIO, bool], None]

REPORTERS: dict[str, Writer] = {
    "text": text.write,
    "json": json_.write,
    "sarif": sarif.write,
    "github": github.write,
    "concise": concise.write,
}
