"""Whether the chosen interpreter is the project's at all: what the project asks for and the
interpreter does not have. An interpreter with none of the project's packages is usually the
wrong one (a global Python, a linter's own environment), and every shadow of a package is then
missed in silence; the summary line says so instead (describe_environment)."""

from __future__ import annotations

from collections.abc import Collection

from shadowcheck.environment.declared import DeclaredDependencies
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Lacking, TargetEnvironment


def lacking_declared(environment: TargetEnvironment, declared: DeclaredDependencies) -> Lacking | None:
    """The declared distributions ``environment`` does not have, when that is most of them."""
    installed = {normalize_distribution_name(d.name) for d in environment.distributions}
    missing = [name for name in declared.distributions if name not in installed]
    return lacking_most(missing, len(declared.distributions), declared.named)


def lacking_imports(imported: Collection[str], missing: Collection[str]) -> Lacking | None:
    """For the analysis stages: ``missing`` of the ``imported`` third-party top-level names
    resolve nowhere in the environment; a Lacking when that is most of them."""
    return lacking_most(sorted(missing), len(imported), "the project's imports")


def lacking_most(missing: Collection[str], wanted: int, source: str) -> Lacking | None:
    """A Lacking when more than half of ``wanted`` is ``missing``."""
    if not wanted or 2 * len(missing) <= wanted:
        return None
    return Lacking(missing=tuple(sorted(missing)), wanted=wanted, source=source)


def describe_lacking(lacking: Lacking, suggest: bool) -> str:
    """The summary's clause: "it lacks 3 of the 4 distributions requirements.txt declares
    (keras, numpy, torch): ...". ``suggest`` adds the way out (not after --python)."""
    shown = ", ".join(lacking.missing[:3])
    if len(lacking.missing) > 3:
        shown += f" and {len(lacking.missing) - 3} more"
    what = (
        f"the {lacking.wanted} third-party modules the project imports"
        if lacking.source == "the project's imports"
        else f"the {lacking.wanted} distributions {lacking.source} declare{'s' if ' and ' not in lacking.source else ''}"
    )
    clause = f"it lacks {len(lacking.missing)} of {what} ({shown})"
    if suggest:
        clause += ": name the project's environment with --python"
    return clause
