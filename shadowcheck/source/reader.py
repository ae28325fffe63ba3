"""Read a file's imports statically; never run it.

The standard library's parser reads every file it can (`ast_reader`); what it cannot read (a
syntax error, another Python's syntax, nesting too deep for it) and files too large to parse go
to the token reader, which finds the import statements alone and says so (`partial`).
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import io
import os
import sys
import threading
import tokenize
import warnings
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source import ast_reader
from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports, with_bound_attributes
from shadowcheck.source.token_reader import TokenReader, read_tokens

__all__ = ["ImportStatement", "MainGuard", "SourceImports", "parse_source", "read_imports", "read_source"]

# Above this size a file is read for its import statements only, in pieces: the parser's tree
# costs about 75 bytes of memory per byte of dense code (a 1.4 MB file: 104 MB, 0.5 s).
LARGE_FILE = 1 << 20
_PIECE = 1 << 20  # characters read at a time from a large file
# Python 3.10 builds the Python objects of a parsed tree by recursing in C without a limit: a
# chain of about 150,000 `+` or `.` (300 KB of source) overflows an 8 MB stack and kills the
# process. 3.11 and later raise RecursionError instead. On 3.10, sources longer than a chain
# that deep could need are parsed on a thread with a stack sized for the longest possible one.
_UNGUARDED_PARSER = sys.version_info < (3, 11)
_SMALL_ENOUGH_FOR_ANY_STACK = 16_384
_STACK_PER_SOURCE_BYTE = 128


def parse_source(source: str, path: Path, every_attribute: bool = False) -> SourceImports:
    """The imports of one Python source: by its syntax tree, else by its tokens (`partial`).
    Its attribute reads are those of names its imports bind (``every_attribute``: all of them,
    for a notebook's cell, whose names may come from another cell)."""
    syntax_error: tuple[int, str] | None = None
    try:
        tree = _parse(source, path)
    except SyntaxError as error:  # IndentationError and TabError too
        where = f" (line {error.lineno})" if error.lineno else ""
        reason = f"{_this_python()} cannot parse it: {error.msg}{where}"
        syntax_error = (error.lineno or 0, error.msg)
    except (RecursionError, MemoryError):
        reason = f"too deeply nested for the parser of {_this_python()}"
    except ValueError as error:  # "source code string cannot contain null bytes" before 3.12
        reason = f"{_this_python()} cannot parse it: {error}"
        syntax_error = (0, str(error))  # 3.12 and later call it a SyntaxError; no Python runs it
    else:
        facts = ast_reader.collect(tree, source)
        return facts if every_attribute else with_bound_attributes(facts)
    facts = read_tokens([source.replace("\r\n", "\n").replace("\r", "\n")], reason)
    return dataclasses.replace(facts, syntax_error=syntax_error) if syntax_error else facts


def _this_python() -> str:
    return f"Python {sys.version_info[0]}.{sys.version_info[1]}"


def _parse(source: str, path: Path) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
        if not _UNGUARDED_PARSER or len(source) < _SMALL_ENOUGH_FOR_ANY_STACK:
            return ast.parse(source, str(path))
        return _parse_on_a_large_stack(source, str(path))


def _parse_on_a_large_stack(source: str, filename: str) -> ast.Module:
    outcome: list = []

    def parse() -> None:
        try:
            outcome.append(ast.parse(source, filename))
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    size = max(threading.stack_size(), len(source.encode("utf-8", "surrogatepass")) * _STACK_PER_SOURCE_BYTE)
    previous = threading.stack_size(min(size, 1 << 30))
    try:
        thread = threading.Thread(target=parse, name="shadowcheck-parse")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def read_source(path: Path) -> str:
    """A file's text as Python decodes it: PEP 263 coding cookie, else UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None
    return decode_source(data, path)


def decode_source(data: bytes, path: Path) -> str:
    """Bytes as Python decodes a source file; undecodable bytes are a SourceError."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise SourceError(Problem(f"cannot decode: {_decode_reason(error)}", str(path))) from None


def _decode_reason(error: Exception) -> str:
    return error.msg if isinstance(error, SyntaxError) else str(error)


def read_imports(path: Path) -> SourceImports:
    """Read one file (a .py source or a notebook); a file that cannot be read or decoded is a
    SourceError."""
    if path.suffix == ".ipynb":
        from shadowcheck.source.notebooks import read_notebook

        return read_notebook(path)
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None
    if size > LARGE_FILE:
        return read_large_file(path, size)
    return parse_source(read_source(path), path)


def read_large_file(path: Path, size: int) -> SourceImports:
    """A large file's import statements, read in pieces: memory follows the statements."""
    reader = TokenReader(f"too large to parse ({size / 1e6:.1f} MB): its import statements only")
    try:
        with open(path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=_encoding(raw), newline=None)  # universal newlines
            while piece := text.read(_PIECE):
                reader.feed(piece)
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise SourceError(Problem(f"cannot decode: {_decode_reason(error)}", str(path))) from None
    return reader.result()


def _encoding(raw) -> str:
    # tokenize.detect_encoding reads up to two lines, and a large file's first line can be all
    # of it: give it only the complete lines among the first bytes, where a coding cookie is.
    head = raw.read(4096)
    raw.seek(0)
    sample = b"".join(line + b"\n" for line in head.split(b"\n", 2)[:-1][:2])
    if not sample and head.startswith(codecs.BOM_UTF8):
        sample = codecs.BOM_UTF8
    return tokenize.detect_encoding(io.BytesIO(sample).readline)[0]
