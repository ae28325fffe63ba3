"""`shadowcheck doctor`: the target environment (probed with details) -> rules -> a DoctorReport."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.doctor.context import DoctorContext
from shadowcheck.doctor.registry import DOCTOR_RULES
from shadowcheck.doctor.report import DoctorReport
from shadowcheck.doctor.summary import summarize
from shadowcheck.doctor.training import Epoch, train_reference
from shadowcheck.environment import find_interpreter, load_environment
from shadowcheck.environment.isolation import DECLARED, own_tool_environment
from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.paths import relative


@dataclass(frozen=True)
class DoctorSettings:
    root: Path = Path(".")
    python: str | None = None  # --python or $SHADOWCHECK_PYTHON: always run
    configured_python: str | None = None  # `python` in [tool.shadowcheck]: trust.py decides
    select: frozenset[str] | None = None  # None: every doctor rule
    ignore: frozenset[str] = frozenset()
    all_distributions: bool = False  # SC307 hashes every distribution, not only the imported ones
    exclude: tuple[str, ...] = ()  # project paths left out of the import scan
    train: bool = False
    epochs: int = 20
    use_cache: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


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
    environment = load_environment(python, chosen_by, use_cache=settings.use_cache, details=True)
    context = DoctorContext(
        environment, settings.environ, root, cwd, all_distributions=settings.all_distributions, exclude=settings.exclude
    )
    selected = settings.select if settings.select is not None else {rule.code for rule in DOCTOR_RULES}
    rules = [rule() for rule in DOCTOR_RULES if rule.code in selected and rule.code not in settings.ignore]
    findings = [finding for rule in rules for finding in rule.findings(context)]
    hashes = any(rule.code == "SC307" for rule in rules)
    hashed = len(context.hash_scope) if hashes else 0
    training = train_reference(environment, root, settings.environ, settings.epochs, on_epoch) if settings.train else None
    return DoctorReport(
        environment=summarize(environment, settings.environ, len(context.installed)),
        findings=tuple(sorted(findings, key=lambda f: (f.code, f.module, f.path))),
        checks=tuple(rule.code for rule in rules),
        hash_scope=("all" if settings.all_distributions else "imported") if hashes else None,
        hashed=hashed,
        problems=(*environment.problems, *context.problems, *context.records.problems),
        training=training,
    )
