"""`shadowcheck doctor`: the target environment (probed with details) and the project -> every
selected rule (check's, on the project root, and the environment's) -> a DoctorReport."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.check import Checker, Settings
from shadowcheck.doctor.context import DoctorContext
from shadowcheck.doctor.report import DoctorReport
from shadowcheck.doctor.summary import summarize
from shadowcheck.doctor.training import Epoch, train_reference
from shadowcheck.environment import cache_dir, find_interpreter, load_environment
from shadowcheck.environment.isolation import DECLARED, own_tool_environment
from shadowcheck.ftypes import Finding, ShadowcheckError
from shadowcheck.importsystem.finders import clear_listing_cache
from shadowcheck.paths import relative
from shadowcheck.rules import ALL_RULES, PROJECT, EnvironmentRule, Rule
from shadowcheck.source.tree import walk


@dataclass(frozen=True)
class DoctorSettings:
    root: Path = Path(".")
    python: str | None = None  # --python or $SHADOWCHECK_PYTHON: always run
    configured_python: str | None = None  # `python` in [tool.shadowcheck]: trust.py decides
    select: frozenset[str] | None = None  # None: every rule, check's and the environment's
    ignore: frozenset[str] = frozenset()
    all_distributions: bool = False  # SC307 hashes every distribution, not only the imported ones
    exclude: tuple[str, ...] = ()  # project paths left out (check's findings and the import scan)
    roots: tuple[Path, ...] = ()  # check's --root
    allow: frozenset[str] = frozenset()  # check's --allow
    train: bool = False
    epochs: int = 20
    use_cache: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def selected_rules(settings: DoctorSettings) -> list[type[Rule]]:
    """The rules doctor runs, in code order."""
    selected = settings.select if settings.select is not None else {rule.code for rule in ALL_RULES}
    return [rule for rule in ALL_RULES if rule.code in selected and rule.code not in settings.ignore]


def run_doctor(
    settings: DoctorSettings, cwd: Path | None = None, on_epoch: Callable[[Epoch], None] | None = None
) -> DoctorReport:
    """Examine the project's environment with the selected rules (and train, with --train)."""
    cwd = cwd or Path.cwd()
    root = Path(os.path.abspath(cwd / settings.root))
    if not root.is_dir():
        raise ShadowcheckError(f"{relative(root, cwd)}: not a directory")
    python, chosen_by = find_interpreter(settings.python, root, settings.environ, settings.configured_python)
    if chosen_by == DECLARED:
        # check can stand the declared dependencies in for an environment; doctor examines one.
        own = own_tool_environment(sys.prefix, settings.environ, root) or "an isolated tool"
        raise ShadowcheckError(
            f"no environment to examine: shadowcheck runs from {own}'s environment of its own and the "
            "project has none (.venv/, $VIRTUAL_ENV, $CONDA_PREFIX); pass --python"
        )
    clear_listing_cache()
    environment = load_environment(python, chosen_by, use_cache=settings.use_cache, details=True)
    rules = selected_rules(settings)
    project_rules = [rule for rule in rules if rule.reads == PROJECT]
    checker = Checker(
        Settings(
            paths=(root,), exclude=settings.exclude, roots=settings.roots, allow=settings.allow,
            select=frozenset(rule.code for rule in project_rules), use_cache=settings.use_cache,
            environ=dict(settings.environ),
        ),  # fmt: skip
        environment,
        cwd,
    )
    findings: list[Finding] = []
    if project_rules:
        findings, project = checker.check_project(root)  # check's findings, on the same walk
    else:
        project = walk(root, settings.exclude)
        checker.sources.problems.extend(project.problems)
    context = DoctorContext(
        environment, settings.environ, project, cwd, checker.sources,
        all_distributions=settings.all_distributions, cache_directory=cache_dir() if settings.use_cache else None,
    )  # fmt: skip
    environment_rules = [rule() for rule in rules if issubclass(rule, EnvironmentRule)]
    # SC304 and SC305 point at project files: a `# shadowcheck: ignore[SC304]` there counts.
    findings += [f for rule in environment_rules for f in rule.check(context) if not checker.suppressed(f)]
    hashes = any(rule.code == "SC307" for rule in environment_rules)
    training = train_reference(environment, root, settings.environ, settings.epochs, on_epoch) if settings.train else None
    checker.sources.close()
    return DoctorReport(
        environment=summarize(environment, settings.environ, len(context.installed)),
        findings=tuple(sorted(findings, key=lambda f: (f.code, f.path, f.line, f.module))),
        checks=tuple(rule.code for rule in rules),
        hash_scope=("all" if settings.all_distributions else "imported") if hashes else None,
        hashed=len(context.hash_scope) if hashes else 0,
        problems=(*environment.problems, *checker.sources.problems, *context.problems, *context.records.problems),
        notes=tuple(checker.sources.notes),
        training=training,
    )
