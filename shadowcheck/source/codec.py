"""SourceImports to JSON-ready lists and back, checked field by field on the way back.

The per-file cache and the worker processes hand facts over in this form. Reading it back
trusts nothing: a value of the wrong type or shape anywhere makes the whole entry invalid
(ValueError), never a crash and never something executed. A warm run decodes the facts of
every file that imports a shadow, so the checks are written for speed: exact type tests
(`type(x) is int`, which a bool fails) in comprehensions, no call per field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from itertools import chain
from typing import TypeVar

from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports

_FIELDS = 11
T = TypeVar("T")
# ImportStatement's fields in encode's order, which is the dataclass's.
_STATEMENT_FIELDS = len(dataclasses.fields(ImportStatement))


def encode(facts: SourceImports) -> list:
    """A list of plain JSON values holding every field."""
    # Statements and attribute reads laid end to end, one flat list each: decoding checks a
    # field of every statement at once (a column), and a list per statement or read was half
    # of what the JSON decoder built on a warm run.
    statements: list = []
    for s in facts.imports:
        statements += (
            s.module, list(s.names), s.line, s.column, s.statement, s.level, s.alias,
            s.guarded, s.type_checking, s.dynamic, s.in_function, s.cell,
        )  # fmt: skip
    return [
        statements,
        facts.defined,
        [field for read in facts.attributes for field in read],
        facts.shebang,
        None if facts.main_guard is None else [facts.main_guard.line, list(facts.main_guard.calls), facts.main_guard.uses_file],
        facts.partial,
        list(facts.unreadable),
        list(facts.attribute_cells),
        list(facts.deferred),
        [list(span) for span in facts.main_blocks],
        None if facts.syntax_error is None else list(facts.syntax_error),
    ]  # fmt: skip


def decode(value: object) -> SourceImports:
    """The facts `encode` gave; ValueError for anything else."""
    try:
        if type(value) is not list or len(value) != _FIELDS:
            raise ValueError("not a list of the expected length")
        imports, defined, attributes, shebang, guard, partial, unreadable, cells, deferred, blocks, syntax = value
        return SourceImports(
            _statements(imports),
            None if defined is None else _defined(defined),
            _attributes(attributes),
            shebang=_bool(shebang),
            main_guard=None if guard is None else _guard(guard),
            partial=None if partial is None else _str(partial),
            unreadable=_ints(unreadable),
            attribute_cells=_ints(cells),
            deferred=_ints(deferred),
            main_blocks=_spans(blocks),
            syntax_error=None if syntax is None else _syntax_error(syntax),
        )
    except (TypeError, AttributeError) as error:
        raise ValueError(str(error)) from None


def _statements(value: object) -> tuple[ImportStatement, ...]:
    _require(type(value) is list and len(value) % _STATEMENT_FIELDS == 0)
    columns = [value[i::_STATEMENT_FIELDS] for i in range(_STATEMENT_FIELDS)]  # type: ignore[index]
    modules, names, lines, offsets, texts, levels, aliases, guarded, type_checking, dynamic, in_function, cells = columns
    _require(
        _only(modules, _STR) and _only(names, _LIST) and _only(lines, _INT) and _only(offsets, _INT)
        and _only(texts, _STR) and _only(levels, _INT) and _only(aliases, _STR_OR_NONE)
        and _only(guarded, _BOOL) and _only(type_checking, _BOOL) and _only(dynamic, _BOOL)
        and _only(in_function, _BOOL) and _only(cells, _INT_OR_NONE) and _only(chain.from_iterable(names), _STR)
    )  # fmt: skip
    columns[1] = list(map(tuple, names))
    return tuple(filled(ImportStatement, statement) for statement in zip(*columns))


def _only(values: Iterable[object], types: frozenset[type]) -> bool:
    # Every value's exact type among ``types`` (`type(x) is int`, which a bool fails), the
    # types taken in one pass in C.
    return {*map(type, values)} <= types


_STR, _INT, _BOOL, _LIST = frozenset({str}), frozenset({int}), frozenset({bool}), frozenset({list})
_STR_OR_NONE, _INT_OR_NONE = frozenset({str, type(None)}), frozenset({int, type(None)})


def filled(cls: type[T], values: Iterable[object], new=object.__new__) -> T:
    """An instance of the frozen dataclass ``cls`` with its first fields set to ``values``, each
    checked already (the fields left out keep their defaults, which are class attributes)."""
    # The dataclass's __init__ would set each field with its own object.__setattr__, which
    # was most of decoding a warm run's importers (18,000 statements on 20,000 files) and a
    # fifth of its cache lookup (two instances a row). Its __dict__ filled at once is the
    # same instance, as immutable.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    made = new(cls)
    made.__dict__.update(zip(names, values))
    return made


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _defined(value: object) -> dict[str, int]:
    _require(type(value) is dict and _only(value, _STR) and _only(value.values(), _INT))  # type: ignore[union-attr]
    return value  # type: ignore[return-value]


def _attributes(value: object) -> tuple[tuple[str, str, int], ...]:
    # (name, attribute, line) laid end to end.
    _require(type(value) is list and len(value) % 3 == 0)
    names, attributes, lines = value[0::3], value[1::3], value[2::3]  # type: ignore[index]
    _require(_only(names, _STR) and _only(attributes, _STR) and _only(lines, _INT))
    return tuple(zip(names, attributes, lines))


def _syntax_error(value: object) -> tuple[int, str]:
    _require(type(value) is list and len(value) == 2 and type(value[0]) is int and type(value[1]) is str)
    return value[0], value[1]  # type: ignore[index]


def _guard(value: object) -> MainGuard:
    _require(type(value) is list and len(value) == 3)
    line, calls, uses_file = value  # type: ignore[misc]
    _require(type(line) is int and type(calls) is list and all(type(c) is str for c in calls) and type(uses_file) is bool)
    return MainGuard(line, tuple(calls), uses_file)


def _spans(value: object) -> tuple[tuple[int, int], ...]:
    _require(type(value) is list)
    for span in value:
        _require(type(span) is list and len(span) == 2 and type(span[0]) is int and type(span[1]) is int)
    return tuple((span[0], span[1]) for span in value)


def _ints(value: object) -> tuple[int, ...]:
    _require(type(value) is list and all(type(item) is int for item in value))
    return tuple(value)  # type: ignore[arg-type]


def _str(value: object) -> str:
    _require(type(value) is str)
    return value  # type: ignore[return-value]


def _bool(value: object) -> bool:
    _require(type(value) is bool)
    return value  # type: ignore[return-value]


def _require(condition: bool) -> None:
    if not condition:
        raise ValueError("not the shape codec.encode writes")
