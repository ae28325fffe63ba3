"""`[tool.shadowcheck]` in pyproject.toml: read, validated, and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.rules import RULES_BY_CODE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# key -> the type its value must have ("list" of strings or "str").
KNOWN_KEYS = {
    "exclude": "list",
    "extend-exclude": "list",
    "roots": "list",
    "allow": "list",
    "select": "list",
    "ignore": "list",
    "python": "str",
}


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.shadowcheck] table,
    stopping at the top of a git checkout."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and b"[tool.shadowcheck" in pyproject.read_bytes():
            return pyproject
        if (candidate / ".git").exists():
            break
    return None


def validate_codes(codes, origin: str) -> list[str]:
    """Upper-cased rule codes; an unknown one is an error that lists the known ones."""
    result = []
    for code in codes:
        normalized = str(code).strip().upper()
        if normalized not in RULES_BY_CODE:
            known = ", ".join(RULES_BY_CODE)
            raise ShadowcheckError(f"{origin}: unknown rule code '{code}'; known codes: {known}")
        result.append(normalized)
    return result


def load_config(pyproject: Path) -> dict:
    """The validated [tool.shadowcheck] table, with paths made absolute and keys snake_cased."""
    try:
        with pyproject.open("rb") as stream:
            document = tomllib.load(stream)
    except OSError as error:
        raise ShadowcheckError(f"{pyproject}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ShadowcheckError(f"{pyproject}: invalid TOML: {error}") from None
    table = document.get("tool", {}).get("shadowcheck", {})
    if not isinstance(table, dict):
        raise ShadowcheckError(f"{pyproject}: [tool.shadowcheck] must be a table")
    config: dict = {}
    for key, value in table.items():
        expected = KNOWN_KEYS.get(key)
        if expected is None:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise ShadowcheckError(f"{pyproject}: unknown key '{key}' in [tool.shadowcheck]; known keys: {known}")
        if expected == "str" and not isinstance(value, str):
            raise ShadowcheckError(f"{pyproject}: '{key}' in [tool.shadowcheck] must be a string")
        if expected == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ShadowcheckError(f"{pyproject}: '{key}' in [tool.shadowcheck] must be a list of strings")
        if key in ("select", "ignore"):
            value = validate_codes(value, f"{pyproject}: '{key}'")
        config[key.replace("-", "_")] = value
    base = pyproject.parent
    if "roots" in config:
        config["roots"] = [str((base / r).resolve()) for r in config["roots"]]
    if "python" in config and ("/" in config["python"] or config["python"].startswith(".")):
        config["python"] = str(base / config["python"])
    return config
