"""The data that flows between shadowcheck's stages, as frozen dataclasses.

environment (probe) -> TargetEnvironment
project (walk, roots) -> Project
runs and resolution (importsystem) -> Candidate, VerifiedImport (verify.py)
rules -> Finding (fix/model.py -> Fix)
reporters <- Report, Verification (verify.py)

A check creates every class here on every run (about half a millisecond each, at import):
what only another command makes lives with that command (Fix, Verification).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shadowcheck.fix.model import Fix


class ShadowcheckError(Exception):
    """A problem with the user's input or machine, reported as one line and exit status 2."""


@dataclass(frozen=True)
class Problem:
    """Something that left a run incomplete (an unreadable file, broken metadata), in one line.

    ``path`` is the file or directory it is about, absolute, when there is one: reporters show
    it relative to where they run, and formats that annotate files (github, sarif) point at it.
    """

    message: str
    path: str | None = None
    line: int | None = None

    def shown(self, relative_to: str | None = None) -> str:
        """`path:line: message`, the path relative to ``relative_to`` when given."""
        if self.path is None:
            return self.message
        path = self.path
        if relative_to is not None:
            shown = os.path.relpath(path, relative_to)
            path = path if shown.startswith("..") else shown
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.shown()


class SourceError(ShadowcheckError):
    """A project file that cannot be read or parsed: the run goes on without it."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


# --- the target environment, as a real interpreter reported it -------------------------------


@dataclass(frozen=True)
class Distribution:
    """An installed distribution, as the target interpreter's metadata names it."""

    name: str
    version: str
    # The sys.path entry the distribution is installed into (its dist-info's parent).
    location: str
    # Import names the distribution provides: top-level names, plus dotted names for the
    # modules it places inside a namespace package ("jaraco.functools").
    provides: tuple[str, ...]
    # Raw Requires-Dist strings, for naming the installed importers of a shadowed name.
    requires: tuple[str, ...] = ()
    # The project directory of an editable install (PEP 610 direct_url.json with
    # dir_info.editable, or a `setup.py develop` .egg-link), absolute; None otherwise.
    editable_project: str | None = None
    # Only in a probe answer with details (doctor): the .dist-info/.egg-info directory, and
    # the tool its INSTALLER file names ("pip", "uv", "conda"), None when it has none.
    metadata_path: str | None = None
    installer: str | None = None


@dataclass(frozen=True)
class Lacking:
    """What the project asks for and the chosen interpreter does not have."""

    missing: tuple[str, ...]  # distribution (or module) names, sorted
    wanted: int  # how many were asked for
    source: str  # where they were asked for: "requirements.txt", "the project's imports"


@dataclass(frozen=True)
class EnvironmentDetails:
    """What only `doctor` asks the probe for (`_probe.py --details`)."""

    prefix: str  # sys.prefix
    base_prefix: str  # sys.base_prefix: differs from prefix inside a virtual environment
    platform: str  # platform.platform()
    implementation: str  # sys.implementation.name
    version_text: str  # the first line of sys.version
    # The PEP 508 marker variables of the target, for evaluating Requires-Dist markers.
    marker_environment: tuple[tuple[str, str], ...]
    # Further metadata directories of a distribution name in one directory (a dist-info an
    # install left behind), which importlib.metadata hides behind the first.
    leftovers: tuple[Distribution, ...] = ()
    # Where each sys.path entry came from: (entry, origin, the .pth file that named it or "");
    # origins: PYTHONPATH, interpreter, site-packages, user site, .pth file, start-up code.
    path_origins: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class TargetEnvironment:
    """The interpreter the project runs with, as the probe read it."""

    # The interpreter path as chosen (a venv's bin/python, not its resolved symlink).
    python: str
    executable: str
    version: tuple[int, int, int]
    # sys.path as a script sees it, without the script's own directory.
    sys_path: tuple[str, ...]
    stdlib_module_names: frozenset[str]
    builtin_module_names: frozenset[str]
    frozen_module_names: frozenset[str]
    # Modules imported before any user code runs: imports of them never reach sys.path.
    startup_module_names: frozenset[str]
    extension_suffixes: tuple[str, ...]
    source_suffixes: tuple[str, ...]
    bytecode_suffixes: tuple[str, ...]
    # The directories that hold the standard library (stdlib, platstdlib, lib-dynload).
    stdlib_paths: tuple[str, ...]
    site_packages: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    # What the probe had to skip (broken metadata, ...).
    problems: tuple[Problem, ...] = ()
    # How the interpreter was chosen: "--python", "$VIRTUAL_ENV", ".venv", ...
    chosen_by: str = ""
    # Only when no project environment exists (a pre-commit hook's own virtualenv is not one):
    # the project's declared dependencies stand in for installed distributions, so that
    # keras.py is still reported when requirements.txt names keras. (import name, distributions)
    declared: tuple[tuple[str, tuple[str, ...]], ...] = ()
    declared_sources: tuple[str, ...] = ()  # the files they were read from, for the summary
    # pyvenv.cfg says uv made the environment (a `uv = ...` line): install hints say
    # `uv pip install`, since such an environment usually has no pip.
    made_by_uv: bool = False
    # With chosen_by == "declared dependencies": the isolated environment shadowcheck runs from
    # and passed over ("pre-commit", "pipx", "uv tool", "uvx"), for the summary line.
    own_environment: str = ""
    # Set when the interpreter lacks most of what the project declares (environment.lacking).
    lacking: Lacking | None = None
    details: EnvironmentDetails | None = None  # only when asked for (doctor)

    def providers(self, module: str) -> tuple[Distribution, ...]:
        """Distributions that provide ``module`` (a top-level or namespace-dotted name)."""
        return tuple(d for d in self.distributions if module in d.provides)

    def is_immune(self, top_level: str) -> bool:
        """True when importing ``top_level`` can never reach sys.path."""
        return (
            top_level in self.builtin_module_names
            or top_level in self.frozen_module_names
            or top_level in self.startup_module_names
        )


# --- findings ------------------------------------------------------------------------------


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Step:
    """One import on the way from where a run starts to the statement that meets a shadow."""

    path: str  # relative to the working directory, posix separators
    line: int
    statement: str


@dataclass(frozen=True)
class Importer:
    """A statement in the project that imports a shadowed name."""

    path: str  # relative to the working directory, posix separators
    line: int
    statement: str
    predicted_error: str | None
    # The imports that lead from the run's script to ``path`` (empty when the script, or any
    # file run from the root, holds the statement itself).
    chain: tuple[Step, ...] = ()
    cell: int | None = None  # notebooks: the cell holding it (1-based, all cells counted); line is within it


@dataclass(frozen=True)
class Shadowed:
    """What a finding's module hides."""

    kind: str  # "third-party" or "stdlib"
    origin: str | None  # absolute path of what Python would import without the shadow
    distributions: tuple[tuple[str, str], ...] = ()  # (name, version)


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a rule found, where it found it, and why."""

    path: str  # relative to the working directory, posix separators
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    module: str = field(compare=False)
    message: str = field(compare=False)
    root: str = field(default=".", compare=False)  # the import root, relative to the cwd
    shadows: Shadowed | None = field(default=None, compare=False)
    importers: tuple[Importer, ...] = field(default=(), compare=False)
    help: str | None = field(default=None, compare=False)
    name: str = field(default="", compare=False)  # the rule's name, e.g. shadows-stdlib-module
    # Environment findings (doctor): the installed distributions it is about, (name, version),
    # and the lines that show it (which files are on disk, which are missing).
    distributions: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    evidence: tuple[str, ...] = field(default=(), compare=False)
    # For a shadow inside a package: the scripts there whose runs import it (relative paths);
    # every other run from that package imports it as pkg.mod and is not affected.
    runs: tuple[str, ...] = field(default=(), compare=False)
    # What a rename should call the file or directory (its name only, `keras_experiments.py`,
    # `keras_experiments/`): the help's suggestion and --fix's default (fix.names.suggest_name).
    rename_to: str | None = field(default=None, compare=False)
    # The fix --fix would apply, only when a format that shows it is asked for (json, sarif).
    fix: Fix | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs, and nothing about how it was found."""

    findings: tuple[Finding, ...]
    files: int
    python: str
    root: str  # absolute project root
    python_note: str = ""  # how the interpreter was chosen, for the summary line
    # What made the run incomplete (unreadable files, broken metadata).
    problems: tuple[Problem, ...] = ()
    # What was read only in part, though enough to go on (a file's imports read by its tokens).
    notes: tuple[Problem, ...] = ()

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


# --- progress ------------------------------------------------------------------------------


class Progress:
    """What a long run is doing, for someone watching a terminal.

    Engines call it as they go and never read anything back: it cannot change a result. This
    base class ignores every call (the default, and what tests and pipes get); the command line
    passes reporters/progress.py's TerminalProgress when standard error is a terminal.
    """

    def doing(self, what: str) -> None:
        """A stage begins: "asking the interpreter", "walking the tree", "reading imports"."""

    def advance(self, what: str, count: int = 1) -> None:
        """``count`` more of ``what`` are done: "files walked", "files read"."""


NO_PROGRESS = Progress()


# --- between the import system and the rules ---------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A project module that hides one the environment provides, in one import root, with the
    evidence a rule needs to decide and word a finding."""

    module: str  # the import name ("keras", "jaraco.functools")
    path: str  # the local module's file (a package's __init__), relative to the cwd, posix
    local_is_package: bool
    installed_is_package: bool
    shadows: Shadowed
    root: str  # the import root, relative to the cwd
    root_reason: str  # importsystem/roots.py: "project root", "scripts", "package scripts", ...
    at_project_root: bool
    importers: tuple[Importer, ...] = ()
    runs: tuple[str, ...] = ()  # package scripts whose runs import it
    # Why the project evidently runs those scripts by path; None when nothing says it does.
    run_by_path: str | None = None
    origin_shown: str = ""  # where the shadowed module lives, as messages show it


# --- verify (its results, VerifiedImport and Verification, are verify.py's) ------------------

OK, SHADOWED, NOT_A_PACKAGE, MISSING, IMPORTS_SHADOW = "ok", "shadowed", "not-a-package", "missing", "imports-shadow"
