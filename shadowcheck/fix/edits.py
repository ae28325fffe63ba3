"""Edits as regions of text: the smallest replacements that turn one text into another.

Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` -- the line breaks Python's tokenizer knows (not
``str.splitlines``' form feeds and the like), so line numbers agree with the interpreter's.
"""

from __future__ import annotations

import difflib
import os.path
import re

from shadowcheck.fix.model import Edit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """``text`` cut after each line break, breaks kept."""
    return _LINE.findall(text)


def _advance(line: int, column: int, text: str) -> tuple[int, int]:
    # The position just after ``text`` when it starts at (line, column).
    breaks = len(re.findall(r"\r\n|\r|\n", text))
    if not breaks:
        return line, column + len(text)
    tail = re.split(r"\r\n|\r|\n", text)[-1]
    return line + breaks, len(tail) + 1


def edits_between(path: str, before: str, after: str) -> tuple[Edit, ...]:
    """The edits that turn ``before`` into ``after``: one per changed run of lines, narrowed
    to the characters that differ."""
    old, new = split_lines(before), split_lines(after)
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, inserted = "".join(old[i1:i2]), "".join(new[j1:j2])
        prefix = len(_common_prefix(removed, inserted))
        suffix = len(os.path.commonprefix([removed[prefix:][::-1], inserted[prefix:][::-1]]))
        if suffix and any(_splits_pair(text, len(text) - suffix) for text in (removed, inserted)):
            suffix -= 1
        start = _advance(i1 + 1, 1, removed[:prefix])
        end = _advance(*start, removed[prefix : len(removed) - suffix])
        edits.append(Edit(path, *start, *end, inserted[prefix : len(inserted) - suffix]))
    return tuple(edits)


def _common_prefix(a: str, b: str) -> str:
    common = os.path.commonprefix([a, b])
    if common and (_splits_pair(a, len(common)) or _splits_pair(b, len(common))):
        common = common[:-1]
    return common


def _splits_pair(text: str, index: int) -> bool:
    # A region boundary between the \r and the \n of one line break has no (line, column).
    return 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n"


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """``text`` with ``edits`` (non-overlapping, of one file) applied: what an editor does."""
    starts = [0]
    for line in split_lines(text):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    result = text
    for edit in sorted(edits, key=lambda e: (e.start_line, e.start_column), reverse=True):
        begin, end = offset(edit.start_line, edit.start_column), offset(edit.end_line, edit.end_column)
        result = result[:begin] + edit.replacement + result[end:]
    return result
