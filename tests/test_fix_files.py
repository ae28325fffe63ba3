"""Notebooks and configuration files under --fix: only the lines that name the module change."""

from __future__ import annotations

import json

import pytest
from conftest import make_tree
from fixhelpers import fix_on, plan_on

from shadowcheck.fix.model import FixError

KERAS = "def build_model():\n    return 'local'\n"


def notebook(cells: list[dict], **dump) -> str:
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    options = {"indent": 1, "sort_keys": True, "ensure_ascii": False, **dump}
    end = options.pop("end", "\n")
    return json.dumps(document, **options) + end


def code(source, outputs=()) -> dict:
    return {"cell_type": "code", "execution_count": 1, "id": "c", "metadata": {"tags": ["x"]}, "outputs": list(outputs), "source": source}


OUTPUT = {"output_type": "stream", "name": "stdout", "text": ["from keras import build_model é\n"]}
CELLS = [
    {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["from keras import build_model\n"]},
    code(["%matplotlib inline\n", "!pip install keras\n", "from keras import build_model\n", "model = build_model()?\n", "print(model)"], [OUTPUT]),
    code(["%%bash\n", "python -c 'import keras'\n"]),
    code(["import keras\n", "keras.Sequential()\n"]),
]


@pytest.mark.parametrize(
    "style",
    [
        pytest.param({}, id="jupyter"),
        pytest.param({"indent": 2, "sort_keys": False, "end": ""}, id="indent-2-no-final-newline"),
        pytest.param({"ensure_ascii": True}, id="ascii-escapes"),
    ],
)
def test_notebook_cell_rewritten_everything_else_kept(tmp_path, style):
    original = notebook(CELLS, **style)
    root = make_tree(tmp_path, {"keras.py": KERAS, "explore.ipynb": original})
    plan = fix_on(root, "keras", "keras.py")
    after = (root / "explore.ipynb").read_text(encoding="utf-8")
    # The one code line that meant the local module, and nothing else: not the markdown,
    # the output, the magics, the %%bash cell or the import of the real package.
    old_lines, new_lines = original.splitlines(), after.splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(old_lines) == len(new_lines)
    assert [(a.strip(), b.strip()) for a, b in changed] == [
        ('"from keras import build_model\\n",', '"from keras_experiments import build_model\\n",')
    ]
    assert [(r.path.name, r.line) for r in plan.rewritten] == [("explore.ipynb", 3)]


def test_notebook_source_as_one_string(tmp_path):
    cells = [code("import keras\nkeras.build_model()\n%time keras.build_model()")]
    root = make_tree(tmp_path, {"keras.py": KERAS, "nb.ipynb": notebook(cells)})
    fix_on(root, "keras", "keras.py")
    source = json.loads((root / "nb.ipynb").read_text())["cells"][0]["source"]
    assert source == "import keras_experiments as keras\nkeras.build_model()\n%time keras.build_model()"


def test_notebook_in_a_style_that_cannot_be_written_back_is_refused(tmp_path):
    original = notebook([code(["from keras import build_model\n"])]).replace('"cells": [', '"cells":    [')
    root = make_tree(tmp_path, {"keras.py": KERAS, "nb.ipynb": original})
    with pytest.raises(FixError, match="nb.ipynb: its JSON formatting"):
        plan_on(root, "keras", "keras.py")


def test_notebook_without_the_module_is_untouched_even_if_odd(tmp_path):
    original = '{"cells":   [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    root = make_tree(tmp_path, {"keras.py": KERAS, "nb.ipynb": original})
    fix_on(root, "keras", "keras.py")
    assert (root / "nb.ipynb").read_text() == original


PYPROJECT = """\
[project]
name = "demo"
# the entry point runs the module's main()
scripts = {}

[project.scripts]
demo-train = "keras:main"   # keep this comment
demo-other = "other:main"

[tool.shadowcheck]
allow = ["torch", "keras"]

[tool.pytest.ini_options]
python_files = ["test_*.py", "keras.py"]
"""


def test_pyproject_entries_updated_in_place(tmp_path):
    pyproject = PYPROJECT.replace("scripts = {}\n", "")
    root = make_tree(tmp_path, {"keras.py": KERAS + "def main():\n    pass\n", "pyproject.toml": pyproject})
    plan = fix_on(root, "keras", "keras.py")
    assert (root / "pyproject.toml").read_text() == (
        pyproject.replace('"keras:main"', '"keras_experiments:main"')
        .replace('"keras"]', '"keras_experiments"]')
        .replace('"keras.py"]', '"keras_experiments.py"]')
    )
    assert plan.unresolved == ()


def test_pytest_ini_python_files(tmp_path):
    ini = "[tool:pytest]\npython_files =\n    test_*.py\n    keras.py\n"
    root = make_tree(tmp_path, {"keras.py": KERAS, "setup.cfg": ini})
    fix_on(root, "keras", "keras.py")
    assert (root / "setup.cfg").read_text() == ini.replace("    keras.py", "    keras_experiments.py")


NOT_UPDATED = [
    pytest.param({"pyproject.toml": '[project.scripts]\nrun = "keras:main"\n', "tools/keras.py": KERAS}, "tools/keras.py", 1, id="entry-point-to-a-module-not-at-the-top"),
    pytest.param({"pytest.ini": "[pytest]\npython_files = ker?s.py\n", "keras.py": KERAS}, "keras.py", 1, id="glob-that-stops-matching"),
    pytest.param({"pytest.ini": "[pytest]\npython_files = *.py\n", "keras.py": KERAS}, "keras.py", 0, id="glob-that-still-matches"),
    pytest.param({"pyproject.toml": '[tool.shadowcheck]\nallow = ["kerasx"]\n[project.scripts]\nk = "keras_tools:main"\n', "keras.py": KERAS}, "keras.py", 0, id="names-that-only-start-alike"),
    pytest.param({"pyproject.toml": 'tool.shadowcheck.allow = ["keras"]\n', "keras.py": KERAS}, "keras.py", 1, id="dotted-key-outside-a-table"),
]  # fmt: skip


@pytest.mark.parametrize(("tree", "local", "listed"), NOT_UPDATED)
def test_configuration_left_alone(tmp_path, tree, local, listed):
    root = make_tree(tmp_path, tree)
    configs = {p: (root / p).read_bytes() for p in tree if not p.endswith(".py")}
    plan = fix_on(root, "keras", local)
    assert {p: (root / p).read_bytes() for p in configs} == configs
    assert len(plan.unresolved) == listed, plan.unresolved
