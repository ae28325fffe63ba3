"""What `doctor` hands to its reporters, and nothing about how it was found."""

from __future__ import annotations

from dataclasses import dataclass

from shadowcheck.doctor.summary import EnvironmentSummary
from shadowcheck.doctor.training import TrainingResult
from shadowcheck.ftypes import Finding, Problem, Severity


@dataclass(frozen=True)
class DoctorReport:
    environment: EnvironmentSummary
    findings: tuple[Finding, ...]
    checks: tuple[str, ...]  # the codes that ran
    # SC307's reach: "imported" (what the project declares or imports) or "all" (--all), and
    # how many distributions were hashed; None when SC307 did not run.
    hash_scope: str | None = None
    hashed: int = 0
    problems: tuple[Problem, ...] = ()  # what left the run incomplete: exit status 2
    notes: tuple[Problem, ...] = ()  # project files whose imports were read only in part
    training: TrainingResult | None = None  # with --train

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def healthy(self) -> bool:
        """Nothing found, nothing left unchecked, and the smoke test (if run) trained as expected."""
        trained = self.training is None or self.training.passed
        return not self.findings and not self.problems and trained
