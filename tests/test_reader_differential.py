"""The reader against what `tokenize` says of the standard library's own files: every import
statement found where its first token is, with its text, and none missed."""

from __future__ import annotations

import io
import sysconfig
import tokenize
from pathlib import Path

import pytest

from shadowcheck.source.reader import parse_source

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE = 80
# Tokens after which the next token starts a statement (`:` ends a header such as `try:`;
# `from` anywhere else is `yield from` or `raise ... from`, `import` is part of `from ... import`).
_STATEMENT_BOUNDARIES = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
_SKIPPED = {tokenize.NL, tokenize.ENCODING}


def _corpus() -> list[Path]:
    # Every k-th file of the standard library, sorted: the same sample on every run.
    files = [p for p in sorted(STDLIB.rglob("*.py")) if "site-packages" not in p.parts and p.stat().st_size < 300_000]
    step = max(1, len(files) // SAMPLE)
    return files[::step][:SAMPLE]


def _statements(source: str) -> dict[tuple[int, int], str]:
    """(line, 1-based column) of each import statement's first token -> its tokens, no spaces
    (comments inside it included, a comment after it not)."""
    found: dict[tuple[int, int], str] = {}
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in _SKIPPED]
    previous = None
    for index, token in enumerate(tokens):
        if token.type == tokenize.COMMENT:
            continue
        starts = previous is None or previous.type in _STATEMENT_BOUNDARIES or previous.string in (";", ":")
        if token.type == tokenize.NAME and token.string in ("import", "from") and starts:
            end = index
            while tokens[end].type != tokenize.NEWLINE and tokens[end].string != ";":
                end += 1
            while tokens[end - 1].type == tokenize.COMMENT:
                end -= 1
            found[(token.start[0], token.start[1] + 1)] = "".join(t.string for t in tokens[index:end])
        previous = token
    return found


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: str(p.relative_to(STDLIB)))
def test_every_import_statement_is_where_tokenize_finds_it(path):
    source = path.read_text(encoding="utf-8")
    facts = parse_source(source, path)
    assert facts.partial is None
    read = {(s.line, s.column): "".join(s.statement.split()) for s in facts.imports if not s.dynamic}
    assert read == _statements(source)
