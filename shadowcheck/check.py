"""`shadowcheck check`: project tree + target environment -> findings.

The tree is walked once (source/tree.py), its import roots found (importsystem/roots.py), each
root's runs asked what they import in place of the environment's modules
(importsystem/candidates.py), and every selected rule judges and words what was found.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.environment import describe_environment, lacking_imports, start_project_environment
from shadowcheck.environment.declared import declared_dependencies
from shadowcheck.environment.isolation import DECLARED
from shadowcheck.fix.names import names_in_use
from shadowcheck.ftypes import (
    NO_PROGRESS,
    Finding,
    Lacking,
    Problem,
    Progress,
    Report,
    ShadowcheckError,
    TargetEnvironment,
)
from shadowcheck.importsystem.candidates import CandidateFinder
from shadowcheck.importsystem.finders import clear_listing_cache, remember_listings
from shadowcheck.importsystem.first_party import FirstPartyIndex
from shadowcheck.importsystem.installed import Installed
from shadowcheck.importsystem.roots import RootIndex
from shadowcheck.paths import relative
from shadowcheck.rules import PROJECT_RULES, Analysis, Rule
from shadowcheck.source.layout import find_project_root
from shadowcheck.source.scan import EVERY_CODE
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import Project, walk

# Files read for the project's imports when nothing is declared (a cold read costs ~1.5 ms each).
IMPORTS_SAMPLE = 200
# The bytes of importing files past which JSON and SARIF carry no fixes (_with_fixes).
FIX_PLANNING_BUDGET = 1_000_000


@dataclass(frozen=True)
class Settings:
    """What one `check` was asked to do."""

    paths: tuple[Path, ...] = (Path("."),)
    python: str | None = None  # the user's --python or $SHADOWCHECK_PYTHON
    configured_python: str | None = None  # `python` in [tool.shadowcheck]: trust.py decides
    exclude: tuple[str, ...] = ()
    roots: tuple[Path, ...] = ()
    allow: frozenset[str] = frozenset()
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    use_cache: bool = True
    workers: int | None = None  # processes that read files; None: one per core
    fixes: bool = False  # attach to each finding the fix --fix would apply (json and sarif show it)
    # The command line's run: its process ends soon after, so what a check made is frozen out
    # of the garbage collector's sight (check_project). A library caller's process lives on.
    one_shot: bool = False
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Progress = field(default=NO_PROGRESS, compare=False)


def selected_rules(settings: Settings) -> list[Rule]:
    """One instance of each selected rule that reads the project, in code order."""
    selected = settings.select if settings.select is not None else {r.code for r in PROJECT_RULES}
    return [rule() for rule in PROJECT_RULES if rule.code in selected and rule.code not in settings.ignore]


class Checker:
    def __init__(self, settings: Settings, environment: TargetEnvironment, cwd: Path, sources: SourceStore | None = None):
        """``sources``: a store that read_summaries filled already (before the environment was known)."""
        self.settings = settings
        self.environment = environment
        self.cwd = cwd
        self.sources = sources or project_sources(settings)
        self.sources.target_version = environment.version[:2]
        self.installed = Installed(environment)
        self.rules = selected_rules(settings)

    def check_project(
        self, root: Path, project: Project | None = None, read: bool = False
    ) -> tuple[list[Finding], Project]:
        """Every finding of the project at ``root`` (``project``: its walk_project, done already;
        ``read``: and read_summaries too)."""
        with uncollected(self.settings):
            return self._check_project(root, project, read)

    def _check_project(self, root: Path, project: Project | None, read: bool) -> tuple[list[Finding], Project]:
        if project is None:
            project = walk_project(root, self.settings)
        if not read:
            read_summaries(self.sources, project, self.settings)
        configured = tuple(Path(os.path.abspath(self.cwd / r)) for r in self.settings.roots)
        index = RootIndex(project, self.installed.suffixes, self.sources, configured)
        first_party = FirstPartyIndex(self.environment, self.sources)
        finder = CandidateFinder(
            self.environment, self.installed, self.sources, self.cwd, first_party.owns_on_path, self.settings.progress
        )
        candidates = finder.of_project(index, (*project.python_files, *project.notebooks))
        analysis = Analysis(self.environment, tuple(candidates), self.cwd)
        findings = []
        for rule in self.rules:
            for finding in rule.check(analysis):
                if self._allowed(finding) or self._excluded(finding, project) or self._suppressed(finding):
                    continue
                findings.append(finding)
        return findings, project

    def imports_lacking(self, project: Project) -> Lacking | None:
        """What the project's files import from outside the standard library and the project,
        and the interpreter has nowhere: a Lacking when that is most of it. Up to
        IMPORTS_SAMPLE files are read for it, the shallowest first (the scripts and notebooks a
        project runs sit near its top), so that a cold run of a large tree pays a bounded cost."""
        files = [*project.python_files, *project.notebooks]
        sample = sorted(files, key=lambda f: (len(f.parts), f))[:IMPORTS_SAMPLE]
        # Their exact imports, not their summaries: a summary also names what a comment or a
        # string says after `import`.
        self.sources.parse_many(sample)
        local = {f.stem for f in files} | {d.name for d in project.directories}
        environment = self.environment
        imported = {
            name
            for file in sample
            if (facts := self.sources.imports(file)) is not None
            for name in facts.imported_modules()
            if "." not in name and name not in local and name != "__future__"
            and name not in environment.stdlib_module_names and not environment.is_immune(name)
        }  # fmt: skip
        return lacking_imports(imported, [name for name in imported if not environment.providers(name)])

    def _allowed(self, finding: Finding) -> bool:
        module = finding.module
        return module in self.settings.allow or module.partition(".")[0] in self.settings.allow

    def _excluded(self, finding: Finding, project: Project) -> bool:
        return project.is_excluded(Path(os.path.abspath(self.cwd / finding.path)))

    def suppressed(self, finding: Finding) -> bool:
        """Whether the file ``finding`` points at says `# shadowcheck: ignore` for its code
        (doctor asks it for the environment's findings about project files too)."""
        return self._suppressed(finding)

    def _suppressed(self, finding: Finding) -> bool:
        # `# shadowcheck: ignore` or `# shadowcheck: ignore[SC101, SC102]` on any line of the
        # file, as its summary read it (scan.py).
        if not finding.path.endswith(".py"):
            return False
        codes = self.sources.suppressions(Path(os.path.abspath(self.cwd / finding.path)))
        return codes is not None and (EVERY_CODE in codes or finding.code in codes)


def project_sources(settings: Settings) -> SourceStore:
    """The store a check reads the project's files with (its target version set by Checker)."""
    return SourceStore(use_cache=settings.use_cache, workers=settings.workers)


def read_summaries(sources: SourceStore, project: Project, settings: Settings) -> None:
    """Every file's summary at once (on both cores when the tree is large): which modules it
    could import, whether it looks runnable; files are parsed only when a shadow needs them.
    Needs no environment."""
    settings.progress.doing("reading imports")
    remember_listings(project.directories, project.python_files)
    sources.problems.extend(project.problems)
    sources.read_many([*project.python_files, *project.notebooks])


@contextmanager
def uncollected(settings: Settings) -> Iterator[None]:
    """The garbage collector kept off what a check makes while it is made."""
    # What a check makes (a Path, a summary and an entry per file, the facts of importers)
    # lives until the run ends and holds no reference cycle: the collector's passes over it
    # found nothing to free and cost a warm 20,000-file run ~80 ms. In a one-shot run it is
    # frozen after the check, so that neither a later pass nor the one at exit traverses it
    # (~0.1 s more); freezing in a library caller's process would keep any cycle among
    # the objects alive at that moment forever, so there the collector just resumes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if settings.one_shot:
                gc.freeze()
            gc.enable()


def walk_project(root: Path, settings: Settings) -> Project:
    """The tree of the project at ``root``, walked (as check_project wants it)."""
    settings.progress.doing("walking the tree")
    project = walk(root, settings.exclude)
    settings.progress.advance("files walked", project.file_count)
    return project


def run_check(settings: Settings, cwd: Path | None = None) -> Report:
    """Check every path in ``settings``; the report carries the one-line problems met.

    A path inside a project is checked in that project's context (its root found upward):
    the findings are the whole project's that lie under the path."""
    cwd = cwd or Path.cwd()
    paths = [Path(os.path.abspath(cwd / p)) for p in settings.paths]
    for path in paths:
        if not path.exists():
            raise ShadowcheckError(f"{relative(path, cwd)}: no such file or directory")
    clear_listing_cache()
    project_roots = [find_project_root(path) for path in paths]
    sources = project_sources(settings)
    pending = start_project_environment(
        settings.python, project_roots[0], settings.environ, use_cache=settings.use_cache, configured=settings.configured_python
    )
    try:
        # The probe (a child process, ~0.25 s when its answer is not cached) runs on another
        # core while the first project is walked and its files summarised, which need no
        # environment. The scan's workers are forked meanwhile: they inherit no thread, only
        # the probe's output files; and the file cache's lookup creates nothing, so an
        # interrupted run leaves the cache directory as it was.
        try:
            first = walk_project(project_roots[0], settings)
            with uncollected(settings):
                read_summaries(sources, first, settings)
            environment = pending.result()
        finally:
            pending.close()
    except BaseException:
        sources.close(keep=False)
        raise
    checker = Checker(settings, environment, cwd, sources)
    findings: set[Finding] = set()
    files: set[Path] = set()
    checked: dict[Path, tuple[list[Finding], Project]] = {}
    try:
        for path, project_root in zip(paths, project_roots):
            if project_root not in checked:
                if project_root == project_roots[0]:
                    checked[project_root] = checker.check_project(project_root, first, read=True)
                else:
                    checked[project_root] = checker.check_project(project_root)
            found, project = checked[project_root]
            findings.update(f for f in found if _under(cwd / f.path, path))
            walked = (*project.python_files, *project.notebooks)
            files.update(walked if path == project.root else (f for f in walked if _under(f, path)))
        unplanned: tuple[Problem, ...] = ()
        if settings.fixes and findings:
            findings, unplanned = _with_fixes(findings, checked, checker, cwd)
        if _imports_decide(environment, project_roots[0]):
            # Nothing declared says what the project needs: what it imports does.
            lacking = checker.imports_lacking(checked[project_roots[0]][1])
            environment = dataclasses.replace(environment, lacking=lacking)
    finally:
        checker.sources.close()  # what was read is kept for the next run
    return Report(
        tuple(sorted(findings)),
        len(files),
        environment.python,
        str(project_roots[0]),
        describe_environment(environment, cwd),
        problems=(*environment.problems, *checker.sources.problems),
        notes=(*checker.sources.notes, *unplanned),
    )


def _with_fixes(
    findings: set[Finding], checked: dict[Path, tuple[list[Finding], Project]], checker: Checker, cwd: Path
) -> tuple[set[Finding], tuple[Problem, ...]]:
    # Planning a fix may read each file that imports the module with libcst, about 15 s a
    # megabyte: past a budget, the report goes without fixes (and says so) rather than take minutes.
    importing = sum(_size(cwd / path) for f in findings for path in {i.path for i in f.importers})
    if importing > FIX_PLANNING_BUDGET:
        return findings, (Problem(
            f"fixes not planned: the files that import the shadowed modules hold {importing // 1000:,} kB, more "
            f"than {FIX_PLANNING_BUDGET // 1000:,} kB; `shadowcheck check --diff` plans them all"
        ),)  # fmt: skip
    from shadowcheck.fix.command import fixes_for  # libcst: only for a format that shows fixes

    fixed: set[Finding] = set()
    taken = names_in_use(checker.environment)
    for found, project in checked.values():
        mine = findings.intersection(found)
        fixed.update(fixes_for(sorted(mine), project, taken, cwd, checker.sources.data))
    return fixed, ()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported by the walk already


def _imports_decide(environment: TargetEnvironment, project_root: Path) -> bool:
    # Whether the project's imports should be asked what it needs: only when it declares
    # nothing (otherwise environment.lacking already compared the declared distributions), and
    # never in the declared mode, whose environment is the declaration. Reading imports costs a
    # cold run (IMPORTS_SAMPLE files at most); a project that declares its dependencies never pays it.
    if environment.chosen_by == DECLARED or environment.lacking is not None:
        return False
    try:
        return not declared_dependencies(project_root).distributions
    except ShadowcheckError:
        return True


def _under(path: Path, directory: Path) -> bool:
    # As the tree names it: a symlinked module inside the project is the project's.
    path, directory = os.path.normpath(os.path.abspath(path)), os.path.normpath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
