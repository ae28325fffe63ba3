"""Which module an import meant: the local one being renamed, or the real one it hides.

Decided from what the importer uses, since that is what would break: a name only the local
module defines means the local module; a submodule a plain module cannot have, or names it
does not define, mean the real one. Mixed or unknowable uses are ambiguous and left alone.
"""

from __future__ import annotations

from shadowcheck.fix.local import MODULE_ATTRIBUTES, LocalModule

LOCAL, REAL, AMBIGUOUS = "local", "real", "ambiguous"


def _by_names(local: LocalModule, names: set[str], what: str) -> tuple[str, str]:
    names = names - MODULE_ATTRIBUTES
    shown = ", ".join(sorted(names))
    if not names:
        return AMBIGUOUS, f"uses no attribute of `{local.module}` that tells which module it meant"
    if local.defined is None:
        return AMBIGUOUS, f"what the local `{local.module}` defines is not known statically (star import or __getattr__)"
    mine = names & local.defined
    if mine == names:
        return LOCAL, f"{what} {shown}: defined in the local module"
    if not mine:
        return REAL, f"{what} {shown}: not in the local module"
    theirs = ", ".join(sorted(names - mine))
    return AMBIGUOUS, f"{what} {', '.join(sorted(mine))} from the local module but {theirs} from elsewhere"


def meaning_of_submodule(local: LocalModule, rest: str) -> tuple[str, str]:
    """`import keras.models` or `from keras.models import ...`: decided by the submodule."""
    if not local.rename.is_package:
        return REAL, f"`{local.module}.{rest}`: the local `{local.module}` is a module, not a package"
    if local.has_submodule(rest):
        return LOCAL, f"`{local.module}.{rest}` is in the local package"
    return REAL, f"`{local.module}.{rest}` is not in the local package"


def meaning_of_from(local: LocalModule, names: tuple[str, ...]) -> tuple[str, str]:
    """`from keras import a, b`: decided by the names imported."""
    if "*" in names:
        return AMBIGUOUS, "a star import: which names it needs is not visible"
    return _by_names(local, set(names), "imports")


def meaning_of_attributes(local: LocalModule, attributes: set[str]) -> tuple[str, str]:
    """`import keras` (or `as k`): decided by the attributes the file reads from the name."""
    return _by_names(local, attributes, "uses")
