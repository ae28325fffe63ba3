"""`doctor --format json`: the environment summary and the findings in one object, described by
shadowcheck/schemas/doctor.schema.json (bump SCHEMA_VERSION when a field changes meaning or goes)."""

from __future__ import annotations

import json
from typing import TextIO

from shadowcheck import __version__
from shadowcheck.doctor.report import DoctorReport
from shadowcheck.doctor.training import TrainingResult
from shadowcheck.ftypes import Finding
from shadowcheck.reporters.doctor_text import verdict

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "module": finding.module,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "help": finding.help,
        "distributions": [{"name": n, "version": v} for n, v in finding.distributions],
        "evidence": list(finding.evidence),
        "importers": [
            {"path": i.path, "line": i.line, "cell": i.cell, "statement": i.statement, "predicted_error": i.predicted_error}
            for i in finding.importers
        ],
    }


def training_to_dict(training: TrainingResult) -> dict:
    return {
        "status": training.status,
        "passed": training.passed,
        "script": training.script,
        "python": training.python,
        "root": training.root,
        "epochs": training.epochs,
        "accuracy": training.accuracy,
        "backend": training.backend,
        "seconds": training.seconds,
        "seconds_per_epoch": training.seconds_per_epoch,
        "epoch_seconds": list(training.epoch_seconds),
        "reason": training.reason,
        "blocked_by": list(training.blocked_by),
    }


def document(report: DoctorReport) -> dict:
    """The JSON document, as a dict."""
    env = report.environment
    return {
        "schema_version": SCHEMA_VERSION,
        "shadowcheck_version": __version__,
        "environment": {
            "python": env.python,
            "chosen_by": env.chosen_by,
            "version": env.version,
            "implementation": env.implementation,
            "platform": env.platform,
            "kind": env.kind,
            "prefix": env.prefix,
            "base_prefix": env.base_prefix,
            "distributions": env.distributions,
            "packages": [{"name": n, "version": v} for n, v in env.packages],
            "variables": dict(env.variables),
        },
        "checks": list(report.checks),
        "hashed": {"scope": report.hash_scope, "distributions": report.hashed} if report.hash_scope else None,
        "findings": [finding_to_dict(f) for f in report.findings],
        "training": training_to_dict(report.training) if report.training is not None else None,
        "problems": [str(p) for p in report.problems],
        "notes": [str(p) for p in report.notes],
        "verdict": {
            "healthy": report.healthy,
            "errors": report.errors,
            "warnings": report.warnings,
            "text": verdict(report),
        },
    }


def write(report: DoctorReport, stream: TextIO, color: bool = False) -> None:
    json.dump(document(report), stream, indent=2)
    stream.write("\n")
