"""Python text in and out exactly as it was: PEP 263 coding cookie, byte-order mark and line
endings kept, so that only the edited characters change."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path
from typing import TYPE_CHECKING

from shadowcheck.fix.model import FixError

if TYPE_CHECKING:
    import libcst as cst


def decode_python(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding) the way Python decodes a source file. A BOM gives "utf-8-sig", which
    drops it on decoding and writes it back on encoding. Line endings are left as they are."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise FixError(f"{path}: cannot decode: {error}") from None


def read_python(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FixError(f"{path}: cannot read: {error.strerror}") from None
    return decode_python(data, path)[0]


def parse_python(text: str, path: Path, where: str = "") -> cst.Module:
    """The concrete syntax tree of ``text``; a syntax error refuses the whole fix."""
    import libcst as cst  # 0.3 s to import: only when a fix is planned

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise FixError(f"{path}:{where}{error.raw_line}: cannot parse: {error.message}") from None
    except (RecursionError, MemoryError):
        raise FixError(f"{path}: too deeply nested for the rewriter; fix its imports by hand") from None


def encode_python(text: str, encoding: str, path: Path) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        raise FixError(f"{path}: the new name cannot be written in its encoding {encoding}: {error.reason}") from None
