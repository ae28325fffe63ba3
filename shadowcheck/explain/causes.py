"""From an error message to its cause, by resolving the names it gives as the failing run would.

The run's import system (importsystem/meta_path.py, the one `check` and `verify` use) says where
each name resolves and whether a project file hides what the environment provides. The message
is only explained when that resolution accounts for it: a project module hiding an installed
or standard-library one, a module nothing provides, a project module the run's sys.path does
not reach, or two project modules importing each other. When the message names a file that is
not the one this run resolves the name to, the error came from another directory, interpreter
or state of the tree, and `explain` says so instead of guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

from shadowcheck.doctor.imports import provided_by_metadata
from shadowcheck.doctor.install import install_advice
from shadowcheck.explain.messages import (
    CANNOT_IMPORT,
    NO_MODULE,
    NOT_A_PACKAGE,
    ErrorReading,
)
from shadowcheck.explain.pasted import Frame
from shadowcheck.explain.report import (
    CIRCULAR,
    MISSING,
    NOT_ON_PATH,
    SHADOW,
    Explanation,
)
from shadowcheck.fix.names import names_in_use
from shadowcheck.importsystem.finders import MODULE, NAMESPACE, Spec
from shadowcheck.importsystem.meta_path import ImportSystem, Shadow
from shadowcheck.paths import is_inside, relative, same_file
from shadowcheck.rules import rule_for
from shadowcheck.source.store import SourceStore


class Explainer:
    """Explains one error message for one run."""

    def __init__(self, system: ImportSystem, sources: SourceStore, cwd: Path, project_root: Path, frames: tuple[Frame, ...]):
        self.system = system
        self.sources = sources
        self.cwd = cwd
        self.project_root = project_root
        self.frames = frames
        self.taken = names_in_use(system.environment)  # what a suggested new name must avoid

    def explain(self, error: str, reading: ErrorReading) -> Explanation:
        if reading.kind == NOT_A_PACKAGE:
            return self._not_a_package(error, reading)
        if reading.kind == NO_MODULE:
            return self._no_module(error, reading)
        return self._missing_name(error, reading)

    # --- what each kind of message can mean ---------------------------------------------------

    def _not_a_package(self, error: str, reading: ErrorReading) -> Explanation:
        parent = reading.module.rpartition(".")[0]
        resolution = self.system.resolve(parent)
        spec = resolution.found
        if spec is None or spec.kind != MODULE:
            return self._elsewhere(error, reading, parent, spec)
        shadow = self.system.shadow_in(resolution.specs)
        if shadow is not None:
            has = self.system.installed.find(reading.module, self.system.installed_path) is not None
            what = f"; the {'standard library' if shadow.kind == 'stdlib' else 'installed'} `{parent}` has `{reading.module}`" if has else ""
            return self._shadow(error, reading, shadow, f"`{parent}` is {self._shown(spec)}, a module, not a package{what}")
        return self._unknown(
            error, reading,
            f"`{parent}` is {self._shown(spec)} ({self._kind(spec)}), a module with no submodules, and it hides no "
            f"other `{parent}`: no shadow explains the error",
        )  # fmt: skip

    def _no_module(self, error: str, reading: ErrorReading) -> Explanation:
        module = reading.module
        resolution = self.system.resolve(module)
        if resolution.found is not None:
            return self._elsewhere(error, reading, module, resolution.found)
        if resolution.missing != module or resolution.parent_not_package:
            # CPython names the first part it cannot find, and says when its parent is a plain
            # module: this run would have raised another error.
            last = resolution.specs[-1] if resolution.specs else None
            return self._elsewhere(error, reading, last.name if last else module, last)
        shadow = self.system.shadow_in(resolution.specs)
        if shadow is not None:
            installed = self.system.installed.find(module, self.system.installed_path)
            has = f", which has `{module}` ({self._shown(installed)})" if installed is not None else ""
            return self._shadow(error, reading, shadow, f"`{shadow.module}` is {self._shown(shadow.local)}{has}")
        parent = resolution.specs[-1] if resolution.specs else None
        if parent is not None and parent.kind != NAMESPACE:
            return self._unknown(
                error, reading,
                f"`{parent.name}` is {self._shown(parent)} ({self._kind(parent)}), which has no `{resolution.missing}`: "
                "it may have been renamed or removed in the version installed",
            )  # fmt: skip
        missing = resolution.missing or module
        provider = provided_by_metadata(self.system.environment, missing)
        if provider is not None:
            return self._unknown(
                error, reading,
                f"`{missing}` is on none of this run's sys.path entries, but {provider.name} {provider.version} provides it "
                "(through a finder of its own, or from a directory this run does not reach)",
            )  # fmt: skip
        found = self._in_project(missing)
        if found is not None:
            return self._not_on_path(error, reading, missing, found)
        environment = self.system.environment
        advice = self._advice(missing)
        return Explanation(
            error, True,
            f"nothing in {relative(environment.python, self.cwd)}'s environment provides `{missing}`, and the project has "
            f"no module of that name",
            cause=MISSING, module=missing, fix=advice.help, code="SC304",
            evidence=(f"`{missing}` is on none of this run's sys.path entries, and no installed distribution lists it",),
        )  # fmt: skip

    def _missing_name(self, error: str, reading: ErrorReading) -> Explanation:
        # `cannot import name 'Y' from 'X'` and `module 'X' has no attribute 'Y'`.
        module = reading.module
        resolution = self.system.resolve(module)
        spec = resolution.found
        if spec is None or (reading.path is not None and not _same(reading.path, spec, self.cwd)):
            return self._elsewhere(error, reading, module, spec)
        shadow = self.system.shadow_in(resolution.specs)
        if shadow is not None:
            defines = self._defines(shadow.installed, reading.name)
            what = f"; the {'standard library' if shadow.kind == 'stdlib' else 'installed'} `{module}` defines `{reading.name}`" if defines else ""
            itself = ""
            if reading.initializing and _same_file(spec, self._frame_files(), self.cwd):
                itself = f" (and it imports `{module}` itself, so it gets itself, still running)"
            return self._shadow(error, reading, shadow, f"`{shadow.module}` is {self._shown(shadow.local)}{itself}{what}")
        if spec.kind == NAMESPACE and reading.kind == CANNOT_IMPORT:
            child = f"{module}.{reading.name}"
            if self.system.resolve(child).found is None:
                return self._no_module(error, ErrorReading(NO_MODULE, child))
        if reading.initializing and self.system.is_project(spec):
            cycle = self._cycle(spec)
            if cycle is not None:
                return self._circular(error, reading, spec, cycle)
        why = (
            "it was still running, but the traceback does not show the project files that import each other"
            if reading.initializing
            else f"no shadow and no circular import explains the missing `{reading.name}`"
        )
        return self._unknown(error, reading, f"`{module}` is {self._shown(spec)} ({self._kind(spec)}), which no project file hides: {why}")

    # --- the explanations ----------------------------------------------------------------------

    def _shadow(self, error: str, reading: ErrorReading, shadow: Shadow, finding: str) -> Explanation:
        rule = rule_for(shadow.kind)
        shown = self._shown(shadow.local)
        what = (
            f"the standard-library module `{shadow.module}`"
            if shadow.kind == "stdlib"
            else ", ".join(f"{n} {v}".rstrip() for n, v in shadow.shadowed.distributions) or f"the installed `{shadow.module}`"
        )
        entry = shadow.entry or str(self.cwd)
        first = self.system.run.entries.index(shadow.entry) if shadow.entry in self.system.run.entries else None
        place = f"sys.path[{first}]" if first is not None else "on sys.path"
        message = (
            f"{shown} hides {what}: {relative(entry, self.cwd) or '.'} is {place} for this run, before "
            f"{relative(shadow.installed.origin or shadow.installed.search_locations[0], self.cwd)}"
        )
        fix = f"{rule.rename_advice(shown, shadow.module, shadow.local.kind != MODULE, self.taken, self.cwd)} so that '{shadow.module}' imports {what}"
        return Explanation(
            error, True, message, cause=SHADOW, file=shown,
            module=shadow.module, fix=fix, code=rule.code, shadows=shadow.shadowed, evidence=(finding,),
        )  # fmt: skip

    def _not_on_path(self, error: str, reading: ErrorReading, module: str, found: Path) -> Explanation:
        home = found.parent.parent if found.name == "__init__.py" else found.parent
        shown_home = relative(home, self.cwd)
        run_as = _module_name(Path(self.system.run.main), home) if self.system.run.main else None
        cd = "" if shown_home == "." else f"cd {shown_home} && "
        how = f"`{cd}python -m {run_as}`" if run_as else f"`python -m ...` from {shown_home}/"
        return Explanation(
            error, True,
            f"`{module}` is the project's {relative(found, self.cwd)}, but this run's sys.path does not reach "
            f"{shown_home}/: Python puts the script's own directory first, not the directory you run it from",
            cause=NOT_ON_PATH, file=relative(found, self.cwd), module=module,
            fix=(
                f"run the script as a module from {shown_home}/ ({how}), install the project into the environment "
                f"(`pip install -e {shown_home}`, with its build files), or add {shown_home} to PYTHONPATH"
            ),
            evidence=(f"sys.path[0] of this run: {relative(self.system.run.entries[0], self.cwd) if self.system.run.entries else '(none)'}",),
        )  # fmt: skip

    def _circular(self, error: str, reading: ErrorReading, spec: Spec, cycle: tuple[Frame, Frame]) -> Explanation:
        started, importer = cycle
        file = relative(spec.origin or "", self.cwd)
        at = f"{relative(importer.file, self.cwd)}:{importer.line}"
        evidence = tuple(f"{relative(f.file, self.cwd)}:{f.line}: {f.source or ''}".rstrip(": ") for f in self.frames)
        if _same_file(spec, [importer.file], self.cwd):
            # The module imports its own name and gets itself: nothing else provides the name.
            rule = rule_for("third-party")
            return Explanation(
                error, True,
                f"{file} imports `{reading.module}` (line {started.line}: `{started.source or 'an import'}`) and gets "
                f"itself, still running, since its directory comes first on sys.path and nothing installed is named "
                f"`{reading.module}`: at line {importer.line} it has no `{reading.name}` yet",
                cause=CIRCULAR, file=file, module=reading.module,
                fix=(
                    f"{rule.rename_advice(file, reading.module, spec.kind != MODULE, self.taken, self.cwd)}, and if you meant the library "
                    f"`{reading.module}`, {self._advice(reading.module).help}"
                ),
                evidence=evidence,
            )  # fmt: skip
        return Explanation(
            error, True,
            f"a circular import between project modules: {file} was still running (from line {started.line}, "
            f"`{started.source or 'an import'}`) when {at} asked it for `{reading.name}`, which it had not defined yet",
            cause=CIRCULAR, file=relative(importer.file, self.cwd), module=reading.module,
            fix=(
                f"break the cycle: in {relative(importer.file, self.cwd)}, import the module (`import {reading.module}`) and "
                f"use `{reading.module}.{reading.name}` where it is needed, or move the import into the function that "
                f"uses it; or define `{reading.name}` in {file} before its import at line {started.line}"
            ),
            evidence=evidence,
        )  # fmt: skip

    def _elsewhere(self, error: str, reading: ErrorReading, module: str, spec: Spec | None) -> Explanation:
        if spec is None:
            here = f"nothing provides `{module}` to this run"
        else:
            here = f"`{module}` is {self._shown(spec)} for this run"
        said = f" (the error names {reading.path})" if reading.path else ""
        return self._unknown(
            error, reading,
            f"{here}, which does not account for the error{said}: it came from another directory, another "
            "interpreter (--python) or another state of the files",
        )

    def _unknown(self, error: str, reading: ErrorReading, found: str) -> Explanation:
        return Explanation(error, False, f"shadowcheck does not know the cause: {found}.", module=reading.module)

    # --- helpers ----------------------------------------------------------------------------------

    def _shown(self, spec: Spec | None) -> str:
        if spec is None:
            return "nothing"
        if spec.origin in ("built-in", "frozen"):
            return f"the {spec.origin} module"
        if spec.kind == MODULE or spec.origin is None:
            where = spec.origin or (spec.search_locations[0] if spec.search_locations else "")
            return relative(where, self.cwd) if where else f"`{spec.name}`"
        return relative(spec.search_locations[0], self.cwd) + "/"

    def _advice(self, module: str):
        environment = self.system.environment
        return install_advice(module, environment, relative(environment.python, self.cwd))

    def _kind(self, spec: Spec) -> str:
        kind = self.system.kind_of(spec)
        return {"project": "the project's", "site-packages": "installed", "stdlib": "the standard library's"}.get(kind, kind)

    def _defines(self, spec: Spec, name: str | None) -> bool:
        if name is None or spec.origin is None:
            return False
        defined = self.sources.defined(spec.origin)
        if defined is not None and name in defined:
            return True
        return spec.kind != MODULE and self.system.submodule(spec, name) is not None

    def _frame_files(self) -> list[str]:
        return [f.file for f in self.frames]

    def _cycle(self, spec: Spec) -> tuple[Frame, Frame] | None:
        """(the frame of ``spec``'s module that was still running, the last frame: the import
        that asked it for a name too early), from the traceback."""
        running = [f for f in self.frames[:-1] if f.function == "<module>" and _same_file(spec, [f.file], self.cwd)]
        if not running or not self.frames:
            return None
        return running[0], self.frames[-1]

    def _in_project(self, module: str) -> Path | None:
        """A project module or package named like the top of ``module`` that this run cannot
        reach: in the project root or the working directory, their src/, or a directory
        between the run's own and either of them."""
        top = module.partition(".")[0]
        start = Path(self.system.run.entries[0]) if self.system.run.entries and self.system.run.entries[0] else self.cwd
        tops = [self.project_root, self.cwd]
        places = [*tops, *(t / "src" for t in tops)]
        directory = start
        while any(is_inside(directory, t) for t in tops) and directory != directory.parent:
            places.append(directory)
            directory = directory.parent
        for place in dict.fromkeys(places):
            for candidate in (place / top / "__init__.py", place / f"{top}.py"):
                if candidate.is_file():
                    return candidate
        return None


def _module_name(script: Path, home: Path) -> str | None:
    """The name `python -m` runs ``script`` by from ``home``, if it is inside it."""
    try:
        parts = script.with_suffix("").relative_to(home).parts
    except ValueError:
        return None
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def _same(path: str, spec: Spec, cwd: Path) -> bool:
    """Whether the error's path (as CPython printed it) is the file ``spec`` runs."""
    absolute = os.path.join(cwd, path)
    if spec.origin is not None and same_file(absolute, spec.origin):
        return True
    # 3.13's hint names a package by its __init__; a namespace has no file.
    return any(same_file(absolute, location) for location in spec.search_locations)


def _same_file(spec: Spec, files: list[str], cwd: Path | None = None) -> bool:
    return spec.origin is not None and any(same_file(os.path.join(cwd or "", f), spec.origin) for f in files)
