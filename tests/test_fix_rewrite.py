"""What --fix rewrites, and what it must leave alone: tables of trees, before and after."""

from __future__ import annotations

import pytest
from conftest import make_tree
from fixhelpers import fix_on, texts

KERAS = "def build_model():\n    return 'local'\n\nVALUE = 1\n"
PACKAGE = {
    "keras/__init__.py": "from .layers import Dense\n\ndef build_model():\n    return Dense()\n",
    "keras/layers.py": "class Dense:\n    pass\n",
}
PKG_WITH_SCRIPT = {
    "pkg/__init__.py": "",
    "pkg/keras.py": KERAS,
    "pkg/cli.py": "#!/usr/bin/env python\nimport keras\nkeras.build_model()\n",
}

# id, tree, module, local path, kind, {path: content after} for every file that changes, new path
FIXING = [
    pytest.param({"keras.py": KERAS, "train.py": "from keras import build_model\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "from keras_experiments import build_model\n"}, "keras_experiments.py", id="from-import-of-a-local-name"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras\n\nmodel = keras.build_model()\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "import keras_experiments as keras\n\nmodel = keras.build_model()\n"}, "keras_experiments.py", id="import-then-local-attributes"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras as K  # short\nK.build_model(); K.VALUE\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "import keras_experiments as K  # short\nK.build_model(); K.VALUE\n"}, "keras_experiments.py", id="alias-kept"),
    pytest.param({"keras.py": KERAS, "train.py": "import os, keras  # both\nkeras.VALUE\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "import os, keras_experiments as keras  # both\nkeras.VALUE\n"}, "keras_experiments.py", id="one-name-of-several"),
    pytest.param({"keras.py": KERAS, "train.py": "from keras import (  # why\n    build_model,\n    VALUE as V,\n)\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "from keras_experiments import (  # why\n    build_model,\n    VALUE as V,\n)\n"}, "keras_experiments.py", id="parenthesised-with-comments"),
    pytest.param({"keras.py": KERAS, "train.py": "def main():\n    from keras import build_model\n    return build_model()\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "def main():\n    from keras_experiments import build_model\n    return build_model()\n"}, "keras_experiments.py", id="import-inside-a-function"),
    pytest.param({**PACKAGE, "train.py": "from keras.layers import Dense\nfrom keras import build_model\n"}, "keras", "keras", "third-party",
                 {"train.py": "from keras_experiments.layers import Dense\nfrom keras_experiments import build_model\n"}, "keras_experiments/__init__.py", id="package-submodule-from"),
    pytest.param({**PACKAGE, "train.py": "import keras.layers\nkeras.layers.Dense()\n"}, "keras", "keras", "third-party",
                 {"train.py": "import keras_experiments.layers, keras_experiments as keras\nkeras.layers.Dense()\n"}, "keras_experiments/__init__.py", id="package-submodule-import-keeps-the-binding"),
    pytest.param({**PACKAGE, "keras/util.py": "from keras.layers import Dense\n"}, "keras", "keras", "third-party",
                 {"keras/util.py": "from keras_experiments.layers import Dense\n"}, "keras_experiments/layers.py", id="absolute-import-inside-the-package"),
    pytest.param({**PACKAGE, "keras/__init__.py": "from keras.layers import Dense\n"}, "keras", "keras/__init__.py", "third-party",
                 {"keras/__init__.py": "from keras_experiments.layers import Dense\n"}, "keras_experiments/__init__.py", id="init-path-renames-the-package"),
    pytest.param({**PKG_WITH_SCRIPT, "pkg/other.py": "from . import keras\nfrom .keras import build_model\nfrom pkg.keras import VALUE\nfrom pkg import keras as k\n"}, "keras", "pkg/keras.py", "third-party",
                 {"pkg/cli.py": "#!/usr/bin/env python\nimport keras_experiments as keras\nkeras.build_model()\n",
                  "pkg/other.py": "from . import keras_experiments as keras\nfrom .keras_experiments import build_model\nfrom pkg.keras_experiments import VALUE\nfrom pkg import keras_experiments as k\n"},
                 "pkg/keras_experiments.py", id="relative-and-qualified-in-a-package"),
    pytest.param({"random.py": "def shuffle_rows(rows):\n    return rows\n", "main.py": "from random import shuffle_rows\n"}, "random", "random.py", "stdlib",
                 {"main.py": "from random_utils import shuffle_rows\n"}, "random_utils.py", id="stdlib-default-name"),
    pytest.param({"keras.py": KERAS + "import keras\nkeras.build_model()\n"}, "keras", "keras.py", "third-party",
                 {"keras.py": KERAS + "import keras_experiments as keras\nkeras.build_model()\n"}, "keras_experiments.py", id="the-module-imports-itself"),
    pytest.param({"keras.py": KERAS, "train.py": b"import keras\r\nkeras.VALUE\r\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "import keras_experiments as keras\r\nkeras.VALUE\r\n"}, "keras_experiments.py", id="crlf-kept"),
    pytest.param({"keras.py": KERAS, "train.py": "\ufefffrom keras import VALUE\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "\ufefffrom keras_experiments import VALUE\n"}, "keras_experiments.py", id="bom-kept"),
    pytest.param({"keras.py": KERAS, "scripts/run.py": "from keras import build_model\n"}, "keras", "keras.py", "third-party",
                 {"scripts/run.py": "from keras_experiments import build_model\n"}, "keras_experiments.py", id="importer-in-a-subfolder-meant-the-root-module"),
    pytest.param({"keras.py": KERAS, "train.py": "from keras import VALUE\n# \\\n"}, "keras", "keras.py", "third-party",
                 {"train.py": "from keras_experiments import VALUE\n# \\\n"}, "keras_experiments.py", id="last-line-a-comment-ending-in-a-backslash"),
    pytest.param({"jaraco/functools.py": KERAS, "main.py": "from jaraco.functools import build_model\nimport jaraco.functools as f\nf.VALUE\n"}, "jaraco.functools", "jaraco/functools.py", "third-party",
                 {"main.py": "from jaraco.functools_experiments import build_model\nimport jaraco.functools_experiments as f\nf.VALUE\n"}, "jaraco/functools_experiments.py", id="module-inside-a-namespace-package"),
]  # fmt: skip


@pytest.mark.parametrize(("tree", "module", "local", "kind", "changed", "renamed_to"), FIXING)
def test_fixing(tmp_path, tree, module, local, kind, changed, renamed_to):
    root = make_tree(tmp_path, tree)
    before = texts(root)
    plan = fix_on(root, module, local, kind=kind)
    after = texts(root)
    assert renamed_to in after
    assert not (root / local).exists()
    # `changed` names files where they were; every other file is byte for byte what it was.
    for path, content in before.items():
        moved = plan.destination_of(root / path).relative_to(root).as_posix()
        assert after.pop(moved) == changed.get(path, content), path
    assert after == {}


def test_latin_1_cookie_kept(tmp_path):
    source = "# -*- coding: latin-1 -*-\nfrom keras import VALUE  # café\n".encode("latin-1")
    root = make_tree(tmp_path, {"keras.py": KERAS, "train.py": source})
    fix_on(root, "keras", "keras.py")
    assert (root / "train.py").read_bytes() == source.replace(b"from keras ", b"from keras_experiments ")


def test_mode_kept(tmp_path):
    root = make_tree(tmp_path, {"keras.py": KERAS, "train.py": "#!/usr/bin/env python\nfrom keras import VALUE\n"})
    (root / "train.py").chmod(0o751)
    fix_on(root, "keras", "keras.py")
    assert (root / "train.py").stat().st_mode & 0o777 == 0o751


def test_stale_bytecode_of_the_old_name_removed(tmp_path):
    root = make_tree(tmp_path, {
        "keras.py": KERAS, "keras.pyc": b"sourceless", "__pycache__/keras.cpython-311.pyc": b"stale",
        "__pycache__/keras.cpython-312.opt-1.pyc": b"stale", "__pycache__/kerasx.cpython-311.pyc": b"other",
        "__pycache__/train.cpython-311.pyc": b"other",
    })  # fmt: skip
    fix_on(root, "keras", "keras.py")
    assert sorted(p.name for p in root.rglob("*.pyc")) == ["kerasx.cpython-311.pyc", "train.cpython-311.pyc"]


def test_chosen_name(tmp_path):
    root = make_tree(tmp_path, {"keras.py": KERAS, "train.py": "from keras import VALUE\n"})
    fix_on(root, "keras", "keras.py", new="my_keras")
    assert (root / "train.py").read_text() == "from my_keras import VALUE\n"
    assert (root / "my_keras.py").read_text() == KERAS


# id, tree, module, local, the importer that must not change, how many statements are listed
NO_OP = [
    pytest.param({"keras.py": KERAS, "train.py": "from keras.models import Sequential\n"}, "train.py", 0, id="submodule-of-the-real-package"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras\nkeras.Sequential()\n"}, "train.py", 0, id="attributes-of-the-real-package"),
    pytest.param({"keras.py": KERAS, "train.py": "from keras import Sequential\n"}, "train.py", 0, id="from-import-of-a-real-name"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras\nkeras.build_model(); keras.Sequential()\n"}, "train.py", 1, id="mixed-attributes-are-ambiguous"),
    pytest.param({"keras.py": KERAS, "train.py": "from keras import build_model, Sequential\n"}, "train.py", 1, id="mixed-names-are-ambiguous"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras\nprint(keras)\n"}, "train.py", 1, id="no-attribute-used"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras  # noqa\nkeras.__name__\n"}, "train.py", 1, id="only-module-dunders-used"),
    pytest.param({"keras.py": KERAS, "train.py": "from keras import *\n"}, "train.py", 1, id="star-import"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras\nimport keras.models\nkeras.build_model()\n"}, "train.py", 2, id="one-binding-two-meanings"),
    pytest.param({"keras.py": KERAS, "train.py": "import importlib\nm = importlib.import_module('keras')\n"}, "train.py", 1, id="dynamic-import-listed"),
    pytest.param({"keras.py": KERAS, "train.py": "import keras_tuner\nfrom kerasx import build_model\n# from keras import build_model\ns = 'import keras'\n"}, "train.py", 0, id="other-names-comments-and-strings"),
    pytest.param({"keras.py": "from os import *\n", "train.py": "from keras import build_model\n"}, "train.py", 1, id="local-names-unknowable"),
    pytest.param({"other/keras.py": KERAS, "other/x.py": "", "scripts/run.py": "from keras import build_model\n"}, "scripts/run.py", 0, id="module-in-an-unrelated-folder"),
    pytest.param({**PACKAGE, "train.py": "from keras.models import Sequential\nimport keras.backend\n"}, "train.py", 0, id="submodule-the-local-package-lacks"),
]  # fmt: skip


@pytest.mark.parametrize(("tree", "importer", "listed"), NO_OP)
def test_no_op(tmp_path, tree, importer, listed):
    root = make_tree(tmp_path, tree)
    before = (root / importer).read_bytes()
    local = next(p for p in tree if p.endswith("keras.py")) if any(p.endswith("keras.py") for p in tree) else "keras"
    plan = fix_on(root, "keras", local)
    assert (root / importer).read_bytes() == before
    assert len([u for u in plan.unresolved if u.path == root / importer]) == listed, plan.unresolved
