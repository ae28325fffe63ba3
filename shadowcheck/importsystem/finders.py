"""Where CPython's path-based import would find a module, worked out without importing it.

This mirrors ``importlib._bootstrap_external.FileFinder`` and ``PathFinder``: one directory
listing per path entry, the loaders tried in the order CPython registers them, namespace
portions collected until a regular package or module turns up.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

PACKAGE = "package"
MODULE = "module"
NAMESPACE = "namespace"


@dataclass(frozen=True)
class Suffixes:
    """The file suffixes the interpreter's loaders take, each kind in its finder's order."""

    extension: tuple[str, ...]
    source: tuple[str, ...]
    bytecode: tuple[str, ...]

    @property
    def in_loader_order(self) -> tuple[str, ...]:
        # FileFinder is built from _get_supported_file_loaders(): extensions, source, bytecode.
        return self.extension + self.source + self.bytecode


@dataclass(frozen=True)
class Spec:
    """What a finder found: a module file, a package, or a namespace package."""

    name: str
    kind: str  # PACKAGE, MODULE or NAMESPACE
    origin: str | None  # the file that would run; None for a namespace package
    # Where submodules are searched: the package directory, or every namespace portion.
    search_locations: tuple[str, ...] = ()

    @property
    def is_package(self) -> bool:
        return self.kind != MODULE


# One listing per directory per process, like FileFinder's _path_cache: the project walk
# hands over the listings it already made (remember_listings), everything else is listed once.
_LISTINGS: dict[tuple[str, bool], frozenset[str]] = {}
# The file type of each path asked about (0: absent), from one stat per path per process:
# every import root resolves names along the same sys.path entries.
_TYPES: dict[str, int] = {}
# Every name some listing along a search path could give a top-level module by, one set per
# path: most of a tree's module names are found nowhere in the environment (may_find_on_path).
_FINDABLE: dict[tuple[tuple[str, ...], str | None, Suffixes, bool], frozenset[str]] = {}


def _type(path: str) -> int:
    found = _TYPES.get(path)
    if found is None:
        try:
            found = stat.S_IFMT(os.stat(path).st_mode)
        except (OSError, ValueError):
            found = 0
        _TYPES[path] = found
    return found


def _isdir(path: str) -> bool:
    return _type(path) == stat.S_IFDIR


def _isfile(path: str) -> bool:
    # os.path.isfile: a regular file (a FIFO or socket named like a module is none).
    return _type(path) == stat.S_IFREG


def _listing(directory: str, case_ok: bool) -> frozenset[str]:
    key = (directory, case_ok)
    names = _LISTINGS.get(key)
    if names is None:
        try:
            listed: Iterable[str] = os.listdir(directory or ".")
        except OSError:
            listed = ()
        # FileFinder compares names exactly; only PYTHONCASEOK on a case-insensitive
        # platform relaxes that (importlib._bootstrap_external._relax_case).
        names = frozenset(n.lower() for n in listed) if case_ok else frozenset(listed)
        _LISTINGS[key] = names
    return names


def remember_listings(
    directories: Mapping[os.PathLike[str] | str, frozenset[str]], files: Iterable[os.PathLike[str] | str] = ()
) -> None:
    """Take directory listings already made (by the project walk) instead of listing again,
    and what it learnt of ``files``: they are regular files."""
    for directory, names in directories.items():
        _LISTINGS.setdefault((str(directory), False), names)
        _TYPES.setdefault(str(directory), stat.S_IFDIR)
    for file in files:
        _TYPES.setdefault(str(file), stat.S_IFREG)


def clear_listing_cache() -> None:
    """Forget directory listings and resolved paths (for a long-running process whose tree changes)."""
    from shadowcheck.importsystem.runs import forget_resolutions

    _LISTINGS.clear()
    _TYPES.clear()
    forget_resolutions()
    _FINDABLE.clear()


def _relax_case() -> bool:
    return sys.platform.startswith(("win", "cygwin", "darwin")) and "PYTHONCASEOK" in os.environ


def find_in_directory(directory: str, name: str, suffixes: Suffixes) -> Spec | None:
    """FileFinder.find_spec for the last part of ``name`` in one directory.

    Returns a PACKAGE or MODULE spec, a NAMESPACE spec whose single search location is
    the portion found here, or None.
    """
    tail = name.rpartition(".")[2]
    case_ok = _relax_case()
    listing = _listing(directory, case_ok)
    key = tail.lower() if case_ok else tail
    base = os.path.join(directory, tail)
    is_portion = False
    # A directory beats every module file of the same name, but only if it holds an
    # __init__ that some loader accepts; otherwise it is at most a namespace portion.
    if key in listing and _isdir(base):
        package_listing = _listing(base, case_ok)
        for suffix in suffixes.in_loader_order:
            init = "__init__" + suffix
            if (init.lower() if case_ok else init) in package_listing:
                init_path = os.path.join(base, init)
                if _isfile(init_path):
                    return Spec(name, PACKAGE, init_path, (base,))
        is_portion = True
    for suffix in suffixes.in_loader_order:
        candidate = key + (suffix.lower() if case_ok else suffix)
        if candidate in listing:
            full = os.path.join(directory, tail + suffix)
            if _isfile(full):
                return Spec(name, MODULE, full)
    if is_portion:
        return Spec(name, NAMESPACE, None, (base,))
    return None


def find_on_path(name: str, path: tuple[str, ...] | list[str], suffixes: Suffixes) -> Spec | None:
    """PathFinder.find_spec: the first regular package or module on ``path``, else a
    namespace package of every portion found, else None."""
    portions: list[str] = []
    for entry in path:
        if entry != "" and not _isdir(entry):
            continue  # zip files and missing entries: no FileFinder for them
        spec = find_in_directory(entry or os.getcwd(), name, suffixes)
        if spec is None:
            continue
        if spec.kind != NAMESPACE:
            return spec
        portions.extend(spec.search_locations)
    if portions:
        return Spec(name, NAMESPACE, None, tuple(portions))
    return None


def may_find_on_path(name: str, path: tuple[str, ...], suffixes: Suffixes) -> bool:
    """False when find_on_path(name, path, suffixes) is surely None for the top-level ``name``:
    no listing along ``path`` holds it, bare or with a suffix. One set per path, made from the
    listings find_on_path reads anyway; a name it holds still needs find_on_path's answer."""
    case_ok = _relax_case()
    key = (path, os.getcwd() if "" in path else None, suffixes, case_ok)
    names = _FINDABLE.get(key)
    if names is None:
        names = _FINDABLE[key] = _findable_names(path, suffixes, case_ok)
    return (name.lower() if case_ok else name) in names


def _findable_names(path: tuple[str, ...], suffixes: Suffixes, case_ok: bool) -> frozenset[str]:
    # A superset of what find_in_directory can find in each directory find_on_path asks: a
    # listed name is a package or namespace portion, a listed name less any suffix that ends
    # it a module (every suffix, not only the first that matches in loader order).
    tried = [suffix.lower() if case_ok else suffix for suffix in suffixes.in_loader_order]
    names: set[str] = set()
    for entry in path:
        if entry != "" and not _isdir(entry):
            continue
        for listed in _listing(entry or os.getcwd(), case_ok):
            names.add(listed)
            names.update(listed[: -len(suffix)] for suffix in tried if listed.endswith(suffix))
    return frozenset(names)


@dataclass(frozen=True)
class Resolution:
    """The outcome of importing a dotted name along a path, without running anything."""

    specs: tuple[Spec, ...]  # one per part of the name that was found, outermost first
    # Set when the chain stops: the part that was not found, and whether its parent
    # was a plain module ("'a' is not a package").
    missing: str | None = None
    parent_not_package: bool = False

    @property
    def found(self) -> Spec | None:
        return None if self.missing is not None else self.specs[-1]

    @property
    def top(self) -> Spec | None:
        return self.specs[0] if self.specs else None


def resolve(
    name: str,
    path: tuple[str, ...] | list[str],
    suffixes: Suffixes,
    before_path: Callable[[str, Spec | None], Spec | None] | None = None,
) -> Resolution:
    """Resolve every part of a dotted ``name`` the way ``import name`` walks it.

    ``before_path(qualified, parent)`` stands for what import asks before the path finder
    (sys.modules, the builtin and frozen importers); it may answer even under a plain module,
    as sys.modules does for ``os.path``.
    """
    parts = name.split(".")
    specs: list[Spec] = []
    search = tuple(path)
    for i in range(len(parts)):
        qualified = ".".join(parts[: i + 1])
        spec = before_path(qualified, specs[-1] if specs else None) if before_path else None
        if spec is not None:
            specs.append(spec)
            search = spec.search_locations
            continue
        if specs and not specs[-1].is_package:
            return Resolution(tuple(specs), qualified, parent_not_package=True)
        spec = find_on_path(qualified, search, suffixes)
        if spec is None:
            return Resolution(tuple(specs), qualified)
        specs.append(spec)
        search = spec.search_locations
    return Resolution(tuple(specs))


def module_names_in(directory: str, suffixes: Suffixes) -> set[str]:
    """Every name FileFinder could find in ``directory`` (valid identifiers only)."""
    # Only keep what a finder really finds there (a directory named like a module file's
    # stem, a file that is not a regular file, ...).
    return {n for n in listed_names(directory, suffixes) if find_in_directory(directory, n, suffixes) is not None}


def listed_names(directory: str, suffixes: Suffixes) -> set[str]:
    """The names ``directory``'s listing suggests FileFinder could find there (a superset of
    module_names_in, known without a stat)."""
    names: set[str] = set()
    for entry in _listing(directory, False):
        for suffix in suffixes.in_loader_order:
            if entry.endswith(suffix):
                stem = entry[: -len(suffix)]
                if stem.isidentifier():
                    names.add(stem)
                break
        else:
            if entry.isidentifier() and entry != "__pycache__":
                names.add(entry)
    return names
