"""What an error message says, in CPython's words, 3.8 to 3.13 (predict.py writes the same words).

- `No module named 'X'` and `No module named 'X.Y'; 'X' is not a package`:
  Lib/importlib/_bootstrap.py (_find_and_load_unlocked, _ERR_MSG).
- `cannot import name 'Y' from 'X' (PATH)`, `(unknown location)`, and `cannot import name 'Y'
  from partially initialized module 'X' (most likely due to a circular import) (PATH)`:
  Python/ceval.c (import_from; _PyEval_ImportFrom from 3.13). From 3.13.1 it may end in the
  "consider renaming" hint instead (gh-123930).
- `module 'X' has no attribute 'Y'` and `partially initialized module 'X' has no attribute 'Y'
  (most likely due to a circular import)`, with ` from 'PATH'` after the name from 3.13:
  Objects/moduleobject.c (_Py_module_getattro_impl). 3.13 may end it in the hint:
  `(consider renaming 'PATH' since it has the same name as the standard library module named
  'X' and the import system gives it precedence)` (3.13.0) / `and prevents importing that
  standard library module)` (3.13.1+); `(consider renaming 'PATH' if it has the same name as
  a third-party module you intended to import)` (3.13.0) / `a library you intended to
  import)` (3.13.1+).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NO_MODULE, NOT_A_PACKAGE, CANNOT_IMPORT, NO_ATTRIBUTE = "no-module", "not-a-package", "cannot-import", "no-attribute"

_NOT_A_PACKAGE = re.compile(r"^No module named '(?P<module>[^']+)'; '(?P<parent>[^']+)' is not a package$")
_NO_MODULE = re.compile(r"^No module named '(?P<module>[^']+)'$")
_CANNOT_IMPORT = re.compile(
    r"^cannot import name '(?P<name>[^']+)' from (?P<partial>partially initialized module )?'(?P<module>[^']+)'(?P<rest>.*)$"
)
_NO_ATTRIBUTE = re.compile(
    r"^(?P<partial>partially initialized )?module '(?P<module>[^']+)'(?: from '(?P<origin>.+?)')? "
    r"has no attribute '(?P<name>[^']+)'(?P<rest>.*)$"
)
_CIRCULAR = " (most likely due to a circular import)"
_HINT = re.compile(
    r" \(consider renaming '(?P<path>.+)' (?:since it has the same name as the standard library module named "
    r"'(?P<stdlib>[^']+)' and (?:the import system gives it precedence|prevents importing that standard library "
    r"module)|if it has the same name as (?:a third-party module|a library) you intended to import)\)$"
)
_LOCATION = re.compile(r"^ \((?P<path>.+)\)$")


@dataclass(frozen=True)
class ErrorReading:
    kind: str  # NO_MODULE, NOT_A_PACKAGE, CANNOT_IMPORT or NO_ATTRIBUTE
    module: str  # the module the message names ("X.Y" for NO_MODULE and NOT_A_PACKAGE)
    name: str | None = None  # the name that is missing from it (CANNOT_IMPORT, NO_ATTRIBUTE)
    path: str | None = None  # the module's file as the message gives it (hint, location, "from")
    initializing: bool = False  # "partially initialized": the module was still running
    hint: str | None = None  # "stdlib" or "library": 3.13's "consider renaming" hint


def read_message(exception_type: str | None, message: str) -> ErrorReading | None:
    """The import error ``message`` reports, or None for a message of another kind."""
    if exception_type not in (None, "ModuleNotFoundError", "ImportError", "AttributeError"):
        return None
    if exception_type != "AttributeError":
        if match := _NOT_A_PACKAGE.match(message):
            return ErrorReading(NOT_A_PACKAGE, match["module"])
        if match := _NO_MODULE.match(message):
            return ErrorReading(NO_MODULE, match["module"])
        if match := _CANNOT_IMPORT.match(message):
            rest, initializing = match["rest"], bool(match["partial"])
            if rest.startswith(_CIRCULAR):
                rest, initializing = rest[len(_CIRCULAR) :], True
            return _with_place(ErrorReading(CANNOT_IMPORT, match["module"], match["name"], initializing=initializing), rest)
    if exception_type in (None, "AttributeError") and (match := _NO_ATTRIBUTE.match(message)):
        rest, initializing = match["rest"], bool(match["partial"])
        if rest.startswith(_CIRCULAR):
            rest, initializing = rest[len(_CIRCULAR) :], True
        reading = ErrorReading(NO_ATTRIBUTE, match["module"], match["name"], match["origin"], initializing)
        return _with_place(reading, rest)
    return None


def _with_place(reading: ErrorReading, rest: str) -> ErrorReading | None:
    if not rest:
        return reading
    if hint := _HINT.match(rest):
        kind = "stdlib" if hint["stdlib"] else "library"
        # The library hint is given only while the module is still initializing
        # (moduleobject.c: _PyModuleSpec_IsInitializing); the stdlib hint whenever it shadows.
        initializing = reading.initializing or kind == "library"
        return ErrorReading(reading.kind, reading.module, reading.name, hint["path"], initializing, kind)
    if (location := _LOCATION.match(rest)) and reading.kind == CANNOT_IMPORT:
        path = None if location["path"] == "unknown location" else location["path"]
        return ErrorReading(reading.kind, reading.module, reading.name, path, reading.initializing)
    return None  # words CPython does not print: not read as if they were
