"""`shadowcheck verify`: one run of a script + the target environment -> where each import lands.

The run is predicted, never performed: its sys.path is built as CPython builds it for
``python SCRIPT`` or ``python -m MODULE`` (importsystem/runs.py); for ``-m``, runpy's own
imports are followed first, with the working directory already on sys.path; every import of the
script and of the project modules it reaches is resolved by the same import system `check`
asks (importsystem/meta_path.py, closure.py), an installed import whose own imports meet a
project module is followed down to it (execution.py), and every other project module on the
run's path that hides an installed one is listed too.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.environment import describe_environment, project_environment
from shadowcheck.doctor.install import install_advice
from shadowcheck.fix.names import names_in_use
from shadowcheck.ftypes import (
    IMPORTS_SHADOW,
    NO_PROGRESS,
    Progress,
    MISSING,
    NOT_A_PACKAGE,
    OK,
    SHADOWED,
    Problem,
    ShadowcheckError,
    Shadowed,
    Step,
    TargetEnvironment,
)
from shadowcheck.importsystem.closure import Chain, Closure, Met
from shadowcheck.importsystem.execution import Execution, Failure
from shadowcheck.importsystem.first_party import FirstPartyIndex
from shadowcheck.importsystem.finders import MODULE, Resolution, Spec, clear_listing_cache, find_on_path
from shadowcheck.importsystem.installed import Installed
from shadowcheck.importsystem.meta_path import PROJECT, ImportSystem, Shadow
from shadowcheck.importsystem.predict import Predictor
from shadowcheck.importsystem.runs import module_run, script_run
from shadowcheck.paths import relative
from shadowcheck.rules import ShadowRule, rule_for
from shadowcheck.source.store import SourceStore

__all__ = ["REFERENCE_SCRIPT", "Target", "VerifiedImport", "Verification", "VerifySettings", "run_verify", "verify"]

REFERENCE_SCRIPT = Path(__file__).with_name("reference") / "cnn_train.py"


@dataclass(frozen=True)
class VerifiedImport:
    module: str  # absolute, as imported: `from a.b import c` -> "a.b"
    path: str  # the file holding the statement; for a scanned shadow, the shadowing file
    line: int | None  # None for a shadow found by the directory scan
    status: str  # OK, SHADOWED, NOT_A_PACKAGE, MISSING or IMPORTS_SHADOW
    origin: str | None  # spec.origin of the top-level module
    kind: str  # meta_path.PROJECT, SITE_PACKAGES, STDLIB_KIND, BUILT_IN, FROZEN or MISSING
    statement: str | None = None
    shadowed_module: str | None = None  # the name that resolves into the project
    shadows: Shadowed | None = None
    predicted_error: str | None = None
    guarded: bool = False  # under try/except ImportError: a missing module is only a warning
    fix: str | None = None
    importers: tuple[tuple[str, str], ...] = ()  # installed (name, version) requiring it
    code: str | None = None  # the rule that words this shadow (SC101, SC102)
    # IMPORTS_SHADOW and runpy's own imports: the imports from this statement (or from runpy)
    # down to the one that meets the shadow, installed files included.
    via: tuple[Step, ...] = ()

    @property
    def severity(self) -> str | None:
        if self.status == OK:
            return None
        if self.guarded and self.status == MISSING:
            return "warning"
        if self.status == IMPORTS_SHADOW and self.predicted_error is None:
            return "warning"
        return "error"


@dataclass(frozen=True)
class Verification:
    script: str
    python: str
    sys_path: tuple[str, ...]
    imports: tuple[VerifiedImport, ...]  # errors, warnings, then ok; each in the order met
    python_note: str = ""
    # One-line warnings from the probe (distributions it had to skip): exit status 2.
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # files read only in part (their imports, by tokens)

    @property
    def errors(self) -> int:
        return sum(i.severity == "error" for i in self.imports)

    @property
    def warnings(self) -> int:
        return sum(i.severity == "warning" for i in self.imports)


@dataclass(frozen=True)
class Target:
    """What is run: ``python SCRIPT``, ``python -m MODULE``, or the reference script."""

    script: Path | None = None
    module: str | None = None
    reference: bool = False


@dataclass(frozen=True)
class VerifySettings:
    target: Target
    python: str | None = None  # the user's --python or $SHADOWCHECK_PYTHON
    configured_python: str | None = None  # `python` in [tool.shadowcheck]: trust.py decides
    use_cache: bool = True
    safe_path: bool = False  # -P; PYTHONSAFEPATH in ``environ`` counts too
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Progress = field(default=NO_PROGRESS, compare=False)


def spec_shown(spec: Spec, cwd: Path) -> str:
    """The file (or, for a package, the directory) that stands for a module in messages."""
    if spec.kind == MODULE or spec.origin is None:
        return relative(spec.origin or spec.search_locations[0], cwd)
    return relative(spec.search_locations[0], cwd) + "/"


class _Verifier:
    """Turns one run's import closure into records."""

    def __init__(self, system: ImportSystem, cwd: Path, sources: SourceStore):
        self.system = system
        self.cwd = cwd
        self.sources = sources
        env = system.environment
        self.predictor = Predictor(system.suffixes, env.version, env.stdlib_module_names, sources.defined, system.run.first)
        self._bodies: dict[str, Failure | None] = {}
        self._installed: Execution | None = None
        self.taken = names_in_use(env)  # what a suggested new name must avoid, as check's help does

    def rename_advice(self, rule: ShadowRule, shadow: Shadow) -> str:
        return rule.rename_advice(spec_shown(shadow.local, self.cwd), shadow.module, shadow.local.kind != MODULE, self.taken, self.cwd)

    def steps(self, chain: Chain) -> tuple[Step, ...]:
        return tuple(Step(relative(file, self.cwd), s.line, s.statement) for file, s in chain)

    def body_error(self, shadow: Shadow) -> Failure | None:
        if shadow.module not in self._bodies:
            execution = Execution(self.system, self.sources, self.predictor, follow_installed=False)
            self._bodies[shadow.module] = execution.body_error(shadow)
        return self._bodies[shadow.module]

    def shadow_record(self, shadow: Shadow, **base) -> VerifiedImport:
        rule = rule_for(shadow.kind)
        what = (
            f"the standard library module '{shadow.module}'"
            if shadow.kind == "stdlib"
            else ", ".join(f"{n} {v}".rstrip() for n, v in shadow.shadowed.distributions) or f"the installed '{shadow.module}'"
        )
        fix = f"{self.rename_advice(rule, shadow)} so that '{shadow.module}' imports {what}"
        return VerifiedImport(
            **base, status=SHADOWED, shadowed_module=shadow.module, shadows=shadow.shadowed, fix=fix, code=rule.code
        )

    def record(self, met: Met) -> VerifiedImport:
        statement = met.statement
        where = relative(met.file, self.cwd)
        if met.module is None:
            shown = "." * statement.level + statement.module
            return VerifiedImport(
                shown, where, statement.line, MISSING, None, "missing", statement.statement,
                predicted_error=met.error, guarded=statement.guarded,
                fix="run it as a module of its package (python -m) or make the import absolute",
            )  # fmt: skip
        resolution = met.resolution
        assert resolution is not None
        top = resolution.top
        base = {
            "module": met.module, "path": where, "line": statement.line, "origin": top.origin if top else None,
            "kind": self.system.kind_of(top), "statement": statement.statement, "guarded": statement.guarded,
        }  # fmt: skip
        shadow = self.system.shadow_in(met.specs)
        if shadow is not None:
            body = self.body_error(shadow)
            if body is not None:
                error: str | None = body.error
            else:
                absolute = dataclasses.replace(statement, module=met.module, level=0)
                parsed = self.sources.imports(met.file)
                attributes = parsed.attributes if parsed is not None else ()
                error = self.predictor.predict(absolute, shadow.module, shadow.local, met.file, attributes)
            record = self.shadow_record(shadow, **base)
            return dataclasses.replace(record, predicted_error=error)
        if resolution.missing is None:
            return VerifiedImport(**base, status=OK)
        return self._unresolved(resolution, met.specs, base)

    def _unresolved(self, resolution: Resolution, specs, base) -> VerifiedImport:
        missing = resolution.missing
        parent = missing.rpartition(".")[0]
        if resolution.parent_not_package:
            error = f"ModuleNotFoundError: No module named '{missing}'; '{parent}' is not a package"
            fix = f"'{parent}' is the module {spec_shown(specs[-1], self.cwd)}, not a package"
            return VerifiedImport(**base, status=NOT_A_PACKAGE, predicted_error=error, fix=fix)
        return VerifiedImport(
            **base, status=MISSING, predicted_error=f"ModuleNotFoundError: No module named '{missing}'",
            fix=self._install(missing, bool(parent)),
        )  # fmt: skip

    def _install(self, missing: str, is_submodule: bool) -> str:
        if is_submodule:
            return f"nothing provides '{missing}': check the name, or the version of its package"
        top = missing.partition(".")[0]
        known = self.system.installed.providers(top)
        known = tuple(d for d in known if d.location)
        if known:
            # Installed, yet not on this run's sys.path (-P, another site-packages, ...).
            names = ", ".join(f"{d.name} {d.version} (in {d.location})" for d in known)
            return f"'{top}' is installed as {names}, which this run's sys.path does not reach"
        environment = self.system.environment
        return install_advice(top, environment, relative(environment.python, self.cwd)).help

    def through_installed(self, record: VerifiedImport, met: Met) -> VerifiedImport:
        """An installed import whose own imports meet a project module is not ok."""
        if self._installed is None:
            self._installed = Execution(self.system, self.sources, self.predictor, follow_installed=True)
        failure = self._installed.import_module(record.module, ((met.file, met.statement),))
        if failure is None:
            return record
        rule = rule_for(failure.shadow.kind)
        shadow = failure.shadow
        return dataclasses.replace(
            record, status=IMPORTS_SHADOW, shadowed_module=shadow.module, shadows=shadow.shadowed,
            predicted_error=failure.error, code=rule.code,
            via=self.steps((*failure.chain, (failure.file, failure.statement))),
            fix=f"{self.rename_advice(rule, shadow)}: "
            f"'{record.module}' imports '{shadow.module}' and gets the project's",
        )  # fmt: skip

    def scanned(self, reported: set[str]) -> list[VerifiedImport]:
        """Every other project module on the run's path that hides an installed one."""
        found: dict[str, VerifiedImport] = {}
        for entry in self.system.run.project:
            for shadow in self.system.shadows_in(entry or str(self.cwd)):
                if shadow.module in reported or shadow.module in found:
                    continue
                first = self.system.resolve(shadow.module.partition(".")[0]).top
                record = self.shadow_record(
                    shadow, module=shadow.module, path=spec_shown(shadow.local, self.cwd), line=None,
                    origin=first.origin if first else None, kind=PROJECT,
                    importers=self.system.installed.importers_of(shadow.shadowed.distributions),
                )  # fmt: skip
                found[shadow.module] = record
        return list(found.values())

    def runpy_failure(self, failure: Failure) -> VerifiedImport:
        """`python -m` dies in runpy's own imports, before the module starts."""
        shadow = failure.shadow
        first = self.system.resolve(shadow.module.partition(".")[0]).top
        record = self.shadow_record(
            shadow, module=shadow.module, path=spec_shown(shadow.local, self.cwd), line=None,
            origin=first.origin if first else None, kind=PROJECT, statement="python -m (runpy's own imports)",
        )  # fmt: skip
        return dataclasses.replace(
            record, predicted_error=failure.error, via=self.steps((*failure.chain, (failure.file, failure.statement)))
        )


def _order(records: list[VerifiedImport]) -> tuple[VerifiedImport, ...]:
    rank = {"error": 0, "warning": 1, None: 2}
    return tuple(sorted(records, key=lambda r: rank[r.severity]))  # stable: keeps the order met


def verify(
    target: Target, environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str], safe_path: bool = False,
    progress: Progress = NO_PROGRESS, use_cache: bool = False,
) -> Verification:
    """Predict every import of one run of ``target`` with ``environment``'s interpreter."""
    safe = safe_path or bool(environ.get("PYTHONSAFEPATH"))
    if safe_path and environment.version < (3, 11):
        raise ShadowcheckError(f"-P (--safe-path) needs Python 3.11 or newer; {environment.python} is older")
    clear_listing_cache()
    installed = Installed(environment)
    sources = SourceStore(use_cache=use_cache, target_version=environment.version[:2])
    own = FirstPartyIndex(environment, sources).owns_on_path
    records: list[VerifiedImport] = []
    first_specs: tuple[Spec, ...] = ()
    if target.module is not None:
        run = module_run(environment, cwd, environ, safe)
        system = ImportSystem(run, installed, own=own)
        verifier = _Verifier(system, cwd, sources)
        # Modules/main.c pymain_run_module: sys.path[0] is already the working directory when
        # runpy is imported, so runpy's own imports can meet the project's modules.
        runpy = Execution(system, sources, verifier.predictor, follow_installed=True)
        failure = runpy.import_module("runpy")
        if failure is not None:
            records.append(verifier.runpy_failure(failure))
        system = system.with_preloaded(frozenset(runpy.loaded))
        start, package, first_specs, shown = _module_target(target.module, system, cwd)
        system = ImportSystem(dataclasses.replace(run, main=str(start)), installed, system.preloaded, own)
    else:
        script = REFERENCE_SCRIPT if target.reference else Path(os.path.abspath(cwd / target.script))
        if script.is_dir():
            # `python DIR` runs DIR/__main__.py, with DIR first on sys.path.
            if not (script / "__main__.py").is_file():
                raise ShadowcheckError(f"{relative(script, cwd)}: can't find '__main__' module in it")
            script = script / "__main__.py"
        if not script.is_file():
            raise ShadowcheckError(f"{relative(script, cwd)}: no such file")
        run = script_run(environment, script, cwd, environ, safe)
        if target.reference:
            # The reference script is verified as if it sat in the working directory.
            home = os.path.realpath(cwd)
            run = dataclasses.replace(run, entries=(home, *run.entries[1:]), project=(home, *run.project[1:]), first=home)
        system = ImportSystem(run, installed, own=own)
        start, package, shown = script, None, relative(script, cwd)
    verifier = _Verifier(system, cwd, sources)
    closure = Closure(system, sources, progress)
    closure.walk(start, package, first=first_specs)
    # Each file is read once, so each statement is reported once, where it appears.
    by_place: dict[tuple[str, int | None, str], tuple[VerifiedImport, Met]] = {}
    for met in closure.met:
        record = verifier.record(met)
        by_place[(record.path, record.line, record.module)] = (record, met)
    reported = {r.shadowed_module for r, _ in by_place.values()} | {r.module for r, _ in by_place.values()}
    scanned = verifier.scanned(reported)
    if scanned or any(r.status == SHADOWED for r, _ in by_place.values()):
        # Bounded to runs that have a shadow in play: only then can an installed import meet one.
        for place, (record, met) in by_place.items():
            if record.status == OK and record.kind not in (PROJECT, "built-in"):
                by_place[place] = (verifier.through_installed(record, met), met)
    records += [record for record, _ in by_place.values()] + scanned
    sources.close()  # what was read is kept for the next run
    return Verification(
        shown, environment.python, run.entries, _order(records),
        problems=tuple(sources.problems), notes=tuple(sources.notes),
    )  # fmt: skip


def _module_target(module: str, system: ImportSystem, cwd: Path) -> tuple[Path, str | None, tuple[Spec, ...], str]:
    # The messages are runpy._get_module_details' own, which `python -m` prints.
    if module.startswith("."):
        raise ShadowcheckError(f"python -m {module}: Relative module names not supported")
    resolution: Resolution = system.resolve(module) if module else Resolution((), "")
    spec = resolution.found
    if spec is not None and spec.is_package:
        # runpy runs a package's __main__ submodule.
        spec = find_on_path(f"{module}.__main__", spec.search_locations, system.suffixes)
        if spec is None:
            raise ShadowcheckError(
                f"python -m {module}: No module named {module}.__main__; "
                f"'{module}' is a package and cannot be directly executed"
            )
        resolution = system.resolve(f"{module}.__main__")
    if spec is None:
        raise ShadowcheckError(f"python -m {module}: No module named {module} on this run's sys.path")
    if spec.origin is None or not spec.origin.endswith(tuple(system.environment.source_suffixes)):
        raise ShadowcheckError(f"{module}: {spec.origin} is not Python source, so its imports cannot be read")
    # runpy imports the parent packages first: their __init__ files run before the module.
    package = spec.name.rpartition(".")[0] or None
    return Path(spec.origin), package, tuple(resolution.specs[:-1]), relative(spec.origin, cwd)


def run_verify(settings: VerifySettings, cwd: Path | None = None) -> Verification:
    """Choose the interpreter as `check` does, ask it, and verify the target."""
    cwd = cwd or Path.cwd()
    settings.progress.doing("asking the interpreter")
    environment = project_environment(
        settings.python, cwd, settings.environ, use_cache=settings.use_cache, configured=settings.configured_python
    )
    settings.progress.doing("reading imports")
    result = verify(
        settings.target, environment, cwd, settings.environ, settings.safe_path, settings.progress, settings.use_cache
    )
    note = describe_environment(environment, cwd)
    return dataclasses.replace(result, python_note=note, problems=(*environment.problems, *result.problems))
