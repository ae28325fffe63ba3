"""What a module imports, binds and reads, from the standard library's own parser.

`ast` reads exactly what the interpreter reads, at a fraction of a concrete syntax tree's cost.
The tree is walked with an explicit stack: a long `+` chain or deeply nested calls are deep
trees, and the walk must not recurse with them.
"""

from __future__ import annotations

import ast
import io

from shadowcheck.source.facts import ImportStatement, MainGuard, SourceImports, one_line

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})

# Where a node sits, as bits carried down the walk.
_GUARDED = 1  # in the body of a `try:` whose handlers catch ImportError
_TYPE_CHECKING = 2  # in the body of `if TYPE_CHECKING:`
_IN_FUNCTION = 4  # in a function or lambda body: runs when called, not on import
_IN_SCOPE = 8  # in a function, lambda or class body: binds nothing at module level
_IN_MAIN_GUARD = 16  # in the body of the module's `if __name__ == "__main__":`

# Fields that never hold a node worth visiting (`ctx`, `op` and `ops` hold singletons such as
# Load and Add; the others hold strings or numbers).
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind", "id", "attr", "arg", "conversion", "is_async", "simple", "level"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


_NAME, _CONSTANT, _ATTRIBUTE, _LOAD = ast.Name, ast.Constant, ast.Attribute, ast.Load
_CALL = ast.Call


def _child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of a node type that can hold nodes, last first (the order they are pushed)."""
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = tuple(reversed([f for f in node_type._fields if f not in _SKIPPED_FIELDS]))
        _CHILD_FIELDS[node_type] = fields
    return fields


def _last_name(node: ast.expr) -> str:
    """`TYPE_CHECKING` for `typing.TYPE_CHECKING`, `import_module` for `importlib.import_module`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of names; None for anything else (`a().b`)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True  # a bare `except:`
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_last_name(t) in _IMPORT_ERRORS for t in types)


def _is_main_test(test: ast.expr) -> bool:
    # `__name__ == "__main__"`, either way round.
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    strings = [s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
    return names == ["__name__"] and strings == ["__main__"]


def _targets(target: ast.expr):
    """The names an assignment target binds (`a, (b, *c) = ...` binds a, b and c)."""
    pending = [target]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, (ast.Tuple, ast.List)):
            pending.extend(reversed(node.elts))
        elif isinstance(node, ast.Starred):
            pending.append(node.value)


class _Source:
    """The source's lines, split lazily and only as the tokenizer splits them (\\r, \\n, \\r\\n;
    not form feeds), to turn ast's UTF-8 byte offsets into 1-based character columns."""

    def __init__(self, text: str):
        self.text = text
        self._lines: list[str] | None = None

    def line(self, number: int) -> str:
        if self._lines is None:
            self._lines = io.StringIO(self.text, newline=None).readlines()
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def column(self, line: int, offset: int) -> int:
        text = self.line(line)
        if not text.isascii():
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
        return offset + 1

    def segment(self, node: ast.AST) -> str:
        """The node's source on one line: whitespace collapsed, line continuations gone."""
        first, last = node.lineno, node.end_lineno or node.lineno
        lines = [self.line(n).encode("utf-8") for n in range(first, last + 1)]
        end = node.end_col_offset if node.end_col_offset is not None else len(lines[-1])
        lines[-1] = lines[-1][:end]
        lines[0] = lines[0][node.col_offset :]
        return one_line(b"".join(lines).decode("utf-8", "replace"))


class _Collector:
    def __init__(self, source: _Source):
        self.source = source
        self.imports: list[tuple[int, int, ImportStatement]] = []
        self.defined: dict[str, int] | None = {}
        self.attributes: list[tuple[int, int, str, str, int]] = []
        self.guard: ast.If | None = None
        self.guard_calls: list[tuple[int, int, str]] = []
        self.guard_uses_file = False

    def define(self, name: str, line: int, flags: int) -> None:
        if flags & _IN_SCOPE or self.defined is None:
            return
        if name == "__getattr__":  # a module __getattr__ answers any name
            self.defined = None
        elif line < self.defined.get(name, line + 1):
            self.defined[name] = line

    def add(self, node: ast.AST, flags: int, module: str, names=(), level=0, alias=None, dynamic=False) -> None:
        line = node.lineno
        column = self.source.column(line, node.col_offset)
        statement = ImportStatement(
            module, tuple(names), line, column, self.source.segment(node), level, alias,
            bool(flags & _GUARDED), bool(flags & _TYPE_CHECKING), dynamic, bool(flags & _IN_FUNCTION),
        )  # fmt: skip
        self.imports.append((line, column, statement))

    def walk(self, module: ast.Module) -> None:
        # Children are pushed in reverse so that they come off the stack in source order. Names,
        # constants and `name.attribute` reads are most of a tree: they are dealt with here,
        # without a handler call, and the first two are never pushed. So are calls (a node in
        # twelve), whose children are named rather than looked up field by field. (Subscripts,
        # operators and comparisons, a few in a hundred, cost more in tests than they save.)
        stack: list[tuple[ast.AST, int]] = [(n, 0) for n in reversed(module.body)]
        push, pop = stack.append, stack.pop
        handlers, child_fields, attributes = _HANDLERS, _CHILD_FIELDS, self.attributes
        while stack:
            node, flags = pop()
            kind = type(node)
            if kind is _ATTRIBUTE:
                value = node.value
                if type(value) is _NAME:
                    # `mod.x = 1` and `del mod.x` are no reads: a later `mod.x` does not fail.
                    if type(node.ctx) is _LOAD:
                        attributes.append((node.lineno, node.col_offset, value.id, node.attr, flags & _IN_FUNCTION))
                    if flags & _IN_MAIN_GUARD and value.id == "__file__":
                        self.guard_uses_file = True
                else:
                    push((value, flags))
                continue
            if kind is _CALL:
                func = node.func
                func_kind = type(func)
                called = func.attr if func_kind is _ATTRIBUTE else func.id if func_kind is _NAME else ""
                if flags & _IN_MAIN_GUARD or called in _DYNAMIC_IMPORTERS:
                    self.visit_call(node, flags)
                children = [*reversed(node.args), func]
                if node.keywords:
                    children[:0] = [keyword.value for keyword in reversed(node.keywords)]
            else:
                handler = handlers.get(kind)
                if handler is not None and handler(self, node, flags, push):
                    continue  # the handler pushed what it wanted visited
                fields = child_fields.get(kind)
                if fields is None:
                    fields = _child_fields(kind)
                for name in fields:
                    value = getattr(node, name, None)
                    if type(value) is list:
                        for item in reversed(value):
                            item_kind = type(item)
                            if item_kind is _NAME:
                                if flags & _IN_MAIN_GUARD and item.id == "__file__":
                                    self.guard_uses_file = True
                            elif item_kind is not _CONSTANT and isinstance(item, ast.AST):
                                push((item, flags))
                    elif isinstance(value, ast.AST):
                        value_kind = type(value)
                        if value_kind is _NAME:
                            if flags & _IN_MAIN_GUARD and value.id == "__file__":
                                self.guard_uses_file = True
                        elif value_kind is not _CONSTANT:
                            push((value, flags))
                continue
            for item in children:  # a call's children, every one a node, last first
                item_kind = type(item)
                if item_kind is _NAME:
                    if flags & _IN_MAIN_GUARD and item.id == "__file__":
                        self.guard_uses_file = True
                elif item_kind is not _CONSTANT:
                    push((item, flags))

    # -- imports ----------------------------------------------------------------------------
    def visit_import(self, node: ast.Import, flags: int, push) -> bool:
        for item in node.names:
            self.add(node, flags, item.name, alias=item.asname)
            self.define(item.asname or item.name.partition(".")[0], node.lineno, flags)
        return True  # `import a.b` reads no attribute of a

    def visit_import_from(self, node: ast.ImportFrom, flags: int, push) -> bool:
        names = tuple(a.name for a in node.names)
        if names == ("*",):
            if not flags & _IN_SCOPE:
                self.defined = None  # a star import binds what the other module decides
        else:
            for item in node.names:
                self.define(item.asname or item.name, node.lineno, flags)
        self.add(node, flags, node.module or "", names, level=node.level or 0)
        return True

    def visit_call(self, node: ast.Call, flags: int) -> None:
        # Only for a call in the main guard or of a dynamic importer's name (walk decides).
        if flags & _IN_MAIN_GUARD:
            name = _dotted(node.func)
            if name:
                self.guard_calls.append((node.lineno, node.col_offset, name))
        func = node.func
        func_kind = type(func)
        called = func.attr if func_kind is _ATTRIBUTE else func.id if func_kind is _NAME else ""
        if called in _DYNAMIC_IMPORTERS:
            # The first argument as written, positional or not; `package=` makes it relative.
            first = node.args[0] if node.args else (node.keywords[0].value if node.keywords else None)
            keywords = {k.arg for k in node.keywords}
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and "package" not in keywords:
                if first.value and not first.value.startswith("."):
                    self.add(node, flags, first.value, dynamic=True)

    # -- context ----------------------------------------------------------------------------
    def visit_try(self, node: ast.Try, flags: int, push) -> bool:
        guarded = flags | _GUARDED if any(_catches_import_error(h) for h in node.handlers) else flags
        for part in reversed((*node.handlers, *node.orelse, *node.finalbody)):
            push((part, flags))
        for statement in reversed(node.body):
            push((statement, guarded))
        return True

    def visit_if(self, node: ast.If, flags: int, push) -> bool:
        body_flags = flags
        if _last_name(node.test) == "TYPE_CHECKING":
            body_flags |= _TYPE_CHECKING
        if not flags & _IN_SCOPE and self.guard is None and _is_main_test(node.test):
            self.guard = node
            body_flags |= _IN_MAIN_GUARD
        for statement in reversed(node.orelse):
            push((statement, flags))
        for statement in reversed(node.body):
            push((statement, body_flags))
        push((node.test, flags))
        return True

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, flags: int, push) -> bool:
        self.define(node.name, node.lineno, flags)
        # Decorators, defaults and annotations run where the function is defined; the body
        # when it is called.
        for statement in reversed(node.body):
            push((statement, flags | _IN_FUNCTION | _IN_SCOPE))
        outside = [*node.decorator_list, node.args, *getattr(node, "type_params", ())]
        if node.returns is not None:
            outside.append(node.returns)
        for part in reversed(outside):
            push((part, flags))
        return True

    def visit_lambda(self, node: ast.Lambda, flags: int, push) -> bool:
        push((node.body, flags | _IN_FUNCTION | _IN_SCOPE))
        push((node.args, flags))
        return True

    def visit_class(self, node: ast.ClassDef, flags: int, push) -> bool:
        self.define(node.name, node.lineno, flags)
        for statement in reversed(node.body):
            push((statement, flags | _IN_SCOPE))
        for part in reversed([*node.decorator_list, *node.bases, *node.keywords, *getattr(node, "type_params", ())]):
            push((part, flags))
        return True

    # -- what the module binds --------------------------------------------------------------
    def visit_assign(self, node: ast.Assign, flags: int, push) -> bool:
        for target in node.targets:
            for name in _targets(target):
                self.define(name, node.lineno, flags)
        return False

    def visit_ann_assign(self, node: ast.AnnAssign, flags: int, push) -> bool:
        if node.value is not None:  # `x: int` alone binds nothing
            for name in _targets(node.target):
                self.define(name, node.lineno, flags)
        return False

    def visit_aug_assign(self, node: ast.AugAssign, flags: int, push) -> bool:
        for name in _targets(node.target):
            self.define(name, node.lineno, flags)
        if isinstance(node.target, ast.Attribute):
            # `mod.x += 1` reads mod.x before it stores it.
            self.read(node.target, flags)
            push((node.value, flags))
            push((node.target.value, flags))
            return True
        return False

    def visit_for(self, node: ast.For | ast.AsyncFor, flags: int, push) -> bool:
        for name in _targets(node.target):
            self.define(name, node.lineno, flags)
        return False

    def visit_with_item(self, node: ast.withitem, flags: int, push) -> bool:
        if node.optional_vars is not None:
            for name in _targets(node.optional_vars):
                self.define(name, node.context_expr.lineno, flags)
        return False

    def visit_named_expr(self, node: ast.NamedExpr, flags: int, push) -> bool:
        self.define(node.target.id, node.lineno, flags)
        return False

    def visit_type_alias(self, node: ast.AST, flags: int, push) -> bool:
        self.define(node.name.id, node.lineno, flags)  # `type X = ...` (3.12)
        return False

    # -- what the module reads --------------------------------------------------------------
    def read(self, node: ast.Attribute, flags: int) -> None:
        if isinstance(node.value, ast.Name):
            self.attributes.append((node.lineno, node.col_offset, node.value.id, node.attr, flags & _IN_FUNCTION))

    def visit_name(self, node: ast.Name, flags: int, push) -> bool:
        if flags & _IN_MAIN_GUARD and node.id == "__file__":
            self.guard_uses_file = True
        return True

    def result(self, text: str, main_blocks: tuple[tuple[int, int], ...]) -> SourceImports:
        guard = None
        if self.guard is not None:
            calls = tuple(dict.fromkeys(name for _, _, name in sorted(self.guard_calls)))
            guard = MainGuard(self.guard.lineno, calls, self.guard_uses_file)
        reads = sorted(self.attributes)
        return SourceImports(
            tuple(statement for _, _, statement in sorted(self.imports, key=lambda i: i[:2])),
            self.defined,
            tuple((name, attribute, line) for line, _, name, attribute, _ in reads),
            shebang=text.startswith("#!"),
            main_guard=guard,
            deferred=tuple(index for index, read in enumerate(reads) if read[4]),
            main_blocks=main_blocks,
        )


_HANDLERS = {
    ast.Import: _Collector.visit_import,
    ast.ImportFrom: _Collector.visit_import_from,
    ast.Try: _Collector.visit_try,
    ast.If: _Collector.visit_if,
    ast.FunctionDef: _Collector.visit_function,
    ast.AsyncFunctionDef: _Collector.visit_function,
    ast.Lambda: _Collector.visit_lambda,
    ast.ClassDef: _Collector.visit_class,
    ast.Assign: _Collector.visit_assign,
    ast.AnnAssign: _Collector.visit_ann_assign,
    ast.AugAssign: _Collector.visit_aug_assign,
    ast.For: _Collector.visit_for,
    ast.AsyncFor: _Collector.visit_for,
    ast.withitem: _Collector.visit_with_item,
    ast.NamedExpr: _Collector.visit_named_expr,
    ast.Name: _Collector.visit_name,
    ast.Constant: lambda *_: True,  # nothing below a constant
}
if hasattr(ast, "TryStar"):  # `except* ImportError` (3.11) catches it too
    _HANDLERS[ast.TryStar] = _Collector.visit_try
if hasattr(ast, "TypeAlias"):
    _HANDLERS[ast.TypeAlias] = _Collector.visit_type_alias


def collect(tree: ast.Module, text: str) -> SourceImports:
    """The facts reader.py promises, from a parsed module and the text it was parsed from
    (every attribute read: reader.py keeps those of names an import binds)."""
    collector = _Collector(_Source(text))
    collector.walk(tree)
    return collector.result(text, _main_blocks(tree))


def _main_blocks(tree: ast.Module) -> tuple[tuple[int, int], ...]:
    # Every module-level `if __name__ == "__main__":` body, as lines (its `else:` runs).
    return tuple(
        (node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno)
        for node in tree.body
        if isinstance(node, ast.If) and _is_main_test(node.test)
    )
