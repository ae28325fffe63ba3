"""The project's own distribution is not a shadow of itself.

keras/ in the Keras repository, tqdm.py beside tqdm's setup.py: what the project builds and
installs as ``keras`` hides nothing when ``keras`` is installed, it *is* that distribution
(or an older copy of it). Each project directory (the root, and every folder inside it with
build files of its own) answers for the roots that import its modules: itself, and its src/.
"""

from __future__ import annotations

from pathlib import Path

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import SourceError, TargetEnvironment
from shadowcheck.importsystem.installed import THIRD_PARTY
from shadowcheck.importsystem.meta_path import Shadow
from shadowcheck.source.layout import FirstParty, editable_of, is_project_directory, read_first_party
from shadowcheck.source.store import SourceStore


class FirstPartyIndex:
    """What each project directory of the tree distributes, read when first asked."""

    def __init__(self, environment: TargetEnvironment, sources: SourceStore):
        self.environment = environment
        self.sources = sources
        self._read: dict[Path, tuple[FirstParty, frozenset[str]]] = {}
        self._projects: dict[Path, bool] = {}

    def owns_on_path(self, entry: Path, shadow: Shadow) -> bool:
        """Whether ``shadow``, found in the sys.path entry ``entry`` of a run, is the own
        distribution of the project there (``entry`` itself, or the project whose src/ it is)."""
        if self._is_project(entry):
            return self._owns(entry, shadow)
        return entry.name == "src" and self._is_project(entry.parent) and self._owns(entry.parent, shadow)

    def _is_project(self, directory: Path) -> bool:
        # Asked for each shadow found in a directory: its build files stat'ed once.
        if directory not in self._projects:
            self._projects[directory] = is_project_directory(directory)
        return self._projects[directory]

    def _owns(self, directory: Path, shadow: Shadow) -> bool:
        if shadow.kind != THIRD_PARTY:
            return False
        first_party, editable = self._of(directory)
        top = shadow.module.partition(".")[0]
        if top not in first_party.modules:
            return False
        names = {normalize_distribution_name(name) for name, _ in shadow.shadowed.distributions}
        # Whatever provides the name is this project: its own distribution (installed from
        # PyPI or from this checkout), or an editable install of this directory.
        return names <= (set(first_party.distributions) | editable)

    def _of(self, directory: Path) -> tuple[FirstParty, frozenset[str]]:
        if directory not in self._read:
            try:
                first_party = read_first_party(directory)
            except SourceError:
                # Build files that cannot be read name no distribution of the project's: its
                # modules are then judged like any other (and `tool = "x"` is valid TOML).
                first_party = FirstParty((), frozenset(), ())
            editable = frozenset(normalize_distribution_name(d.name) for d in editable_of(self.environment, directory))
            self._read[directory] = (first_party, editable)
        return self._read[directory]
