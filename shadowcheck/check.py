"""`shadowcheck check`: project tree + target environment -> findings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.environment import describe_environment, project_environment
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import (
    NO_PROGRESS,
    Finding,
    Importer,
    Progress,
    Report,
    Severity,
    ShadowcheckError,
    Shadowed,
    TargetEnvironment,
)
from shadowcheck.importsystem.predict import Predictor, affects
from shadowcheck.importsystem.roots import ImportRoot, RootIndex
from shadowcheck.importsystem.shadows import Shadow, ShadowFinder
from shadowcheck.paths import relative
from shadowcheck.rules import ALL_RULES, Rule
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import Project, walk

# `# shadowcheck: ignore` or `# shadowcheck: ignore[SC101, SC102]` on any line of the file.
_SUPPRESSION = re.compile(rb"#\s*shadowcheck:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")


@dataclass(frozen=True)
class Settings:
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
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Progress = field(default=NO_PROGRESS, compare=False)


class Checker:
    def __init__(self, settings: Settings, environment: TargetEnvironment, cwd: Path):
        self.settings = settings
        self.environment = environment
        self.cwd = cwd
        self.sources = SourceStore(use_cache=settings.use_cache, workers=settings.workers)
        self.finder = ShadowFinder(environment)
        self.predictor = Predictor(
            self.finder.suffixes, environment.version, environment.stdlib_module_names, self.sources.defined
        )
        selected = settings.select if settings.select is not None else {r.code for r in ALL_RULES}
        self.rules = {
            rule.shadows_kind: rule
            for rule in ALL_RULES
            if rule.code in selected and rule.code not in settings.ignore
        }

    def check_tree(self, root: Path, only: Path | None = None) -> tuple[list[Finding], Project]:
        self.settings.progress.doing("walking the tree")
        project = walk(root, self.settings.exclude)
        self.settings.progress.advance("files walked", project.file_count)
        self.settings.progress.doing("reading imports")
        self.sources.problems.extend(project.problems)
        index = RootIndex(project, self.finder.suffixes, self.settings.roots)
        files_by_root: dict[ImportRoot, list[Path]] = {}
        for file in (*project.python_files, *project.notebooks):
            for file_root in index.roots_of(file):
                files_by_root.setdefault(file_root, []).append(file)
        findings = []
        for import_root in index.roots:
            for shadow in self.finder.in_root(import_root):
                rule = self.rules.get(shadow.kind)
                if rule is None or self._allowed(shadow) or (only and shadow.path != only):
                    continue
                if project.is_excluded(shadow.path):
                    continue
                if self._suppressed(shadow, rule):
                    continue
                importers = self._importers(shadow, files_by_root.get(import_root, []))
                findings.append(self._finding(rule, shadow, importers, project))
        return findings, project

    def _allowed(self, shadow: Shadow) -> bool:
        module = shadow.module
        return module in self.settings.allow or module.partition(".")[0] in self.settings.allow

    def _suppressed(self, shadow: Shadow, rule: type[Rule]) -> bool:
        if not shadow.path.name.endswith(".py"):
            return False
        data = self.sources.data(shadow.path)
        if b"shadowcheck" not in data:
            return False
        for match in _SUPPRESSION.finditer(data):
            codes = match.group(1)
            if codes is None or rule.code in re.split(r"[\s,]+", codes.decode().strip().upper()):
                return True
        return False

    def _importers(self, shadow: Shadow, files: list[Path]) -> tuple[Importer, ...]:
        needle = shadow.module.rpartition(".")[2].encode()
        # The shadow's own file runs under this root too: `random.py` importing random.
        candidates = files if shadow.path in files else [*files, shadow.path]
        importers = []
        for file in candidates:
            # A file can only import the name if its bytes occur in it: skip the parse.
            if file.suffix not in (".py", ".ipynb") or needle not in self.sources.data(file):
                continue
            parsed = self.sources.imports(file)
            self.settings.progress.advance("files read")
            if parsed is None:
                continue
            for statement in parsed.imports:
                if affects(statement, shadow.module):
                    error = self.predictor.predict(
                        statement, shadow.module, shadow.local, file, parsed.attributes
                    )
                    importers.append(
                        Importer(relative(file, self.cwd), statement.line, statement.statement, error, statement.cell)
                    )
        return tuple(sorted(importers, key=lambda i: (i.path, i.line)))

    def _finding(self, rule: type[Rule], shadow: Shadow, importers, project: Project) -> Finding:
        path = relative(shadow.path, self.cwd)
        is_package = shadow.local.kind != "module"
        shown = path.rsplit("/", 1)[0] + "/" if is_package and shadow.path.name.startswith("__init__") else path
        stem = shadow.module.rpartition(".")[2]
        file_name = shown.rstrip("/").rsplit("/", 1)[-1] + ("/" if shown.endswith("/") else "")
        suggestion = f"{stem}_{'experiments' if rule.shadows_kind == 'third-party' else 'utils'}"
        suggestion += file_name[len(stem) :]
        root_shown = relative(shadow.root.directory, self.cwd)
        where = ""
        if shadow.root.directory != project.root:
            what = {"notebooks": "notebooks", "scripts": "scripts", "package with a script": "scripts"}.get(
                shadow.root.reason, "code"
            )
            where = f" for {what} run from {root_shown}/"
        distributions = tuple((d.name, d.version) for d in shadow.distributions)
        fields = {
            "path": shown,
            "module": shadow.module,
            "what": "package" if shadow.installed.kind != "module" else "module",
            "distributions": _describe_distributions(shadow.module, distributions),
            "origin": relative(shadow.installed.origin, self.cwd) if shadow.installed.origin else _no_origin(shadow, self.environment),
            "where": where,
            "file": file_name,
            "suggestion": suggestion,
        }
        return Finding(
            path=path,
            line=1,
            column=1,
            code=rule.code,
            severity=Severity.ERROR if importers else rule.default_severity,
            module=shadow.module,
            message=rule.message % fields,
            root=root_shown,
            shadows=Shadowed(shadow.kind, shadow.installed.origin, distributions),
            importers=importers,
            help=rule.help % fields,
            name=rule.name,
        )


def _describe_distributions(module: str, distributions: tuple[tuple[str, str], ...]) -> str:
    if len(distributions) == 1 and normalize_distribution_name(distributions[0][0]) == normalize_distribution_name(module):
        return f" {distributions[0][1]}".rstrip()  # declared distributions have no version
    if distributions:
        return " from " + ", ".join(f"{name} {version}".rstrip() for name, version in distributions)
    return ""


def _no_origin(shadow: Shadow, environment: TargetEnvironment) -> str:
    if shadow.installed.search_locations or not environment.declared_sources:
        return "namespace package"
    return "declared in " + ", ".join(environment.declared_sources)  # isolation.py


def run_check(settings: Settings, cwd: Path | None = None) -> Report:
    """Check every path in ``settings``; the report carries the one-line problems met."""
    cwd = cwd or Path.cwd()
    paths = [Path(os.path.abspath(cwd / p)) for p in settings.paths]
    for path in paths:
        if not path.exists():
            raise ShadowcheckError(f"{relative(path, cwd)}: no such file or directory")
    first_root = paths[0] if paths[0].is_dir() else paths[0].parent
    settings.progress.doing("asking the interpreter")
    environment = project_environment(
        settings.python, first_root, settings.environ, use_cache=settings.use_cache, configured=settings.configured_python
    )
    checker = Checker(settings, environment, cwd)
    findings: set[Finding] = set()
    files = 0
    for path in paths:
        found, project = checker.check_tree(path if path.is_dir() else path.parent, None if path.is_dir() else path)
        findings.update(found)
        files += project.file_count
    return Report(
        tuple(sorted(findings)),
        files,
        environment.python,
        str(first_root),
        describe_environment(environment, cwd),
        problems=(*environment.problems, *checker.sources.problems),
        notes=tuple(checker.sources.notes),
    )


