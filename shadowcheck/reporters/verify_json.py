"""`verify --format json`: the stable document described in the README.

{"script", "python", "sys_path", "imports": [{"module", "path", "line", "status", "origin",
"kind", "statement", "severity", "shadows", "predicted_error", "fix", "importers"}], "summary"}
"""

from __future__ import annotations

import json
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.reporters.json_ import shadowed_to_dict
from shadowcheck.verify import Verification, VerifiedImport


def import_to_dict(record: VerifiedImport) -> dict:
    shadows = record.shadows
    return {
        "module": record.module,
        "path": record.path,
        "line": record.line,
        "status": record.status,
        "origin": record.origin,
        "kind": record.kind,
        "statement": record.statement,
        "severity": record.severity,
        "shadows": None if shadows is None else {"module": record.shadowed_module, **shadowed_to_dict(shadows)},
        "predicted_error": record.predicted_error,
        "fix": record.fix,
        "importers": [{"name": n, "version": v} for n, v in record.importers],
    }


def write(verification: Verification, stream: TextIO, color: bool = False) -> None:
    document = {
        "version": __version__,
        "script": verification.script,
        "python": verification.python,
        "sys_path": list(verification.sys_path),
        "imports": [import_to_dict(r) for r in verification.imports],
        "summary": {
            "imports": len(verification.imports),
            "errors": verification.errors,
            "warnings": verification.warnings,
        },
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
