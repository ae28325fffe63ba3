"""SourceImports to JSON-ready lists and back, checked field by field on the way back.

The per-file cache and the worker processes hand facts over in this form. Reading it back
trusts nothing: a value of the wrong type or shape anywhere makes the whole entry invalid
(ValueError), never a crash and never something executed.
"""

from __future__ import annotations

from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports


def encode(facts: SourceImports) -> list:
    """A list of plain JSON values holding every field."""
    return [
        [
            [s.module, list(s.names), s.line, s.column, s.statement, s.level, s.alias,
             s.guarded, s.type_checking, s.dynamic, s.in_function, s.cell]
            for s in facts.imports
        ],
        facts.defined,
        [list(a) for a in facts.attributes],
        facts.shebang,
        None if facts.main_guard is None else [facts.main_guard.line, list(facts.main_guard.calls), facts.main_guard.uses_file],
        facts.partial,
        list(facts.unreadable),
        list(facts.attribute_cells),
        None if facts.syntax_error is None else list(facts.syntax_error),
    ]  # fmt: skip


def decode(value: object) -> SourceImports:
    """The facts `encode` gave; ValueError for anything else."""
    try:
        imports, defined, attributes, shebang, guard, partial, unreadable, cells, syntax = _list(value, 9)
        return SourceImports(
            tuple(_statement(s) for s in _list(imports)),
            None if defined is None else {_str(k): _int(v) for k, v in _dict(defined).items()},
            tuple((_str(n), _str(a), _int(line)) for n, a, line in (_list(x, 3) for x in _list(attributes))),
            shebang=_bool(shebang),
            main_guard=None if guard is None else _guard(guard),
            partial=_optional(partial, _str),
            unreadable=tuple(_int(line) for line in _list(unreadable)),
            attribute_cells=tuple(_int(cell) for cell in _list(cells)),
            syntax_error=None if syntax is None else _syntax_error(syntax),
        )
    except (TypeError, AttributeError) as error:
        raise ValueError(str(error)) from None


def _statement(value: object) -> ImportStatement:
    module, names, line, column, text, level, alias, guarded, checking, dynamic, in_function, cell = _list(value, 12)
    return ImportStatement(
        _str(module), tuple(_str(n) for n in _list(names)), _int(line), _int(column), _str(text), _int(level),
        _optional(alias, _str), _bool(guarded), _bool(checking), _bool(dynamic), _bool(in_function),
        _optional(cell, _int),
    )  # fmt: skip


def _syntax_error(value: object) -> tuple[int, str]:
    line, message = _list(value, 2)
    return _int(line), _str(message)


def _guard(value: object) -> MainGuard:
    line, calls, uses_file = _list(value, 3)
    return MainGuard(_int(line), tuple(_str(c) for c in _list(calls)), _bool(uses_file))


def _list(value: object, length: int | None = None) -> list:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise ValueError("not a list of the expected length")
    return value


def _dict(value: object) -> dict:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not an integer")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return value


def _optional(value: object, check):
    return None if value is None else check(value)
