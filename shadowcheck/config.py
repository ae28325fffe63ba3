"""`[tool.shadowcheck]` in pyproject.toml: found and read as TOML, and nothing else.

Which keys exist, their types and what they mean are the command line's options
(options.py): the table is only the defaults of those options.
"""

from __future__ import annotations

import os
from pathlib import Path

from shadowcheck.ftypes import ShadowcheckError, SourceError
from shadowcheck.paths import relative
from shadowcheck.source.build_files import read_pyproject

TABLE = "[tool.shadowcheck]"


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest pyproject.toml at or above ``start`` whose ``tool.shadowcheck`` table exists,
    with that table, stopping at the top of a git checkout.

    Every pyproject.toml met is parsed: `[tool."shadowcheck"]`, `[ tool.shadowcheck ]` and
    dotted keys (`tool.shadowcheck.allow = [...]`) are the same table to TOML, and text that
    merely looks like the header (in a comment, in a string) is not one.
    """
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _table(pyproject, _parse(pyproject))
            if table is not None:
                return pyproject, table
        if (candidate / ".git").exists():
            break
    return None


def _parse(pyproject: Path) -> dict:
    try:
        return read_pyproject(pyproject)  # the one pyproject.toml reader (source/build_files.py)
    except SourceError as error:
        raise ShadowcheckError(error.problem.shown(os.getcwd())) from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise ShadowcheckError(f"{relative(pyproject, Path.cwd())}: invalid TOML: nested too deeply") from None


def _table(pyproject: Path, document: dict) -> dict | None:
    tool = document.get("tool")
    if not isinstance(tool, dict) or "shadowcheck" not in tool:
        return None  # `tool = "x"` is someone else's business
    table = tool["shadowcheck"]
    if not isinstance(table, dict):
        raise ShadowcheckError(f"{relative(pyproject, Path.cwd())}: {TABLE} must be a table")
    return table


def validate_codes(codes, known: tuple[str, ...] | None = None) -> list[str]:
    """Upper-cased rule codes; one not in ``known`` (default: every rule's code) is a ValueError
    that lists the known ones."""
    result = []
    for code in codes:
        if known is None:
            # Every rule's code: one configuration serves check and doctor alike, and each
            # command runs the rules it has (check those that read the project, doctor all).
            # Asked only when codes are given: the registry then loads doctor's rules too.
            from shadowcheck.rules import RULES_BY_CODE

            known = tuple(RULES_BY_CODE)
        normalized = str(code).strip().upper()
        if normalized not in known:
            raise ValueError(f"unknown rule code '{code}'; known codes: {', '.join(known)}")
        result.append(normalized)
    return result
