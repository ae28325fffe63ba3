"""`check --diff` and `check --fix`: from a report's findings to a plan, shown or applied.

The only place that knows both check's findings and the fix engine: the engine itself takes
import names, paths and files, never findings.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from shadowcheck.environment import project_environment
from shadowcheck.fix.apply import apply_plan
from shadowcheck.fix.diff import render_diff
from shadowcheck.fix.model import Fix, FixError, FixPlan, Target
from shadowcheck.fix.names import names_in_use
from shadowcheck.fix.plan import plan_fixes
from shadowcheck.fix.report import fix_from_plan
from shadowcheck.ftypes import Finding, Report
from shadowcheck.paths import relative
from shadowcheck.source.tree import Project, walk


@dataclass(frozen=True)
class FixRequest:
    write: bool  # --fix; otherwise --diff
    renames: Mapping[str, str]  # --rename OLD=NEW
    allow_dirty: bool
    python: str | None
    exclude: tuple[str, ...]
    environ: Mapping[str, str]
    use_cache: bool = True


def parse_rename(values: tuple[str, ...]) -> dict[str, str]:
    """``("keras=keras_experiments",)`` -> {"keras": "keras_experiments"}; bad input is one line."""
    renames = {}
    for value in values:
        old, equals, new = value.partition("=")
        if not equals or not old.strip() or not new.strip():
            raise FixError(f"--rename {value}: expected OLD=NEW, e.g. --rename keras=keras_experiments")
        renames[old.strip()] = new.strip()
    return renames


def target_for(finding: Finding, cwd: Path, new_name: str | None = None) -> Target:
    """The rename a finding asks for: its file (a package as its directory), to ``new_name``
    or else the name its help suggests (``Finding.rename_to``, which fix.names chose)."""
    path = Path(os.path.abspath(cwd / finding.path))
    if path.name.startswith("__init__."):
        path = path.parent
    kind = finding.shadows.kind if finding.shadows else "third-party"
    suggested = finding.rename_to.rstrip("/").partition(".")[0] if finding.rename_to else None
    return Target(finding.module, path, new_name or suggested, kind)


def fixes_for(
    findings: Iterable[Finding], project: Project, taken: Container[str], cwd: Path, data: Callable[[Path], bytes]
) -> list[Finding]:
    """Each finding with the Fix that --fix would apply to it alone, None where --fix would
    refuse (check's JSON and SARIF carry it). ``data`` gives a file's bytes (check's store
    holds them): only the files that mention the module are handed to the plan."""
    files = (*project.python_files, *project.notebooks)
    fixed = []
    for finding in findings:
        needle = finding.module.rpartition(".")[2].encode()
        mentioning = [file for file in files if needle in data(file)]
        try:
            plan = plan_fixes(
                project.root, [target_for(finding, cwd)], mentioning,
                taken=taken, excluded=project.excluded, allow_dirty=True,  # nothing is written
            )  # fmt: skip
            fix: Fix | None = fix_from_plan(plan, cwd)
        except FixError:
            fix = None
        fixed.append(dataclasses.replace(finding, fix=fix))
    return fixed


def _targets(report: Report, renames: Mapping[str, str], cwd: Path) -> list[Target]:
    targets: dict[Path, Target] = {}
    for finding in report.findings:
        new = renames.get(finding.module)
        target = target_for(finding, cwd, new.rpartition(".")[2] if new else None)
        targets.setdefault(target.local_path, target)
    unknown = sorted(set(renames) - {t.module for t in targets.values()})
    if unknown:
        raise FixError(f"--rename {unknown[0]}=...: nothing in this project shadows `{unknown[0]}`")
    return list(targets.values())


def plan_for_report(report: Report, request: FixRequest, cwd: Path) -> FixPlan | None:
    """The plan that fixes every finding of ``report``; None when there is none."""
    targets = _targets(report, request.renames, cwd)
    if not targets:
        return None
    root = Path(report.root)
    project = walk(root, request.exclude)
    environment = project_environment(request.python, root, request.environ, use_cache=request.use_cache)
    return plan_fixes(
        root, targets, (*project.python_files, *project.notebooks),
        taken=names_in_use(environment), excluded=project.excluded, allow_dirty=request.allow_dirty,
    )  # fmt: skip


def _notes(plan: FixPlan, cwd: Path, removed: str) -> list[str]:
    lines = [f"{removed} stale bytecode {relative(p, cwd)}" for p in plan.deletions]
    lines += [f"left alone: {relative(u.path, cwd)}:{u.line} `{u.text}`: {u.reason}" for u in plan.unresolved]
    return lines


def run_fix(report: Report, request: FixRequest, out: TextIO, err: TextIO, cwd: Path | None = None) -> int:
    """Show (--diff) or apply (--fix) the fix for every finding; returns the exit status:
    0 when there was nothing to do or everything was fixed, 1 when a diff was shown or
    something was left alone for a person to look at."""
    cwd = cwd or Path.cwd()
    plan = plan_for_report(report, request, cwd)
    if plan is None:
        out.write("Nothing to fix.\n")
        return 0
    if not request.write:
        patch = render_diff(plan)
        buffer = getattr(out, "buffer", None)
        out.flush()
        if buffer is not None:
            buffer.write(patch)
            buffer.flush()
        else:
            out.write(patch.decode("utf-8", "surrogateescape"))
        for note in _notes(plan, cwd, "would remove"):
            err.write(f"shadowcheck: {note}\n")
        return 1 if patch or plan.unresolved else 0
    apply_plan(plan)
    how = " (git mv)" if plan.use_git else ""
    for rename in plan.renames:
        slash = "/" if rename.is_package else ""
        out.write(f"Renamed {relative(rename.source, cwd)}{slash} -> {relative(rename.destination, cwd)}{slash}{how}\n")
    for item in plan.rewritten:
        out.write(f"Rewrote {relative(item.path, cwd)}:{item.line} `{item.before}` -> `{item.after}`\n")
    for note in _notes(plan, cwd, "Removed"):
        out.write(note[0].upper() + note[1:] + "\n")
    renamed = len(plan.renames)
    out.write(
        f"Fixed {renamed} module{'s' * (renamed != 1)}: {len(plan.rewritten)} import{'s' * (len(plan.rewritten) != 1)} "
        f"rewritten, {len(plan.unresolved)} left alone.\n"
    )
    return 1 if plan.unresolved else 0
