"""What every environment rule reads: the target environment, the variables its scripts will run
with, the project (its walk and its imports, read as `check` reads them), and the distributions'
RECORDs. Lazy, so a rule pays only for what it asks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from shadowcheck.doctor.commands import InstallerCommand, installer_command
from shadowcheck.doctor.imports import ProjectImports
from shadowcheck.doctor.path_entries import PathEntry, path_entries
from shadowcheck.doctor.records import Records
from shadowcheck.environment.declared import DeclaredDependencies, declared_dependencies
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import (
    Distribution,
    Problem,
    ShadowcheckError,
    SourceError,
    TargetEnvironment,
)
from shadowcheck.importsystem.first_party import FirstPartyIndex
from shadowcheck.importsystem.installed import Installed
from shadowcheck.importsystem.meta_path import ImportSystem
from shadowcheck.importsystem.runs import COMMAND, Run
from shadowcheck.paths import real, relative
from shadowcheck.source.layout import read_first_party
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import Project


class DoctorContext:
    def __init__(
        self,
        environment: TargetEnvironment,
        environ: Mapping[str, str],
        project: Project,
        cwd: Path,
        sources: SourceStore,
        *,
        all_distributions: bool = False,
        cache_directory: Path | None = None,
    ):
        """``project`` is the walk of the project root, ``sources`` the store its files are read
        with (check's, when check ran first); ``cache_directory`` keeps file hashes between runs."""
        self.environment = environment
        self.environ = environ
        self.project = project
        self.project_root = project.root
        self.cwd = cwd
        self.sources = sources
        self.all_distributions = all_distributions
        self.records = Records(cache_directory)
        self.modules = Installed(environment)  # what loads without the project
        self.first_party = FirstPartyIndex(environment, sources)
        self.problems: list[Problem] = []

    @cached_property
    def installed(self) -> dict[str, Distribution]:
        """Each distribution name (PEP 503 form) -> the one importlib.metadata finds first.

        The probe lists distributions in sys.path order, so a second copy further down the path
        (a user-site numpy under the venv's) is the one nothing reads.
        """
        found: dict[str, Distribution] = {}
        for distribution in self.environment.distributions:
            found.setdefault(normalize_distribution_name(distribution.name), distribution)
        return found

    def provider(self, import_name: str) -> Distribution | None:
        """The first distribution on sys.path that provides ``import_name``."""
        providers = self.environment.providers(import_name)
        return providers[0] if providers else None

    def neighbours(self, distribution: Distribution) -> tuple[Distribution, ...]:
        """The other distributions installed into the same directory that provide one of the
        same import names: the only ones that can have overwritten its files."""
        names = set(distribution.provides)
        where = real(distribution.location)
        return tuple(
            other
            for other in self.environment.distributions
            if other is not distribution and names.intersection(other.provides) and real(other.location) == where
        )

    @cached_property
    def marker_environment(self) -> dict[str, str]:
        """The target's PEP 508 marker variables (the probe computes them in the target)."""
        details = self.environment.details
        return dict(details.marker_environment) if details is not None else {}

    @cached_property
    def path(self) -> tuple[PathEntry, ...]:
        """sys.path as every script run with these variables gets it (without its own
        directory), each entry with where it came from."""
        return path_entries(self.environment, self.cwd, self.environ)

    def system(self, project_entries: tuple[str, ...] = ()) -> ImportSystem:
        """The import system of a run on ``path``, with ``project_entries`` of it taken for the
        project's (what they hold can shadow what the rest provides)."""
        entries = tuple(e.entry for e in self.path)
        run = Run(COMMAND, entries, project_entries, entries, None)
        return ImportSystem(run, self.modules, own=self.first_party.owns_on_path)

    @cached_property
    def declared(self) -> DeclaredDependencies | None:
        """What the project declares (pyproject, requirements*.txt, Pipfile, setup.py,
        environment.yml); None, with a problem recorded, when a file cannot be read."""
        try:
            return declared_dependencies(self.project_root)
        except ShadowcheckError as error:
            self.problems.append(Problem(str(error)))
            return None

    @cached_property
    def imports(self) -> ProjectImports:
        """The project's imports, resolved without the project on sys.path."""
        try:
            own = read_first_party(self.project_root).modules
        except SourceError:
            own = frozenset()  # build files that cannot be read name no module of the project's
        return ProjectImports(self.system(), self.sources, self.project, own)

    @cached_property
    def hash_scope(self) -> tuple[Distribution, ...]:
        """The distributions whose files SC307 hashes: all with --all, else those the project
        declares or imports (hashing every file of torch and its CUDA wheels takes a while)."""
        if self.all_distributions:
            return tuple(self.installed.values())
        used: set[int] = set()
        declared = self.declared
        for name in declared.distributions if declared is not None else ():
            if name in self.installed:
                used.add(id(self.installed[name]))
        for name in self.imports.names:
            used.update(id(d) for d in self.environment.providers(name))
        return tuple(d for d in self.installed.values() if id(d) in used)

    def installer(self, distributions: Iterable[Distribution] = ()) -> InstallerCommand:
        """The install commands a help gives for this environment (pip's, or uv's)."""
        return installer_command(self.environment, self.shown(self.environment.python), distributions)

    def shown(self, path: str | Path) -> str:
        """A path as reports show it: relative to the working directory when inside it."""
        return relative(path, self.cwd)
