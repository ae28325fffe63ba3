"""`doctor --format text`: the environment in a few lines, the findings, the smoke test, a verdict."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.doctor.report import DoctorReport
from shadowcheck.doctor.training import (
    MIN_ACCURACY,
    NOT_STARTED,
    TRAINED,
    TrainingResult,
)
from shadowcheck.ftypes import Finding, Severity
from shadowcheck.reporters.evidence import (
    TEXT_IMPORTERS,
    importer_line,
    more,
    shown_importers,
)
from shadowcheck.reporters.text import BOLD, CYAN, DIM, RED, YELLOW, paint


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def environment_lines(report: DoctorReport) -> list[tuple[str, str]]:
    """(label, value) rows of the environment summary."""
    env = report.environment
    kind = f"{env.kind} at {env.prefix}" + (f" (base {env.base_prefix})" if env.base_prefix != env.prefix else "")
    rows = [
        ("python", f"{env.python} ({env.chosen_by})"),
        ("version", f"{env.implementation} {env.version}"),
        ("platform", env.platform),
        ("environment", kind),
        ("distributions", f"{env.distributions} installed"),
        ("ML packages", ", ".join(f"{name} {version}" for name, version in env.packages) or "none of the usual ones"),
    ]
    rows += [(name, value if value is not None else "(not set)") for name, value in env.variables]
    checks = " ".join(report.checks) or "none"
    if report.hash_scope == "imported":
        checks += f" (SC307 hashed the files of the {_plural(report.hashed, 'distribution')} the project declares or imports; --all for every one)"
    elif report.hash_scope == "all":
        checks += f" (SC307 hashed the files of all {report.hashed} distributions)"
    rows.append(("checks", checks))
    return rows


def finding_lines(finding: Finding, color: bool = False) -> list[str]:
    style = RED if finding.severity is Severity.ERROR else YELLOW
    lines = [f"{paint(finding.code, style, color)} [{paint(str(finding.severity), style, color)}] {finding.message}"]
    first = finding.importers[0] if finding.importers else None
    at_line = first is not None and (first.path, first.line) == (finding.path, finding.line)
    lines.append(f"    {paint('at:', CYAN, color)} {finding.path}" + (f":{finding.line}" if at_line else ""))
    lines += [f"    {line}" for line in finding.evidence]
    if not finding.evidence:  # check's findings: the statements that meet the shadow
        shown, hidden = shown_importers(finding, TEXT_IMPORTERS)
        lines += [f"    {importer_line(finding, importer)}" for importer in shown]
        lines += [f"    {more(hidden)}"] if hidden else []
    if finding.help:
        lines.append(f"    {paint('help:', DIM, color)} {finding.help}")
    return lines


def training_lines(training: TrainingResult) -> list[str]:
    if training.status == NOT_STARTED:
        return [f"not started: {training.reason}", *(f"    {line}" for line in training.blocked_by)]
    if training.status != TRAINED:
        return [f"failed after {training.seconds or 0:.1f} s: {training.reason}"]
    per_epoch = training.seconds_per_epoch
    timing = f"{per_epoch:.2f} s per epoch over {len(training.epoch_seconds)} epochs" if per_epoch is not None else "no epoch timings"
    expected = "" if training.passed else f" (below the {MIN_ACCURACY} it reaches on a working environment)"
    line = f"test accuracy {training.accuracy:.4f}{expected} with the {training.backend} backend; {timing}"
    return [f"{line}; {training.seconds:.1f} s in all, imports included"]


def _training_verdict(training: TrainingResult) -> str:
    if training.passed:
        return f"the reference CNN trains (test accuracy {training.accuracy:.4f})"
    if training.status == TRAINED:
        return f"the reference CNN reaches only {training.accuracy:.4f} test accuracy"
    if training.status == NOT_STARTED:
        return "the reference CNN cannot start (its imports would fail)"
    return "training the reference CNN failed"


def verdict(report: DoctorReport) -> str:
    """The one line that ends the report."""
    env = report.environment
    where = f"{_plural(env.distributions, 'distribution')} of {env.python} (Python {env.version})"
    trained = f"; {_training_verdict(report.training)}" if report.training is not None else ""
    if report.healthy:
        return f"Healthy: nothing wrong in {where}{trained}."
    if report.findings:
        counts = f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
        return f"Not healthy: {counts} in {where}{trained}."
    if report.training is not None and not report.training.passed:
        return f"Not healthy: nothing wrong in {where}, but {_training_verdict(report.training)}."
    return f"Incomplete: {_plural(len(report.problems), 'problem')} kept doctor from checking everything in {where}."


def write(report: DoctorReport, stream: TextIO, color: bool = False) -> None:
    rows = environment_lines(report)
    width = max(len(label) for label, _ in rows)
    stream.write(paint("Environment", BOLD, color) + "\n")
    stream.write("".join(f"  {label.ljust(width)}  {value}\n" for label, value in rows))
    stream.write("\n")
    stream.write("".join("\n".join(finding_lines(finding, color)) + "\n" for finding in report.findings))
    if report.findings:
        stream.write("\n")
    if report.training is not None:
        stream.write(paint("Training", BOLD, color) + f" {report.training.script}, from {report.training.root}\n")
        stream.write("".join(f"  {line}\n" for line in training_lines(report.training)) + "\n")
    stream.write(verdict(report) + "\n")
