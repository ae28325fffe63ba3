"""What the reader says about a file beyond its imports: how it is meant to run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import python_for

import shadowcheck
from shadowcheck.source.reader import MainGuard, read_imports


@pytest.mark.parametrize(
    ("source", "shebang", "guard"),
    [
        pytest.param("import os\n", False, None, id="plain-module"),
        pytest.param("#!/usr/bin/env python\nimport os\n", True, None, id="shebang"),
        pytest.param(
            "import pytest\nif __name__ == '__main__':\n    pytest.main([__file__])\n",
            False, MainGuard(2, ("pytest.main",), True), id="pytest-main-file",
        ),
        pytest.param(
            'def main(): pass\nif "__main__" == __name__:\n    main()\n',
            False, MainGuard(2, ("main",), False), id="reversed-guard",
        ),
        pytest.param(
            "def f():\n    if __name__ == '__main__':\n        f()\n", False, None, id="guard-in-function",
        ),
        pytest.param("if __name__ != '__main__':\n    x()\n", False, None, id="not-a-guard"),
        pytest.param(
            "if __name__ == '__main__':\n    path = __file__\n", False, MainGuard(1, (), True), id="file-assigned",
        ),
        pytest.param(
            "if __name__ == '__main__':\n    run(__file__.upper())\n",
            False, MainGuard(1, ("run", "__file__.upper"), True), id="file-attribute",
        ),
        pytest.param(
            "if __name__ == '__main__':\n    f = lambda: __file__\n", False, MainGuard(1, (), True), id="file-in-lambda",
        ),
        pytest.param("path = __file__\nif __name__ == '__main__':\n    main()\n", False, MainGuard(2, ("main",), False), id="file-outside-guard"),
    ],
)  # fmt: skip
def test_how_a_file_runs(make_tree, source, shebang, guard):
    parsed = read_imports(make_tree({"m.py": source}) / "m.py")
    assert (parsed.shebang, parsed.main_guard) == (shebang, guard)


@pytest.mark.parametrize(
    ("source", "in_function"),
    [
        pytest.param("import torch\n", [False], id="module-level"),
        pytest.param("def f():\n    import torch\n", [True], id="function"),
        pytest.param("class C:\n    import torch\n", [False], id="class-body-runs-on-import"),
        pytest.param("f = lambda: __import__('torch')\n", [True], id="lambda"),
        pytest.param("try:\n    import torch\nexcept ImportError:\n    pass\n", [False], id="try"),
    ],
)
def test_imports_inside_functions_are_marked(make_tree, source, in_function):
    parsed = read_imports(make_tree({"m.py": source}) / "m.py")
    assert [i.in_function for i in parsed.imports] == in_function


@pytest.mark.parametrize(
    ("source", "attributes"),
    [
        pytest.param("import np\nx = np.a\n", [("np", "a", 2)], id="read"),
        pytest.param("import np\nnp.a = 1\n", [], id="assignment-is-no-read"),
        pytest.param("import np\ndel np.a\n", [], id="del-is-no-read"),
        pytest.param("import np\nnp.a += 1\n", [("np", "a", 2)], id="augmented-assignment-reads-first"),
        pytest.param("import np\nnp.a.b = 1\n", [("np", "a", 2)], id="store-into-an-attribute-reads-it"),
        pytest.param("import np\nnp.a, x = 1, 2\n", [], id="tuple-target"),
        pytest.param("import np\nprint(f'{np.pi}')\n", [("np", "pi", 2)], id="f-string"),
        pytest.param("import np\ny = np.b\nx = np.a\n", [("np", "b", 2), ("np", "a", 3)], id="source-order"),
    ],
)  # fmt: skip
def test_attributes_are_what_the_file_reads(make_tree, source, attributes):
    assert list(read_imports(make_tree({"m.py": source}) / "m.py").attributes) == attributes


@pytest.mark.parametrize(
    ("source", "where"),
    [
        pytest.param("import os\n", [(1, 1)], id="first-column"),
        pytest.param("x = 'é'; import os\n", [(1, 10)], id="columns-count-characters-not-bytes"),
        pytest.param("if x:\n\timport os\n", [(2, 2)], id="a-tab-is-one-column"),
        pytest.param("x = 1\r\nimport os\r\n", [(2, 1)], id="crlf"),
        pytest.param("x = 1\rimport os\r", [(2, 1)], id="cr"),
        pytest.param("x = 1\n\x0c\nimport os\n", [(3, 1)], id="form-feed-is-no-newline"),
        pytest.param("x = '''\n\x0c'''\nimport os\n", [(3, 1)], id="form-feed-in-a-string"),
        pytest.param("import a; import b\n", [(1, 1), (1, 11)], id="semicolon"),
        pytest.param("x = (importlib.import_module('a'))\n", [(1, 6)], id="parenthesized-call"),
    ],
)  # fmt: skip
def test_positions_are_the_interpreters(make_tree, source, where):
    path = make_tree({"m.py": source.encode()}) / "m.py"
    assert [(i.line, i.column) for i in read_imports(path).imports] == where


@pytest.mark.parametrize(
    ("source", "statements"),
    [
        pytest.param("import a; import b\n", ["import a", "import b"], id="semicolon-is-not-the-statement"),
        pytest.param("from a import (b,  # c\n   d)\n", ["from a import (b, # c d)"], id="multi-line"),
        pytest.param("x = (importlib.import_module('a'))\n", ["importlib.import_module('a')"], id="call"),
        pytest.param("import a  # why\n", ["import a"], id="comment-after"),
    ],
)  # fmt: skip
def test_statement_text_is_the_statement_on_one_line(make_tree, source, statements):
    assert [i.statement for i in read_imports(make_tree({"m.py": source}) / "m.py").imports] == statements


# --- files the parser cannot read ----------------------------------------------------------

# Each holds `import os` first and `import sys` last. CPython compiles the first ones; the last
# ones it refuses, and the reader must still give their imports.
_NESTED_LIST = "x = " + "[" * 140 + "]" * 140 + "\n"
PATHOLOGICAL = {
    "adjacent-strings": "x = (\n" + "".join(f"    'line {i}\\n'\n" for i in range(600)) + ")\n",
    "plus-chain": "x = " + " + ".join(["a"] * 20_000) + "\n",
    "attribute-chain": "x = a" + ".b" * 200_000 + "\n",  # past what 3.10's C stack takes
    "call-chain": "x = a" + "()" * 20_000 + "\n",
    "elif-chain": "if a: pass\n" + "elif a: pass\n" * 10_000,
    "nested-lists": _NESTED_LIST,
    "parenthesized-annotated-target": "(x): int = 1\n",
    "deep-parentheses": "x = " + "(" * 5_000 + "1" + ")" * 5_000 + "\n",
    "deep-indentation": "".join(" " * i + "if a:\n" for i in range(150)) + " " * 150 + "pass\n",
    "unary-chain": "x = " + "-" * 100_000 + "1\n",
}


@pytest.mark.parametrize("minor", ["3.10", "3.11", "3.12", "3.13"])
def test_files_the_parser_chokes_on_still_give_their_imports(tmp_path, minor):
    # Run under each interpreter: 3.10 overflows its C stack on long chains (exit 139 without
    # the reader's guard); 3.11+ raise RecursionError or MemoryError from the parser.
    interpreter = python_for(minor)
    if interpreter is None:
        pytest.skip(f"no Python {minor} here")
    for name, body in PATHOLOGICAL.items():
        (tmp_path / f"{name}.py").write_text(f"import os\n{body}import sys\n")
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(shadowcheck.__file__).parent.parent)!r})\n"
        "from pathlib import Path\n"
        "from shadowcheck.source.reader import read_imports\n"
        "answer = {}\n"
        "for path in sorted(Path(sys.argv[1]).glob('*.py')):\n"
        "    facts = read_imports(path)\n"
        "    answer[path.stem] = [[i.module, i.line] for i in facts.imports]\n"
        "print(json.dumps(answer))\n"
    )
    result = subprocess.run([interpreter.path, "-c", script, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout)
    for name, body in PATHOLOGICAL.items():
        assert answer[name] == [["os", 1], ["sys", body.count("\n") + 2]], name
