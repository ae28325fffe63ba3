"""What a rule is: a code, a name, a message, and the examples that prove it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from shadowcheck.ftypes import Severity


@dataclass(frozen=True)
class Example:
    """A project tree and the findings a rule must report for it.

    ``tree`` maps posix paths to file contents; ``expected`` lists (path, module, severity)
    for each finding, empty for a tree the rule must leave alone.
    """

    tree: dict[str, str]
    expected: tuple[tuple[str, str, str], ...]
    id: str


class Rule:
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
    # How to make the finding go away.
    help: ClassVar[str]
    # %-template filled with the shadow's fields.
    message: ClassVar[str]
    # The level when no importer makes the shadow certain to break.
    default_severity: ClassVar[Severity] = Severity.WARNING
    # Which kind of shadowed module this rule is about: "third-party" or "stdlib".
    shadows_kind: ClassVar[str]
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()
    # Distributions the examples need installed: {distribution name: {path: source}}.
    installed: ClassVar[dict[str, dict[str, str]]] = {}
