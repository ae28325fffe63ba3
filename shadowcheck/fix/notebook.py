"""Rewrite a Jupyter notebook's imports cell by cell, keeping everything else as it was.

Each code cell is rewritten as its own module; IPython's line magics, shell escapes and help
lines are set aside before parsing and put back untouched, and cells that start with a cell
magic (``%%bash``) are not Python. Outputs and metadata are never touched, and the JSON is
written back in the file's own style, which must reproduce the file exactly before it is used.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from shadowcheck.fix.model import FixError
from shadowcheck.fix.rewrite import Reach, SourceRewrite, rewrite_source

_MARKER = "pass  # shadowcheck-magic-{}"


def _is_magic(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#"))


def _json_style(text: str, document) -> dict | None:
    # Jupyter writes indent=1, sort_keys=True, ensure_ascii=False and a final newline; other
    # tools differ. The style is the one that reproduces the file byte for byte.
    for indent, ensure_ascii, sort_keys in itertools.product((1, 2, 4, None, 3), (False, True), (True, False)):
        dumped = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
        for newline, end in itertools.product(("\n", "\r\n"), ("\n", "")):
            candidate = (dumped + end).replace("\n", newline)
            if candidate == text:
                return {"indent": indent, "ensure_ascii": ensure_ascii, "sort_keys": sort_keys, "newline": newline, "end": end}
    return None


def _cell_text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _as_source(text: str, like) -> list[str] | str:
    # Keep the cell's own representation: a list of lines (Jupyter) or one string.
    return text.splitlines(keepends=True) if isinstance(like, list) else text


def rewrite_notebook(data: bytes, path: Path, reach: Reach, needles: tuple[str, ...]) -> tuple[bytes, SourceRewrite]:
    """The notebook's new bytes and what changed; line numbers count through the code cells
    as `check` counts them (each cell's lines, then one)."""
    try:
        text = data.decode("utf-8")
        document = json.loads(text)
        cells = document["cells"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise FixError(f"{path}: not a readable notebook: {error}") from None
    result = SourceRewrite(text)
    offset = 0
    changed = False
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        cell_text = _cell_text(source)
        lines = cell_text.splitlines(keepends=True)
        if any(n in cell_text for n in needles):
            new_text = _rewrite_cell(cell_text, lines, path, reach, number, offset, result)
            if new_text != cell_text:
                cell["source"] = _as_source(new_text, source)
                changed = True
        offset += len(cell_text.splitlines()) + 1
    if not changed:
        return data, result
    style = _json_style(text, json.loads(text))
    if style is None:
        raise FixError(f"{path}: its JSON formatting is not one shadowcheck can write back unchanged; fix its imports by hand")
    dumped = json.dumps(document, indent=style["indent"], ensure_ascii=style["ensure_ascii"], sort_keys=style["sort_keys"])
    return (dumped + style["end"]).replace("\n", style["newline"]).encode("utf-8"), result


def _rewrite_cell(cell_text: str, lines: list[str], path: Path, reach: Reach, number: int, offset: int, result: SourceRewrite) -> str:
    if cell_text.lstrip().startswith("%%"):
        for index, line in enumerate(lines):
            if "import" in line:
                result.unresolved.append((offset + index + 1, "", line.strip(), f"cell {number} runs a cell magic: check it by hand"))
        return cell_text
    magics: dict[str, str] = {}
    parseable = []
    for index, line in enumerate(lines):
        if _is_magic(line):
            marker = _MARKER.format(index)
            indent = line[: len(line) - len(line.lstrip())]
            ending = line[len(line.rstrip("\r\n")) :]
            magics[indent + marker] = line
            parseable.append(indent + marker + ending)
        else:
            parseable.append(line)
    rewritten = rewrite_source("".join(parseable), path, reach, where=f" cell {number}, line ")
    restored = []
    for line in rewritten.text.splitlines(keepends=True):
        key = line.rstrip("\r\n")
        restored.append(magics.get(key, line) if key in magics else line)
    for line, module, before, after in rewritten.rewritten:
        result.rewritten.append((offset + line, module, before, after))
    for line, module, statement, reason in rewritten.unresolved:
        result.unresolved.append((offset + line, module, statement, reason))
    return "".join(restored)
