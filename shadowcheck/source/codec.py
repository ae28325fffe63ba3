"""SourceImports to JSON-ready lists and back, checked field by field on the way back.

The per-file cache and the worker processes hand facts over in this form. Reading it back
trusts nothing: a value of the wrong type or shape anywhere makes the whole entry invalid
(ValueError), never a crash and never something executed. A warm run decodes the facts of
every file that imports a shadow, so the checks are written for speed: exact type tests
(`type(x) is int`, which a bool fails) in comprehensions, no call per field.
"""

from __future__ import annotations

import dataclasses

from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports

_FIELDS = 11
# ImportStatement's fields in encode's order, which is the dataclass's.
_STATEMENT_NAMES = tuple(field.name for field in dataclasses.fields(ImportStatement))
_STATEMENT_FIELDS = len(_STATEMENT_NAMES)


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
    _require(type(value) is list)
    for s in value:
        _require(
            type(s) is list and len(s) == _STATEMENT_FIELDS
            and type(s[0]) is str and type(s[1]) is list and type(s[2]) is int and type(s[3]) is int
            and type(s[4]) is str and type(s[5]) is int and (s[6] is None or type(s[6]) is str)
            and type(s[7]) is bool and type(s[8]) is bool and type(s[9]) is bool and type(s[10]) is bool
            and (s[11] is None or type(s[11]) is int)
            and all(type(name) is str for name in s[1])
        )  # fmt: skip
    for s in value:
        s[1] = tuple(s[1])
    return tuple(_statement(s) for s in value)


def _statement(values: list, new=object.__new__, names=_STATEMENT_NAMES) -> ImportStatement:
    # Each field checked above, all twelve given: the frozen dataclass's __init__ would only
    # set them one object.__setattr__ at a time, which was most of decoding a warm run's
    # importers (18,000 statements on 20,000 files). Its __dict__ filled at once is the same
    # instance, as immutable.
    statement = new(ImportStatement)
    statement.__dict__.update(zip(names, values))
    return statement


def _defined(value: object) -> dict[str, int]:
    _require(type(value) is dict and all(type(k) is str and type(v) is int for k, v in value.items()))
    return value  # type: ignore[return-value]


def _attributes(value: object) -> tuple[tuple[str, str, int], ...]:
    _require(type(value) is list)
    for a in value:
        _require(type(a) is list and len(a) == 3 and type(a[0]) is str and type(a[1]) is str and type(a[2]) is int)
    return tuple((a[0], a[1], a[2]) for a in value)


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
