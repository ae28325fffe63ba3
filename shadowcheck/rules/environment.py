"""What an environment rule is: a rule that reads the target environment (doctor's context),
not the project's shadows, and its examples, which are real environments.

Environment rules (SC3xx) document themselves like every rule (code, name, summary,
description, why, example, fix) and share the registry, the selection and `shadowcheck rule`
with check's rules; `doctor` runs them, `check` does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from shadowcheck.ftypes import Finding, Importer, Severity
from shadowcheck.rules.base import ENVIRONMENT, Rule

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext


@dataclass(frozen=True)
class Wheel:
    """A distribution an example installs: the tests build it as a wheel and pip installs it."""

    name: str
    version: str
    files: dict[str, str]  # path relative to site-packages -> text
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnvironmentExample:
    """A real environment (wheels in a fresh venv, variables, a project) and what a rule reports.

    ``expected`` lists (module, severity) for each finding, empty for an environment the rule
    must leave alone. ``alter`` edits the installed files afterwards (site-packages-relative path
    -> new text, or None to delete it or its directory), as a half-finished install or a hand
    edit would. ``environ`` holds the variables scripts run with; a relative PYTHONPATH entry is
    relative to the project.
    """

    installed: tuple[Wheel, ...]
    expected: tuple[tuple[str, str], ...]
    id: str
    environ: dict[str, str] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)
    alter: dict[str, str | None] = field(default_factory=dict)
    all_distributions: bool = False  # doctor --all


class EnvironmentRule(Rule):
    reads = ENVIRONMENT
    default_severity: ClassVar[Severity] = Severity.ERROR
    valid: ClassVar[tuple[EnvironmentExample, ...]] = ()  # type: ignore[assignment]
    invalid: ClassVar[tuple[EnvironmentExample, ...]] = ()  # type: ignore[assignment]

    def check(self, context: DoctorContext) -> Iterator[Finding]:  # type: ignore[override]
        """The findings this rule reports for the environment ``context`` describes."""
        raise NotImplementedError

    def finding(
        self,
        path: str,
        module: str,
        message: str,
        help: str,
        *,
        severity: Severity | None = None,
        distributions: tuple[tuple[str, str], ...] = (),
        evidence: tuple[str, ...] = (),
        importers: tuple[Importer, ...] = (),
        line: int = 1,
    ) -> Finding:
        """A Finding of this rule about ``path`` (what it is about on disk, shown relative)."""
        return Finding(
            path=path,
            line=line,
            column=1,
            code=self.code,
            severity=severity or self.default_severity,
            module=module,
            message=message,
            help=help,
            name=self.name,
            distributions=distributions,
            evidence=evidence,
            importers=importers,
        )
