"""The name a renamed module gets: one that shadows nothing and collides with no file.

`check` words its advice with ``suggest_name`` and `--fix` renames to it, so the two agree.
Nothing here imports libcst: `check` calls it on every run.
"""

from __future__ import annotations

import keyword
import os
from collections.abc import Container
from pathlib import Path

from shadowcheck.ftypes import TargetEnvironment

# What the user most likely meant by the file: experiments with a library, helpers beside the
# standard library. `_local` is the neutral fallback.
_FIRST_CHOICE = {"third-party": "experiments", "stdlib": "utils"}


def names_in_use(environment: TargetEnvironment) -> frozenset[str]:
    """Every import name the environment answers to: its standard library, built-in and frozen
    modules, and each installed (or declared) distribution's import names, top-level and dotted."""
    names = set(environment.stdlib_module_names)
    names |= environment.builtin_module_names | environment.frozen_module_names
    for distribution in environment.distributions:
        for provided in distribution.provides:
            names.add(provided)
            names.add(provided.partition(".")[0])
    for provided, _ in environment.declared:
        names.add(provided)
        names.add(provided.partition(".")[0])
    return frozenset(names)


def is_module_name(name: str) -> bool:
    """Whether ``name`` can be imported by an import statement: an identifier, not a keyword."""
    return name.isidentifier() and not keyword.iskeyword(name)


def occupied(directory: Path, name: str) -> list[str]:
    """Entries of ``directory`` that a module ``name`` would collide with: ``name`` itself (a
    package or a file) and ``name.<anything>`` (sources, bytecode, extension modules)."""
    try:
        entries = os.listdir(directory)
    except OSError:
        return []
    # Compared case-folded: on a case-insensitive file system Keras.py and keras.py are one file.
    folded = name.casefold()
    return sorted(e for e in entries if e.casefold() == folded or e.casefold().startswith(folded + "."))


def suggest_name(module: str, kind: str, taken: Container[str] = frozenset(), directory: Path | None = None) -> str:
    """The last part of ``module``'s new name: ``<stem>_experiments`` for a shadowed third-party
    package, ``<stem>_utils`` for a standard-library module, else ``<stem>_local``,
    ``<stem>_local2`` ... -- the first that is not in ``taken`` (see ``names_in_use``) and, when
    ``directory`` is given, collides with no entry there. ``kind`` is "third-party" or "stdlib"."""
    parent, _, stem = module.rpartition(".")
    first = _FIRST_CHOICE.get(kind, "local")
    candidates = [f"{stem}_{first}", f"{stem}_local", *(f"{stem}_local{n}" for n in range(2, 1000))]
    for candidate in dict.fromkeys(candidates):
        qualified = f"{parent}.{candidate}" if parent else candidate
        if not is_module_name(candidate) or candidate in taken or qualified in taken:
            continue
        if directory is not None and occupied(directory, candidate):
            continue
        return candidate
    raise ValueError(f"no free name for {module}")  # a thousand collisions: not a real tree
