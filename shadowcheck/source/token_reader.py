"""Import statements from a file's tokens alone, for what the running Python's parser cannot read.

A file with a syntax error, with syntax from a newer Python (3.12's f-strings under 3.11) or from
Python 2, nested too deeply for the parser, or too large to parse, still says what it imports.
This reader finds the statements that begin with `import` or `from`, where they are, and what the
indentation around them tells: a `try:` body whose handlers catch ImportError, a function body,
`if TYPE_CHECKING:`, the module's `__main__` guard. It knows no attributes and no definitions.

It is a small lexer of its own rather than the `tokenize` module, which runs at 2-6 MB/s in pure
Python on 3.10 and 3.11, stops at the first error from 3.12 on, and follows the running version's
f-string rules. This one skips what cannot matter with one regular expression, never stops,
lexes f-strings as PEP 701 does (the same as older versions for code they accept), and takes its
input in pieces, so that its memory follows the import statements, not the size of the file.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from shadowcheck.source.facts import MainGuard, SourceImports
from shadowcheck.source.blocks import (
    COMPOUND, Block, Try, catches_import_error, header_kind, indent_width, is_main_test,
)  # fmt: skip
from shadowcheck.source.import_statements import PendingImport, parse_import

# What can change the lexer's state in code; everything between is skipped in one step.
_CODE = re.compile(r"""[#'"\\()\[\]{};:]""")
_WORD = re.compile(r"[^\W\d]\w*")
_INDENT = re.compile(r"[ \t\f]*")
_PREFIXES = frozenset({"r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt", "ur"})
# A physical line inside brackets that can only be a new statement: an unclosed bracket above
# it (code being edited) must not hide the imports below.
_RESYNC = re.compile(r"import\s|from\s+\.*[^\W\d][\w.]*\s+import\s")
_CALL = re.compile(r"(?:^|[^\w.])([^\W\d]\w*(?:[ \t]*\.[ \t]*[^\W\d]\w*)*)[ \t]*$")
_FILE = re.compile(r"(?<![\w.])__file__(?!\w)")
_LAMBDA = re.compile(r"(?<![\w.])lambda(?!\w)")
_HEADER_LIMIT = 10_000  # a longer header is none whose words matter here
_CARRY_LIMIT = 64  # characters held back from a piece cut mid-line, so that no token is cut in two
_RISKY_TAIL = frozenset("_\\'\"{}:=")


class _Capture:
    """Raw text from a position in one piece on, across pieces, kept up to a limit."""

    def __init__(self, start: int, limit: int | None = None):
        self.start = start
        self.limit = limit
        self.pieces: list[str] = []
        self.size = 0

    def take(self, text: str, end: int | None = None) -> None:
        piece = text[self.start : end]
        self.start = 0
        self.size += len(piece)
        if self.limit is None or self.size <= self.limit:
            self.pieces.append(piece)

    def text(self) -> str:
        return "" if self.limit is not None and self.size > self.limit else "".join(self.pieces)


class _String:
    """An open string literal; in an f-string, its open replacement fields (PEP 701)."""

    def __init__(self, quote: str, formatted: bool):
        self.quote = quote
        self.formatted = formatted
        self.fields: list[list] = []  # [brackets open, in the format spec], innermost last

    @property
    def in_code(self) -> bool:
        return bool(self.fields) and not self.fields[-1][1]


class _Logical:
    """The logical line being read."""

    def __init__(self, line: int, indent: int, first: str):
        self.line = line
        self.indent = indent
        self.first = first  # its first word
        self.header: _Capture | None = None  # a compound statement's header, up to its `:`
        self.lambdas = 0  # lambdas in the header, each owning one `:`
        self.block: Block | None = None  # what the header opens, once its `:` is seen
        self.inline = False  # a statement follows the header's `:` on the same line
        self.at_start = True  # the next word starts a statement


class TokenReader:
    """Feed it the source in pieces (`feed`), then ask for the result (`result`)."""

    def __init__(self, partial: str):
        self.partial = partial
        self.line = 1
        self.column = 0  # characters of the current physical line fed so far
        self.line_start = True  # nothing but indentation seen on this physical line yet
        self.indent = 0  # its width so far
        self.depth = 0  # brackets open in code
        self.strings: list[_String] = []  # open strings, innermost last
        self.comment = False  # in a comment, until the end of the physical line
        self.continued = False  # the last physical line ended with a backslash
        self.string_continued = False  # ... inside a one-line string
        self.logical: _Logical | None = None
        self.blocks: list[Block] = []
        self.tries: dict[int, Try] = {}  # indentation -> the `try:` still taking handlers there
        self.imports: list[PendingImport] = []
        self.unreadable: list[int] = []
        self.capture: tuple[int, int, _Capture] | None = None  # an import statement's line, column, text
        self.guard_line: int | None = None
        self.guard_calls: list[str] = []
        self.guard_uses_file = False
        self.head = ""  # the source's first two characters: "#!" for a shebang
        self.carry = ""

    # -- input ------------------------------------------------------------------------------
    def feed(self, text: str) -> None:
        """Read the next piece of the source (newlines as "\\n"; a piece may end mid-line)."""
        if len(self.head) < 2:
            self.head += text[: 2 - len(self.head)]
        if self.carry:
            text, self.carry = self.carry + text, ""
        start = 0
        while start < len(text):
            end = text.find("\n", start)
            if end >= 0:
                self._piece(text[start : end + 1], ends_line=True)
                start = end + 1
                continue
            # The line goes on in the next piece: hold back a tail that could be half a token
            # (a word, a quote, a backslash), unless it is too long to be one.
            cut = len(text)
            while cut > start and (text[cut - 1].isalnum() or text[cut - 1] in _RISKY_TAIL):
                cut -= 1
            if len(text) - cut <= _CARRY_LIMIT:
                self.carry = text[cut:]
            else:
                cut = len(text)
            if cut > start:
                self._piece(text[start:cut], ends_line=False)
            return

    def result(self) -> SourceImports:
        """What the statements said, once the whole source has been fed."""
        if self.carry:
            carry, self.carry = self.carry, ""
            self._piece(carry, ends_line=False)
        self._end_logical()
        guard = None
        if self.guard_line is not None:
            guard = MainGuard(self.guard_line, tuple(dict.fromkeys(self.guard_calls)), self.guard_uses_file)
        return SourceImports(
            tuple(p.finished() for p in self.imports),
            None,  # what the module binds takes the parser to know
            (),
            shebang=self.head == "#!",
            main_guard=guard,
            partial=self.partial,
            unreadable=tuple(self.unreadable),
        )

    # -- lexing -----------------------------------------------------------------------------
    def _piece(self, text: str, ends_line: bool) -> None:
        position = 0
        length = len(text)
        if self.line_start:
            # Until the line's first character that is not indentation, whatever the pieces.
            position = _INDENT.match(text).end()
            self.indent = indent_width(text[:position], self.indent)
            if position == length and not ends_line:
                self.column += length
                return
            self.line_start = False
            if not self.strings and not self.continued and text[position : position + 1] not in ("#", "\n"):
                if self.depth == 0 or _RESYNC.match(text, position):
                    self.depth = 0
                    self._end_logical()
                    self._begin_logical(text, position)
            self.continued = False
        while position < length and not self.comment:
            string = self.strings[-1] if self.strings else None
            if string is None or string.in_code:
                position = self._code_step(text, position, string)
            else:
                position = self._string_step(text, position, string)
        if self.capture is not None:
            self.capture[2].take(text)
        logical = self.logical
        if logical is not None and logical.header is not None and logical.block is None:
            logical.header.take(text)
        if not ends_line:
            self.column += length
            return
        self.line += 1
        self.column = 0
        self.line_start = True
        self.indent = 0
        self.comment = False
        string = self.strings[-1] if self.strings else None
        if string is not None and len(string.quote) == 1 and not string.in_code and not self.string_continued:
            self.strings.pop()  # a one-line string left open: Python stops there; read on below
        self.string_continued = False
        if not self.strings and self.depth == 0 and not self.continued:
            self._end_logical()

    def _code_step(self, text: str, position: int, field: _String | None) -> int:
        match = _CODE.search(text, position)
        end = match.start() if match else len(text)
        char = match.group() if match else ""
        if end > position:
            self._code(text, position, end, char, in_field=field is not None)
        if match is None:
            return end
        after = match.end()
        if char == "#":
            self.comment = True
            return len(text)
        if char in "'\"":
            self._open_string(text, end)
            return end + len(self.strings[-1].quote)
        if char == "\\":
            self.continued = text[after:] == "\n"
            return after
        if field is not None:
            brackets = field.fields[-1]
            if char in "([{":
                brackets[0] += 1
            elif char in ")]}":
                if brackets[0]:
                    brackets[0] -= 1
                elif char == "}":
                    field.fields.pop()
            elif char == ":" and brackets[0] == 0:
                brackets[1] = True  # the format spec: text again, with fields of its own
            return after
        logical = self.logical
        if char in "([{":
            self.depth += 1
            if logical is not None:
                logical.at_start = False
        elif char in ")]}":
            self.depth = max(0, self.depth - 1)
        elif self.depth == 0 and logical is not None:
            if char == ";":
                self._end_statement(text, end)
                logical.at_start = True
            elif logical.header is not None and logical.block is None and not text.startswith("=", after):
                if logical.lambdas:
                    logical.lambdas -= 1
                else:
                    logical.header.take(text, end)
                    self._open_block(logical)
                    logical.at_start = True
        return after

    def _open_string(self, text: str, quote_at: int) -> None:
        start = quote_at
        while start > 0 and quote_at - start < 2 and text[start - 1].isalpha():
            start -= 1
        prefix = text[start:quote_at].lower()
        if prefix not in _PREFIXES or (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")):
            prefix = ""
        char = text[quote_at]
        quote = char * 3 if text.startswith(char * 3, quote_at) else char
        self.strings.append(_String(quote, "f" in prefix or "t" in prefix))
        if self.logical is not None and len(self.strings) == 1:
            self.logical.at_start = False

    def _string_step(self, text: str, position: int, string: _String) -> int:
        match = _string_end(string.quote, string.formatted).search(text, position)
        if match is None:
            return len(text)
        found = match.group()
        if found[0] == "\\":
            if found == "\\\n":
                self.string_continued = True
            return match.end()
        if found[0] in "{}" and string.formatted:
            if string.fields:  # in a format spec: `{` opens a nested field, `}` ends the spec's
                if found[0] == "{":
                    string.fields.append([0, False])
                else:
                    string.fields.pop()
                return match.start() + 1
            if found == "{":
                string.fields.append([0, False])
            return match.end()  # `{{` and `}}` are text
        self.strings.pop()  # the closing quote
        return match.end()

    # -- statements -------------------------------------------------------------------------
    def _begin_logical(self, text: str, at: int) -> None:
        word = _WORD.match(text, at)
        first = word.group() if word else ""
        logical = self.logical = _Logical(self.line, self.indent, first)
        while self.blocks and self.blocks[-1].indent >= logical.indent:
            self.blocks.pop()
        if first not in ("except", "else", "finally"):
            for level in [level for level in self.tries if level >= logical.indent]:
                del self.tries[level]
        if first in COMPOUND:
            logical.header = _Capture(at, _HEADER_LIMIT)

    def _code(self, text: str, start: int, end: int, next_char: str, in_field: bool) -> None:
        logical = self.logical
        if logical is None:
            return
        if self.guard_line is not None and self._in_guard():
            self._guard_code(text[start:end], next_char)
        if in_field:
            return
        if logical.at_start:
            segment = text[start:end]
            stripped = segment.lstrip()
            if stripped:
                logical.at_start = False
                word = _WORD.match(stripped)
                if word is not None and word.group() in ("import", "from"):
                    at = end - len(stripped)
                    self.capture = (self.line, self.column + at + 1, _Capture(at))
        if logical.header is not None and logical.block is None and self.depth == 0:
            logical.lambdas += len(_LAMBDA.findall(text, start, end))

    def _guard_code(self, segment: str, next_char: str) -> None:
        # What the `__main__` guard runs: each dotted name called, and whether it names __file__.
        if next_char == "(":
            call = _CALL.search(segment)
            if call is not None:
                before = segment[: call.start(1)].split()[-1:]
                name = re.sub(r"\s", "", call.group(1))
                if before not in (["def"], ["class"]) and not keyword.iskeyword(name.partition(".")[0]):
                    self.guard_calls.append(name)
        if not self.guard_uses_file and _FILE.search(segment):
            self.guard_uses_file = True

    def _open_block(self, logical: _Logical) -> None:
        kind, condition = header_kind(logical.first, " ".join(logical.header.text().split()))
        block = Block(logical.indent, kind, condition)
        if kind == "try":
            self.tries[logical.indent] = block.try_
        elif kind == "except":
            handled = self.tries.get(logical.indent)
            if handled is not None and catches_import_error(condition):
                handled.catches = True
        elif kind in ("if", "elif") and self.guard_line is None and not any(b.scope for b in self.blocks):
            if is_main_test(condition):
                block.main_guard = True
                self.guard_line = logical.line
        logical.block = block

    def _in_guard(self) -> bool:
        logical = self.logical
        if logical is not None and logical.block is not None and logical.block.main_guard:
            return True  # the statements after `if __name__ == "__main__":` on its own line
        return any(b.main_guard for b in self.blocks)

    def _end_statement(self, text: str | None, at: int | None) -> None:
        logical = self.logical
        if logical is not None and logical.block is not None and not logical.at_start:
            logical.inline = True
        if self.capture is None:
            return
        line, column, capture = self.capture
        self.capture = None
        if text is not None:
            capture.take(text, at)
        pending = parse_import(capture.text(), line, column)
        if pending is None:
            self.unreadable.append(line)
            return
        blocks = [*self.blocks, logical.block] if logical is not None and logical.block else self.blocks
        for statement in pending:
            statement.tries = tuple(b.try_ for b in blocks if b.try_ is not None)
            statement.type_checking = any(b.type_checking for b in blocks)
            statement.in_function = any(b.function for b in blocks)
            self.imports.append(statement)

    def _end_logical(self) -> None:
        logical = self.logical
        if logical is None:
            return
        self._end_statement(None, None)
        if logical.block is not None and not logical.inline:
            self.blocks.append(logical.block)
        self.logical = None


_STRING_ENDS: dict[tuple[str, bool], re.Pattern[str]] = {}


def _string_end(quote: str, formatted: bool) -> re.Pattern[str]:
    pattern = _STRING_ENDS.get((quote, formatted))
    if pattern is None:
        braces = r"|\{\{|\}\}|\{|\}" if formatted else ""
        pattern = _STRING_ENDS[(quote, formatted)] = re.compile(r"\\(?:.|\n)|" + re.escape(quote) + braces)
    return pattern


def read_tokens(pieces: Iterable[str], partial: str) -> SourceImports:
    """The import statements in a source given as pieces of text (universal newlines)."""
    reader = TokenReader(partial)
    for piece in pieces:
        reader.feed(piece)
    return reader.result()
