"""The exception CPython will raise for an import statement that meets a shadow.

The wording follows CPython's own: Python/import.c and ceval's import_from for ImportError,
Objects/moduleobject.c for AttributeError; 3.13 added the "consider renaming" hints, whose
wording changed after 3.13.0.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shadowcheck.importsystem.finders import MODULE, Spec, Suffixes, find_on_path
from shadowcheck.paths import same_file
from shadowcheck.source.reader import ImportStatement

# The names the module run from an origin binds at top level, with the line of the first
# binding; None if unknown.
DefinedNames = Callable[[str | None], "dict[str, int] | None"]


def affects(statement: ImportStatement, module: str) -> bool:
    """Whether running ``statement`` imports the (possibly dotted) ``module``."""
    if statement.level or statement.type_checking:
        return False
    imported = statement.module
    if imported == module or imported.startswith(module + "."):
        return True
    return any(f"{imported}.{name}" == module for name in statement.names)


class Predictor:
    def __init__(self, suffixes: Suffixes, version: tuple[int, int, int], stdlib: frozenset[str], defined: DefinedNames):
        self.suffixes = suffixes
        self.version = version
        self.stdlib = stdlib
        self.defined = defined

    def predict(
        self,
        statement: ImportStatement,
        module: str,
        local: Spec,
        importer: Path,
        attributes: tuple[tuple[str, str, int], ...] = (),
    ) -> str | None:
        """The error line Python prints, or None when the import itself succeeds."""
        spec, qualified = local, module
        if not statement.module.startswith(module):
            # `from pkg import shadowed_submodule`: the submodule itself is what is bound.
            return None
        for part in statement.module[len(module) :].split(".")[1:]:
            child = f"{qualified}.{part}"
            if spec.kind == MODULE:
                return f"ModuleNotFoundError: No module named '{child}'; '{qualified}' is not a package"
            found = find_on_path(child, spec.search_locations, self.suffixes)
            if found is None:
                return f"ModuleNotFoundError: No module named '{child}'"
            spec, qualified = found, child
        circular = same_file(spec.origin, importer)
        defined = self.defined(spec.origin)
        if statement.names:
            for name in statement.names:
                if name == "*" or self._has(spec, qualified, name, defined, statement.line, circular):
                    continue
                if defined is None:
                    return None
                return self._cannot_import(name, qualified, spec, circular)
            return None
        if qualified != module or defined is None:
            return None
        # `import keras` binds keras and `import keras as k` binds k; `import a.b` binds
        # only `a`, whose attributes are not the shadow's.
        binding = statement.alias or module
        if "." in binding:
            return None
        for name, attribute, line in attributes:
            if name == binding and line >= statement.line:
                if not self._has(spec, qualified, attribute, defined, line, circular):
                    return self._no_attribute(attribute, qualified, spec, circular)
        return None

    def _has(self, spec: Spec, qualified: str, name: str, defined, line: int, circular: bool) -> bool:
        if defined is not None and name in defined:
            # While the module runs itself, only what it bound above the import exists.
            return not circular or defined[name] < line
        if spec.kind != MODULE and find_on_path(f"{qualified}.{name}", spec.search_locations, self.suffixes):
            return True  # `from pkg import submodule` imports it
        return defined is None

    def _cannot_import(self, name: str, module: str, spec: Spec, circular: bool) -> str:
        origin = spec.origin or "unknown location"
        if circular:
            return (
                f"ImportError: cannot import name '{name}' from partially initialized module "
                f"'{module}' (most likely due to a circular import) ({origin})"
            )
        return f"ImportError: cannot import name '{name}' from '{module}' ({origin})"

    def _no_attribute(self, name: str, module: str, spec: Spec, circular: bool) -> str:
        origin = spec.origin or ""
        # Objects/moduleobject.c, 3.13+: a module whose file sits in sys.path[0] (a
        # package: whose directory does) "is possibly shadowing".
        top_level = "." not in module
        if self.version >= (3, 13) and top_level:
            old_wording = self.version < (3, 13, 1)
            if module in self.stdlib:
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
            if circular:
                library = "a third-party module" if old_wording else "a library"
                return (
                    f"AttributeError: module '{module}' has no attribute '{name}' (consider renaming "
                    f"'{origin}' if it has the same name as {library} you intended to import)"
                )
        if circular:
            where = f" from '{origin}'" if self.version >= (3, 13) and origin else ""
            return (
                f"AttributeError: partially initialized module '{module}'{where} has no attribute "
                f"'{name}' (most likely due to a circular import)"
            )
        return f"AttributeError: module '{module}' has no attribute '{name}'"
