"""What the reader says about a file beyond its imports: how it is meant to run."""

from __future__ import annotations

import pytest

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
