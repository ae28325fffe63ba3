"""What the interpreter would import with no project directory on sys.path.

Every answer to "what does the project hide" comes from here: the module PathFinder finds on
the target's own sys.path entries, whether it is the standard library's or a distribution's,
which distributions provide it, and which installed distributions require those. Where no
environment could be asked, the project's declared dependencies stand in (isolation.py).
"""

from __future__ import annotations

import os
import re

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Distribution, TargetEnvironment
from shadowcheck.importsystem.finders import (
    NAMESPACE, PACKAGE, Spec, Suffixes, find_on_path, may_find_on_path, resolve,
)  # fmt: skip
from shadowcheck.paths import real, within

STDLIB = "stdlib"
THIRD_PARTY = "third-party"

# Standard-library modules that nothing outside CPython itself imports: its regression suite,
# IDLE, the turtle demos and the easter eggs. A project module of such a name is what the
# project means by it (yolov5's test.py, mitmproxy's test/), so it hides nothing anyone wants.
UNIMPORTED_STDLIB = frozenset({"test", "idlelib", "turtledemo", "this", "antigravity", "__hello__", "__phello__"})

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def suffixes_of(environment: TargetEnvironment) -> Suffixes:
    """The suffixes the target's FileFinder tries, as its probe reported them."""
    return Suffixes(environment.extension_suffixes, environment.source_suffixes, environment.bytecode_suffixes)


def required_name(requirement: str) -> str | None:
    """The normalized distribution a Requires-Dist line always installs, else None."""
    # A requirement behind an extra ("torch; extra == 'gpu'") is installed only on request.
    if "extra" in requirement.partition(";")[2]:
        return None
    match = _REQUIREMENT_NAME.match(requirement)
    return normalize_distribution_name(match.group(1)) if match else None


class Installed:
    """The target environment's own modules, each looked up once per search path."""

    def __init__(self, environment: TargetEnvironment):
        self.environment = environment
        self.suffixes = suffixes_of(environment)
        self._declared = dict(environment.declared)
        self._found: dict[tuple[str, tuple[str, ...]], Spec | None] = {}
        self._places: dict[str, str] = {}  # origin -> _IN_SITE_PACKAGES, _IN_STDLIB or _ELSEWHERE
        self._directories: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # resolved

    def find(self, name: str, path: tuple[str, ...]) -> Spec | None:
        """PathFinder along ``path``, part by part; a declared dependency where nothing is found."""
        key = (name, path)
        if key in self._found:
            return self._found[key]
        parts = name.split(".")
        found: Spec | None = None
        for i in range(len(parts)):
            qualified = ".".join(parts[: i + 1])
            cached = self._found.get((qualified, path), False)
            if cached is not False:
                found = cached  # type: ignore[assignment]
                if found is None:
                    break
                continue
            if i == 0:
                # Most of a tree's names are nowhere in the environment: one set lookup tells.
                on_path = may_find_on_path(qualified, path, self.suffixes)
                found = (find_on_path(qualified, path, self.suffixes) if on_path else None) or self._declared_spec(qualified)
            elif found is not None and found.search_locations:
                found = find_on_path(qualified, found.search_locations, self.suffixes)
            elif found is not None:
                # Under a declared package there is no file to look in (or a plain module).
                found = self._declared_spec(qualified)
            self._found[(qualified, path)] = found
            if found is None:
                break
        self._found[key] = found
        return found

    # Declared dependencies stand in for installed distributions only when there is no project
    # environment to probe (isolation.py): a name one of them provides counts as installed
    # third-party code, with no file to point at.
    def _declared_spec(self, name: str) -> Spec | None:
        if name in self._declared:
            return Spec(name, PACKAGE, None)
        prefix = name + "."
        if any(declared.startswith(prefix) for declared in self._declared):
            return Spec(name, NAMESPACE, None)  # the parent of "google.protobuf"
        return None

    def kind_of(self, name: str, installed: Spec) -> str:
        """STDLIB or THIRD_PARTY, for what would be imported as ``name``."""
        if installed.origin in ("built-in", "frozen"):
            return STDLIB
        if installed.origin is None and not installed.search_locations:
            return THIRD_PARTY  # declared, not installed: _declared_spec
        origin = installed.origin or installed.search_locations[0]
        place = self._places.get(origin)
        if place is None:
            place = self._places[origin] = self._place_of(origin)
        if place == _IN_SITE_PACKAGES:
            return THIRD_PARTY
        if place == _IN_STDLIB or name.partition(".")[0] in self.environment.stdlib_module_names:
            return STDLIB
        return THIRD_PARTY

    def _place_of(self, origin: str) -> str:
        # Each origin resolved once a run, and the environment's directories once: a run asks
        # the kind of the same few hundred origins for every shadow of every root, and
        # realpath stats each component of each path (a fifth of a warm run on lib).
        if self._directories is None:
            self._directories = (
                tuple(real(d) for d in self.environment.site_packages),
                tuple(real(d) for d in self.environment.stdlib_paths),
            )
        site_packages, stdlib = self._directories
        resolved = real(origin)
        # site-packages lives inside the stdlib directory (lib/python3.X/site-packages),
        # so it is asked first.
        if any(within(resolved, d) for d in site_packages):
            return _IN_SITE_PACKAGES
        return _IN_STDLIB if any(within(resolved, d) for d in stdlib) else _ELSEWHERE

    def means_the_project(self, name: str, installed: Spec) -> bool:
        """True for a standard-library module only CPython itself imports (UNIMPORTED_STDLIB)."""
        return name.partition(".")[0] in UNIMPORTED_STDLIB and self.kind_of(name, installed) == STDLIB

    def providers(self, name: str) -> tuple[Distribution, ...]:
        """Installed (or declared) distributions that provide ``name`` or modules inside it."""
        prefix = name + "."
        found = [
            d
            for d in self.environment.distributions
            if name in d.provides or any(p.startswith(prefix) for p in d.provides)
        ]
        # Declared distributions (_declared_spec) have no version and no location.
        declared: dict[str, list[str]] = {}
        for module, distributions in self.environment.declared:
            if module == name or module.startswith(prefix):
                for distribution in distributions:
                    declared.setdefault(distribution, []).append(module)
        found += [Distribution(d, "", "", tuple(m)) for d, m in declared.items()]
        return tuple(sorted(found, key=lambda d: (d.name.lower(), d.version)))

    def importers_of(self, distributions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """Installed distributions whose unconditional Requires-Dist names one of ``distributions``."""
        wanted = {normalize_distribution_name(name) for name, _ in distributions}
        return tuple(
            sorted(
                {
                    (d.name, d.version)
                    for d in self.environment.distributions
                    if any(required_name(r) in wanted for r in d.requires)
                }
            )
        )

    def source_of(self, name: str) -> str | None:
        """The standard library's source file for ``name`` (frozen and start-up modules too)."""
        spec = resolve(name, tuple(self.environment.stdlib_paths), self.suffixes).found
        if spec is None or spec.origin is None:
            return None
        return spec.origin if spec.origin.endswith(tuple(self.environment.source_suffixes)) else None


_IN_SITE_PACKAGES, _IN_STDLIB, _ELSEWHERE = "site-packages", "stdlib", "elsewhere"


def real_entries(entries: tuple[str, ...]) -> tuple[str, ...]:
    """Each sys.path entry as the file system resolves it ("" is the working directory)."""
    return tuple(os.path.normcase(os.path.realpath(entry or ".")) for entry in entries)
