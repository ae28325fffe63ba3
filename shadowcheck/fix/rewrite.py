"""Rewrite the imports of one Python source that meant a module being renamed (libcst).

Only import statements change, and only the module names in them: every other byte, comment
and line break of the file stays as it was.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from shadowcheck.fix.edits import apply_edits, edits_between, split_lines
from shadowcheck.fix.local import LocalModule, dotted_name
from shadowcheck.fix.meaning import (
    AMBIGUOUS,
    LOCAL,
    REAL,
    meaning_of_attributes,
    meaning_of_from,
    meaning_of_submodule,
)
from shadowcheck.fix.model import FixError
from shadowcheck.fix.source import parse_python

_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Reach:
    """Which local modules an importer can mean, by name."""

    # Top-level (or namespace-dotted) names found first on this importer's sys.path: meaning
    # is decided from use.
    by_name: dict[str, LocalModule]
    # Every module being renamed: its qualified name and relative imports name it for certain.
    every: tuple[LocalModule, ...]


@dataclass
class SourceRewrite:
    text: str
    # (line, module, statement before, statement after)
    rewritten: list[tuple[int, str, str, str]] = field(default_factory=list)
    # (line, module, statement, reason)
    unresolved: list[tuple[int, str, str, str]] = field(default_factory=list)


@dataclass
class _Reference:
    statement: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias | None  # the alias that names the module (None: the `from` module)
    local: LocalModule
    matched: str  # the dotted name as written up to the module ("keras", "pkg.keras", ".keras")
    rest: str  # what follows it ("models" for keras.models)
    certain: bool  # a qualified name or a relative import: it can only mean the local module
    verdict: str = AMBIGUOUS
    reason: str = ""


def _name_node(dotted: str) -> cst.Attribute | cst.Name:
    node: cst.Attribute | cst.Name = cst.Name(dotted.split(".")[0])
    for part in dotted.split(".")[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


def _split(dotted: str, prefix: str) -> str | None:
    # The part of ``dotted`` after ``prefix`` ("" for the prefix itself); None if no match.
    if dotted == prefix:
        return ""
    if dotted.startswith(prefix + "."):
        return dotted[len(prefix) + 1 :]
    return None


def _absolute(reach: Reach, dotted: str) -> tuple[LocalModule, str, str, bool] | None:
    # (local, the name as matched, what follows it, certain): a qualified name is certain.
    for local in reach.every:
        if local.qualified and (rest := _split(dotted, local.qualified)) is not None:
            return local, local.qualified, rest, True
    for name, local in reach.by_name.items():
        if (rest := _split(dotted, name)) is not None:
            return local, name, rest, False
    return None


def _relative(reach: Reach, directory: Path, level: int, parts: list[str]) -> tuple[LocalModule, int] | None:
    base = directory
    for _ in range(level - 1):
        base = base.parent
    for count in range(1, len(parts) + 1):
        path = base.joinpath(*parts[:count])
        for local in reach.every:
            if path == local.stem_path:
                return local, count
    return None


def _meaning(local: LocalModule, rest: str, imported: tuple[str, ...] | None, binding: str, attributes: dict[str, set[str]]) -> tuple[str, str]:
    # An uncertain reference: `import keras.sub`, `from keras import a`, `import keras [as k]`.
    if rest:
        return meaning_of_submodule(local, rest)
    if imported is not None:
        return meaning_of_from(local, imported)
    return meaning_of_attributes(local, attributes.get(binding, set()))


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: Path, reach: Reach):
        self.directory = path.parent
        self.reach = reach
        self.references: list[_Reference] = []
        self.attributes: dict[str, set[str]] = {}
        self.dynamic: list[tuple[int, str, cst.Call]] = []

    def _absolute(self, dotted: str) -> tuple[LocalModule, str, str, bool] | None:
        return _absolute(self.reach, dotted)

    def _relative(self, level: int, parts: list[str]) -> tuple[LocalModule, int] | None:
        return _relative(self.reach, self.directory, level, parts)

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            found = self._absolute(dotted_name(alias.name))
            if found:
                self.references.append(_Reference(node, alias, *found))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        parts = dotted_name(node.module).split(".") if node.module else []
        aliases = [] if isinstance(node.names, cst.ImportStar) else list(node.names)
        if node.relative:
            found = self._relative(len(node.relative), parts)
            if found:
                local, count = found
                matched = "." * len(node.relative) + ".".join(parts[:count])
                self.references.append(_Reference(node, None, local, matched, ".".join(parts[count:]), True))
                return False
            for alias in aliases:
                found = self._relative(len(node.relative), [*parts, dotted_name(alias.name)])
                if found:
                    self.references.append(_Reference(node, alias, found[0], dotted_name(alias.name), "", True))
            return False
        found = self._absolute(".".join(parts))
        if found:
            self.references.append(_Reference(node, None, *found))
            return False
        for alias in aliases:
            found = self._absolute(f"{'.'.join(parts)}.{dotted_name(alias.name)}")
            if found and found[2] == "":
                self.references.append(_Reference(node, alias, *found))
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.attributes.setdefault(node.value.value, set()).add(node.attr.value)

    def visit_Call(self, node: cst.Call) -> None:
        if dotted_name(node.func).rpartition(".")[2] not in _DYNAMIC_IMPORTERS or not node.args:
            return
        first = node.args[0].value
        if isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str):
            if self._absolute(first.evaluated_value):
                line = self.get_metadata(PositionProvider, node).start.line
                self.dynamic.append((line, first.evaluated_value, node))


def _decide(reference: _Reference, attributes: dict[str, set[str]]) -> None:
    local = reference.local
    if reference.certain:
        reference.verdict, reference.reason = LOCAL, f"`{reference.matched}` names the local module's own path"
        if isinstance(reference.statement, cst.Import) and reference.alias.asname is None:
            # `import pkg.keras` binds `pkg`; its uses (`pkg.keras.f`) would need editing.
            reference.verdict, reference.reason = AMBIGUOUS, f"binds `{reference.matched.partition('.')[0]}`, whose `.{local.module.rpartition('.')[2]}` uses would need editing"
        return
    imported = binding = None
    if isinstance(reference.statement, cst.ImportFrom) and reference.alias is None:
        names = reference.statement.names
        imported = ("*",) if isinstance(names, cst.ImportStar) else tuple(dotted_name(a.name) for a in names)
    else:
        alias = reference.alias
        binding = alias.asname.name.value if alias and alias.asname else reference.matched.rpartition(".")[2]
    reference.verdict, reference.reason = _meaning(local, reference.rest, imported, binding, attributes)
    if "." in reference.matched and isinstance(reference.statement, cst.Import) and reference.alias.asname is None:
        # `import jaraco.functools` binds `jaraco`: the new name cannot stand in for it.
        if reference.verdict == LOCAL:
            reference.verdict, reference.reason = AMBIGUOUS, f"binds `{reference.matched.partition('.')[0]}`; rename its uses by hand"


def _binding(reference: _Reference) -> str | None:
    # The name an `import keras[.sub]` statement binds in the importer, for the consistency check.
    if isinstance(reference.statement, cst.Import) and reference.alias.asname is None:
        return reference.matched.partition(".")[0]
    return None


def _agree(references: list[_Reference]) -> None:
    # `import keras` and `import keras.models` bind one name: they must mean one module.
    verdicts: dict[str, set[str]] = {}
    for reference in references:
        binding = _binding(reference)
        if binding is not None and reference.verdict != AMBIGUOUS:
            verdicts.setdefault(binding, set()).add(reference.verdict)
    for reference in references:
        binding = _binding(reference)
        if binding is not None and len(verdicts.get(binding, ())) > 1:
            reference.verdict = AMBIGUOUS
            reference.reason = f"`{binding}` is bound both to the local module and to the real one in this file"


def _newdotted_name(reference: _Reference) -> str:
    local = reference.local
    matched = reference.matched.lstrip(".")
    new = matched.rpartition(".")[0]
    new = f"{new}.{local.new_last}" if new else local.new_last
    return f"{new}.{reference.rest}" if reference.rest else new


class _Rewriter(cst.CSTTransformer):
    def __init__(self, references: list[_Reference]):
        self.by_statement: dict[cst.CSTNode, list[_Reference]] = {}
        for reference in references:
            if reference.verdict == LOCAL:
                self.by_statement.setdefault(reference.statement, []).append(reference)

    def _aliases(self, original, updated, references) -> list[cst.ImportAlias]:
        by_alias = {id(r.alias): r for r in references if r.alias is not None}
        names: list[cst.ImportAlias] = []
        for old, new in zip(original.names, updated.names):
            reference = by_alias.get(id(old))
            if reference is None:
                names.append(new)
                continue
            dotted = _newdotted_name(reference)
            if isinstance(original, cst.ImportFrom):
                dotted = dotted.rpartition(".")[2]  # `from pkg import keras`: the name in pkg
            if new.asname is not None:
                names.append(new.with_changes(name=_name_node(dotted)))
            elif reference.rest:
                # `import keras.sub` binds `keras`: bind it to the renamed package too.
                top = dotted.partition(".")[0]
                names.append(new.with_changes(name=_name_node(dotted), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
                names.append(new.with_changes(name=cst.Name(top), asname=cst.AsName(cst.Name(reference.matched))))
            else:
                bound = reference.matched.rpartition(".")[2]
                names.append(new.with_changes(name=_name_node(dotted), asname=cst.AsName(cst.Name(bound))))
        return names

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        references = self.by_statement.get(original)
        if not references:
            return updated
        return updated.with_changes(names=self._aliases(original, updated, references))

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        references = self.by_statement.get(original)
        if not references:
            return updated
        module_reference = next((r for r in references if r.alias is None), None)
        if module_reference is not None:
            return updated.with_changes(module=_name_node(_newdotted_name(module_reference)))
        return updated.with_changes(names=self._aliases(original, updated, references))


def _one_line(module: cst.Module, node: cst.CSTNode) -> str:
    return " ".join(module.code_for_node(node).split())


def needs_rewrite(text: str, path: Path, reach: Reach) -> bool:
    """False when the rewrite of ``text`` would change nothing and leave nothing to check by
    hand: every import of a renamed module in it meant the real one. Decided with the standard
    library's parser (a few ms a file, where libcst takes 40 and more) by the collector's own
    rules; a file it cannot read, or any doubt, goes to the rewrite."""
    try:
        tree = ast.parse(text)
        nodes = list(ast.walk(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    attributes: dict[str, set[str]] = {}
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attributes.setdefault(node.value.id, set()).add(node.attr)
    for node in nodes:
        uncertain: list[tuple[LocalModule, str, tuple[str, ...] | None, str | None]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _absolute(reach, alias.name)
                if found:
                    local, matched, rest, certain = found
                    if certain:
                        return True
                    uncertain.append((local, rest, None, alias.asname or matched.rpartition(".")[2]))
        elif isinstance(node, ast.ImportFrom):
            parts = node.module.split(".") if node.module else []
            names = [a.name for a in node.names]
            if node.level:
                if _relative(reach, path.parent, node.level, parts) or any(
                    _relative(reach, path.parent, node.level, [*parts, name]) for name in names
                ):
                    return True
                continue
            found = _absolute(reach, ".".join(parts))
            if found:
                local, _, rest, certain = found
                if certain:
                    return True
                uncertain.append((local, rest, tuple(names), None))
            else:
                for alias in node.names:
                    found = _absolute(reach, f"{'.'.join(parts)}.{alias.name}") if alias.name != "*" else None
                    if found and found[2] == "":
                        local, matched, rest, certain = found
                        if certain:
                            return True
                        uncertain.append((local, rest, None, alias.asname or matched.rpartition(".")[2]))
        elif isinstance(node, ast.Call) and _names_a_renamed_module(node, reach):
            return True
        for local, rest, imported, binding in uncertain:
            if _meaning(local, rest, imported, binding, attributes)[0] != REAL:
                return True
    return False


def _names_a_renamed_module(call: ast.Call, reach: Reach) -> bool:
    # importlib.import_module("keras"), __import__("keras"): the collector lists them.
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in _DYNAMIC_IMPORTERS:
        return False
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(isinstance(v, ast.Constant) and isinstance(v.value, str) and _absolute(reach, v.value) for v in values)


def rewrite_source(text: str, path: Path, reach: Reach, where: str = "") -> SourceRewrite:
    """``text`` with the imports that meant a renamed module rewritten; the rest listed."""
    try:
        return _rewrite_source(text, path, reach, where)
    except (RecursionError, MemoryError):
        # libcst's visitors recurse once per nesting level: one file must not abort the run.
        raise FixError(f"{path}: too deeply nested for the rewriter; fix its imports by hand") from None


def _rewrite_source(text: str, path: Path, reach: Reach, where: str) -> SourceRewrite:
    module = parse_python(text, path, where)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _Collector(path, reach)
    wrapper.visit(collector)
    result = SourceRewrite(text)
    for reference in collector.references:
        _decide(reference, collector.attributes)
    _agree(collector.references)
    positions = wrapper.resolve(PositionProvider)
    rewriter = _Rewriter(collector.references)
    new_module = module.visit(rewriter)
    result.text = _keep_every_other_byte(text, module.code, new_module.code, path)
    rewritten_statements: dict[cst.CSTNode, None] = {}
    for reference in collector.references:
        line = positions[reference.statement].start.line
        statement = _one_line(module, reference.statement)
        if reference.verdict == AMBIGUOUS:
            result.unresolved.append((line, reference.local.module, statement, reference.reason))
        elif reference.verdict == LOCAL:
            rewritten_statements.setdefault(reference.statement)
    for line, name, call in collector.dynamic:
        result.unresolved.append((line, name, _one_line(module, call), "a dynamic import: check it by hand"))
    # The statements in the new tree, in order, match the old ones: pair them by position.
    new_statements = _statements(new_module)
    old_statements = _statements(module)
    for old, new in zip(old_statements, new_statements):
        if old in rewritten_statements:
            reference = next(r for r in collector.references if r.statement is old and r.verdict == LOCAL)
            result.rewritten.append((positions[old].start.line, reference.local.module, _one_line(module, old), _one_line(new_module, new)))
    return result


def _keep_every_other_byte(text: str, rendered: str, new_rendered: str, path: Path) -> str:
    # libcst renders a tree back to its source exactly, with rare exceptions (a last line that
    # is a comment ending in a backslash loses its newline). So the rewrite is applied to the
    # original text as edits, which holds wherever the rendering agrees up to the last edit.
    if rendered == text:
        return new_rendered
    edits = edits_between(str(path), rendered, new_rendered)
    if not edits:
        return text
    last = max(edit.end_line for edit in edits)
    if split_lines(rendered)[:last] != split_lines(text)[:last]:
        raise FixError(f"{path}: cannot be rewritten without changing other lines; fix its imports by hand")
    return apply_edits(text, edits)


def _statements(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class _All(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.append(node)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.append(node)

    module.visit(_All())
    return found


__all__ = ["AMBIGUOUS", "LOCAL", "REAL", "Reach", "SourceRewrite", "needs_rewrite", "rewrite_source"]
