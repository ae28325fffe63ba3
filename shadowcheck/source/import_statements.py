"""One import statement's words, from its text alone: what the token reader builds on."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from shadowcheck.source.blocks import Try
from shadowcheck.source.facts import ImportStatement, one_line

# Whitespace, line continuations and comments are skipped; anything an import statement cannot
# hold (a string, an operator) is a token of its own that ends the reading.
_TOKEN = re.compile(r"[ \t\f\r\n]+|\\\r?\n|#[^\n]*|\.\.\.|[.,()*]|[^\W\d]\w*|.", re.S)
_SKIPPED = (" ", "\t", "\f", "\r", "\n", "\\", "#")


@dataclass
class PendingImport:
    """An import statement read by tokens, whose `try:` handlers may not have been read yet."""

    module: str
    names: tuple[str, ...]
    line: int
    column: int
    statement: str
    level: int = 0
    alias: str | None = None
    tries: tuple[Try, ...] = ()  # the `try:` statements whose bodies hold it
    type_checking: bool = False
    in_function: bool = False

    def finished(self) -> ImportStatement:
        guarded = any(t.catches for t in self.tries)
        return ImportStatement(
            self.module, self.names, self.line, self.column, self.statement, self.level, self.alias,
            guarded, self.type_checking, False, self.in_function,
        )  # fmt: skip


class _Words:
    def __init__(self, text: str):
        self.words: list[str] = []
        self.end = 0  # where the last word ends: what follows is a comment or whitespace
        for match in _TOKEN.finditer(text):
            if not match.group().startswith(_SKIPPED) or match.group() == "\\":
                self.words.append(match.group())
                self.end = match.end()
        self.position = 0

    def peek(self) -> str | None:
        return self.words[self.position] if self.position < len(self.words) else None

    def take(self, expected: str | None = None) -> str:
        word = self.peek()
        if word is None or (expected is not None and word != expected):
            raise ValueError(word)
        self.position += 1
        return word

    def name(self) -> str:
        word = self.take()
        if not word.isidentifier() or keyword.iskeyword(word):
            raise ValueError(word)
        return word

    def dotted(self) -> str:
        parts = [self.name()]
        while self.peek() == ".":
            self.take()
            parts.append(self.name())
        return ".".join(parts)

    def alias(self) -> str | None:
        if self.peek() == "as":
            self.take()
            return self.name()
        return None


def parse_import(text: str, line: int, column: int) -> list[PendingImport] | None:
    """The imports one `import ...` or `from ... import ...` statement makes; None if it is not
    a statement Python could read."""
    words = _Words(text)
    shown = one_line(text[: words.end])
    try:
        found = _statement(words, line, column, shown)
    except ValueError:
        return None
    return found if words.peek() is None else None


def _statement(words: _Words, line: int, column: int, shown: str) -> list[PendingImport]:
    if words.take() == "import":
        found = []
        while True:
            module = words.dotted()
            found.append(PendingImport(module, (), line, column, shown, alias=words.alias()))
            if words.peek() != ",":
                return found
            words.take()
    level = 0
    while words.peek() in (".", "..."):
        level += len(words.take())
    module = words.dotted() if words.peek() != "import" else ""
    if not module and not level:
        raise ValueError("from import")
    words.take("import")
    if words.peek() == "*":
        words.take()
        return [PendingImport(module, ("*",), line, column, shown, level)]
    parenthesized = words.peek() == "("
    if parenthesized:
        words.take()
    names = []
    while True:
        names.append(words.name())
        words.alias()
        if words.peek() != ",":
            break
        words.take()
        if parenthesized and words.peek() == ")":
            break  # a trailing comma is allowed inside parentheses
    if parenthesized:
        words.take(")")
    return [PendingImport(module, tuple(names), line, column, shown, level)]
