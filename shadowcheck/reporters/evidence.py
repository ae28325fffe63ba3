"""The lines under a finding's message, as plain text, for formats that carry one message."""

from __future__ import annotations

from shadowcheck.ftypes import Finding, Importer


def importer_line(finding: Finding, importer: Importer) -> str:
    """`train.py:3 `import keras.models` will fail: ModuleNotFoundError: ...`, as `text` words it."""
    outcome = (
        f"will fail: {importer.predicted_error}"
        if importer.predicted_error
        else f"imports {finding.path} instead"
    )
    return f"{importer.path}:{importer.line} `{importer.statement}` {outcome}"


def details(finding: Finding) -> list[str]:
    """Each importer on its line, then the help."""
    lines = [importer_line(finding, importer) for importer in finding.importers]
    if finding.help:
        lines.append(f"help: {finding.help}")
    return lines
