"""How a report is shown, as the command line chose: the same for every format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Display:
    color: bool = False  # honoured by the formats meant for terminals
    all_importers: bool = False  # text: every importer, not the first few
    show_ok: bool = False  # verify text: every import that resolves as intended
