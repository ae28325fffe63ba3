"""Whether an installed distribution's requirement is met, as `pip check` decides it.

PEP 508 markers and PEP 440 specifiers are evaluated with `packaging`, the library pip itself
vendors for this, in shadowcheck's own process but with the target's marker variables (the
probe computes them in the target). pip's rules (operations/check.py, metadata iter_dependencies):
a requirement counts when it has no marker or its marker holds with `extra` empty; the first
distribution of a name on sys.path is the installed one; pre-releases satisfy any specifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.markers import (
    InvalidMarker,
    UndefinedComparison,
    UndefinedEnvironmentName,
)
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from shadowcheck.ftypes import Distribution

MISSING, CONFLICT, UNREADABLE = "missing", "conflict", "unreadable"


@dataclass(frozen=True)
class UnmetRequirement:
    requirement: str  # normalised by packaging ("numpy<2,>=1.22"), or as written when unreadable
    name: str  # the required distribution, PEP 503 form
    kind: str  # MISSING, CONFLICT or UNREADABLE
    installed: Distribution | None = None  # for CONFLICT: what is there instead
    specifier: str = ""  # for the help: what to install ("numpy<2,>=1.22")
    reason: str = ""  # for UNREADABLE: packaging's one line


def unmet(text: str, installed: Mapping[str, Distribution], markers: Mapping[str, str]) -> UnmetRequirement | None:
    """What is wrong with the Requires-Dist line ``text``, or None when it is met or does not
    apply here. ``installed`` maps PEP 503 names to the distribution Python finds first."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        return UnmetRequirement(text, "", UNREADABLE, reason=str(error).splitlines()[0])
    if requirement.marker is not None:
        try:
            # The target's variables replace every one of packaging's own (this process's).
            if not requirement.marker.evaluate({**markers, "extra": ""}):
                return None
        except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as error:
            return UnmetRequirement(text, "", UNREADABLE, reason=str(error).splitlines()[0])
    name = canonicalize_name(requirement.name)
    wanted = f"{requirement.name}{requirement.specifier}"
    found = installed.get(name)
    if found is None:
        return UnmetRequirement(str(requirement), name, MISSING, specifier=wanted)
    if not requirement.specifier:
        return None
    try:
        satisfied = requirement.specifier.contains(Version(found.version), prereleases=True)
    except InvalidVersion:
        satisfied = False  # pip 24.1+ cannot compare it either, and says it conflicts
    if satisfied:
        return None
    return UnmetRequirement(str(requirement), name, CONFLICT, installed=found, specifier=wanted)
