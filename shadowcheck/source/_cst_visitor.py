"""The libcst visitor behind reader.py: what a module imports and binds, with positions.

Kept apart because importing libcst costs about 0.3 s, and most runs never parse a file.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for element in types:
        value = element.value if isinstance(element, cst.Element) else element
        if _dotted(value).rpartition(".")[2] in _IMPORT_ERRORS:
            return True
    return False


def _is_main_test(test: cst.BaseExpression) -> bool:
    # `__name__ == "__main__"`, either way round.
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    names = [s.value for s in sides if isinstance(s, cst.Name)]
    strings = [s.evaluated_value for s in sides if isinstance(s, cst.SimpleString)]
    return names == ["__name__"] and strings == ["__main__"]


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module):
        self.module = module
        self.imports: list[ImportStatement] = []
        self.defined: dict[str, int] | None = {}
        self.attributes: list[tuple[str, str, int]] = []
        self._guarded = 0
        self._type_checking = 0
        self._scope = 0  # depth of function and class bodies
        self._functions = 0  # depth of function bodies
        self.main_guard: MainGuard | None = None
        self._guard_calls: list[str] | None = None  # set while inside the main guard
        self._guard_uses_file = False

    # -- context ------------------------------------------------------------------------
    def visit_Try(self, node: cst.Try) -> bool:
        guarded = any(_catches_import_error(h) for h in node.handlers)
        self._guarded += guarded
        node.body.visit(self)
        self._guarded -= guarded
        for part in (*node.handlers, node.orelse, node.finalbody):
            if part is not None:
                part.visit(self)
        return False

    def visit_If(self, node: cst.If) -> bool:
        checking = _dotted(node.test).rpartition(".")[2] == "TYPE_CHECKING"
        self._type_checking += checking
        guard = self._scope == 0 and self.main_guard is None and _is_main_test(node.test)
        if guard:
            self._guard_calls, self._guard_uses_file = [], False
        node.body.visit(self)
        if guard:
            line = self._line(node)[0]
            self.main_guard = MainGuard(line, tuple(dict.fromkeys(self._guard_calls)), self._guard_uses_file)
            self._guard_calls = None
        self._type_checking -= checking
        if node.orelse is not None:
            node.orelse.visit(self)
        node.test.visit(self)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._define(node.name.value, node)
        self._scope += 1
        self._functions += 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scope -= 1
        self._functions -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._functions += 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self._functions -= 1

    def visit_Name(self, node: cst.Name) -> None:
        if self._guard_calls is not None and node.value == "__file__":
            self._guard_uses_file = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._define(node.name.value, node)
        self._scope += 1

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._scope -= 1

    # -- what the module binds ----------------------------------------------------------
    def _line(self, node: cst.CSTNode) -> tuple[int, int]:
        position = self.get_metadata(PositionProvider, node).start
        return position.line, position.column + 1

    def _define(self, name: str, node: cst.CSTNode) -> None:
        if self._scope == 0 and self.defined is not None and name not in self.defined:
            self.defined[name] = self._line(node)[0]
        if name == "__getattr__" and self._scope == 0:
            self.defined = None

    def _define_target(self, target: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self._define(target.value, node)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._define_target(element.value, node)
        elif isinstance(target, cst.StarredElement):
            self._define_target(target.value, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._define_target(target.target, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._define_target(node.target, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._define_target(node.target, node)

    def visit_For(self, node: cst.For) -> None:
        self._define_target(node.target, node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._define_target(node.asname.name, node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._define_target(node.target, node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.attributes.append((node.value.value, node.attr.value, self._line(node)[0]))

    # -- imports ------------------------------------------------------------------------
    def _add(self, node: cst.CSTNode, module: str, names=(), level=0, alias=None, dynamic=False):
        line, column = self._line(node)
        text = " ".join(self.module.code_for_node(node).split())
        self.imports.append(
            ImportStatement(
                module, tuple(names), line, column, text, level, alias,
                self._guarded > 0, self._type_checking > 0, dynamic, self._functions > 0,
            )
        )  # fmt: skip

    def visit_Import(self, node: cst.Import) -> bool:
        for item in node.names:
            module = _dotted(item.name)
            alias = item.asname.name.value if item.asname else None
            self._add(node, module, alias=alias)
            self._define(alias or module.partition(".")[0], node)
        return False  # `import a.b` reads no attribute of a

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = _dotted(node.module) if node.module else ""
        if isinstance(node.names, cst.ImportStar):
            names = ("*",)
            if self._scope == 0:
                self.defined = None
        else:
            names = tuple(_dotted(a.name) for a in node.names)
            for item in node.names:
                self._define(item.asname.name.value if item.asname else _dotted(item.name), node)
        self._add(node, module, names, level=len(node.relative))
        return False  # `from a.b import c` reads no attribute of a

    def visit_Call(self, node: cst.Call) -> None:
        if self._guard_calls is not None and _dotted(node.func):
            self._guard_calls.append(_dotted(node.func))
        function = _dotted(node.func).rpartition(".")[2]
        if function not in _DYNAMIC_IMPORTERS or not node.args:
            return
        first = node.args[0].value
        if isinstance(first, cst.SimpleString) and "package" not in {
            a.keyword.value for a in node.args if a.keyword
        }:
            value = first.evaluated_value
            if isinstance(value, str) and value and not value.startswith("."):
                self._add(node, value, dynamic=True)


def collect(source: str, path: Path) -> SourceImports:
    """The imports of one Python source; a syntax error is a SourceError."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise SourceError(
            Problem(f"{error.raw_column + 1}: syntax error: {error.message}", str(path), error.raw_line)
        ) from None
    collector = _Collector(module)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    return SourceImports(
        tuple(collector.imports),
        collector.defined,
        tuple(collector.attributes),
        shebang=source.startswith("#!"),
        main_guard=collector.main_guard,
    )
