"""Notebooks read cell by cell: cells numbered as Jupyter, ruff and VS Code number them."""

from __future__ import annotations

import json

import pytest
from conftest import make_tree

from shadowcheck.check import Settings, run_check
from shadowcheck.ftypes import SourceError
from shadowcheck.source.reader import read_imports


def _code(*lines: str, **extra) -> dict:
    return {"cell_type": "code", "source": [f"{line}\n" for line in lines], "metadata": {}, **extra}


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "source": [text], "metadata": {}}


def _notebook(tmp_path, *cells, name="explore.ipynb"):
    path = tmp_path / name
    path.write_text(json.dumps({"cells": list(cells), "nbformat": 4, "nbformat_minor": 5}))
    return path


def _where(facts) -> list[tuple[str, int | None, int]]:
    return [(i.module, i.cell, i.line) for i in facts.imports]


@pytest.mark.parametrize(
    ("cells", "where"),
    [
        pytest.param(
            [_markdown("# title"), _code("import a"), _markdown("text"), _code("x = 1", "import b")],
            [("a", 2, 1), ("b", 4, 2)], id="every-cell-counts-markdown-too",
        ),
        pytest.param([_code("%matplotlib inline", "!pip list", "import a")], [("a", 1, 3)], id="line-magics-and-shell"),
        pytest.param([_code("for x in y:", "    %time f(x)", "import a")], [("a", 1, 3)], id="indented-magic"),
        pytest.param([_code("files = !ls", "np?", "??np", "import a")], [("a", 1, 4)], id="magic-assignment-and-help"),
        pytest.param([_code("%%bash", "import not_python"), _code("import a")], [("a", 2, 1)], id="bash-cell-skipped"),
        pytest.param([_code("%%writefile x.py", "import not_here")], [], id="writefile-cell-skipped"),
        pytest.param([_code("%%time", "import a")], [("a", 1, 2)], id="time-cell-is-python"),
        pytest.param([_code("%%capture out", "import a")], [("a", 1, 2)], id="capture-cell-is-python"),
        pytest.param([_code("pip install torch"), _code("import torch")], [("torch", 2, 1)], id="automagic-cell"),
        pytest.param([_code("cd = 1", "import a")], [("a", 1, 2)], id="automagic-name-assigned-is-python"),
        pytest.param(
            [_code("import r_thing", metadata={"vscode": {"languageId": "r"}}), _code("import a")],
            [("a", 2, 1)], id="vscode-r-cell",
        ),
        pytest.param([{"cell_type": "code", "source": "import a\nimport b", "metadata": {}}], [("a", 1, 1), ("b", 1, 2)], id="source-as-one-string"),
        pytest.param([{"cell_type": "raw", "source": ["import no"]}, _code("import a")], [("a", 2, 1)], id="raw-cell"),
    ],
)  # fmt: skip
def test_cells(tmp_path, cells, where):
    facts = read_imports(_notebook(tmp_path, *cells))
    assert _where(facts) == where
    assert facts.partial is None


def test_a_broken_cell_costs_only_itself(tmp_path):
    facts = read_imports(_notebook(tmp_path, _code("import a"), _code("import b", "model.fit("), _code("import c")))
    assert _where(facts) == [("a", 1, 1), ("b", 2, 1), ("c", 3, 1)]
    assert facts.partial.startswith("cell 2: ") and "cell 1" not in facts.partial and "cell 3" not in facts.partial


def test_names_and_attributes_across_cells(tmp_path):
    facts = read_imports(_notebook(tmp_path, _code("import numpy as np", "x = 1"), _markdown("m"), _code("y = np.pi")))
    assert facts.defined == {"np": 1, "x": 2, "y": 1}
    assert (facts.attributes, facts.attribute_cells) == ((("np", "pi", 1),), (3,))
    star = read_imports(_notebook(tmp_path, _code("x = 1"), _code("from m import *"), name="star.ipynb"))
    assert star.defined is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b'{"nbformat": 4}', id="no-cells"),
        pytest.param(b'{"cells": 3}', id="cells-not-a-list"),
        pytest.param(b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="nested-too-deeply"),
    ],
)
def test_an_unreadable_notebook_is_one_problem(tmp_path, content):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(SourceError, match="not a readable notebook"):
        read_imports(path)


def test_findings_name_the_cell(tmp_path, target_venv):
    cells = [_markdown("# try demopkg"), _code("%matplotlib inline", "x = 1"), _code("import os", "from demopkg.models import Sequential")]
    project = make_tree(tmp_path, {"notebooks/demopkg.py": "", "notebooks/explore.ipynb": json.dumps({"cells": cells})})
    report = run_check(Settings(paths=(project,), python=target_venv.python), cwd=project)
    (finding,) = report.findings
    (importer,) = finding.importers
    assert (importer.path, importer.cell, importer.line) == ("notebooks/explore.ipynb", 3, 2)
