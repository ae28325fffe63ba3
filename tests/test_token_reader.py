"""The token reader: import statements, where they are and what surrounds them, from any text."""

from __future__ import annotations

import sysconfig
import tracemalloc
from pathlib import Path

import pytest

from shadowcheck.source import reader
from shadowcheck.source.reader import parse_source, read_imports
from shadowcheck.source.token_reader import TokenReader, read_tokens


def _read(source: str) -> list[tuple]:
    found = read_tokens([source], "test")
    return [
        (i.module, i.names, i.line, i.column, i.level, i.alias, i.guarded, i.type_checking, i.in_function)
        for i in found.imports
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import os\n", [("os", (), 1, 1, 0, None, False, False, False)], id="import"),
        pytest.param(
            "import a.b as c, d\n",
            [("a.b", (), 1, 1, 0, "c", False, False, False), ("d", (), 1, 1, 0, None, False, False, False)],
            id="several-with-alias",
        ),
        pytest.param("from .. a . b import (c as d,\n e,)\n", [("a.b", ("c", "e"), 1, 1, 2, None, False, False, False)], id="relative-parenthesized"),
        pytest.param("from ... import x\n", [("", ("x",), 1, 1, 3, None, False, False, False)], id="ellipsis-level"),
        pytest.param("from m import *\n", [("m", ("*",), 1, 1, 0, None, False, False, False)], id="star"),
        pytest.param("x = 1; import a\n", [("a", (), 1, 8, 0, None, False, False, False)], id="after-semicolon"),
        pytest.param("import a \\\n  , b\n", [("a", (), 1, 1, 0, None, False, False, False), ("b", (), 1, 1, 0, None, False, False, False)], id="continuation"),
        pytest.param(
            "try:\n    import a\nexcept ImportError:\n    import b\n",
            [("a", (), 2, 5, 0, None, True, False, False), ("b", (), 4, 5, 0, None, False, False, False)],
            id="guarded-body-not-handler",
        ),
        pytest.param("try:\n    import a\nexcept (OSError, ModuleNotFoundError) as e:\n    pass\n", [("a", (), 2, 5, 0, None, True, False, False)], id="guarded-by-tuple"),
        pytest.param("try:\n    import a\nexcept KeyError:\n    pass\n", [("a", (), 2, 5, 0, None, False, False, False)], id="not-guarded"),
        pytest.param("try:\n    import a\nexcept ImportError, e:\n    pass\n", [("a", (), 2, 5, 0, None, True, False, False)], id="python-2-handler"),
        pytest.param("try: import a\nexcept: pass\n", [("a", (), 1, 6, 0, None, True, False, False)], id="one-line-try"),
        pytest.param(
            "try:\n    try:\n        import a\n    finally:\n        pass\nexcept Exception:\n    pass\n",
            [("a", (), 3, 9, 0, None, True, False, False)],
            id="guarded-by-an-outer-try",
        ),
        pytest.param("if TYPE_CHECKING:\n    import a\nelse:\n    import b\n", [("a", (), 2, 5, 0, None, False, True, False), ("b", (), 4, 5, 0, None, False, False, False)], id="type-checking"),
        pytest.param("if typing.TYPE_CHECKING: import a\n", [("a", (), 1, 26, 0, None, False, True, False)], id="type-checking-one-line"),
        pytest.param("def f():\n    import a\nimport b\n", [("a", (), 2, 5, 0, None, False, False, True), ("b", (), 3, 1, 0, None, False, False, False)], id="function"),
        pytest.param("async def f(): import a\n", [("a", (), 1, 16, 0, None, False, False, True)], id="async-function-one-line"),
        pytest.param("class C:\n    import a\n", [("a", (), 2, 5, 0, None, False, False, False)], id="class-body-runs-on-import"),
        pytest.param("if (lambda: 1)(): import a\n", [("a", (), 1, 19, 0, None, False, False, False)], id="lambda-colon-is-not-the-header"),
        pytest.param("if x := 1: import a\n", [("a", (), 1, 12, 0, None, False, False, False)], id="walrus-colon"),
        pytest.param("if x:\n\timport a\n        import b\n", [("a", (), 2, 2, 0, None, False, False, False), ("b", (), 3, 9, 0, None, False, False, False)], id="tabs-are-eight-columns"),
    ],
)  # fmt: skip
def test_import_statements(source, expected):
    assert _read(source) == expected


@pytest.mark.parametrize(
    ("source", "modules"),
    [
        pytest.param('s = """\nimport no\n"""\nimport yes\n', ["yes"], id="triple-quoted-string"),
        pytest.param("s = '''\\\nimport no'''\nimport yes\n", ["yes"], id="single-quoted-triple"),
        pytest.param("s = 'x\\\nimport no'\nimport yes\n", ["yes"], id="backslash-continues-a-string"),
        pytest.param("# import no\nimport yes  # import no\n", ["yes"], id="comments"),
        pytest.param('x = f"{a["b"]}"\nimport yes\n', ["yes"], id="pep-701-nested-quotes"),
        pytest.param("x = f'{1 +\n 2}'\nimport yes\n", ["yes"], id="pep-701-multi-line-field"),
        pytest.param("x = f'{x:{w}.{p}}'\nimport yes\n", ["yes"], id="nested-format-spec"),
        pytest.param("x = f'{{import no}}'\nimport yes\n", ["yes"], id="doubled-braces"),
        pytest.param("x = rb'\\'' + br\"\\\"\"\nimport yes\n", ["yes"], id="prefixes-and-escaped-quotes"),
        pytest.param("x = (1,\n import_no)\nimport yes\n", ["yes"], id="name-starting-with-import"),
        pytest.param("print 'hello'\nexec 'import no'\nx = `y`\nimport yes\n", ["yes"], id="python-2"),
        pytest.param("model.fit(\nimport recovered\nfrom p import q\n", ["recovered", "p"], id="unclosed-bracket-above"),
        pytest.param("s = 'unterminated\nimport yes\n", ["yes"], id="unterminated-string"),
        pytest.param("def (:\nimport yes\n", ["yes"], id="syntax-error"),
        pytest.param("x = yield from y\nraise E from e\nimport yes\n", ["yes"], id="from-in-expressions"),
    ],
)  # fmt: skip
def test_what_is_not_an_import_statement(source, modules):
    assert [i[0] for i in _read(source)] == modules


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import (\n", id="parenthesized-import"),
        pytest.param("from import x\n", id="no-module"),
        pytest.param("import a.\n", id="trailing-dot"),
        pytest.param("from a import b c\n", id="missing-comma"),
        pytest.param("import if\n", id="keyword"),
    ],
)
def test_unreadable_statements_are_counted_not_guessed(source):
    found = read_tokens([source], "test")
    assert (found.imports, found.unreadable) == ((), (1,))


@pytest.mark.parametrize(
    ("source", "calls", "uses_file"),
    [
        pytest.param("if __name__ == '__main__':\n    main(sys.argv)\n", ("main",), False, id="call"),
        pytest.param('if "__main__" == __name__:\n    pytest.main([__file__])\n', ("pytest.main",), True, id="reversed"),
        pytest.param("if __name__ == '__main__': app . run()\n", ("app.run",), False, id="one-line"),
        pytest.param("if __name__ == '__main__':\n    def helper(): pass\n    helper()\n", ("helper",), False, id="def-is-no-call"),
    ],
)  # fmt: skip
def test_main_guard(source, calls, uses_file):
    guard = read_tokens([source], "test").main_guard
    assert (guard.line, guard.calls, guard.uses_file) == (1, calls, uses_file)


def test_no_main_guard_inside_a_function():
    assert read_tokens(["def f():\n    if __name__ == '__main__':\n        f()\n"], "test").main_guard is None


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100])
def test_pieces_of_any_size_read_the_same(size):
    # The large-file reader feeds pieces that end anywhere, mid-token included.
    source = (
        "#!/usr/bin/env python\nimport os\ntry:\n    from a.b import (c,\n  d)\nexcept ImportError:\n    pass\n"
        "s = '''x\nimport no'''; t = f'{x[\"a\"]:>{w}}' ; import zzz\nif TYPE_CHECKING: import typing_only\n"
    )
    whole = read_tokens([source], "test")
    assert read_tokens([source[i : i + size] for i in range(0, len(source), size)], "test") == whole
    assert whole.shebang and [i.module for i in whole.imports] == ["os", "a.b", "zzz", "typing_only"]


def test_a_syntax_error_is_read_partially_and_said_so(make_tree):
    found = read_imports(make_tree({"m.py": "import os\ndef (:\nimport sys\n"}) / "m.py")
    assert [i.module for i in found.imports] == ["os", "sys"]
    assert found.partial.endswith("cannot parse it: invalid syntax (line 2)")
    assert (found.defined, found.attributes) == (None, ())


def test_newer_syntax_is_read_by_tokens_where_the_parser_refuses_it(make_tree):
    # 3.12's f-strings: the parser of 3.11 and older refuses them, tokens still read the file.
    source = 'import os\nx = f"{d["key"]}"\nimport sys\n'
    found = read_imports(make_tree({"m.py": source}) / "m.py")
    assert [i.module for i in found.imports] == ["os", "sys"]
    try:
        compile(source, "m.py", "exec")
    except SyntaxError:
        assert found.partial is not None
    else:
        assert found.partial is None


def test_a_large_file_is_read_in_pieces_in_memory_that_follows_its_statements(tmp_path):
    path = tmp_path / "data.py"
    row = "    [" + ", ".join(str(i) for i in range(1000)) + "],\n"
    rows = 12 * reader.LARGE_FILE // len(row)
    with path.open("w") as file:
        file.write("import numpy as np\nDATA = [\n")
        file.write(row * rows)
        file.write("]\nfrom pkg import tail\n")
    size = path.stat().st_size
    assert size > 10 * reader.LARGE_FILE
    tracemalloc.start()
    try:
        found = read_imports(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(i.module, i.line) for i in found.imports] == [("numpy", 1), ("pkg", rows + 4)]
    assert "too large to parse" in found.partial
    assert peak < size / 2  # pieces of a megabyte, never the file


def test_a_one_line_file_larger_than_a_piece(tmp_path):
    path = tmp_path / "one_line.py"
    path.write_text("import os; X = [" + "1, " * (reader.LARGE_FILE // 2) + "]; import sys\n")
    assert [(i.module, i.line, i.column) for i in read_imports(path).imports] == [
        ("os", 1, 1), ("sys", 1, path.stat().st_size - len("import sys\n") + 1),
    ]  # fmt: skip


def test_a_large_file_with_a_coding_cookie(tmp_path):
    path = tmp_path / "latin.py"
    line = b"x = '" + b"\xe9" * 200 + b"'\n"
    path.write_bytes(b"# -*- coding: latin-1 -*-\n" + line * (reader.LARGE_FILE // len(line) + 1) + b"import os\n")
    assert path.stat().st_size > reader.LARGE_FILE
    assert [i.module for i in read_imports(path).imports] == ["os"]


def test_steps_are_bounded_by_the_size_of_the_text():
    # Every step of the lexer consumes at least one character: its work is linear in the text.
    source = "x = f'{a[\"b\"]}' + '''\nimport no''' # c\nimport yes; from . import z\n" * 50
    steps = 0
    original = TokenReader._code_step

    class Counting(TokenReader):
        def _code_step(self, text, position, field):
            nonlocal steps
            steps += 1
            return original(self, text, position, field)

    reader_ = Counting("test")
    reader_.feed(source)
    assert len(reader_.result().imports) == 100
    assert steps <= len(source)


_STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _sample() -> list[Path]:
    files = [p for p in sorted(_STDLIB.rglob("*.py")) if "site-packages" not in p.parts and p.stat().st_size < 200_000]
    return files[:: max(1, len(files) // 40)]


@pytest.mark.parametrize("path", _sample(), ids=lambda p: str(p.relative_to(_STDLIB)))
def test_tokens_agree_with_the_parser_on_the_standard_library(path):
    source = path.read_text(encoding="utf-8")
    parsed = parse_source(source, path)
    tokens = read_tokens([source.replace("\r\n", "\n").replace("\r", "\n")], "test")
    assert list(tokens.imports) == [i for i in parsed.imports if not i.dynamic]
    assert tokens.unreadable == ()
    if parsed.main_guard is None:
        assert tokens.main_guard is None
    else:
        guard = tokens.main_guard
        assert (guard.line, guard.uses_file, set(guard.calls)) == (
            parsed.main_guard.line, parsed.main_guard.uses_file, set(parsed.main_guard.calls),
        )  # fmt: skip
