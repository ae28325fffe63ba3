"""`verify --output-format text`: what will break first, one block per module with every statement
that hits it, then one line for the imports that are fine.

```
shadowed keras -> keras.py (project)
    hides: 'keras' from keras 3.15.1 (.venv/lib/python3.11/site-packages/keras/__init__.py)
    train.py:3 `from keras.models import Sequential` will fail: ModuleNotFoundError: ...
    fix: rename keras.py so that 'keras' imports keras 3.15.1
ok: 12 imports resolve as intended (numpy, sklearn.datasets, json, ...); --show-ok lists them
1 of 13 imports will fail running train.py with .venv/bin/python (Python 3.11.7, .venv).
```
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from shadowcheck.paths import is_inside, relative
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.escape import one_line
from shadowcheck.reporters.text import BOLD, CYAN, DIM, RED, YELLOW, paint, plural
from shadowcheck.ftypes import IMPORTS_SHADOW
from shadowcheck.verify import Verification, VerifiedImport

_STYLE = {"error": RED, "warning": YELLOW, None: DIM}
OK_NAMES = 8  # modules named on the `ok:` line


class _Paths:
    """Paths as short as they can be: relative to the working directory when inside it, else
    from the sys.path entry that holds them (`…/site-packages/keras/__init__.py`)."""

    def __init__(self, sys_path: tuple[str, ...]):
        self.cwd = Path(os.getcwd())
        self.entries = sorted((e for e in sys_path if e), key=len, reverse=True)

    def __call__(self, path: str | None) -> str:
        if path is None or not os.path.isabs(path):
            return path or ""
        if is_inside(path, self.cwd):
            return relative(path, self.cwd)
        for entry in self.entries:
            if path.startswith(entry.rstrip(os.sep) + os.sep):
                return Path("…", os.path.basename(entry.rstrip(os.sep)), os.path.relpath(path, entry)).as_posix()
        return path


def _resolved(record: VerifiedImport, shown: _Paths) -> str:
    if record.origin is None:
        return "namespace package" if record.kind != "missing" else "nowhere"
    return shown(record.origin) if os.path.isabs(record.origin) else record.origin


def _name(record: VerifiedImport) -> str:
    # An import that meets a shadow through its own imports is about itself (`inspect`, which
    # gets the project's token.py); a shadowed one about the name that resolves into the project.
    return record.module if record.status == IMPORTS_SHADOW else record.shadowed_module or record.module


def _header(record: VerifiedImport, shown: _Paths, color: bool) -> str:
    status = record.status if record.severity != "warning" else f"{record.status} (guarded)"
    target = "" if record.status == "missing" else f" -> {_resolved(record, shown)} ({record.kind})"
    code = f" [{record.code}]" if record.code else ""
    return f"{paint(status, _STYLE[record.severity], color)} {paint(_name(record), BOLD, color)}{target}{code}"


def _statement(record: VerifiedImport, color: bool) -> str:
    where = paint(f"{record.path}:{record.line}" if record.line is not None else record.path, CYAN, color)
    if record.guarded and record.severity == "warning":
        # The script goes on without it: never "will fail".
        outcome = f"is guarded: {record.predicted_error} is caught and the script goes on"
    elif record.predicted_error:
        outcome = f"will fail: {record.predicted_error}"
    elif record.status == IMPORTS_SHADOW:
        outcome = f"gets the project's '{record.shadowed_module}' through its own imports"
    else:
        outcome = f"imports {record.origin and Path(record.origin).name} instead"
    return f"{where} `{record.statement}` {outcome}"


def _via(record: VerifiedImport, shown: _Paths) -> str:
    """`…/inspect.py:33 -> …/dis.py:9 `from token import X``: the imports down to the shadow."""
    steps = list(record.via)
    if len(steps) > 1 and (steps[0].path, steps[0].line) == (record.path, record.line):
        steps = steps[1:]  # the statement itself, shown on the line above
    places = " -> ".join(f"{shown(step.path)}:{step.line}" for step in steps)
    return f"{places} `{steps[-1].statement}`"


def _scanned(record: VerifiedImport) -> str:
    if record.importers:
        names = ", ".join(f"{n} {v}" for n, v in record.importers)
        return f"{names} (their Requires-Dist), and any other import of it in this run"
    return (
        "no installed distribution requires it (Requires-Dist); still, any import of it in this "
        "run, inside installed packages too, gets the project file"
    )


def _groups(records: tuple[VerifiedImport, ...]) -> dict[tuple, list[VerifiedImport]]:
    groups: dict[tuple, list[VerifiedImport]] = {}
    for record in records:
        key = (record.severity, record.status, _name(record))
        groups.setdefault(key, []).append(record)
    return groups


def _write_problem(records: list[VerifiedImport], stream: TextIO, shown: _Paths, color: bool) -> None:
    label = lambda text: paint(text + ":", CYAN, color)  # noqa: E731
    first = records[0]
    stream.write(one_line(_header(first, shown, color)) + "\n")
    if first.shadows is not None:
        shadows = first.shadows
        hidden = ", ".join(f"{n} {v}" for n, v in shadows.distributions) or shadows.kind
        origin = shown(shadows.origin) if shadows.origin else "namespace package"
        stream.write(f"    {label('hides')} {one_line(f'{first.shadowed_module!r} from {hidden} ({origin})')}\n")
    for record in records:
        if record.line is None and not record.via:
            stream.write(f"    {label('imported by')} {one_line(_scanned(record))}\n")
        elif record.line is None:  # runpy's own imports, before the module starts
            stream.write(f"    {one_line(f'{record.statement} will fail: {record.predicted_error}')}\n")
        else:
            stream.write(f"    {one_line(_statement(record, color))}\n")
        if record.via:
            stream.write(f"    {label('via')} {one_line(_via(record, shown))}\n")
    for fix in dict.fromkeys(r.fix for r in records if r.fix):
        stream.write(f"    {label('fix')} {one_line(fix)}\n")


def _write_ok(records: list[VerifiedImport], stream: TextIO, shown: _Paths, display: Display) -> None:
    if not records:
        return
    names = list(dict.fromkeys(r.module for r in records))
    if display.show_ok:
        stream.write(f"{paint('ok', DIM, display.color)}: {plural(len(records), 'import')} resolve as intended:\n")
        for record in records:
            where = f"{record.path}:{record.line}" if record.line is not None else record.path
            line = f"{where} {record.module} -> {_resolved(record, shown)} ({record.kind})"
            stream.write(f"    {one_line(line)}\n")
        return
    listed = ", ".join(names[:OK_NAMES]) + (", ..." if len(names) > OK_NAMES else "")
    verb = "resolves" if len(records) == 1 else "resolve"
    stream.write(one_line(f"{paint('ok', DIM, display.color)}: {plural(len(records), 'import')} {verb} as intended ({listed}); --show-ok lists them") + "\n")


def write(verification: Verification, stream: TextIO, display: Display = Display()) -> None:
    shown = _Paths(verification.sys_path)
    for (severity, _, _), records in _groups(verification.imports).items():
        if severity is not None:
            _write_problem(records, stream, shown, display.color)
    _write_ok([r for r in verification.imports if r.severity is None], stream, shown, display)
    stream.write(summary(verification) + "\n")


def summary(verification: Verification) -> str:
    using = f" with {verification.python_note}" if verification.python_note else ""
    total = len(verification.imports)
    if verification.errors:
        line = f"{verification.errors} of {plural(total, 'import')} will fail running {verification.script}{using}."
    else:
        line = f"All {plural(total, 'import')} of {verification.script} resolve as intended{using}."
    if verification.warnings:
        them = "it" if verification.warnings == 1 else "them"
        line += f" {plural(verification.warnings, 'guarded import')} missing: the script goes on without {them}."
    return one_line(line)
