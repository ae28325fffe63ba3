"""Which top-level modules a project's wheel holds, read from its build configuration as each
build backend reads it: hatchling, flit, Poetry, PDM and maturin here, setuptools in
setuptools_discovery.py.

Each function mirrors its backend's own discovery (the file it follows is named beside it) and
answers (top-level names, complete): complete is False when the configuration cannot be read
statically or the backend would refuse to build, and layout.py then falls back to the project's
name. A wheel holds a top-level name only when some Python file lands under it, so directories
that would ship nothing (or only data) are left out.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shadowcheck.source.build_files import BuildConfiguration

Found = tuple[set[str], bool]
GLOB_CHARACTERS = re.compile(r"[*?\[]")


def has_python(path: Path) -> bool:
    """A .py file, or a directory with a .py file somewhere below it."""
    if path.is_file():
        return path.suffix == ".py"
    for _, directories, files in os.walk(path, followlinks=True):
        if any(name.endswith(".py") for name in files):
            return True
        directories[:] = [d for d in directories if d != "__pycache__"]
    return False


def holds_modules(directory: Path) -> bool:
    # setuptools' build_py copies the modules of each listed package's own directory.
    try:
        return any(entry.name.endswith(".py") and entry.is_file() for entry in os.scandir(directory))
    except OSError:
        return False


def top_name(name: str) -> str:
    return name.split(".")[0]


def module_name(relative: str) -> str | None:
    # "pkg", "pkg/sub", "mod.py" -> the top-level name it ships as.
    first = relative.strip("/").split("/")[0]
    return first[: -len(".py")] if first.endswith(".py") else first or None


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def modules_in(directory: Path, excluded: tuple[str, ...]) -> set[str]:
    # setuptools' ModuleFinder: the *.py files directly in ``directory`` whose names are identifiers.
    stems = {path.stem for path in directory.glob("*.py") if path.is_file()}
    return {s for s in stems if s.isidentifier() and not matches(s, excluded)}


# --- hatchling (hatchling/builders/wheel.py, builders/config.py) --------------------------------


def hatch_modules(configuration: BuildConfiguration) -> Found:
    """Hatchling's wheel target: packages, only-include, include, force-include, else the
    project name found as ``<name>/``, ``src/<name>/``, ``<name>.py`` or ``*/<name>/``."""
    build = configuration.tool("hatch").get("build", {})
    target = build.get("targets", {}).get("wheel", {})

    def option(key: str, default: Any) -> Any:
        return target.get(key, build.get(key, default))

    packages, only_include, include = option("packages", []), option("only-include", []), option("include", [])
    if packages or only_include or include:
        sources = _hatch_sources(option("sources", []), packages)
        names, complete = set(), True
        for path in [*packages, *only_include, *include]:
            path = path.strip("/")
            if GLOB_CHARACTERS.search(path.split("/")[0]):
                complete = False
                continue
            shipped = _hatch_distribution_path(path, sources)
            name = module_name(shipped)
            if name and has_python(configuration.directory / path):
                names.add(name)
        names.update(filter(None, (module_name(d) for d in option("force-include", {}).values())))
        return names, complete
    root = configuration.directory
    for project_name in _hatch_project_names(configuration):
        if (root / project_name / "__init__.py").is_file() or (root / "src" / project_name / "__init__.py").is_file():
            return {project_name}, True
        if (root / f"{project_name}.py").is_file():
            return {project_name}, True
        namespaces = list(root.glob(f"*/{project_name}/__init__.py"))
        if len(namespaces) == 1:
            return {namespaces[0].relative_to(root).parts[0]}, True
    return set(), False  # "Unable to determine which files to ship inside the wheel"


def _hatch_project_names(configuration: BuildConfiguration) -> list[str]:
    # normalize_file_name_component of the raw name, then of the normalized name.
    raw = configuration.pyproject.get("project", {}).get("name")
    if not isinstance(raw, str):
        return []
    normalized = re.sub(r"[-_.]+", "-", raw).lower()
    return list(dict.fromkeys(re.sub(r"[^\w\d.]+", "_", name) for name in (raw, normalized)))


def _hatch_sources(raw: Any, packages: list[str]) -> dict[str, str]:
    sources: dict[str, str] = {}
    if isinstance(raw, list):
        sources = {f"{s.strip('/')}/": "" for s in raw if isinstance(s, str) and s}
    elif isinstance(raw, dict):
        for source, path in raw.items():
            path = path.strip("/")
            sources[f"{source.strip('/')}/" if source else ""] = "" if path in ("", ".") else f"{path}/"
    for package in packages:  # "src/foo" ships as "foo"
        parent = package.strip("/").rpartition("/")[0]
        if parent and f"{package.strip('/')}/" not in sources:
            sources[f"{parent}/"] = ""
    return dict(sorted(sources.items()))


def _hatch_distribution_path(relative: str, sources: dict[str, str]) -> str:
    for source, replacement in sources.items():  # get_distribution_path
        if not source:
            return replacement + relative
        if f"{relative}/".startswith(source):
            return f"{relative}/".replace(source, replacement, 1).rstrip("/")
    return relative


# --- flit (flit_core/config.py, common.py: Module) -------------------------------------------


def flit_modules(configuration: BuildConfiguration) -> Found:
    """flit's one module: [tool.flit.module] name, else the project name with "-" as "_", as
    ``<name>/``, ``<name>.py``, ``src/<name>/`` or ``src/<name>.py``."""
    flit = configuration.tool("flit")
    module = flit.get("module", {}).get("name") or flit.get("metadata", {}).get("module")
    if not isinstance(module, str):
        name = configuration.pyproject.get("project", {}).get("name")
        module = name.replace("-", "_") if isinstance(name, str) else None
    if module is None:
        return set(), False
    path = module.replace(".", "/")
    root = configuration.directory
    existing = [p for p in (root / path, root / f"{path}.py", root / "src" / path, root / "src" / f"{path}.py") if p.exists()]
    return ({top_name(module)}, True) if len(existing) == 1 else (set(), False)


# --- Poetry (poetry/core/masonry/utils/module.py) ------------------------------------------------


def poetry_modules(configuration: BuildConfiguration) -> Found:
    """[tool.poetry] packages bound for the wheel, else the lowercased project name with "-" as
    "_", as a package or module at the root or in ``src/``."""
    poetry = configuration.tool("poetry")
    root = configuration.directory
    packages = poetry.get("packages")
    if isinstance(packages, list) and packages:
        names, complete = set(), True
        for package in packages:
            if not isinstance(package, dict) or not isinstance(package.get("include"), str):
                complete = False
                continue
            formats = package.get("format", ["sdist", "wheel"])
            if "wheel" not in ([formats] if isinstance(formats, str) else formats):
                continue
            base = root / package.get("from", ".")
            for path in _poetrymatches(base, package["include"]):
                name = module_name(package["to"]) if package.get("to") else module_name(path)
                if name and has_python(base / path):
                    names.add(name)
        return names, complete
    name = poetry.get("name") or configuration.pyproject.get("project", {}).get("name")
    if not isinstance(name, str):
        return set(), False
    module = re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")
    for base in (root, root / "src"):
        existing = [p for p in (base / module, base / f"{module}.py") if p.exists()]
        if len(existing) == 1:
            return {module}, True
        if existing:
            return set(), False  # "Both ... exist"
    return set(), False


def _poetrymatches(base: Path, include: str) -> Iterator[str]:
    if not GLOB_CHARACTERS.search(include):
        yield include
        return
    for match in sorted(base.glob(include)):
        yield match.relative_to(base).as_posix()


# --- PDM (pdm/backend/base.py, config.py) --------------------------------------------------------


def pdm_modules(configuration: BuildConfiguration) -> Found:
    """pdm-backend: [tool.pdm.build] includes, else the packages (directories with __init__.py)
    of the package directory (``src`` when it exists), else its modules."""
    build = configuration.tool("pdm").get("build", {})
    root = configuration.directory
    includes = build.get("includes", [])
    if "package-dir" in build:
        package_dir = build["package-dir"]
    elif (root / "src").is_dir() and not includes or any(i.split("/")[0] == "src" for i in includes):
        package_dir = "src"
    else:
        package_dir = ""
    base = root / package_dir
    if includes:
        names, complete = set(), True
        for include in includes:
            include = include.strip("/")
            for path in _poetrymatches(root, include):
                relative = os.path.relpath(root / path, base).replace(os.sep, "/")
                name = module_name(relative)
                if name and not name.startswith("..") and has_python(root / path):
                    names.add(name)
        return names, complete
    # source-includes (default "tests") ship in the sdist only.
    excluded = {e.strip("/") for e in [*build.get("excludes", []), *build.get("source-includes", ["tests"])]}
    packages = {
        entry.name
        for entry in base.iterdir()
        if entry.is_dir() and (entry / "__init__.py").is_file() and entry.name not in ("__pycache__", "__pypackages__")
        and os.path.relpath(entry, root).replace(os.sep, "/") not in excluded
    }  # fmt: skip
    return (packages or modules_in(base, ())), True


# --- maturin ---------------------------------------------------------------------------------


def maturin_modules(configuration: BuildConfiguration) -> Found:
    """maturin: [tool.maturin] module-name (its top-level package), else unknown here (it
    comes from Cargo.toml)."""
    module = configuration.tool("maturin").get("module-name")
    return ({top_name(module)}, True) if isinstance(module, str) else (set(), False)
