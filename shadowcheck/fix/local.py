"""The module being renamed, as its importers see it: the names it defines, its submodules,
and every absolute and relative name that reaches it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from shadowcheck.fix.model import Rename
from shadowcheck.fix.source import parse_python, read_python

# Every module has these (moduleobject.c sets them, the import system adds the rest): using
# them says nothing about which module was meant.
MODULE_ATTRIBUTES = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__",
     "__dict__", "__builtins__", "__cached__", "__class__", "__all__"}
)  # fmt: skip


@dataclass(frozen=True)
class LocalModule:
    rename: Rename
    # Names `import` finds on the module: its top-level bindings, plus submodules for a
    # package. None when that cannot be known statically (a star import, a module __getattr__).
    defined: frozenset[str] | None
    submodules: frozenset[str]
    # The dotted name of the module inside the packages around it ("pkg.keras"), when its
    # directory is a package; None for a top-level module.
    qualified: str | None
    # The file or directory, without ".py": what relative imports resolve to.
    stem_path: Path

    @property
    def module(self) -> str:
        return self.rename.module

    @property
    def new_last(self) -> str:
        return self.rename.new_module.rpartition(".")[2]

    def has_submodule(self, dotted: str) -> bool:
        """Whether ``keras.<dotted>`` is a module or package inside the local package."""
        if not self.rename.is_package:
            return False
        base = self.rename.source.joinpath(*dotted.split("."))
        return base.is_dir() or any(base.with_name(base.name + s).is_file() for s in (".py", ".pyc", ".pyi"))


def _is_package_dir(directory: Path) -> bool:
    return (directory / "__init__.py").is_file()


def qualified_name(directory: Path, last: str, root: Path) -> str | None:
    """``pkg.sub.last`` when ``directory`` is a package (inside ``root``), else None."""
    parts = [last]
    while directory != root and _is_package_dir(directory):
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) if len(parts) > 1 else None


def load_local(rename: Rename, root: Path) -> LocalModule:
    """Read the module being renamed (its ``__init__.py`` for a package)."""
    source = rename.source / "__init__.py" if rename.is_package else rename.source
    defined: frozenset[str] | None = frozenset()
    if source.is_file():
        defined = top_level_names(parse_python(read_python(source), source))
    submodules: set[str] = set()
    if rename.is_package:
        for entry in os.listdir(rename.source):
            stem = entry.partition(".")[0]
            if entry != "__pycache__" and stem.isidentifier() and stem != "__init__":
                submodules.add(stem)
    if defined is not None:
        defined = defined | submodules
    last = rename.module.rpartition(".")[2]
    return LocalModule(
        rename,
        defined,
        frozenset(submodules),
        qualified_name(rename.source.parent, last, root),
        rename.source if rename.is_package else rename.source.with_suffix(""),
    )


def top_level_names(module: cst.Module) -> frozenset[str] | None:
    """The names a module binds when it runs (conditional ones included); None when a star
    import or a module ``__getattr__`` makes them unknowable."""
    names: set[str] = set()
    try:
        _bind_block(module.body, names)
    except _Unknowable:
        return None
    return frozenset(names)


class _Unknowable(Exception):
    pass


def _bind_block(statements, names: set[str]) -> None:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _bind_small(small, names)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if statement.name.value == "__getattr__" and isinstance(statement, cst.FunctionDef):
                raise _Unknowable
            names.add(statement.name.value)
        elif isinstance(statement, (cst.If, cst.Else, cst.While, cst.For, cst.With, cst.Try, cst.TryStar, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)):
            if isinstance(statement, cst.For):
                _bind_target(statement.target, names)
            if isinstance(statement, cst.With):
                for item in statement.items:
                    if item.asname is not None:
                        _bind_target(item.asname.name, names)
            body = statement.body
            _bind_block(body.body if isinstance(body, cst.IndentedBlock) else [body], names)
            for part in ("orelse", "handlers", "finalbody"):
                child = getattr(statement, part, None)
                for block in child if isinstance(child, (tuple, list)) else [child]:
                    if block is not None:
                        _bind_block([block], names)
        elif isinstance(statement, cst.SimpleStatementSuite):
            for small in statement.body:
                _bind_small(small, names)


def _bind_small(small: cst.BaseSmallStatement, names: set[str]) -> None:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            _bind_target(target.target, names)
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        _bind_target(small.target, names)
    elif isinstance(small, cst.Import):
        for alias in small.names:
            names.add(alias.asname.name.value if alias.asname else dotted_name(alias.name).partition(".")[0])
    elif isinstance(small, cst.ImportFrom):
        if isinstance(small.names, cst.ImportStar):
            raise _Unknowable
        for alias in small.names:
            names.add(alias.asname.name.value if alias.asname else dotted_name(alias.name))
    elif isinstance(small, cst.Expr) and isinstance(small.value, cst.NamedExpr):
        _bind_target(small.value.target, names)


def _bind_target(target: cst.BaseExpression, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _bind_target(element.value, names)
    elif isinstance(target, cst.StarredElement):
        _bind_target(target.value, names)


def dotted_name(node: cst.BaseExpression | None) -> str:
    """`a.b.c` for a Name or an Attribute chain; "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""
