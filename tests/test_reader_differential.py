"""The `ast` reader against the libcst visitor it replaces, field by field, on the standard
library's own files: kept only while the old visitor exists."""

from __future__ import annotations

import collections
import dataclasses
import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ExpressionContext, ExpressionContextProvider

from shadowcheck.source import _cst_visitor
from shadowcheck.source.reader import parse_source

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE = 48


def _corpus() -> list[Path]:
    # Every k-th small file of the standard library, sorted: the same sample on every run.
    files = [
        p for p in sorted(STDLIB.rglob("*.py"))
        if "site-packages" not in p.parts and 200 < p.stat().st_size < 40_000
    ]  # fmt: skip
    step = max(1, len(files) // SAMPLE)
    return files[::step][:SAMPLE]


class _ReadsOnly(_cst_visitor._Collector):
    """The old visitor, with the one change the new reader makes on purpose: `mod.x = 1` and
    `del mod.x` are no reads of mod.x (`mod.x += 1` is one)."""

    METADATA_DEPENDENCIES = (*_cst_visitor._Collector.METADATA_DEPENDENCIES, ExpressionContextProvider)

    def __init__(self, module):
        super().__init__(module)
        self._augmented: set[int] = set()

    def visit_AugAssign(self, node):
        self._augmented.add(id(node.target))
        return super().visit_AugAssign(node)

    def visit_Attribute(self, node):
        context = self.get_metadata(ExpressionContextProvider, node, None)
        if context in (ExpressionContext.STORE, ExpressionContext.DEL) and id(node) not in self._augmented:
            return
        super().visit_Attribute(node)


def _old(source: str):
    module = cst.parse_module(source)
    collector = _ReadsOnly(module)
    cst.MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    return collector


def _statement_text(text: str) -> str:
    # libcst's node text holds what the statement's node owns: a trailing `;`, the parentheses
    # around a call. ast's segment is the statement or call itself.
    text = text.removesuffix(";").rstrip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: str(p.relative_to(STDLIB)))
def test_ast_reader_matches_the_libcst_visitor(path):
    source = path.read_text(encoding="utf-8")
    try:
        old = _old(source)
    except (cst.ParserSyntaxError, RecursionError):
        pytest.skip("libcst cannot parse it")
    new = parse_source(source, path)
    assert new.partial is None
    old_imports = sorted(old.imports, key=lambda s: (s.line, s.column))
    assert [dataclasses.replace(s, statement=_statement_text(s.statement)) for s in old_imports] == list(new.imports)
    assert new.defined == old.defined
    # `None.__class__`: libcst calls None, True and False names, ast calls them constants.
    old_attributes = [a for a in old.attributes if a[0] not in ("None", "True", "False")]
    assert collections.Counter(new.attributes) == collections.Counter(old_attributes)
    assert [a[2] for a in new.attributes] == sorted(a[2] for a in new.attributes)  # source order
    assert new.shebang == source.startswith("#!")
    if old.main_guard is None:
        assert new.main_guard is None
    else:
        # The old visitor named `x().run()` ".run"; calls are compared as a set (it visited an
        # `if`'s body before its test).
        calls = {c for c in old.main_guard.calls if not c.startswith(".")}
        assert (new.main_guard.line, new.main_guard.uses_file, set(new.main_guard.calls)) == (
            old.main_guard.line, old.main_guard.uses_file, calls,
        )  # fmt: skip
