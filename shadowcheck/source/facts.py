"""What reading a file yields: its import statements, what it binds, what it reads, how it runs.

Every reader (the parser's, the token reader's, the notebook reader's) answers with these, and
the per-file cache stores them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


# In a file's imported modules: it has a relative import (`from . import x`).
RELATIVE = "."


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
    # (name, attribute, line) for every `name.attribute` the file reads, in source order
    # (`name.attribute = 1` and `del name.attribute` read nothing), of the names an `import`
    # statement binds: only those can be a module whose attribute is missing.
    attributes: tuple[tuple[str, str, int], ...]
    shebang: bool = False  # the first line is `#!...`
    main_guard: MainGuard | None = None
    # Why the file was read only in part, or None: the running Python could not parse it (a
    # syntax error, newer or Python 2 syntax, nesting too deep for its parser) or it is too large
    # to parse, and its token reader found the import statements alone (`defined` is None and
    # `attributes` empty then). A note for the run, not a problem: the imports were read.
    partial: str | None = None
    # Lines of statements that begin like an import but could not be read (token reader only):
    # what they import is unknown, which is a problem for the run, not a note.
    unreadable: tuple[int, ...] = ()
    # Notebooks: the cell of each entry of `attributes` (whose lines count within their cell).
    attribute_cells: tuple[int, ...] = ()
    # Why `partial`, when the running parser rejected the source as invalid syntax: (line, the
    # parser's message); line 0 when it gave none. None for a file read by tokens for its size
    # or nesting depth, which CPython compiles, and for notebooks (a broken cell costs only
    # itself). Whether that is an error depends on the target's version (source/store.py).
    syntax_error: tuple[int, str] | None = None
    # The indexes in `attributes` of the reads inside a function or lambda body: they run when
    # it is called, not while the module is imported.
    deferred: tuple[int, ...] = ()
    # (first, last) line of the body of each module-level `if __name__ == "__main__":`, which
    # does not run on import either (heapq's imports doctest in one).
    main_blocks: tuple[tuple[int, int], ...] = ()

    def imported_modules(self) -> frozenset[str]:
        """Every module an absolute import here names, parents included: `import a.b` names
        a and a.b, `from a import b` names a and a.b (b may be a submodule); RELATIVE when the
        file has a relative import (whose module depends on the package it runs in). A file
        whose set lacks a module and RELATIVE has no statement that imports it."""
        names: set[str] = set()
        for statement in self.imports:
            if statement.level:
                names.add(RELATIVE)
                continue
            if not statement.module:
                continue
            parts = statement.module.split(".")
            names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
            names.update(f"{statement.module}.{name}" for name in statement.names if name != "*")
        return frozenset(names)


def one_line(source: str) -> str:
    """A statement's source as ImportStatement.statement holds it: on one line, whitespace
    collapsed, backslash continuations gone."""
    return " ".join(source.replace("\\\n", " ").split())


def runs_on_import(facts: SourceImports) -> tuple[tuple[str, str, int], ...]:
    """The attribute reads that run while the module is imported: outside function bodies and
    the module's `__main__` blocks."""
    deferred = set(facts.deferred)
    return tuple(
        read
        for index, read in enumerate(facts.attributes)
        if index not in deferred and not any(first <= read[2] <= last for first, last in facts.main_blocks)
    )


def import_bindings(imports) -> frozenset[str]:
    """The names `import` statements bind (`import a.b` binds a, `import a.b as c` binds c):
    the only names whose attribute reads can meet a module."""
    return frozenset(s.alias or s.module.partition(".")[0] for s in imports if not s.names and not s.level)


def with_bound_attributes(facts: SourceImports) -> SourceImports:
    """``facts`` keeping the attribute reads of names its `import` statements bind."""
    bound = import_bindings(facts.imports)
    kept = [index for index, read in enumerate(facts.attributes) if read[0] in bound]
    if len(kept) == len(facts.attributes):
        return facts
    deferred = set(facts.deferred)
    return dataclasses.replace(
        facts,
        attributes=tuple(facts.attributes[i] for i in kept),
        attribute_cells=tuple(facts.attribute_cells[i] for i in kept) if facts.attribute_cells else (),
        deferred=tuple(new for new, old in enumerate(kept) if old in deferred),
    )
