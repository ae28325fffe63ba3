"""The screen that spares the rewrite (libcst) a file: whenever it says a file needs no
rewrite, the rewrite itself changes nothing in it and leaves nothing to check by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shadowcheck.fix.local import load_local
from shadowcheck.fix.model import Rename
from shadowcheck.fix.plan import _reach
from shadowcheck.fix.rewrite import needs_rewrite, rewrite_source

# keras.py defines `build_model` and `CONFIG`; the real keras has `layers`, `models`, `Sequential`.
LOCAL = "def build_model():\n    return 1\n\nCONFIG = {}\n"
STATEMENTS = (
    "import keras", "import keras as k", "import keras.models", "import keras.models as km",
    "from keras import build_model", "from keras import layers", "from keras import build_model, layers",
    "from keras import *", "from keras.models import Sequential", "from . import keras", "from .keras import build_model",
    "import importlib", "importlib.import_module('keras')", "__import__('keras')", "import os",
    "from os import path as keras",
)  # fmt: skip
USES = (
    "keras.layers.Dense(1)", "keras.build_model()", "k.Sequential()", "k.build_model()", "keras.CONFIG = 1",
    "km.Model", "x = keras", "def f():\n    import keras\n    return keras.models", "",
)  # fmt: skip


@pytest.fixture(scope="module")
def reach(tmp_path_factory):
    root = make_tree(tmp_path_factory.mktemp("screen"), {"keras.py": LOCAL, "train.py": ""})
    rename = Rename("keras", "keras_experiments", root / "keras.py", root / "keras_experiments.py")
    return root, _reach(root, root / "train.py", [load_local(rename, root)])


def _rewrite_changes_something(text: str, root: Path, reach) -> bool:
    result = rewrite_source(text, root / "train.py", reach)
    return result.text != text or bool(result.rewritten) or bool(result.unresolved)


@pytest.mark.parametrize(
    "text, needed",
    [
        ("import keras\nkeras.layers.Dense(1)\n", False),  # means the real keras: nothing to do
        ("import os\nfrom os import path as keras\n", False),
        ("from keras import layers\n", False),
        ("import keras\nkeras.build_model()\n", True),  # means keras.py: rewritten
        ("from keras import build_model\n", True),
        ("import keras\n", True),  # uses nothing: left alone, listed
        ("import keras\nkeras.layers\nkeras.build_model()\n", True),  # mixed: listed
        ("import importlib\nimportlib.import_module('keras')\n", True),  # dynamic: listed
        ("from . import keras\n", True),  # relative: certain
    ],
    ids=["real-attribute", "other-module-bound-as-keras", "real-name", "local-attribute", "local-name", "no-use", "mixed", "dynamic", "relative"],
)  # fmt: skip
def test_the_screen_agrees_with_the_rewrite(reach, text, needed):
    root, importer_reach = reach
    assert needs_rewrite(text, root / "train.py", importer_reach) is needed
    assert _rewrite_changes_something(text, root, importer_reach) is needed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STATEMENTS + USES), max_size=6))
def test_a_screened_out_file_is_one_the_rewrite_leaves_as_it_is(reach, lines):
    root, importer_reach = reach
    text = "".join(line + "\n" for line in lines)
    if not needs_rewrite(text, root / "train.py", importer_reach):
        assert not _rewrite_changes_something(text, root, importer_reach), text
