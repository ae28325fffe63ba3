"""`explain --format json`: the explanation as one object, described by
shadowcheck/schemas/explain.schema.json (bump SCHEMA_VERSION when a field changes meaning or goes)."""

from __future__ import annotations

import json
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.explain.report import Explanation
from shadowcheck.reporters.explain_text import summary

SCHEMA_VERSION = 1


def document(explanation: Explanation) -> dict:
    """The JSON document, as a dict."""
    shadows = explanation.shadows
    return {
        "schema_version": SCHEMA_VERSION,
        "shadowcheck_version": __version__,
        "error": explanation.error,
        "explained": explanation.explained,
        "cause": explanation.cause,
        "message": explanation.message,
        "file": explanation.file,
        "module": explanation.module,
        "fix": explanation.fix,
        "code": explanation.code,
        "shadows": (
            {
                "kind": shadows.kind,
                "origin": shadows.origin,
                "distributions": [{"name": n, "version": v} for n, v in shadows.distributions],
            }
            if shadows is not None
            else None
        ),
        "evidence": list(explanation.evidence),
        "run": explanation.run,
        "sys_path": list(explanation.sys_path),
        "python": explanation.python or None,
        "python_note": explanation.python_note or None,
        "problems": [str(p) for p in explanation.problems],
        "summary": summary(explanation),
    }


def write(explanation: Explanation, stream: TextIO, color: bool = False) -> None:
    json.dump(document(explanation), stream, indent=2)
    stream.write("\n")
