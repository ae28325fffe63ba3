"""What the generated files look like: Python modules, scripts, tests and notebooks of an ML code
base, rendered from a seeded random generator so that the same path always gets the same bytes.

The text is plausible rather than runnable: it parses, it uses the modules it imports
(`np.mean`, `torch.nn.Linear`, `random.shuffle`), and it has the words real code has in comments
and strings ("import", "last", "token"), because what a reader costs depends on exactly that.
"""

from __future__ import annotations

import json
import random
import textwrap

# Lines per file: mostly short modules, many medium ones, some long ones, a few large.
_SIZES = ((0.55, 12, 40), (0.30, 60, 200), (0.145, 300, 600), (0.005, 1500, 4000))

WORDS = (
    "batch", "loader", "sample", "feature", "label", "weight", "score", "metric", "epoch", "step",
    "token", "vocab", "embed", "layer", "block", "head", "mask", "shard", "split", "record",
    "frame", "image", "audio", "signal", "window", "horizon", "target", "signal", "cache", "last",
    "queue_size", "seed", "rate", "decay", "warmup", "budget", "checkpoint", "export", "report",
)  # fmt: skip

STDLIB_IMPORTS = (
    "import os", "import sys", "import json", "import logging", "import math", "import re",
    "import time", "import itertools", "import functools", "import argparse", "import hashlib",
    "import shutil", "import warnings", "import contextlib", "import copy", "import pickle",
    "import csv", "import tempfile", "import subprocess", "import threading", "import datetime",
    "from pathlib import Path", "from typing import Any, Iterable, Optional",
    "from dataclasses import dataclass, field", "from collections import Counter, defaultdict",
    "import random",
)  # fmt: skip

THIRD_PARTY_IMPORTS = (
    "import numpy as np", "import torch", "import torch.nn as nn", "import torch.nn.functional as F",
    "from torch.utils.data import DataLoader, Dataset", "import keras", "from keras import layers",
    "from sklearn.model_selection import train_test_split", "from sklearn.metrics import accuracy_score",
    "import yaml", "import scipy.stats as stats", "import requests",
)  # fmt: skip

# Statements that use what the file imports, keyed by the name they need bound.
_USES = {
    "os": ("{v} = os.path.join(os.environ.get('DATA_ROOT', '/data'), '{w}')", "os.makedirs({v}, exist_ok=True)"),
    "json": ("{v} = json.loads(json.dumps({{'{w}': {n}}}))",),
    "logging": ("logger.info('%s %d', '{w}', {n})", "logger.debug('last {w}: %r', {v})"),
    "math": ("{v} = math.sqrt({n}) * math.log1p({n})",),
    "re": ("{v} = re.sub(r'[^a-z_]+', '_', '{w}')",),
    "time": ("{v} = time.perf_counter()",),
    "itertools": ("{v} = list(itertools.islice(range({n}), {m}))",),
    "random": ("random.seed({n})", "{v} = random.choice([{n}, {m}])", "random.shuffle(items)"),
    "queue": ("{v} = queue.Queue(maxsize={n})",),
    "np": ("{v} = np.asarray(values, dtype=np.float32).reshape(-1, {n})", "{v} = np.mean({v}, axis=0)",
           "{v} = np.clip({v}, 0, {n})"),
    "torch": ("{v} = torch.tensor(values, dtype=torch.float32)", "{v} = torch.nn.functional.relu({v})",
              "{v} = torch.zeros({n}, {m})"),
    "nn": ("{v} = nn.Linear({n}, {m})", "{v} = nn.Sequential(nn.Linear({n}, {m}), nn.ReLU())"),
    "F": ("{v} = F.softmax({v}, dim=-1)",),
    "keras": ("{v} = keras.Sequential([keras.Input(shape=({n},))])", "{v} = keras.ops.mean({v})"),
    "layers": ("{v} = layers.Dense({n}, activation='relu')",),
    "yaml": ("{v} = yaml.safe_load(open(path))",),
    "stats": ("{v} = stats.zscore(values)",),
    "requests": ("{v} = requests.get('https://example.org/{w}', timeout={n}).json()",),
}  # fmt: skip

_GENERIC = (
    "{v} = [x * {n} for x in range({m}) if x % {n}]",
    "{v} = {{'{w}': {n}, 'last_{w}': {m}, 'nested': {{'{w}': [{n}, {m}]}}}}",
    "if {v} is None:\n        {v} = {n}",
    "for index, item in enumerate(items):\n        total += index * {n}",
    "{v} = f'{w}-{{total}}-{n}'",
    "assert {v} is not None, 'import {w} first'",
    "# lazily import heavy dependencies so that --help stays fast",
    "try:\n        {v} = items[{n}]\n    except IndexError:\n        {v} = None",
    "with contextlib.suppress(KeyError):\n        {v} = state['{w}']",
    "{v} = sorted(items, key=lambda item: item.get('{w}', {n}))",
)  # fmt: skip

_BOUND_BY = {
    "import numpy as np": "np", "import torch": "torch", "import torch.nn as nn": "nn",
    "import torch.nn.functional as F": "F", "import keras": "keras", "from keras import layers": "layers",
    "import yaml": "yaml", "import scipy.stats as stats": "stats", "import requests": "requests",
}  # fmt: skip


def line_count(rng: random.Random) -> int:
    """A file's length in lines, from the size mix of a real code base."""
    roll = rng.random()
    for share, low, high in _SIZES:
        if roll < share:
            return rng.randint(low, high)
        roll -= share
    return rng.randint(_SIZES[-1][1], _SIZES[-1][2])


def bound_names(imports: tuple[str, ...]) -> list[str]:
    """The names the import lines bind that _USES knows how to use."""
    names = []
    for line in imports:
        if line in _BOUND_BY:
            names.append(_BOUND_BY[line])
        elif line.startswith("import ") and " " not in line[7:]:
            names.append(line[7:].partition(".")[0])
    return [n for n in names if n in _USES]


def _statement(rng: random.Random, names: list[str]) -> list[str]:
    fields = {"v": rng.choice(WORDS), "w": rng.choice(WORDS), "n": rng.randint(1, 512), "m": rng.randint(1, 64)}
    if names and rng.random() < 0.5:
        template = rng.choice(_USES[rng.choice(names)])
    else:
        template = rng.choice(_GENERIC)
    return ("    " + template.format(**fields)).split("\n")


def _function(rng: random.Random, names: list[str], statements: int, method: bool = False) -> list[str]:
    name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{rng.randint(0, 99)}"
    args = "self, items, state=None" if method else "items, state=None"
    lines = [f"def {name}({args}):", f'    """Compute the {rng.choice(WORDS)} for one {rng.choice(WORDS)}."""']
    lines += ["    total = 0", "    values = [float(i) for i in range(8)]"]
    for _ in range(statements):
        lines += _statement(rng, names)
    lines.append("    return total")
    return ["    " + line for line in lines] if method else lines


def _class(rng: random.Random, names: list[str], methods: int) -> list[str]:
    base = "nn.Module" if "nn" in names else "object"
    name = "".join(w.capitalize() for w in (rng.choice(WORDS), rng.choice(WORDS))) + str(rng.randint(0, 9))
    lines = [f"class {name}({base}):", f'    """A {rng.choice(WORDS)} {rng.choice(WORDS)}."""', ""]
    lines += ["    def __init__(self, size=8):", "        super().__init__()", "        self.size = size", ""]
    for _ in range(methods):
        lines += _function(rng, names, rng.randint(2, 9), method=True) + [""]
    return lines


def python_source(
    rng: random.Random,
    lines: int,
    imports: tuple[str, ...],
    *,
    header: tuple[str, ...] = (),
    footer: tuple[str, ...] = (),
) -> str:
    """A module of about ``lines`` lines that imports ``imports`` and uses what they bind."""
    names = bound_names(imports)
    body = [*header, f'"""{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} utilities."""', ""]
    body += [*imports, "import contextlib", "", "logger = logging.getLogger(__name__)" if "import logging" in imports else "", ""]
    end = lines - len(footer)
    while len(body) < end:
        room = end - len(body)
        if room > 30 and rng.random() < 0.3:
            body += _class(rng, names, rng.randint(1, max(1, min(6, room // 12)))) + [""]
        else:
            body += _function(rng, names, rng.randint(1, max(1, min(20, room - 5)))) + ["", ""]
    body += footer
    return "\n".join(body) + "\n"


def pick_imports(rng: random.Random, third_party: float = 0.6, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A plausible import block: a few stdlib modules, often some ML libraries, then ``extra``."""
    chosen = rng.sample(STDLIB_IMPORTS, rng.randint(2, 6))
    if rng.random() < third_party:
        chosen += rng.sample(THIRD_PARTY_IMPORTS, rng.randint(1, 4))
    if "import logging" not in chosen:
        chosen.append("import logging")
    return (*sorted(set(chosen)), *extra)


def notebook_source(rng: random.Random, cells: int, imports: tuple[str, ...]) -> str:
    """An nbformat 4 notebook with a markdown title, magics, shell escapes and outputs."""
    names = bound_names(imports)
    code_cells = [
        ["%load_ext autoreload", "%autoreload 2", "%matplotlib inline"],
        ["!pip install -q torch keras scikit-learn", *imports],
    ]
    for _ in range(max(0, cells - 2)):
        cell = ["%%time"] if rng.random() < 0.15 else []
        body = "\n".join(_function(rng, names, rng.randint(2, 12))[2:-1])
        cell += textwrap.dedent(body).splitlines()
        cell += [f"{rng.choice(WORDS)}_{rng.randint(0, 9)} = total", "total"]
        code_cells.append(cell)
    notebook_cells = [_markdown(rng, f"# {rng.choice(WORDS).capitalize()} exploration")]
    for count, cell in enumerate(code_cells, start=1):
        outputs = []
        if rng.random() < 0.5:
            outputs.append({"name": "stdout", "output_type": "stream", "text": [f"epoch {i}: {rng.random():.4f}\n" for i in range(rng.randint(1, 6))]})
        notebook_cells.append(
            {
                "cell_type": "code",
                "execution_count": count,
                "id": f"{rng.getrandbits(32):08x}",
                "metadata": {},
                "outputs": outputs,
                "source": [line + "\n" for line in cell[:-1]] + cell[-1:],
            }
        )
        if rng.random() < 0.3:
            notebook_cells.append(_markdown(rng, f"The {rng.choice(WORDS)} looks {rng.choice(WORDS)}-bound."))
    document = {
        "cells": notebook_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _markdown(rng: random.Random, text: str) -> dict:
    return {"cell_type": "markdown", "id": f"{rng.getrandbits(32):08x}", "metadata": {}, "source": [text]}
