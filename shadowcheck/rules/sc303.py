from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shadowcheck.doctor.path_entries import (
    ADDED_ORIGINS,
    PTH,
    PYTHONPATH,
    USER_SITE,
    PathEntry,
)
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.fix.names import names_in_use
from shadowcheck.ftypes import Distribution, Finding, Severity
from shadowcheck.importsystem.finders import MODULE
from shadowcheck.importsystem.meta_path import Shadow
from shadowcheck.paths import real
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

SIX = Wheel("six", "1.16.0", {"six.py": "def ensure_str(s):\n    return s\n"})


class PathShadowing(EnvironmentRule):
    code = "SC303"
    name = "path-shadowing"
    summary = "A sys.path entry before site-packages holds a module that hides an installed one or the standard library's."
    description = (
        "Every script this interpreter runs gets the same sys.path after its own directory: "
        "PYTHONPATH, the standard library, the user site and site-packages, and the directories "
        "`.pth` files name (an editable install's source directory among them). A module in an "
        "entry that was added to that path (PYTHONPATH, the user site, a `.pth` file, start-up "
        "code) and that comes before the entry holding an installed distribution or the standard "
        "library's module of the same name hides it, for every script, from any directory. Each "
        "name is resolved in CPython's order by the same import system `check` and `verify` use. "
        "One installation of a distribution hiding another installation of the same distribution "
        "(a user-site numpy over the environment's) is a warning; anything else an error. The "
        "project's own distribution (PYTHONPATH=. in its checkout) is not reported."
    )
    why = (
        "A `six.py` left in a directory on PYTHONPATH, or a `pip install --user` of an old numpy, "
        "is imported instead of what `pip list` shows in the environment: the failure (a missing "
        "attribute, a version mismatch) names the package, never the directory that hides it, and "
        "it happens only for the people whose variables or user site hold that directory."
    )
    example = "export PYTHONPATH=~/vendor   # ~/vendor/six.py hides the installed six from every script"
    fix = (
        "Take the directory out of PYTHONPATH (or out of the `.pth` file that names it), uninstall "
        "the user site's copy, or rename the module; the finding names the entry and where it came from."
    )
    valid = (
        EnvironmentExample((SIX,), (), "nothing-hidden", project={"vendor/helpers.py": ""}, environ={"PYTHONPATH": "vendor"}),
        EnvironmentExample((SIX,), (), "no-pythonpath", project={"vendor/six.py": ""}),
    )  # fmt: skip
    invalid = (
        EnvironmentExample((SIX,), (("six", "error"),), "pythonpath-hides-a-distribution", project={"vendor/six.py": ""}, environ={"PYTHONPATH": "vendor"}),
        EnvironmentExample((), (("random", "error"),), "pythonpath-hides-the-stdlib", project={"lib/random.py": ""}, environ={"PYTHONPATH": "lib"}),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        for entry in context.path:
            if entry.origin not in ADDED_ORIGINS:
                continue
            system = context.system((entry.entry,))
            for shadow in system.shadows_in(entry.entry):
                hidden_entry = system.entry_of(shadow.installed)
                yield self._finding(context, entry, shadow, hidden_entry)

    def _finding(self, context: DoctorContext, entry: PathEntry, shadow: Shadow, hidden_entry: str | None) -> Finding:
        providers = context.environment.providers(shadow.module)
        own = _located(providers, entry.entry)
        hidden = _located(providers, hidden_entry) if hidden_entry else ()
        local = context.shown(shadow.local.origin or shadow.local.search_locations[0])
        if shadow.local.kind != MODULE and shadow.local.origin is not None:
            local = context.shown(os.path.dirname(shadow.local.origin)) + "/"
        what = _describe(own) or f"`{local}`"
        if shadow.kind == "stdlib":
            target = f"the standard-library module `{shadow.module}`"
        else:
            target = _describe(hidden) or f"the installed `{shadow.module}`"
        where = context.shown(shadow.installed.origin or shadow.installed.search_locations[0])
        message = (
            f"{what} in {context.shown(entry.entry)} ({entry.described(context.shown)}) hides {target} "
            f"({where}) from every script this interpreter runs"
        )
        same = bool(own) and bool(hidden) and _names(own) == _names(hidden)
        evidence = [f"sys.path[{entry.position}]: {context.shown(entry.entry)} ({entry.described(context.shown)})"]
        if hidden_entry is not None:
            later = next((e for e in context.path if real(e.entry) == real(hidden_entry)), None)
            position = f"sys.path[{later.position}]" if later is not None else "later on sys.path"
            evidence.append(f"{position}: {context.shown(hidden_entry)}, where `import {shadow.module}` would find {where}")
        return self.finding(
            local,
            shadow.module,
            message,
            self._help(context, entry, shadow, own, local),
            severity=Severity.WARNING if same else Severity.ERROR,
            distributions=tuple((d.name, d.version) for d in (*own, *hidden)),
            evidence=tuple(evidence),
        )

    def _help(self, context: DoctorContext, entry: PathEntry, shadow: Shadow, own, local: str) -> str:
        shown = context.shown(entry.entry)
        if entry.origin == USER_SITE and own:
            command = context.installer(own)
            return (
                f"uninstall the user site's copy: `{command.uninstall([d.name for d in own])}` removes the first one "
                "found, the user site's; or set PYTHONNOUSERSITE=1 for this environment"
            )
        from shadowcheck.rules import (
            rule_for,  # the rename advice check and verify give
        )

        rename = rule_for(shadow.kind).rename_advice(
            local, shadow.module, shadow.local.kind != MODULE, names_in_use(context.environment), context.cwd
        )
        if entry.origin == PYTHONPATH:
            return f"take {shown} out of PYTHONPATH, or {rename}"
        if entry.origin == PTH and entry.source:
            return f"remove the line naming {shown} from {context.shown(entry.source)}, or {rename}"
        return f"{rename}, or stop whatever adds {shown} to sys.path"


def _located(providers: tuple[Distribution, ...], entry: str | None) -> tuple[Distribution, ...]:
    if entry is None:
        return ()
    where = real(entry)
    return tuple(d for d in providers if real(d.location) == where)


def _describe(distributions: tuple[Distribution, ...]) -> str:
    return ", ".join(f"{d.name} {d.version}".rstrip() for d in distributions)


def _names(distributions: tuple[Distribution, ...]) -> set[str]:
    return {normalize_distribution_name(d.name) for d in distributions}
