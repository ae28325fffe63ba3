"""Which project modules win over the standard library or an installed distribution."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import Distribution, TargetEnvironment
from shadowcheck.importsystem.finders import (
    NAMESPACE,
    PACKAGE,
    Spec,
    Suffixes,
    find_in_directory,
    find_on_path,
    module_names_in,
)
from shadowcheck.importsystem.roots import ImportRoot
from shadowcheck.paths import is_inside, real, same_file

STDLIB = "stdlib"
THIRD_PARTY = "third-party"


@dataclass(frozen=True)
class Shadow:
    module: str  # the import name that resolves into the project ("keras", "jaraco.functools")
    root: ImportRoot
    local: Spec  # what the project provides, found first
    installed: Spec  # what Python would import from the environment without it
    kind: str  # STDLIB or THIRD_PARTY
    distributions: tuple[Distribution, ...]

    @property
    def path(self) -> Path:
        """The file that stands for the local module: a module, or a package's __init__."""
        return Path(self.local.origin or self.local.search_locations[0])


def suffixes_of(environment: TargetEnvironment) -> Suffixes:
    return Suffixes(
        environment.extension_suffixes, environment.source_suffixes, environment.bytecode_suffixes
    )


class ShadowFinder:
    """Compares each root's modules with the target environment, sharing what it learns."""

    def __init__(self, environment: TargetEnvironment):
        self.environment = environment
        self.suffixes = suffixes_of(environment)
        self._installed: dict[tuple[str, tuple[str, ...]], Spec | None] = {}
        self._declared = dict(environment.declared)

    def path_without(self, root: Path) -> tuple[str, ...]:
        """The target's sys.path with ``root`` left out: where the shadowed module lives."""
        real_root = real(root)
        return tuple(p for p in self.environment.sys_path if real(p or ".") != real_root)

    def _find_installed(self, name: str, path: tuple[str, ...]) -> Spec | None:
        key = (name, path)
        if key not in self._installed:
            parent, _, _ = name.rpartition(".")
            if parent:
                outer = self._find_installed(parent, path)
                search = outer.search_locations if outer is not None else ()
                found = find_on_path(name, search, self.suffixes) if search else None
                self._installed[key] = found or (self._declared_spec(name) if outer and not search else None)
            else:
                self._installed[key] = find_on_path(name, path, self.suffixes) or self._declared_spec(name)
        return self._installed[key]

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
        # site-packages lives inside the stdlib directory (lib/python3.X/site-packages),
        # so it is asked first.
        if installed.origin is None and not installed.search_locations:
            return THIRD_PARTY  # declared, not installed: _declared_spec
        origin = installed.origin or installed.search_locations[0]
        if any(is_inside(origin, d) for d in self.environment.site_packages):
            return THIRD_PARTY
        in_stdlib = any(is_inside(origin, d) for d in self.environment.stdlib_paths)
        if in_stdlib or name.partition(".")[0] in self.environment.stdlib_module_names:
            return STDLIB
        return THIRD_PARTY

    def providers(self, name: str) -> tuple[Distribution, ...]:
        prefix = name + "."
        found = (
            d
            for d in self.environment.distributions
            if name in d.provides or any(p.startswith(prefix) for p in d.provides)
        )
        # Declared distributions (_declared_spec) have no version and no location.
        declared: dict[str, list[str]] = {}
        for module, distributions in self.environment.declared:
            if module == name or module.startswith(prefix):
                for distribution in distributions:
                    declared.setdefault(distribution, []).append(module)
        found = (*found, *(Distribution(d, "", "", tuple(m)) for d, m in declared.items()))
        return tuple(sorted(found, key=lambda d: (d.name.lower(), d.version)))

    def in_root(self, root: ImportRoot) -> list[Shadow]:
        """Every module in ``root`` that hides one the environment provides."""
        path = self.path_without(root.directory)
        shadows: list[Shadow] = []
        for name in sorted(module_names_in(str(root.directory), self.suffixes)):
            if self.environment.is_immune(name):
                continue
            self._compare(root, str(root.directory), name, path, shadows)
        return shadows

    def _compare(self, root: ImportRoot, directory: str, name: str, path, shadows: list[Shadow]):
        local = find_in_directory(directory, name, self.suffixes)
        installed = self._find_installed(name, path)
        if local is None or installed is None:
            return
        if local.kind == NAMESPACE:
            # A portion only matters if nothing later on sys.path is a regular package
            # or module of that name; then the namespace's submodules are searched in
            # sys.path order and ours come first (jaraco/functools.py).
            if installed.kind != NAMESPACE:
                return
            portion = local.search_locations[0]
            for child in sorted(module_names_in(portion, self.suffixes)):
                self._compare(root, portion, f"{name}.{child}", path, shadows)
            return
        if same_file(installed.origin, local.origin):
            return
        shadows.append(
            Shadow(name, root, local, installed, self.kind_of(name, installed), self.providers(name))
        )
