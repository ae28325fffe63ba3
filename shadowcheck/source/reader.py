"""Read a file's imports statically (with libcst, in _cst_visitor.py); never run it."""

from __future__ import annotations

import io
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError


@dataclass(frozen=True)
class ImportStatement:
    module: str  # the module the statement imports ("a.b" for `from a.b import c`)
    names: tuple[str, ...]  # the names of a `from` import; () for `import a.b`
    line: int
    column: int
    statement: str  # the source of the statement, on one line
    level: int = 0  # leading dots of a relative import
    alias: str | None = None  # `import a.b as x` -> "x"
    guarded: bool = False  # inside `try:` with an `except ImportError` (or broader) handler
    type_checking: bool = False  # under `if TYPE_CHECKING:`
    dynamic: bool = False  # importlib.import_module("...") or __import__("...")
    in_function: bool = False  # inside a function body: runs when called, not on import
    cell: int | None = None  # notebooks: the code cell holding it (line counts within the cell)

    @property
    def top_level(self) -> str:
        return self.module.partition(".")[0]


@dataclass(frozen=True)
class MainGuard:
    """`if __name__ == "__main__":` at module level: the file is meant to run as a script."""

    line: int
    # Dotted names of the functions the guarded block calls ("pytest.main", "main").
    calls: tuple[str, ...]
    uses_file: bool  # the block names __file__ (`pytest.main([__file__])`)


@dataclass(frozen=True)
class SourceImports:
    imports: tuple[ImportStatement, ...]
    # Module-level names the file binds, with the first line binding each; None when it
    # cannot be known statically (a star import or a module __getattr__).
    defined: dict[str, int] | None
    # (name, attribute, line) for every `name.attribute` read in the file.
    attributes: tuple[tuple[str, str, int], ...]
    shebang: bool = False  # the first line is `#!...`
    main_guard: MainGuard | None = None


def parse_source(source: str, path: Path) -> SourceImports:
    """The imports of one Python source; a syntax error is a SourceError."""
    from shadowcheck.source._cst_visitor import (
        collect,  # libcst is slow to import: only when parsing
    )

    return collect(source, path)


def read_source(path: Path) -> str:
    """A file's text as Python decodes it: PEP 263 coding cookie, else UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None
    if path.suffix == ".ipynb":
        return _notebook_source(data, path)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        raise SourceError(Problem(f"cannot decode: {reason}", str(path))) from None


def _notebook_source(data: bytes, path: Path) -> str:
    # Code cells joined, IPython magics and shell escapes blanked so libcst can parse
    # them; lines are kept so that reported line numbers count within the notebook's code.
    try:
        cells = json.loads(data)["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise SourceError(Problem(f"not a readable notebook: {error}", str(path))) from None
    lines: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            stripped = line.lstrip()
            lines.append("" if stripped.startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines) + "\n"


def read_imports(path: Path) -> SourceImports:
    """Read and parse one file (a .py source or a notebook)."""
    return parse_source(read_source(path), path)
