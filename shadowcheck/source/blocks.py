"""What a compound statement's header means for the imports in its body, read from its words.

The token reader knows blocks only by indentation and headers: a function body (runs when
called), a class body (runs on import, binds nothing at module level), `if TYPE_CHECKING:`, a
`try:` whose handlers catch ImportError (known only once the handlers are read), and the
module's `if __name__ == "__main__":`.
"""

from __future__ import annotations

import re

# The first words of compound statements: a `:` at bracket depth 0 ends their header.
COMPOUND = frozenset(
    {"if", "elif", "else", "try", "except", "finally", "for", "while", "with", "def", "class", "async", "match", "case"}
)
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_MAIN_TEST = re.compile(r"""\(*\s*(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*\)*""")
_TYPE_CHECKING = re.compile(r"\(*\s*(?:[^\W\d]\w*\s*\.\s*)*TYPE_CHECKING\s*\)*")


class Try:
    """A `try:` statement, until its handlers say whether they catch ImportError."""

    catches = False


class Block:
    """An indented block (or a header's body on its own line) and what it means for imports."""

    def __init__(self, indent: int, kind: str, condition: str):
        self.indent = indent
        self.kind = kind
        self.function = kind in ("def", "async def")
        self.scope = self.function or kind == "class"
        self.type_checking = kind in ("if", "elif") and _TYPE_CHECKING.fullmatch(condition) is not None
        self.try_ = Try() if kind == "try" else None
        self.main_guard = False


def header_kind(first: str, header: str) -> tuple[str, str]:
    """(kind, condition) of a header given its first word and its text up to the `:`:
    ("async def", "f()") for `async def f()`, ("except", "ImportError as e")."""
    kind = first
    if first == "async":
        kind = "async " + (header.split(None, 2)[1:2] or [""])[0]
    return kind, header[len(first) :].strip()


def is_main_test(condition: str) -> bool:
    """`__name__ == "__main__"`, either way round."""
    return _MAIN_TEST.fullmatch(condition) is not None


def catches_import_error(condition: str) -> bool:
    """Whether an `except` clause with this condition catches ImportError (Python 2's
    `except ImportError, e` included)."""
    types = re.split(r"\bas\b", condition.lstrip("* "))[0].strip()
    if not types:
        return True  # a bare `except:`
    names = [name.strip(" ()").rpartition(".")[2] for name in types.split(",")]
    return any(name in _IMPORT_ERRORS for name in names)


def indent_width(indent: str, width: int = 0) -> int:
    """The tokenizer's width of indentation: a tab moves to the next multiple of 8, a form feed
    starts again."""
    for char in indent:
        if char == "\t":
            width = (width // 8 + 1) * 8
        elif char == "\f":
            width = 0
        else:
            width += 1
    return width
