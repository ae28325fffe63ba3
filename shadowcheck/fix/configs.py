"""Configuration files that name a renamed module: updated when the edit is unambiguous and
re-reading the file proves it changed exactly that value, listed otherwise.

Edits are textual (the quoted value replaced in place) so comments and layout survive; no
TOML or INI writer is involved.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.fix.model import Rename

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# (file, INI section) where pytest reads its options.
_PYTEST_INI = (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))
_ENTRY_POINT_TABLES = (("project", "scripts"), ("project", "gui-scripts"))


@dataclass
class ConfigEdits:
    changes: dict[Path, tuple[bytes, bytes]]  # path -> (before, after)
    rewritten: list[tuple[Path, int, str, str, str]]  # path, line, module, before, after
    unresolved: list[tuple[Path, int, str, str, str]]  # path, line, module, text, reason


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _table_span(text: str, dotted: str) -> tuple[int, int] | None:
    # From a `[a.b]` header to the next header: where the table's keys are written.
    parts = r"\s*\.\s*".join(re.escape(p) for p in dotted.split("."))
    header = re.search(rf"^[ \t]*\[[ \t]*{parts}[ \t]*\][ \t]*(?:#.*)?$", text, re.MULTILINE)
    if header is None:
        return None
    following = re.compile(r"^[ \t]*\[", re.MULTILINE).search(text, header.end())
    return header.end(), following.start() if following else len(text)


def _replace_quoted(text: str, span: tuple[int, int], old: str, new: str) -> str:
    start, end = span
    region = re.sub(rf"""(["']){re.escape(old)}\1""", lambda m: f"{m.group(1)}{new}{m.group(1)}", text[start:end])
    return text[:start] + region + text[end:]


def _get(document: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


def _entry_module(value: str) -> str:
    return value.partition(":")[0].strip()


class _Pyproject:
    def __init__(self, path: Path, edits: ConfigEdits):
        self.path = path
        self.edits = edits
        self.before = path.read_bytes()
        self.text = self.before.decode("utf-8")
        self.document = tomllib.loads(self.text)

    def _try(self, table: str, key_path: tuple[str, ...], old: str, new: str, module: str, expected) -> None:
        line = _line_of(self.text, f'"{old}"') if f'"{old}"' in self.text else _line_of(self.text, f"'{old}'")
        span = _table_span(self.text, table)
        shown = f"{'.'.join(key_path)} = \"{old}\""
        if span is not None:
            candidate = _replace_quoted(self.text, span, old, new)
            try:
                parsed = tomllib.loads(candidate)
            except tomllib.TOMLDecodeError:
                parsed = None
            if parsed is not None and self._same_but(parsed, key_path, expected):
                self.text, self.document = candidate, parsed
                self.edits.rewritten.append((self.path, line, module, shown, f"{'.'.join(key_path)} = \"{new}\""))
                return
        self.edits.unresolved.append((self.path, line, module, shown, f"names `{module}`: update it by hand"))

    def _same_but(self, parsed: dict, key_path: tuple[str, ...], expected) -> bool:
        # The edit changed that one value and nothing else in the document.
        original = tomllib.loads(self.text)
        target = original
        for key in key_path[:-1]:
            target = target[key]
        target[key_path[-1]] = expected
        return parsed == original

    def visit(self, rename: Rename, importable: bool) -> None:
        module, new = rename.module, rename.new_module
        allow = _get(self.document, ("tool", "shadowcheck", "allow"))
        if isinstance(allow, list) and module in allow:
            self._try("tool.shadowcheck", ("tool", "shadowcheck", "allow"), module, new, module, [new if a == module else a for a in allow])
        for table in _ENTRY_POINT_TABLES:
            entries = _get(self.document, table)
            if not isinstance(entries, dict):
                continue
            for name, value in list(entries.items()):
                if not isinstance(value, str):
                    continue
                target = _entry_module(value)
                if target != module and not target.startswith(module + "."):
                    continue
                new_value = new + value[len(module) :] if value.startswith(module) else None
                if importable and new_value is not None:
                    self._try(".".join(table), (*table, name), value, new_value, module, new_value)
                else:
                    self.edits.unresolved.append(
                        (self.path, _line_of(self.text, value), module, f'{name} = "{value}"', f"an entry point into `{module}`, which is not at the project's top level: update it by hand")
                    )
        pytest_files = _get(self.document, ("tool", "pytest", "ini_options", "python_files"))
        if pytest_files is not None and not rename.is_package:
            patterns = pytest_files.split() if isinstance(pytest_files, str) else list(pytest_files)
            old_file, new_file = rename.source.name, rename.destination.name
            if old_file in patterns:
                if isinstance(pytest_files, str):
                    expected = " ".join(new_file if p == old_file else p for p in pytest_files.split())
                    if pytest_files.split() == [old_file]:
                        self._try("tool.pytest.ini_options", ("tool", "pytest", "ini_options", "python_files"), old_file, new_file, module, expected)
                    else:
                        self.edits.unresolved.append(
                            (self.path, _line_of(self.text, pytest_files), module, f"python_files = \"{pytest_files}\"", f"names {old_file}: update it by hand")
                        )
                else:
                    expected = [new_file if p == old_file else p for p in pytest_files]
                    self._try("tool.pytest.ini_options", ("tool", "pytest", "ini_options", "python_files"), old_file, new_file, module, expected)
            _glob_notes(self.edits, self.path, self.text, module, patterns, old_file, new_file)

    def finish(self) -> None:
        after = self.text.encode("utf-8")
        if after != self.before:
            self.edits.changes[self.path] = (self.before, after)


def _glob_notes(edits: ConfigEdits, path: Path, text: str, module: str, patterns, old_file: str, new_file: str) -> None:
    for pattern in patterns:
        if pattern != old_file and fnmatch.fnmatch(old_file, pattern) and not fnmatch.fnmatch(new_file, pattern):
            edits.unresolved.append(
                (path, _line_of(text, pattern), module, f"python_files = {pattern}", f"collected {old_file}; {new_file} no longer matches")
            )


def _pytest_ini(path: Path, section: str, rename: Rename, edits: ConfigEdits) -> None:
    if rename.is_package:
        return
    before = edits.changes[path][0] if path in edits.changes else path.read_bytes()
    text = (edits.changes[path][1] if path in edits.changes else before).decode("utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    if not parser.has_option(section, "python_files"):
        return
    patterns = parser.get(section, "python_files").split()
    old_file, new_file = rename.source.name, rename.destination.name
    if old_file in patterns:
        span = _ini_option_span(text, section, "python_files")
        candidate = None
        if span is not None:
            start, end = span
            region = re.sub(rf"(?<![\w.*?/\[-]){re.escape(old_file)}(?![\w.])", new_file, text[start:end])
            candidate = text[:start] + region + text[end:]
        line = _line_of(text, old_file)
        expected = [new_file if p == old_file else p for p in patterns]
        check = configparser.ConfigParser(interpolation=None)
        if candidate is not None:
            check.read_string(candidate)
        if candidate is not None and check.get(section, "python_files").split() == expected:
            edits.changes[path] = (before, candidate.encode("utf-8"))
            edits.rewritten.append((path, line, rename.module, f"python_files: {old_file}", f"python_files: {new_file}"))
        else:
            edits.unresolved.append((path, line, rename.module, f"python_files: {old_file}", f"names `{rename.module}`: update it by hand"))
    _glob_notes(edits, path, text, rename.module, patterns, old_file, new_file)


def _ini_option_span(text: str, section: str, option: str) -> tuple[int, int] | None:
    header = re.search(rf"^\[{re.escape(section)}\][ \t]*$", text, re.MULTILINE)
    if header is None:
        return None
    key = re.compile(rf"^{re.escape(option)}[ \t]*[=:]", re.MULTILINE).search(text, header.end())
    following = re.compile(r"^\[", re.MULTILINE).search(text, header.end())
    if key is None or (following and key.start() > following.start()):
        return None
    # The value goes on over indented continuation lines.
    end = re.compile(r"^(?![ \t]|$)", re.MULTILINE).search(text, text.find("\n", key.start()) + 1 if "\n" in text[key.start():] else len(text))
    return key.start(), end.start() if end else len(text)


def plan_config_edits(root: Path, renames: list[tuple[Rename, bool]]) -> ConfigEdits:
    """Edits to the project's pyproject.toml and pytest configuration for ``renames``, each
    with whether the module sits where the project's build finds it (its root or src/)."""
    edits = ConfigEdits({}, [], [])
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            reader = _Pyproject(pyproject, edits)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            reader = None  # check reports an unreadable pyproject.toml; leave it alone here
        if reader is not None:
            for rename, importable in renames:
                reader.visit(rename, importable)
            reader.finish()
    for name, section in _PYTEST_INI:
        path = root / name
        if path.is_file():
            for rename, _ in renames:
                try:
                    _pytest_ini(path, section, rename, edits)
                except (OSError, UnicodeDecodeError):
                    pass
    return edits
