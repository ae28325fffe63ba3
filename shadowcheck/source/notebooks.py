"""Notebooks, read cell by cell as the kernel runs them.

Cells are numbered as Jupyter's file holds them, markdown and raw cells included, from 1: the
number ruff (`explore.ipynb:cell 3:3`) and VS Code ("Cell 3") show. Lines count within the cell.
IPython's line magics, shell escapes and help lines are not Python: each becomes `pass` (so a
block holding one stays a block and every line keeps its number). A cell whose magic makes its
body something else (`%%bash`, `%%writefile`, `%%html`) is skipped; the few cell magics that run
their body as Python (`%%time`, `%%timeit`, `%%capture`, ...) are read. A cell the parser cannot
read costs only itself: its import statements still come from its tokens, and `partial` names it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.facts import SourceImports, with_bound_attributes
from shadowcheck.source.reader import parse_source

# Cell magics whose body IPython runs as Python in the notebook's namespace.
PYTHON_CELL_MAGICS = frozenset({"capture", "debug", "ipytest", "prun", "pypy", "python", "python3", "time", "timeit"})
# IPython's line magics that are commonly typed without `%` (automagic): a cell starting
# `pip install x` or `cd data` is a magic, not a syntax error.
_AUTOMAGICS = frozenset(
    {
        "alias", "autoawait", "autocall", "automagic", "bookmark", "cd", "colors", "conda", "config", "dhist",
        "dirs", "doctest_mode", "edit", "env", "gui", "history", "load", "load_ext", "loadpy", "logstart",
        "logstop", "lsmagic", "macro", "magic", "mamba", "matplotlib", "micromamba", "pdb", "pip", "popd",
        "pushd", "pwd", "pycat", "pylab", "recall", "reload_ext", "rerun", "reset", "run", "save", "set_env",
        "sx", "system", "tb", "who", "whos", "xmode",
    }
)  # fmt: skip
_ASSIGNMENT = re.compile(r"(?:=|\+=|-=|\*=|/=|//=|%=|\*\*=|&=|\|=|\^=)(?!=)")
_MAGIC_LINE = re.compile(r"[ \t]*(?:[%!]|\?\??[\w.])")
_HELP_LINE = re.compile(r"[ \t]*[\w.]+\?\??[ \t]*")
# `files = !ls` and `t = %timeit -o f()`: the name is bound, to what IPython returns.
_MAGIC_ASSIGNMENT = re.compile(r"([ \t]*[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=)[ \t]*[!%]")


def read_notebook(path: Path) -> SourceImports:
    """A notebook's imports, cell by cell (`ImportStatement.cell`); an unreadable notebook file
    is a SourceError."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None
    return read_cells(notebook_cells(data, path), path)


def notebook_cells(data: bytes, path: Path) -> list:
    """The cells of a notebook file's JSON; a file that is no notebook is a SourceError."""
    try:
        cells = json.loads(data)["cells"]
        if not isinstance(cells, list):
            raise TypeError("'cells' is not a list")
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise SourceError(Problem(f"not a readable notebook: {reason}", str(path))) from None
    return cells


def read_cells(cells: list, path: Path) -> SourceImports:
    """The facts of a notebook's cells (JSON objects), merged in the order the kernel runs them."""
    imports = []
    defined: dict[str, int] | None = {}
    attributes: list[tuple[str, str, int]] = []
    attribute_cells: list[int] = []
    deferred: list[int] = []
    partial: list[str] = []
    main_guard = None
    for number, cell in enumerate(cells, start=1):
        source = _python_source(cell)
        if source is None:
            continue
        read = parse_source(source, path, every_attribute=True)
        imports.extend(dataclasses.replace(statement, cell=number) for statement in read.imports)
        if read.partial:
            # A cell's syntax error is not the notebook's: the kernel runs the other cells, so
            # it stays in `partial` (a note) and never becomes `syntax_error`.
            partial.append(f"cell {number}: {read.partial}")
        if read.unreadable:
            lines = ", ".join(map(str, read.unreadable))
            partial.append(f"cell {number}: an import statement it could not read (line {lines})")
        if defined is not None:
            if read.defined is None:
                defined = None
            else:
                for name, line in read.defined.items():
                    defined.setdefault(name, line)
        deferred.extend(len(attributes) + index for index in read.deferred)
        attributes.extend(read.attributes)
        attribute_cells.extend([number] * len(read.attributes))
        main_guard = main_guard or read.main_guard
    facts = SourceImports(
        tuple(imports),
        defined,
        tuple(attributes),
        main_guard=main_guard,
        partial="; ".join(partial) or None,
        attribute_cells=tuple(attribute_cells),
        deferred=tuple(deferred),
    )
    return with_bound_attributes(facts)  # a name an import binds in any cell


def _python_source(cell: object) -> str | None:
    """The cell as Python, or None for a cell that is not Python code."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    metadata = cell.get("metadata")
    vscode = metadata.get("vscode") if isinstance(metadata, dict) else None
    if isinstance(vscode, dict) and vscode.get("languageId", "python") != "python":
        return None  # VS Code's per-cell language: an R or SQL cell in a Python notebook
    source = cell.get("source", "")
    if isinstance(source, list):
        if not all(isinstance(part, str) for part in source):
            return None
        source = "".join(source)
    if not isinstance(source, str):
        return None
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return source
    words = lines[first].split()
    if words[0].startswith("%%"):
        if words[0][2:] not in PYTHON_CELL_MAGICS:
            return None  # %%bash, %%writefile, %%html...: the body is not Python
        lines[first] = ""
    elif words[0] in _AUTOMAGICS and not (len(words) > 1 and _ASSIGNMENT.fullmatch(words[1])):
        return None
    # Only a line holding `%`, `!` or `?` can be a magic, a shell escape or a help line: most
    # lines of most cells are left as they are without a regular expression tried on them.
    return "\n".join([_python_line(line) if "%" in line or "!" in line or "?" in line else line for line in lines])


def _python_line(line: str) -> str:
    assigned = _MAGIC_ASSIGNMENT.match(line)
    if assigned is not None:
        return f"{assigned.group(1)} None"
    if _MAGIC_LINE.match(line) or _HELP_LINE.fullmatch(line):
        indent = line[: len(line) - len(line.lstrip())]
        return f"{indent}pass"
    return line
