"""sys.path as the environment's scripts get it, each entry with where it came from.

The entries come from the run model (importsystem/runs.py: PYTHONPATH recomputed for these
variables, then the interpreter's own entries and what site added); their origins from the
probe's details (_probe.py path_origins: the interpreter, a site-packages directory, the user
site, the .pth file that named it, or start-up code), and the editable installs whose project
directory an entry is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import TargetEnvironment
from shadowcheck.importsystem.runs import run_path
from shadowcheck.paths import real, same_file

PYTHONPATH, INTERPRETER, SITE_PACKAGES, USER_SITE, PTH, STARTUP_CODE = (
    "PYTHONPATH", "interpreter", "site-packages", "user site", ".pth file", "start-up code",
)  # fmt: skip
# Where a module may hide what a later entry provides without anyone having asked for it: the
# interpreter's own entries and site-packages directories are where things are meant to be.
ADDED_ORIGINS = (PYTHONPATH, USER_SITE, PTH, STARTUP_CODE)


@dataclass(frozen=True)
class PathEntry:
    entry: str
    position: int  # its index in sys.path (without the script's own directory)
    origin: str  # PYTHONPATH, INTERPRETER, SITE_PACKAGES, USER_SITE, PTH or STARTUP_CODE
    source: str | None = None  # the .pth file that named it
    editable: tuple[str, ...] = ()  # the distributions installed in editable mode from it

    def described(self, shown) -> str:
        """Where it came from, for messages (``shown`` shows a path)."""
        if self.origin == PTH and self.source:
            what = f"added by {shown(self.source)}"
        elif self.origin == STARTUP_CODE:
            what = "added by start-up code (a .pth file's `import` line or sitecustomize)"
        else:
            what = self.origin
        if self.editable:
            what += f": the source of the editable install of {', '.join(self.editable)}"
        return what


def path_entries(environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str]) -> tuple[PathEntry, ...]:
    """The sys.path of a script run with ``environ`` from ``cwd``, minus its own directory."""
    entries, pythonpath, _ = run_path(environment, None, cwd, environ)
    details = environment.details
    origins = {real(entry): (origin, source or None) for entry, origin, source in (details.path_origins if details else ())}
    added = {real(entry) for entry in pythonpath}
    found = []
    for position, entry in enumerate(entries):
        key = real(entry)
        if key in added:
            origin, source = PYTHONPATH, None
        else:
            origin, source = origins.get(key, (_guess(environment, entry), None))
        editable = tuple(
            d.name
            for d in environment.distributions
            if d.editable_project and any(same_file(entry, os.path.join(d.editable_project, s)) for s in ("", "src"))
        )
        found.append(PathEntry(entry, position, origin, source, editable))
    return tuple(found)


def _guess(environment: TargetEnvironment, entry: str) -> str:
    # An answer without origins (a probe of an older shadowcheck can't be cached, but be safe).
    key = real(entry)
    if any(real(d) == key for d in environment.site_packages):
        return SITE_PACKAGES
    if any(real(d) == key for d in environment.stdlib_paths) or entry.endswith(".zip"):
        return INTERPRETER
    return STARTUP_CODE
