"""What a doctor rule is: a code, a name, its documentation, its examples, and what it finds.

A doctor rule reads the target environment (DoctorContext), never the project's shadows. It
keeps the attributes every rule documents itself with (code, name, summary, description, why,
example, fix), so that it can join the registry of `check`'s rules once there is one for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from shadowcheck.ftypes import Finding, Severity

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
    edit would.
    """

    installed: tuple[Wheel, ...]
    expected: tuple[tuple[str, str], ...]
    id: str
    environ: dict[str, str] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)
    alter: dict[str, str | None] = field(default_factory=dict)
    all_distributions: bool = False  # doctor --all


class DoctorRule:
    code: ClassVar[str]
    name: ClassVar[str]
    # One sentence, for `doctor --list`, tables and SARIF shortDescription.
    summary: ClassVar[str]
    # What it reports, a paragraph.
    description: ClassVar[str]
    # Why it matters: what the user sees when it happens.
    why: ClassVar[str]
    # A command line or situation that produces it.
    example: ClassVar[str]
    # How to make it go away, in general (each finding's `help` gives the exact command).
    fix: ClassVar[str]
    default_severity: ClassVar[Severity] = Severity.ERROR
    valid: ClassVar[tuple[EnvironmentExample, ...]] = ()
    invalid: ClassVar[tuple[EnvironmentExample, ...]] = ()

    def findings(self, context: DoctorContext) -> Iterator[Finding]:
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
    ) -> Finding:
        """A Finding of this rule about ``path`` (what it is about on disk, shown relative)."""
        return Finding(
            path=path,
            line=1,
            column=1,
            code=self.code,
            severity=severity or self.default_severity,
            module=module,
            message=message,
            help=help,
            name=self.name,
            distributions=distributions,
            evidence=evidence,
        )
