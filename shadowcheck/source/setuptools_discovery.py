"""What setuptools puts in a wheel, mirrored from its own discovery (setuptools/discovery.py,
config/pyprojecttoml.py, config/setupcfg.py): the packages and modules it is given in
pyproject.toml, setup.cfg or setup.py, else its automatic discovery (explicit package-dir, then
src-layout, then flat-layout, which refuses several top-level packages).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shadowcheck.source.build_files import UNKNOWN, BuildConfiguration, FindPackages, setup_cfg_dict, setup_cfg_list
from shadowcheck.source.discovery import Found, holds_modules, matches, modules_in, top_name

# FlatLayoutPackageFinder._EXCLUDE and FlatLayoutModuleFinder.DEFAULT_EXCLUDE.
FLAT_EXCLUDED_PACKAGES = (
    "ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news", "newsfragments",
    "changelog", "test", "tests", "unit_test", "unit_tests", "example", "examples", "scripts",
    "tools", "util", "utils", "python", "build", "dist", "venv", "env", "requirements", "tasks",
    "fabfile", "site_scons", "benchmark", "benchmarks", "exercise", "exercises", "htmlcov", "[._]*",
)  # fmt: skip
FLAT_EXCLUDED_MODULES = (
    "setup", "conftest", "test", "tests", "example", "examples", "build", "toxfile", "noxfile",
    "pavement", "dodo", "tasks", "fabfile", "[Ss][Cc]onstruct", "conanfile", "manage",
    "benchmark", "benchmarks", "exercise", "exercises", "[._]*",
)  # fmt: skip
ALWAYS_EXCLUDED = ("ez_setup", "*__pycache__")


def find_packages(where: Path, find: FindPackages, flat: bool = False) -> Iterator[str]:
    """PackageFinder.find (PEP420PackageFinder with namespaces, FlatLayoutPackageFinder when
    ``flat``): os.walk, a directory a package by its __init__.py or, for namespaces, always."""
    exclude = (*ALWAYS_EXCLUDED, *find.exclude)
    for root, directories, _ in os.walk(where, followlinks=True):
        candidates, directories[:] = directories[:], []
        for directory in candidates:
            package = os.path.relpath(os.path.join(root, directory), where).replace(os.sep, ".")
            if "." in directory or not _looks_like_package(Path(root, directory), package, find, flat):
                continue
            if matches(package, find.include) and not matches(package, exclude):
                yield package
            if f"{package}*" in exclude or f"{package}.*" in exclude:
                continue  # setuptools prunes here, and only here
            directories.append(directory)


def _looks_like_package(path: Path, package: str, find: FindPackages, flat: bool) -> bool:
    if flat:
        parts = package.split(".")
        return (parts[0].isidentifier() or parts[0].endswith("-stubs")) and all(p.isidentifier() for p in parts[1:])
    return find.namespaces or (path / "__init__.py").is_file()


def _found_top_levels(directory: Path, find: FindPackages) -> set[str]:
    where = directory / find.where
    packages = find_packages(where, find)
    return {top_name(p) for p in packages if holds_modules(where.joinpath(*p.split(".")))}


def package_path(name: str, package_dir: dict[str, str], root: Path) -> Path:
    """setuptools' find_package_path: the most specific package_dir entry wins."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        mapped = package_dir.get(".".join(parts[:end]))
        if mapped is not None:
            return root.joinpath(mapped, *parts[end:])
    return root.joinpath(*(package_dir.get("") or ".").split("/"), *parts)


def _setuptools_options(configuration: BuildConfiguration) -> dict[str, Any]:
    # setup.cfg fills only what setup.py left empty (ConfigHandler.__setitem__); pyproject.toml's
    # [tool.setuptools] then overrides both (config/_apply_pyprojecttoml.py).
    options: dict[str, Any] = {}
    parser = configuration.setup_cfg
    if parser is not None and parser.has_section("options"):
        section = parser["options"]
        if "packages" in section:
            value = section["packages"].strip()
            if value in ("find:", "find_namespace:"):
                found = dict(parser["options.packages.find"]) if parser.has_section("options.packages.find") else {}
                options["packages"] = [FindPackages(
                    namespaces=value == "find_namespace:",
                    where=found.get("where", ".").strip() or ".",
                    exclude=tuple(setup_cfg_list(found.get("exclude", ""))),
                    include=tuple(setup_cfg_list(found.get("include", ""))) or ("*",),
                )]  # fmt: skip
            else:
                options["packages"] = setup_cfg_list(value)
        if "py_modules" in section:
            options["py_modules"] = setup_cfg_list(section["py_modules"])
        if "package_dir" in section:
            options["package_dir"] = setup_cfg_dict(section["package_dir"])
    if configuration.setup_py is not None:
        for key in ("packages", "py_modules", "package_dir", "ext_modules"):
            value = configuration.setup_py.keywords.get(key)
            if value is not None and (value or key not in options):
                options[key] = value
    tool = configuration.tool("setuptools")
    if "packages" in tool:
        packages = tool["packages"]
        find = packages.get("find") if isinstance(packages, dict) else None
        if isinstance(find, dict):
            wheres = find.get("where", ["."])
            options["packages"] = [FindPackages(
                namespaces=bool(find.get("namespaces", True)),
                where=where,
                exclude=tuple(find.get("exclude", ())),
                include=tuple(find.get("include", ("*",))),
            ) for where in ([wheres] if isinstance(wheres, str) else wheres)]  # fmt: skip
        else:
            options["packages"] = packages if isinstance(packages, list) else UNKNOWN
    for key, option in (("py-modules", "py_modules"), ("package-dir", "package_dir")):
        if key in tool:
            options[option] = tool[key]
    if "ext-modules" in tool:
        options["ext_modules"] = [("Extension", e.get("name")) for e in tool["ext-modules"] if isinstance(e, dict)]
    return options


def setuptools_modules(configuration: BuildConfiguration) -> Found:
    """What setuptools builds: the packages and modules it is given, else auto-discovery."""
    options = _setuptools_options(configuration)
    root = configuration.directory
    package_dir = options.get("package_dir") or {}
    if package_dir is UNKNOWN or not isinstance(package_dir, dict):
        return set(), False
    # ext_modules count only for a setup.py project: with [project] in pyproject.toml,
    # setuptools discovers packages anyway (ConfigDiscovery._ignore_ext_modules).
    extensions = options.get("ext_modules") if "project" not in configuration.pyproject else None
    if options.get("packages") is None and options.get("py_modules") is None and not extensions:
        return _setuptools_auto(root, package_dir)
    names: set[str] = set()
    complete = True
    for key in ("packages", "py_modules", "ext_modules"):
        value = options.get(key) if key != "ext_modules" else extensions
        if value is None:
            continue
        if value is UNKNOWN or not isinstance(value, list):
            complete = False
            continue
        for item in value:
            if isinstance(item, FindPackages):
                names |= _found_top_levels(root, item)
            elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):  # Extension
                names.add(top_name(item[1]))
            elif not isinstance(item, str):
                complete = False
            elif key == "py_modules" or holds_modules(package_path(item, package_dir, root)):
                names.add(top_name(item))
    return names, complete


def _setuptools_auto(root: Path, package_dir: dict[str, str]) -> Found:
    # ConfigDiscovery._analyse_package_layout: explicit layout, then src, then flat.
    everything = FindPackages(namespaces=True)
    explicit = {package: parent for package, parent in package_dir.items() if package}
    if explicit:
        names = set()
        for package, parent in explicit.items():
            where = root / parent
            nested = (where.joinpath(*p.split(".")) for p in find_packages(where, everything))
            if any(holds_modules(path) for path in itertools.chain([where], nested)):
                names.add(top_name(package))
        return names, True
    source = root / package_dir.get("", "src")
    if source.is_dir():
        packages = find_packages(source, everything)
        names = {top_name(p) for p in packages if holds_modules(source.joinpath(*p.split(".")))}
        return names | modules_in(source, ()), True
    # FlatLayoutPackageFinder excludes each reserved name with its ".*", so every package it
    # finds lies under a top-level one it kept: the first level decides, and a refused layout
    # costs no walk of the whole tree.
    excluded = tuple(p for x in FLAT_EXCLUDED_PACKAGES for p in (x, f"{x}.*"))
    flat = FindPackages(namespaces=True)
    top_level = [
        entry.name
        for entry in os.scandir(root)
        if entry.is_dir() and "." not in entry.name and _looks_like_package(Path(entry), entry.name, flat, True)
        and not matches(entry.name, (*ALWAYS_EXCLUDED, *excluded)) and not entry.name.endswith("-stubs")
    ]  # fmt: skip
    if len(top_level) > 1:
        return set(), False  # "Multiple top-level packages discovered in a flat-layout": no build
    if top_level:
        (top,) = top_level
        nested = (root.joinpath(top, *p.split(".")) for p in find_packages(root / top, flat, flat=True))
        return ({top} if any(holds_modules(path) for path in itertools.chain([root / top], nested)) else set()), True
    modules = modules_in(root, FLAT_EXCLUDED_MODULES)
    return (modules, True) if len(modules) <= 1 else (set(), False)
