"""`shadowcheck verify`: a script + the target environment -> where each of its imports lands.

The run is predicted, never performed: sys.path is built as CPython builds it for
``python SCRIPT`` or ``python -m MODULE`` (importsystem/runs.py), every import of the script and of the
project modules it reaches is resolved as ``importlib._bootstrap._find_and_load`` would walk
it, and every other project module that hides an installed one is listed too.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.environment import describe_environment, project_environment
from shadowcheck.environment.import_names import install_hint
from shadowcheck.ftypes import NO_PROGRESS, Problem, Progress, ShadowcheckError, Shadowed, TargetEnvironment
from shadowcheck.importsystem.finders import (
    NAMESPACE,
    Resolution,
    Spec,
    find_on_path,
    module_names_in,
)
from shadowcheck.importsystem.predict import Predictor
from shadowcheck.importsystem.runs import PROJECT, RunResolver, run_path, runpy_modules
from shadowcheck.paths import relative
from shadowcheck.source.reader import ImportStatement
from shadowcheck.source.store import SourceStore

OK, SHADOWED, NOT_A_PACKAGE, MISSING = "ok", "shadowed", "not-a-package", "missing"
REFERENCE_SCRIPT = Path(__file__).with_name("reference") / "cnn_train.py"


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


@dataclass(frozen=True)
class VerifiedImport:
    module: str  # absolute, as imported: `from a.b import c` -> "a.b"
    path: str  # the file holding the statement; for a scanned shadow, the shadowing file
    line: int | None  # None for a shadow found by the directory scan
    status: str  # OK, SHADOWED, NOT_A_PACKAGE or MISSING
    origin: str | None  # spec.origin of the top-level module
    kind: str  # runpath.PROJECT, SITE_PACKAGES, STDLIB_KIND, BUILT_IN, FROZEN or MISSING
    statement: str | None = None
    shadowed_module: str | None = None  # the name that resolves into the project
    shadows: Shadowed | None = None
    predicted_error: str | None = None
    guarded: bool = False  # under try/except ImportError: a missing module is only a warning
    fix: str | None = None
    importers: tuple[tuple[str, str], ...] = ()  # installed (name, version) requiring it

    @property
    def severity(self) -> str | None:
        if self.status == OK:
            return None
        return "warning" if self.guarded and self.status == MISSING else "error"


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
class _File:
    path: Path
    package: str | None  # __package__ while it runs; None for a script run by path


def absolute_name(statement: ImportStatement, package: str | None) -> tuple[str | None, str | None]:
    """(absolute module, None) or (None, the ImportError) for a possibly relative import."""
    if not statement.level:
        return statement.module, None
    # importlib._bootstrap._resolve_name: one dot is __package__ itself.
    if not package:
        return None, "ImportError: attempted relative import with no known parent package"
    bits = package.rsplit(".", statement.level - 1)
    if len(bits) < statement.level:
        return None, "ImportError: attempted relative import beyond top-level package"
    base = bits[0]
    return (f"{base}.{statement.module}" if statement.module else base), None


class _Walk:
    """Resolves the imports of the script and of every project module they reach."""

    def __init__(self, resolver: RunResolver, cwd: Path, progress: Progress = NO_PROGRESS, use_cache: bool = False):
        self.resolver = resolver
        self.cwd = cwd
        self.progress = progress
        self.sources = SourceStore(use_cache=use_cache)
        env = resolver.environment
        self.predictor = Predictor(resolver.suffixes, env.version, env.stdlib_module_names, self.sources.defined)
        self.records: dict[tuple[str, int | None, str], VerifiedImport] = {}
        self._queue: list[_File] = []
        self._seen: set[Path] = set()

    def follow(self, spec: Spec, name: str) -> None:
        # Only project source runs here and is read; bytecode and extensions stay opaque.
        if spec.origin is None or not self.resolver.is_project(spec):
            return
        if not spec.origin.endswith(tuple(self.resolver.environment.source_suffixes)):
            return
        path = Path(spec.origin)
        if path not in self._seen:
            self._seen.add(path)
            package = name if spec.kind != "module" else name.rpartition(".")[0]
            self._queue.append(_File(path, package or None))

    def run(self, first: _File) -> None:
        self._seen.add(first.path)
        self._queue.append(first)
        while self._queue:
            file = self._queue.pop(0)
            parsed = self.sources.imports(file.path)
            self.progress.advance("files read")
            # A file that cannot be read is one problem; the rest of the run is still predicted.
            for statement in parsed.imports if parsed is not None else ():
                if not statement.type_checking:
                    self._statement(file, statement)

    def _statement(self, file: _File, statement: ImportStatement) -> None:
        where = relative(file.path, self.cwd)
        module, error = absolute_name(statement, file.package)
        if module is None:
            shown = "." * statement.level + statement.module
            record = VerifiedImport(
                shown, where, statement.line, MISSING, None, "missing", statement.statement,
                predicted_error=error, guarded=statement.guarded,
                fix="run it as a module of its package (python -m) or make the import absolute",
            )  # fmt: skip
            self._keep(record)
            return
        self._keep(self.verify(module, statement, file, where))

    def _keep(self, record: VerifiedImport) -> None:
        # Each file is read once, so each statement is reported once, where it appears.
        self.records[(record.path, record.line, record.module)] = record

    def verify(self, module: str, statement: ImportStatement, file: _File, where: str) -> VerifiedImport:
        resolver = self.resolver
        resolution = resolver.resolve(module)
        specs = list(resolution.specs)
        for spec in specs:
            self.follow(spec, spec.name)
        final = resolution.found
        if final is not None and final.is_package:
            # `from pkg import sub` imports pkg.sub when it is a submodule.
            for name in statement.names:
                sub = find_on_path(f"{module}.{name}", final.search_locations, resolver.suffixes)
                if sub is not None:
                    self.follow(sub, sub.name)
                    if final.kind == NAMESPACE:
                        specs.append(sub)
        top = resolution.top
        base = {
            "module": module, "path": where, "line": statement.line, "origin": top.origin if top else None,
            "kind": resolver.kind_of(top), "statement": statement.statement, "guarded": statement.guarded,
        }  # fmt: skip
        shadow = resolver.shadow_in(specs)
        if shadow is not None:
            local, installed = shadow
            shadowed = resolver.shadowed(local, installed)
            absolute = dataclasses.replace(statement, module=module, level=0)
            error = self.predictor.predict(absolute, local.name, local, file.path, self._attributes(file))
            return VerifiedImport(
                **base, status=SHADOWED, shadowed_module=local.name, shadows=shadowed,
                predicted_error=error, fix=self._rename(local, shadowed),
            )  # fmt: skip
        if resolution.missing is None:
            return VerifiedImport(**base, status=OK)
        missing = resolution.missing
        parent = missing.rpartition(".")[0]
        if resolution.parent_not_package:
            error = f"ModuleNotFoundError: No module named '{missing}'; '{parent}' is not a package"
            fix = f"'{parent}' is the module {resolver_where(specs[-1], self.cwd)}, not a package"
            return VerifiedImport(**base, status=NOT_A_PACKAGE, predicted_error=error, fix=fix)
        return VerifiedImport(
            **base, status=MISSING, predicted_error=f"ModuleNotFoundError: No module named '{missing}'",
            fix=self._install(missing, bool(parent)),
        )  # fmt: skip

    def _attributes(self, file: _File):
        parsed = self.sources.imports(file.path)
        return parsed.attributes if parsed is not None else ()

    def _rename(self, local: Spec, shadowed: Shadowed) -> str:
        what = (
            f"the standard library module '{local.name}'"
            if shadowed.kind == "stdlib"
            else ", ".join(f"{n} {v}" for n, v in shadowed.distributions) or f"the installed '{local.name}'"
        )
        return f"rename {resolver_where(local, self.cwd)} so that '{local.name}' imports {what}"

    def _install(self, missing: str, is_submodule: bool) -> str:
        if is_submodule:
            return f"nothing provides '{missing}': check the name, or the version of its package"
        top = missing.partition(".")[0]
        known = self.resolver.finder.providers(top)
        if known:
            # Installed, yet not on this run's sys.path (-P, another site-packages, ...).
            names = ", ".join(f"{d.name} {d.version} (in {d.location})" for d in known)
            return f"'{top}' is installed as {names}, which this run's sys.path does not reach"
        hint = install_hint(top)
        if hint:
            return f"pip install {hint}  (the distribution that provides '{top}')"
        return f"install the distribution that provides '{top}' into {self.resolver.environment.python}'s environment"

    def scan(self) -> list[VerifiedImport]:
        """Every other project module on sys.path that hides an installed one."""
        resolver = self.resolver
        reported = {r.shadowed_module for r in self.records.values()} | {r.module for r in self.records.values()}
        found: list[VerifiedImport] = []
        names: list[str] = []
        for entry in resolver.path.project:
            for name in sorted(module_names_in(entry or str(self.cwd), resolver.suffixes)):
                if name not in names and not resolver.environment.is_immune(name):
                    names.append(name)
        while names:
            name = names.pop(0)
            resolution = resolver.resolve(name)
            top = resolution.found
            if top is None or not resolver.is_project(top):
                continue
            if top.kind == NAMESPACE:
                # Its submodules are searched portion by portion, ours first (jaraco/functools.py).
                for portion in top.search_locations:
                    names.extend(f"{name}.{child}" for child in sorted(module_names_in(portion, resolver.suffixes)))
                continue
            shadow = resolver.shadow_in([top])
            if shadow is None or name in reported:
                continue
            local, installed = shadow
            shadowed = resolver.shadowed(local, installed)
            first = resolver.resolve(name.partition(".")[0]).top
            found.append(
                VerifiedImport(
                    name, resolver_where(local, self.cwd), None, SHADOWED, first.origin if first else None,
                    PROJECT, shadowed_module=name, shadows=shadowed, fix=self._rename(local, shadowed),
                    importers=resolver.importers_of(shadowed),
                )
            )  # fmt: skip
        return found


def resolver_where(spec: Spec, cwd: Path) -> str:
    """The file (or, for a package, the directory) that stands for a module in messages."""
    if spec.kind == "module" or spec.origin is None:
        return relative(spec.origin or spec.search_locations[0], cwd)
    return relative(spec.search_locations[0], cwd) + "/"


def _order(records: list[VerifiedImport]) -> tuple[VerifiedImport, ...]:
    rank = {"error": 0, "warning": 1, None: 2}
    return tuple(sorted(records, key=lambda r: rank[r.severity]))  # stable: keeps the order met


def verify(
    target: Target, environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str], safe_path: bool = False,
    progress: Progress = NO_PROGRESS, use_cache: bool = False,
) -> Verification:
    """Predict every import of one run of ``target`` with ``environment``'s interpreter."""
    safe = safe_path or bool(environ.get("PYTHONSAFEPATH"))
    if safe and environment.version < (3, 11):
        if safe_path:
            raise ShadowcheckError(f"-P (--safe-path) needs Python 3.11 or newer; {environment.python} is older")
        safe = False  # PYTHONSAFEPATH means nothing before 3.11
    startup = environment.startup_module_names
    if target.module is not None:
        # `python -m`: sys.path[0] is the working directory (os.getcwd(), so symlinks resolved).
        path0 = None if safe else os.path.realpath(cwd)
        startup = startup | runpy_modules(environment.version)
        resolver = RunResolver(environment, run_path(environment, path0, cwd, environ), cwd, startup)
        walk = _Walk(resolver, cwd, progress, use_cache)
        first, shown = _module_target(target.module, resolver, walk)
    else:
        script = REFERENCE_SCRIPT if target.reference else Path(os.path.abspath(cwd / target.script))
        if script.is_dir():
            # `python DIR` runs DIR/__main__.py, with DIR first on sys.path.
            if not (script / "__main__.py").is_file():
                raise ShadowcheckError(f"{relative(script, cwd)}: can't find '__main__' module in it")
            script = script / "__main__.py"
        if not script.is_file():
            raise ShadowcheckError(f"{relative(script, cwd)}: no such file")
        # The reference script is verified as if it sat in the working directory.
        home = os.path.realpath(cwd) if target.reference else os.path.dirname(os.path.realpath(script))
        resolver = RunResolver(environment, run_path(environment, None if safe else home, cwd, environ), cwd, startup)
        resolver.main = str(script)
        walk = _Walk(resolver, cwd, progress, use_cache)
        first, shown = _File(script, None), relative(script, cwd)
    walk.run(first)
    records = list(walk.records.values()) + walk.scan()
    return Verification(
        shown, environment.python, resolver.path.entries, _order(records), problems=tuple(walk.sources.problems),
        notes=tuple(walk.sources.notes),
    )


def _module_target(module: str, resolver: RunResolver, walk: _Walk) -> tuple[_File, str]:
    # The messages are runpy._get_module_details' own, which `python -m` prints.
    if module.startswith("."):
        raise ShadowcheckError(f"python -m {module}: Relative module names not supported")
    resolution: Resolution = resolver.resolve(module) if module else Resolution((), "")
    spec = resolution.found
    if spec is not None and spec.is_package:
        # runpy runs a package's __main__ submodule.
        package = spec
        spec = find_on_path(f"{module}.__main__", package.search_locations, resolver.suffixes)
        if spec is None:
            raise ShadowcheckError(
                f"python -m {module}: No module named {module}.__main__; "
                f"'{module}' is a package and cannot be directly executed"
            )
        resolution = resolver.resolve(f"{module}.__main__")
    if spec is None:
        raise ShadowcheckError(f"python -m {module}: No module named {module} on this run's sys.path")
    if spec.origin is None or not spec.origin.endswith(tuple(resolver.environment.source_suffixes)):
        raise ShadowcheckError(f"{module}: {spec.origin} is not Python source, so its imports cannot be read")
    resolver.main = spec.origin
    # runpy imports the parent packages first: their __init__ files run before the module.
    for parent in resolution.specs[:-1]:
        walk.follow(parent, parent.name)
    return _File(Path(spec.origin), spec.name.rpartition(".")[0] or None), relative(spec.origin, walk.cwd)


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
