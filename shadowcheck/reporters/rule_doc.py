"""A rule's documentation, from the rule class itself: `shadowcheck rule`, the README's rule
sections (tests/test_readme.py keeps them identical) and SARIF's rule help all print this."""

from __future__ import annotations

import re

from shadowcheck.rules import Rule

REPOSITORY_URL = "https://github.com/shadowcheck/shadowcheck"


def heading(rule: type[Rule]) -> str:
    return f"{rule.code} {rule.name}"


def anchor(text: str) -> str:
    """The id GitHub gives a README heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def help_uri(rule: type[Rule]) -> str:
    """The rule's section of the README on the repository's page."""
    return f"{REPOSITORY_URL}#{anchor(heading(rule))}"


def markdown(rule: type[Rule], level: int = 1) -> str:
    """What it does, why it matters, an example and the fix, with headings from ``level`` down."""
    top, sub = "#" * level, "#" * (level + 1)
    sections = [
        f"{top} {heading(rule)}",
        rule.summary,
        f"{sub} What it does",
        rule.description,
        f"{sub} Why is this bad?",
        rule.why,
        f"{sub} Example",
        rule.example,
        f"{sub} How to fix",
        rule.fix,
    ]
    return "\n\n".join(sections) + "\n"
