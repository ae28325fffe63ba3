"""What every doctor rule reads: the target environment, the variables its scripts will run
with, the project, and the distributions' RECORDs. Lazy, so a rule pays only for what it asks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from shadowcheck.doctor.commands import InstallerCommand, installer_command
from shadowcheck.doctor.records import Records
from shadowcheck.doctor.scope import imported_distributions
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Distribution, Problem, TargetEnvironment
from shadowcheck.paths import real, relative


class DoctorContext:
    def __init__(
        self,
        environment: TargetEnvironment,
        environ: Mapping[str, str],
        project_root: Path,
        cwd: Path,
        *,
        all_distributions: bool = False,
        exclude: tuple[str, ...] = (),
    ):
        self.environment = environment
        self.environ = environ
        self.project_root = project_root
        self.cwd = cwd
        self.all_distributions = all_distributions
        self.exclude = exclude
        self.records = Records()
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
    def hash_scope(self) -> tuple[Distribution, ...]:
        """The distributions whose files SC307 hashes: all with --all, else those the project
        declares or imports (hashing every file of torch and its CUDA wheels takes a while)."""
        if self.all_distributions:
            return tuple(self.installed.values())
        scope, problems = imported_distributions(self.environment, self.installed, self.project_root, self.exclude)
        self.problems.extend(problems)
        return scope

    def installer(self, distributions: Iterable[Distribution] = ()) -> InstallerCommand:
        """The install commands a help gives for this environment (pip's, or uv's)."""
        return installer_command(self.environment, self.shown(self.environment.python), distributions)

    def shown(self, path: str | Path) -> str:
        """A path as reports show it: relative to the working directory when inside it."""
        return relative(path, self.cwd)
