"""`verify --output-format json`: the stable document described by
shadowcheck/schemas/verify.schema.json."""

from __future__ import annotations

import json
import os
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.json_ import SCHEMA_VERSION, problem_to_dict, shadowed_to_dict, step_to_dict
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
        "guarded": record.guarded,
        "shadows": None if shadows is None else {"module": record.shadowed_module, **shadowed_to_dict(shadows)},
        "predicted_error": record.predicted_error,
        "fix": record.fix,
        "code": record.code,
        "via": [step_to_dict(step) for step in record.via],
        "required_by": [{"name": n, "version": v} for n, v in record.importers],
    }


def write(verification: Verification, stream: TextIO, display: Display = Display()) -> None:
    document = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "script": verification.script,
        "python": verification.python,
        "sys_path": list(verification.sys_path),
        "imports": [import_to_dict(r) for r in verification.imports],
        "problems": [problem_to_dict(p, os.getcwd()) for p in verification.problems],
        "notes": [problem_to_dict(n, os.getcwd()) for n in verification.notes],
        "summary": {
            "imports": len(verification.imports),
            "errors": verification.errors,
            "warnings": verification.warnings,
            "problems": len(verification.problems),
            "notes": len(verification.notes),
        },
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
