"""What every file of the tree says at a glance, without parsing it: a summary.

A run asks three things of every file: which modules it could import (to know which files to
parse for a shadow), whether it looks runnable (a shebang or a `__main__` guard: roots.py), and
whether it carries a `# shadowcheck: ignore` comment. Parsing every file to answer would cost
1-3 ms a file; two regular expressions that start with a literal word (`import`, `from`, which
the regular expression engine finds at several hundred MB/s) answer in microseconds. Their
answer about imports is a superset: every module an import statement of the file names is in
it (as `SourceImports.imported_modules()` names them), along with words that only look like one
(`import` in a comment or a string). A file is parsed when its summary names a module that
matters; what it really imports is then read exactly. What the scan cannot read for certain (a
dynamic import of a string it cannot spell out) makes the file a candidate for every module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import SourceError
from shadowcheck.source.facts import RELATIVE

# In a summary's modules: the file may import anything, so it is parsed whatever the question.
ANY = "*"
# In a summary's suppressions: `# shadowcheck: ignore` without codes.
EVERY_CODE = "*"

# Every `import` keyword and the names after it (`import a.b as c, d`; also the names of a
# `from x import y`, taken back out below), and the dynamic imports the parser reads
# (`importlib.import_module("a")`, `__import__("a")`: their first argument is looked at, not
# consumed). A match consumes only what a statement's names can hold, so that no import
# later on the line is hidden by the word `import` in a string before it.
_IMPORT = re.compile(
    rb"""import(?:(_module|__)[ \t\f]*\(\s*(?:\w+[ \t\f]*=\s*)?(?=([rRuUfFbB]{0,2})(['"][^\n]{0,300}))"""
    rb"""|\b[ \t\f]*([\w.\x80-\xff \t\f,]*))"""
)
# `from .a.b import (c, d)`: the level, the module (`. .` and `a . b` are valid spellings),
# the names (in brackets: names, commas, comments and line breaks only, so that a bracket
# opened in a comment never reaches past code). Each part can match in one way only, so that
# a failed match is given up in linear time.
_FROM = re.compile(
    rb"""from[ \t\f]*((?:\.[ \t\f]*)*)((?:[\w\x80-\xff]+(?:[ \t\f]*\.[ \t\f]*[\w\x80-\xff]+)*)?)"""
    rb"""[ \t\f]*import\b[ \t\f]*(\((?:[\w\s,.\x80-\xff]|#[^\n]*\n)*\)|[\w.\x80-\xff \t\f,]*)"""
)
# A dynamic import's first argument as the parser records it: one plain string literal.
_STRING_ARGUMENT = re.compile(rb"""(['"])([^'"\\\n]*)\1\s*[,)]""")
_NAME = re.compile(rb"[\w.\x80-\xff \t\f]+")
_SPACES = re.compile(rb"[ \t\f]+")
_COMMENT = re.compile(rb"#[^\n]*")
# `if __name__ == "__main__":` at the start of a line, either way round (searched from a
# line break: a literal start is found fast; the first line is matched on its own).
_MAIN_TEST = rb"""if\s+(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*:"""
_MAIN_GUARD = re.compile(rb"\n" + _MAIN_TEST)
_FIRST_LINE_MAIN_GUARD = re.compile(_MAIN_TEST)
# What a names text or a `from` statement adds to a summary: the same few lines recur across
# a tree (`import numpy as np`), so each is worked out once per process.
_KNOWN: dict[tuple[bytes, bytes], tuple[str, ...]] = {}
_KNOWN_LIMIT = 1 << 16
# `# shadowcheck: ignore` or `# shadowcheck: ignore[SC101, SC102]` on any line of the file.
_SUPPRESSION = re.compile(rb"#\s*shadowcheck:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
_CODING = re.compile(rb"coding[:=]")


@dataclass(frozen=True)
class Summary:
    """A file at a glance (see the module docstring)."""

    modules: frozenset[str]  # a superset of what its import statements name (RELATIVE, ANY)
    runnable: bool = False  # a shebang, or a `__main__` guard at the start of a line
    # None: no `# shadowcheck: ignore`; else the codes it names (EVERY_CODE: all of them).
    suppressions: frozenset[str] | None = None
    # Why the file's content cannot be read (an undecodable source, a notebook that is not
    # one): the problem the parser would meet, known without it.
    problem: str | None = None


def scan_file(path: Path) -> Summary:
    """The summary of one .py file or notebook; OSError when it cannot be read."""
    with open(path, "rb") as stream:
        data = stream.read()
    if path.suffix == ".ipynb":
        return scan_notebook(data, path)
    return scan_source(data, path)


def scan_source(data: bytes, path: Path) -> Summary:
    """The summary of a Python source given as the bytes of its file."""
    utf8 = data
    if not data.isascii() or _CODING.search(data, 0, _second_line_end(data)):
        from shadowcheck.source.reader import decode_source  # the parser's modules: only for a file to decode

        try:
            utf8 = decode_source(data, path).encode("utf-8", "surrogatepass")
        except SourceError as error:
            return Summary(frozenset(), problem=error.problem.message)
    runnable = data.startswith(b"#!") or (b"__main__" in data and _has_main_guard(data))
    suppressions = _suppressions(data) if b"shadowcheck" in data else None
    return Summary(imported_modules(utf8), runnable, suppressions)


def scan_notebook(data: bytes, path: Path) -> Summary:
    """The summary of a notebook: what its code cells could import."""
    from shadowcheck.source.notebooks import notebook_cells

    try:
        cells = notebook_cells(data, path)
    except SourceError as error:
        return Summary(frozenset(), problem=error.problem.message)
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(part for part in source if isinstance(part, str))
            if isinstance(source, str):
                sources.append(source)
    return Summary(imported_modules("\n".join(sources).encode("utf-8", "surrogatepass")))


def imported_modules(data: bytes) -> frozenset[str]:
    """A superset of the modules the import statements in ``data`` (UTF-8) name, parents
    included, as SourceImports.imported_modules() names them."""
    # A backslash continues a line anywhere between tokens (`from a \\\n import b`).
    if b"\\" in data:
        data = data.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ").replace(b"\\\r", b" ")
    names: set[str] = set()
    # _IMPORT also takes each `from` statement's names, as if they were imported plainly: the
    # same text, once per statement, is taken back out.
    from_names: dict[bytes, int] = {}
    for level, module, imported in _FROM.findall(data):
        from_names[imported] = from_names.get(imported, 0) + 1
        if level:
            names.add(RELATIVE)
        else:
            names.update(_modules(module, imported))
    for dynamic, prefix, argument, imported in _IMPORT.findall(data):
        if dynamic:
            if not any(letter in prefix for letter in b"fFbB"):  # f-strings and bytes: not recorded
                _add_dynamic(names, argument)
        elif from_names.get(imported):
            from_names[imported] -= 1
        else:
            names.update(_modules(None, imported))
    return frozenset(names)


def _modules(module: bytes | None, imported: bytes) -> tuple[str, ...]:
    """What `import <imported>` (module None) or `from <module> import <imported>` names."""
    key = (b"." if module is None else module, imported)
    known = _KNOWN.get(key)
    if known is None:
        found: set[str] = set()
        if module is None:
            for name in _names(imported):
                _add_with_parents(found, name)
        else:
            module_name = _dotted(module)
            if module_name:
                _add_with_parents(found, module_name)
                found.update(f"{module_name}.{name}" for name in _names(imported))
        known = tuple(found)
        if len(_KNOWN) < _KNOWN_LIMIT:
            _KNOWN[key] = known
    return known


def _has_main_guard(data: bytes) -> bool:
    return _MAIN_GUARD.search(data) is not None or _FIRST_LINE_MAIN_GUARD.match(data) is not None


def _names(imported: bytes):
    """The dotted name of each comma-separated part (`a.b as c, d` -> a.b, d); nothing for
    `*` or text that is no name."""
    if imported.startswith(b"("):
        imported = _COMMENT.sub(b"", imported[1:-1])
    for part in imported.split(b","):
        words = _NAME.match(part.strip())
        if words is not None:
            # `a . b as c`: the name ends where a space separates two words.
            name = _dotted(re.split(rb"(?<=[\w\x80-\xff])[ \t\f]+(?=[\w\x80-\xff])", words.group(), maxsplit=1)[0])
            if name:
                yield name


def _dotted(raw: bytes) -> str:
    """A dotted name as the parser reads it (spaces around dots dropped, NFKC); "" when the
    text is none."""
    if b" " in raw or b"\t" in raw or b"\f" in raw:
        raw = _SPACES.sub(b"", raw)
    if raw.isascii():
        name = raw.decode("ascii")
    else:
        import unicodedata  # the parser reads identifiers in NFKC form

        name = unicodedata.normalize("NFKC", raw.decode("utf-8", "replace"))
    if not name or not all(part.isidentifier() for part in name.split(".")):
        return ""
    return name


def _add_with_parents(names: set[str], module: str) -> None:
    parts = module.split(".")
    names.update(".".join(parts[: i + 1]) for i in range(len(parts)))


def _add_dynamic(names: set[str], argument: bytes) -> None:
    literal = _STRING_ARGUMENT.match(argument)
    if literal is None:
        names.add(ANY)  # concatenated, escaped or triple-quoted: only the parser can say
        return
    module = _dotted(literal.group(2))
    if module:
        _add_with_parents(names, module)
    elif literal.group(2) and not literal.group(2).startswith(b"."):
        names.add(ANY)


def _suppressions(data: bytes) -> frozenset[str] | None:
    codes: set[str] = set()
    found = False
    for match in _SUPPRESSION.finditer(data):
        found = True
        listed = match.group(1)
        if listed is None:
            codes.add(EVERY_CODE)
        else:
            codes.update(code for code in re.split(r"[\s,]+", listed.decode().strip().upper()) if code)
    return frozenset(codes) if found else None


def _second_line_end(data: bytes) -> int:
    # PEP 263: a coding declaration counts on the first two lines only.
    first = data.find(b"\n")
    if first < 0:
        return len(data)
    second = data.find(b"\n", first + 1)
    return len(data) if second < 0 else second
