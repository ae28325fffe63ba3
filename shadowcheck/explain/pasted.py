"""What was pasted: a traceback as CPython prints it (traceback.py's format), or one error line.

A traceback is "Traceback (most recent call last):", frames (`  File "PATH", line N, in NAME`,
each maybe followed by its source line and 3.11+'s `^^^` markers), then the exception line
`TYPE: message` at column 0. Chained exceptions print each traceback in turn, joined by "The
above exception was the direct cause of the following exception:" or "During handling of the
above exception, another exception occurred:". Colours (3.13 on a terminal), a terminal's
carriage returns and the indentation a chat or a log adds are taken off first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HEADER = "Traceback (most recent call last):"
_FRAME = re.compile(r'^\s*File "(?P<file>.*)", line (?P<line>\d+)(?:, in (?P<function>.*))?$')
# 3.11+ (Jupyter, IPython): `Cell In[3], line 1` and `File /path/x.py:12, in f()`.
_CELL = re.compile(r"^\s*Cell In\s*\[\d*\],\s*line (?P<line>\d+)")
_IPYTHON_FILE = re.compile(r"^\s*File (?P<file>[^\s\"].*?):(?P<line>\d+)(?:, in (?P<function>.*))?$")
# An exception line: a dotted class name at the start, then ": message" (or nothing).
_EXCEPTION = re.compile(r"^(?P<type>(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Warning|Exit|Interrupt|Iteration))(?::\s?(?P<message>.*))?$")
# traceback.py appends a suggestion to NameError, AttributeError (3.10+) and ImportError (3.12+).
_SUGGESTION = re.compile(r"\. Did you mean: '[^']*'\?$")


@dataclass(frozen=True)
class Frame:
    file: str  # as printed: a path, "<string>", "<stdin>", "<frozen runpy>", "Cell In[3]"
    line: int | None
    function: str | None
    source: str | None = None  # the source line printed under the frame


@dataclass(frozen=True)
class PastedException:
    type: str | None  # "ModuleNotFoundError"; None for a bare message without its type
    message: str  # without traceback.py's "Did you mean" suggestion
    frames: tuple[Frame, ...]  # outermost first; empty for a single line

    @property
    def line(self) -> str:
        return f"{self.type}: {self.message}" if self.type else self.message


def read_pasted(text: str) -> tuple[PastedException, ...]:
    """Every exception in ``text``, in the order printed (the last one ended the run); empty
    when there is none."""
    lines = [_ANSI.sub("", line).rstrip("\r") for line in text.replace("\r\n", "\n").split("\n")]
    lines = _dedent(lines)
    found: list[PastedException] = []
    frames: list[Frame] = []
    for index, line in enumerate(lines):
        if line.strip() == _HEADER:
            frames = []
            continue
        frame = _frame(line)
        if frame is not None:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            source = following.strip() if following.startswith("    ") and _frame(following) is None else None
            frames.append(Frame(frame.file, frame.line, frame.function, source))
            continue
        match = _EXCEPTION.match(line)
        if match is not None:  # at column 0, where CPython prints it (source lines are indented)
            found.append(PastedException(match["type"], _SUGGESTION.sub("", (match["message"] or "").strip()), tuple(frames)))
            frames = []
    if not found:
        # One line without its type: "No module named 'keras.models'; 'keras' is not a package".
        bare = [line.strip() for line in lines if line.strip()]
        if len(bare) == 1 and _is_import_message(bare[0]):
            found.append(PastedException(None, _SUGGESTION.sub("", bare[0]), ()))
    return tuple(found)


def _frame(line: str) -> Frame | None:
    match = _FRAME.match(line) or _IPYTHON_FILE.match(line)
    if match is not None:
        return Frame(match["file"], int(match["line"]), match["function"])
    cell = _CELL.match(line)
    if cell is not None:
        return Frame(line.strip().split(",")[0], int(cell["line"]), None)
    return None


def _is_import_message(message: str | None) -> bool:
    return bool(message) and (
        message.startswith(("No module named ", "cannot import name "))
        or "has no attribute" in message
    )


def _dedent(lines: list[str]) -> list[str]:
    # A paste indented as a whole (quoted in a chat or a log): the exception line is at column 0
    # in CPython's output, so the smallest indentation of the non-frame lines is taken off.
    text_lines = [line for line in lines if line.strip() and not _FRAME.match(line)]
    if not text_lines:
        return lines
    indent = min(len(line) - len(line.lstrip(" \t")) for line in text_lines)
    return [line[indent:] if line[:indent].strip() == "" else line for line in lines] if indent else lines
