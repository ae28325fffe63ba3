"""Any file name on any stream: escape what the stream cannot encode, keep lines whole.

File names are bytes on POSIX; Python hands the ones that are not UTF-8 over as lone surrogates
(PEP 383's surrogateescape), which no strict encoder accepts. They are written as `\\xff`, the
byte they stand for; characters the stream's encoding lacks (`é` on an ASCII stream) as `\\xe9`,
`\\u2603`. Control characters (a newline in a file name) are escaped the same way by
``one_line``, so one finding stays one line in the line-oriented formats.
"""

from __future__ import annotations

import codecs
import re

ESCAPE = "shadowcheck.escape"  # the codecs error handler's name

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # C0 and DEL, but not tab
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return _NAMED.get(character, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_escaped(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error(ESCAPE, _handler)


def printable(text: str, encoding: str = "utf-8") -> str:
    """``text`` with what ``encoding`` cannot carry escaped (surrogates always: no strict
    encoder takes them)."""
    return text.encode(encoding, ESCAPE).decode(encoding)


def one_line(text: str) -> str:
    """``text`` with its control characters (newlines included) escaped: one line."""
    return _CONTROL.sub(lambda match: _escaped(match.group()), text)


class EscapingStream:
    """A text stream's ``write`` that never fails on a character the stream cannot encode."""

    def __init__(self, stream):
        self.stream = stream
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            self.encoding = codecs.lookup(encoding).name
        except LookupError:
            self.encoding = "utf-8"

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, self.encoding))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return hasattr(self.stream, "isatty") and self.stream.isatty()
