"""What a rule is: a code, its documentation, the detection it owns, its words, its examples.

The checker hands every selected rule the same analysis and keeps what each reports: two rules
about the same kind of shadow both speak. Rules about the environment itself (doctor's, SC3xx)
subclass EnvironmentRule (environment.py): they read doctor's context instead, and only doctor
runs them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.fix.names import names_in_use, suggest_name
from shadowcheck.ftypes import Candidate, Finding, Severity, TargetEnvironment

# What a rule reads: the project's shadows (an Analysis: `check` and `doctor` run it) or the
# environment itself (doctor's context: only `doctor` runs it).
PROJECT, ENVIRONMENT = "project", "environment"


# Package scripts a finding's message names; the text format lists the rest.
NAMED_RUNS = 3


@dataclass(frozen=True)
class Example:
    """A project tree and the findings a rule must report for it.

    ``tree`` maps posix paths to file contents; ``expected`` lists (path, module, severity)
    for each finding, empty for a tree the rule must leave alone.
    """

    tree: dict[str, str]
    expected: tuple[tuple[str, str, str], ...]
    id: str


@dataclass(frozen=True)
class Analysis:
    """What the checker hands every rule."""

    environment: TargetEnvironment
    candidates: tuple[Candidate, ...] = ()
    cwd: Path | None = None  # what candidate paths are relative to; None: the working directory

    @functools.cached_property
    def taken(self) -> frozenset[str]:
        """Every import name the environment answers to, which a suggested new name avoids."""
        return names_in_use(self.environment)


class Rule:
    reads: ClassVar[str] = PROJECT
    code: ClassVar[str]
    name: ClassVar[str]
    # One sentence for tables and SARIF shortDescription.
    summary: ClassVar[str]
    # What it does: a paragraph for SARIF fullDescription, `shadowcheck rule` and the README.
    description: ClassVar[str]
    # The rule's documentation (reporters/rule_doc.py renders it, markdown):
    # why it matters, an example (a tree and what Python does with it), and how to fix it.
    why: ClassVar[str]
    example: ClassVar[str]
    fix: ClassVar[str]
    # %-template of the finding's help line, filled with the finding's fields.
    help: ClassVar[str] = ""
    # The level when nothing makes the finding certain to break a run.
    default_severity: ClassVar[Severity] = Severity.WARNING
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()
    # Distributions the examples need installed: {distribution name: {path: source}}.
    installed: ClassVar[dict[str, dict[str, str]]] = {}

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        """The findings this rule reports for ``analysis``."""
        raise NotImplementedError


class ShadowRule(Rule):
    """A project module that hides one the environment provides, of one kind."""

    # Which kind of shadowed module this rule is about: "third-party" or "stdlib".
    shadows_kind: ClassVar[str]
    # %-template filled with the candidate's fields (see fields()).
    message: ClassVar[str]

    def applies(self, candidate: Candidate) -> bool:
        return candidate.shadows.kind == self.shadows_kind

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for candidate in analysis.candidates:
            if self.applies(candidate):
                yield self.finding(candidate, analysis)

    def severity(self, candidate: Candidate) -> Severity:
        if not candidate.importers:
            return self.default_severity
        # Inside a package only the scripts there are affected, and running those by path
        # is rare and usually already broken: a warning, unless the project evidently does.
        if candidate.runs and candidate.run_by_path is None:
            return Severity.WARNING
        return Severity.ERROR

    def finding(self, candidate: Candidate, analysis: Analysis) -> Finding:
        shown = shown_path(candidate.path, candidate.local_is_package)
        directory = module_directory(candidate.path, analysis.cwd)
        fields = self.fields(candidate, self.suggestion(candidate.module, shown, analysis.taken, directory))
        return Finding(
            path=candidate.path,
            line=1,
            column=1,
            code=self.code,
            severity=self.severity(candidate),
            module=candidate.module,
            message=self.message % fields,
            root=candidate.root,
            shadows=candidate.shadows,
            importers=candidate.importers,
            help=self.help % fields,
            name=self.name,
            runs=candidate.runs,
            rename_to=fields["suggestion"],
        )

    def fields(self, candidate: Candidate, suggestion: str) -> dict[str, str]:
        shown = shown_path(candidate.path, candidate.local_is_package)
        return {
            "path": shown,
            "module": candidate.module,
            "what": "package" if candidate.installed_is_package else "module",
            "distributions": describe_distributions(candidate.module, candidate.shadows.distributions),
            "origin": candidate.origin_shown,
            "where": self.where(candidate),
            "file": file_name_of(shown),
            "suggestion": suggestion,
        }

    def where(self, candidate: Candidate) -> str:
        if candidate.runs:
            named = candidate.runs[:NAMED_RUNS]
            scripts = ", ".join(named) + (f" and {len(candidate.runs) - len(named)} more" if len(candidate.runs) > NAMED_RUNS else "")
            return f" for {scripts} run by path from {candidate.root}/"
        if candidate.at_project_root:
            return ""
        what = {"notebooks": "notebooks", "scripts": "scripts", "sub-project": "the sub-project's builds and scripts"}.get(
            candidate.root_reason, "code"
        )
        return f" for {what} run from {candidate.root}/"

    def suggestion(self, module: str, shown: str, taken: Container[str], directory: Path | None) -> str:
        """The file name a rename should give the module shown as ``shown`` (`keras.py`,
        `keras/`): fix.names.suggest_name's choice with the file's own suffix, so that the help
        line, the fix in JSON and SARIF, and --fix all name the same file."""
        stem = module.rpartition(".")[2]
        return suggest_name(module, self.shadows_kind, taken, directory) + file_name_of(shown)[len(stem) :]

    def rename_advice(self, path: str, module: str, is_package: bool, taken: Container[str], cwd: Path) -> str:
        """The help line for renaming the project's module at ``path`` (verify's words)."""
        shown = shown_path(path, is_package)
        suggestion = self.suggestion(module, shown, taken, module_directory(path, cwd))
        return self.help % {"file": file_name_of(shown), "suggestion": suggestion}


def shown_path(path: str, is_package: bool) -> str:
    """A package is shown as its directory (`keras/`), a module as its file."""
    if is_package and path.rsplit("/", 1)[-1].startswith("__init__."):
        return path.rsplit("/", 1)[0] + "/" if "/" in path else "./"
    return path


def module_directory(path: str, cwd: Path | None) -> Path:
    """The directory that holds the module at ``path`` (relative to ``cwd``; a package's
    `__init__` or its directory stands for the package): where a new name must not collide."""
    absolute = Path(os.path.abspath(os.path.join(cwd or os.getcwd(), path)))
    if absolute.name.startswith("__init__."):
        absolute = absolute.parent
    return absolute.parent


def file_name_of(shown: str) -> str:
    return shown.rstrip("/").rsplit("/", 1)[-1] + ("/" if shown.endswith("/") else "")


def describe_distributions(module: str, distributions: tuple[tuple[str, str], ...]) -> str:
    """` 3.3.3` for the distribution named like the module, ` from a 1.0, b 2.0` otherwise."""
    if len(distributions) == 1 and normalize_distribution_name(distributions[0][0]) == normalize_distribution_name(module):
        return f" {distributions[0][1]}".rstrip()  # declared distributions have no version
    if distributions:
        return " from " + ", ".join(f"{name} {version}".rstrip() for name, version in distributions)
    return ""
