"""The lines under a finding's message, as plain text, for every format that shows them.

A finding can have thousands of importers (a shadowed `torch` in a monorepo): the human formats
show the first few and say how many more there are; JSON keeps them all.
"""

from __future__ import annotations

from shadowcheck.ftypes import Finding, Importer

TEXT_IMPORTERS = 5  # under a finding in `text`, unless --all-importers
MESSAGE_IMPORTERS = 3  # inside a github annotation's or a SARIF result's message


def place(path: str, line: int, cell: int | None = None) -> str:
    """`train.py:3`, or in a notebook `explore.ipynb:cell 3:2` (the line counts within the cell,
    as Jupyter, VS Code and ruff count it)."""
    return f"{path}:cell {cell}:{line}" if cell is not None else f"{path}:{line}"


def importer_place(importer: Importer) -> str:
    return place(importer.path, importer.line, importer.cell)


def via(importer: Importer) -> str:
    """` (via cli.py:2 -> util.py:5)`: the imports from the run's script to the statement, by
    place only (JSON has their statements); empty when the script holds the statement."""
    if not importer.chain:
        return ""
    return " (via " + " -> ".join(place(step.path, step.line) for step in importer.chain) + ")"


def importer_line(finding: Finding, importer: Importer) -> str:
    """`train.py:3 `import keras.models` will fail: ModuleNotFoundError: ...`, as `text` words it."""
    outcome = (
        f"will fail: {importer.predicted_error}"
        if importer.predicted_error
        else f"imports {finding.path} instead"
    )
    return f"{importer_place(importer)} `{importer.statement}` {outcome}{via(importer)}"


def more(hidden: int) -> str:
    return f"... and {hidden} more importer{'' if hidden == 1 else 's'}"


def shown_importers(finding: Finding, limit: int | None) -> tuple[tuple[Importer, ...], int]:
    """The importers to show (all when ``limit`` is None) and how many are left out."""
    if limit is None or len(finding.importers) <= limit:
        return finding.importers, 0
    return finding.importers[:limit], len(finding.importers) - limit


def details(finding: Finding, limit: int | None = MESSAGE_IMPORTERS) -> list[str]:
    """Each importer on its line (the first ``limit``, then how many more), then the help."""
    shown, hidden = shown_importers(finding, limit)
    lines = [importer_line(finding, importer) for importer in shown]
    if hidden:
        lines.append(more(hidden))
    if finding.help:
        lines.append(f"help: {finding.help}")
    return lines
