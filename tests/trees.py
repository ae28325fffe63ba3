"""Project trees that exercise every field the reports carry, shared by the schema and the
rendering tests (each meets its fields for real, against the session's demo venv)."""

from __future__ import annotations

import json


def notebook(*sources: str) -> str:
    """A notebook: a markdown cell, then a code cell per source (so code cells start at 2)."""
    cells = [{"cell_type": "markdown", "source": ["# notes"], "metadata": {}}]
    cells += [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None} for source in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


# Every field the engine carries, met for real: a package script's run and the chain to the
# import (runs, chain), a notebook cell (cell), a fix that edits an import (fix.edits), a broken
# notebook cell (notes).
EVERY_FIELD = {
    "demopkg.py": "def build_model():\n    return 1\n",
    "train.py": "from demopkg import build_model\nbuild_model()\n",
    "mylib/__init__.py": "",
    "mylib/numbers.py": "",
    "mylib/cli.py": "#!/usr/bin/env python\nimport helper\n",
    "mylib/helper.py": "import numbers\n",
    "nb/fractions.py": "def mean():\n    return 0\n",
    "nb/explore.ipynb": notebook("import os\nimport fractions\nfractions.mean()\n", "model.fit(\n"),
}

# inspect imports the standard library's token through linecache and tokenize: with a project
# token.py, `import inspect` resolves as intended yet dies inside (imports-shadow, via); big.py is
# too large to parse, so its imports are read by tokens (notes).
IMPORTS_SHADOW = {"token.py": "X = 1\n", "big.py": "import json\n" + "x = 1\n" * 200_000, "train.py": "import inspect\nimport big\n"}
