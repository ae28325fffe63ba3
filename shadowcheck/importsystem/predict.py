"""The exception CPython will raise for an import statement that meets a shadow.

The wording follows CPython's own, version by version, patch level included:
- ImportError for `from X import Y`: Python/ceval.c (import_from; _PyEval_ImportFrom from 3.13).
- AttributeError for `X.Y`: Objects/moduleobject.c (_Py_module_getattro_impl).
- The "consider renaming" hints (3.13+): only for a module whose directory is sys.path[0]
  (_PyModule_IsPossiblyShadowing), for the standard library's names always, for other names
  only while the module is still initializing. 3.13.0 worded them differently; 3.13.1 also
  gave them to `from X import Y` (gh-123930, backported from 3.14). No 3.13.1 or later is at
  hand here, so those branches follow CPython's own tests of the hint
  (Lib/test/test_import/__init__.py: test_script_shadowing_stdlib,
  test_script_shadowing_third_party) and ceval.c on its main branch, word for word.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from shadowcheck.importsystem.finders import MODULE, NAMESPACE, Spec, Suffixes, find_on_path
from shadowcheck.source.facts import ImportStatement

# The names the module run from an origin binds at top level, with the line of the first
# binding; None if unknown.
DefinedNames = Callable[[str | None], "dict[str, int] | None"]

# What every module object has before its body runs (importlib._bootstrap._init_module_attrs,
# the module type itself), and what a module run from a file has on top
# (Python/pythonrun.c, exec of its code object sets __builtins__).
_EVERY_MODULE = frozenset(
    {
        "__name__", "__doc__", "__package__", "__loader__", "__spec__", "__dict__", "__class__",
        "__dir__", "__repr__", "__str__", "__hash__", "__eq__", "__ne__", "__init__", "__new__",
        "__getattribute__", "__setattr__", "__delattr__", "__reduce__", "__reduce_ex__",
        "__sizeof__", "__format__", "__subclasshook__", "__init_subclass__", "__lt__", "__le__",
        "__gt__", "__ge__",
    }
)  # fmt: skip
_FILE_MODULE = frozenset({"__file__", "__cached__", "__builtins__"})


def affects(statement: ImportStatement, module: str) -> bool:
    """Whether running ``statement`` (absolute) imports the (possibly dotted) ``module``."""
    if statement.level or statement.type_checking:
        return False
    imported = statement.module
    if imported == module or imported.startswith(module + "."):
        return True
    return any(f"{imported}.{name}" == module for name in statement.names)


def module_has(name: str, spec: Spec, version: tuple[int, ...]) -> bool:
    """Whether a module of ``spec`` has the attribute ``name`` whatever its body does."""
    if name in _EVERY_MODULE:
        return True
    if name == "__path__":
        return spec.kind != MODULE
    if name in _FILE_MODULE:
        return spec.origin is not None
    # The module type's __annotations__ getter (3.10, bpo-43901) makes an empty dict.
    return name == "__annotations__" and version >= (3, 10)


class Predictor:
    """Words the error one statement gets, for one run (its sys.path[0] and interpreter)."""

    def __init__(
        self,
        suffixes: Suffixes,
        version: tuple[int, ...],
        stdlib: frozenset[str],
        defined: DefinedNames,
        first: str | None,
    ):
        self.suffixes = suffixes
        self.version = tuple(version)
        self.stdlib = stdlib
        self.defined = defined
        self.first = None if first is None else os.path.normcase(os.path.normpath(first))
        # Each file's identity (device, inode), taken once: every importer of a shadow is
        # compared with the shadow's one file (os.path.samefile stats both, each time).
        self._identities: dict[str, tuple[int, int] | None] = {}

    def predict(
        self,
        statement: ImportStatement,
        module: str,
        local: Spec,
        importer: Path,
        attributes: tuple[tuple, ...] = (),
        initializing: bool | None = None,
    ) -> str | None:
        """The error line Python prints for ``statement`` (absolute), which imports the project's
        ``local`` module in place of ``module``; None when the statement succeeds.

        ``initializing``: whether ``local`` is still running when the statement runs (it
        imports itself, or something it imports does); by default, when ``importer`` is it.
        """
        return self.predict_at(statement, module, local, importer, attributes, initializing)[0]

    def predict_at(
        self,
        statement: ImportStatement,
        module: str,
        local: Spec,
        importer: Path,
        attributes: tuple[tuple, ...] = (),
        initializing: bool | None = None,
    ) -> tuple[str | None, int]:
        """predict(), and the line that raises: the statement's, or a later attribute read's."""
        line = statement.line
        spec, qualified = local, module
        if not statement.module.startswith(module):
            # `from pkg import shadowed_submodule`: the submodule itself is what is bound.
            return None, line
        for part in statement.module[len(module) :].split(".")[1:]:
            child = f"{qualified}.{part}"
            if spec.kind == MODULE:
                return f"ModuleNotFoundError: No module named '{child}'; '{qualified}' is not a package", line
            found = find_on_path(child, spec.search_locations, self.suffixes)
            if found is None:
                return f"ModuleNotFoundError: No module named '{child}'", line
            spec, qualified = found, child
        circular = self._same_origin(spec, importer) if initializing is None else initializing
        defined = self.defined(spec.origin)
        if statement.names:
            for name in statement.names:
                if name == "*" or self._has(spec, qualified, name, defined, statement.line, circular):
                    continue
                if defined is None:
                    return None, line
                return self._cannot_import(name, qualified, spec, circular), line
            return None, line
        if qualified != module or defined is None:
            return None, line
        # `import keras` binds keras and `import keras as k` binds k; `import a.b` binds
        # only `a`, whose attributes are not the shadow's.
        binding = statement.alias or module
        if "." in binding:
            return None, line
        for read in attributes:
            name, attribute, read_line = read[0], read[1], read[2]
            if name == binding and read_line >= statement.line:
                if not self._has(spec, qualified, attribute, defined, read_line, circular):
                    return self._no_attribute(attribute, qualified, spec, circular), read_line
        return None, line

    def _has(self, spec: Spec, qualified: str, name: str, defined, line: int, circular: bool) -> bool:
        if module_has(name, spec, self.version):
            return True
        if defined is not None and name in defined:
            # While the module runs itself, only what it bound above the import exists.
            return not circular or defined[name] < line
        if spec.kind != MODULE and find_on_path(f"{qualified}.{name}", spec.search_locations, self.suffixes):
            return True  # `from pkg import submodule` imports it
        return defined is None

    def possibly_shadowing(self, spec: Spec) -> bool:
        """_PyModule_IsPossiblyShadowing: the module's directory (a package's parent) is sys.path[0]."""
        if self.first is None or spec.origin is None or spec.kind == NAMESPACE:
            return False
        root = spec.origin
        if os.path.basename(root) == "__init__.py":
            root = os.path.dirname(root)
        return os.path.normcase(os.path.normpath(os.path.dirname(root))) == self.first

    def _stdlib_hint(self, module: str, spec: Spec) -> bool:
        # sys.stdlib_module_names holds top-level names: a dotted __name__ is never in it.
        return self.possibly_shadowing(spec) and module in self.stdlib

    def _cannot_import(self, name: str, module: str, spec: Spec, initializing: bool) -> str:
        origin = spec.origin
        if self.version >= (3, 13, 1):
            # ceval.c _PyEval_ImportFrom (gh-123930).
            if self._stdlib_hint(module, spec):
                return (
                    f"ImportError: cannot import name '{name}' from '{module}' (consider renaming "
                    f"'{origin}' since it has the same name as the standard library module named "
                    f"'{module}' and prevents importing that standard library module)"
                )
            if initializing and self.possibly_shadowing(spec):
                return (
                    f"ImportError: cannot import name '{name}' from '{module}' (consider renaming "
                    f"'{origin}' if it has the same name as a library you intended to import)"
                )
        elif origin is None:
            # ceval.c import_from before 3.13.1: no __file__, no word about initializing.
            return f"ImportError: cannot import name '{name}' from '{module}' (unknown location)"
        if initializing:
            where = f" ({origin})" if origin else ""
            return (
                f"ImportError: cannot import name '{name}' from partially initialized module "
                f"'{module}' (most likely due to a circular import){where}"
            )
        return f"ImportError: cannot import name '{name}' from '{module}' ({origin or 'unknown location'})"

    def _no_attribute(self, name: str, module: str, spec: Spec, initializing: bool) -> str:
        origin = spec.origin or ""
        if self.version >= (3, 13):
            # moduleobject.c _Py_module_getattro_impl (gh-95754); reworded in 3.13.1.
            old_wording = self.version < (3, 13, 1)
            if self._stdlib_hint(module, spec):
                tail = (
                    "and the import system gives it precedence"
                    if old_wording
                    else "and prevents importing that standard library module"
                )
                return (
                    f"AttributeError: module '{module}' has no attribute '{name}' (consider renaming "
                    f"'{origin}' since it has the same name as the standard library module named "
                    f"'{module}' {tail})"
                )
            if initializing and self.possibly_shadowing(spec):
                library = "a third-party module" if old_wording else "a library"
                return (
                    f"AttributeError: module '{module}' has no attribute '{name}' (consider renaming "
                    f"'{origin}' if it has the same name as {library} you intended to import)"
                )
        if initializing:
            where = f" from '{origin}'" if self.version >= (3, 13) and origin else ""
            return (
                f"AttributeError: partially initialized module '{module}'{where} has no attribute "
                f"'{name}' (most likely due to a circular import)"
            )
        return f"AttributeError: module '{module}' has no attribute '{name}'"


    def _same_origin(self, spec: Spec, path: Path) -> bool:
        # Whether ``path`` is the file ``spec`` runs: os.path.samefile, each file stat'ed once.
        if spec.origin is None:
            return False
        origin = self._identity(spec.origin)
        return origin is not None and origin == self._identity(os.fspath(path))

    def _identity(self, path: str) -> tuple[int, int] | None:
        if path not in self._identities:
            try:
                stat = os.stat(path)
                self._identities[path] = (stat.st_dev, stat.st_ino)
            except OSError:
                self._identities[path] = None
        return self._identities[path]
