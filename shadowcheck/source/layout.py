"""Where a project starts and what it distributes itself, read from its files, never run.

A project's own distribution is first-party, not a shadow: keras/ in the Keras repository is
what `pip install .` installs as keras. A folder with its own pyproject.toml, setup.cfg or
setup.py is a project of its own inside a repository (flash-attention's flash_attn/cute/).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Distribution, TargetEnvironment
from shadowcheck.paths import same_file
from shadowcheck.source.build_files import (
    BuildConfiguration,
    read_pyproject,
    read_setup_cfg,
    read_setup_py,
    strings,
    table,
)
from shadowcheck.source.discovery import (
    Found,
    flit_modules,
    has_python,
    hatch_modules,
    maturin_modules,
    pdm_modules,
    poetry_modules,
)
from shadowcheck.source.setuptools_discovery import setuptools_modules

PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def is_project_directory(directory: Path) -> bool:
    """Whether ``directory`` holds its own pyproject.toml, setup.cfg or setup.py."""
    return any((directory / name).is_file() for name in PROJECT_FILES)


def find_project_root(path: Path) -> Path:
    """The project ``path`` (a file or directory) belongs to: upward, the first directory
    holding pyproject.toml, setup.cfg or setup.py, else the top of its git checkout, else the
    path's own directory. Never above a `.git` (a submodule's checkout is a project of its own)."""
    path = Path(os.path.abspath(path))
    start = path if path.is_dir() else path.parent
    for directory in (start, *start.parents):
        if is_project_directory(directory) or (directory / ".git").exists():
            return directory
    return start


@dataclass(frozen=True)
class FirstParty:
    """What a project directory distributes itself."""

    distributions: tuple[str, ...]  # PEP 503-normalized names the project distributes
    modules: frozenset[str]  # top-level import names the project's own builds install
    sources: tuple[str, ...]  # the files that said so, relative to the directory, posix


def read_first_party(directory: Path) -> FirstParty:
    """The names ``directory``'s build files give the project and the top-level modules its
    wheel would hold (each backend's configuration or auto-discovery, read statically; else
    the project's name found as a module or package). Raises SourceError (a ShadowcheckError
    carrying a Problem) for a build file that cannot be read or parsed."""
    directory = Path(os.path.abspath(directory))
    configuration, sources = _read_configuration(directory)
    if not sources:  # no project here (tool tables only, a setup.py that never calls setup())
        return FirstParty((), frozenset(), ())
    modules, complete = _wheel_modules(configuration)
    if not complete:
        modules |= _named_modules(directory, configuration.names)
    modules |= _declared_import_names(configuration)
    distributions = sorted({normalize_distribution_name(name) for name in configuration.names})
    return FirstParty(tuple(distributions), frozenset(modules), tuple(sources))


def editable_of(environment: TargetEnvironment, directory: Path) -> tuple[Distribution, ...]:
    """The distributions in ``environment`` installed in editable mode from ``directory``."""
    return tuple(
        distribution
        for distribution in environment.distributions
        if distribution.editable_project is not None and same_file(distribution.editable_project, directory)
    )


# [build-system] build-backend -> what reads its configuration. pip builds a project that names
# no backend with setuptools (PEP 517's fallback, setuptools.build_meta:__legacy__).
BACKENDS = (
    ("setuptools", setuptools_modules), ("hatchling", hatch_modules), ("flit_core", flit_modules),
    ("poetry", poetry_modules), ("pdm", pdm_modules), ("maturin", maturin_modules),
)  # fmt: skip


def _wheel_modules(configuration: BuildConfiguration) -> Found:
    build_system = configuration.pyproject.get("build-system", {})
    name = build_system.get("build-backend") if isinstance(build_system, dict) else None
    if not isinstance(name, str):
        return setuptools_modules(configuration)
    for prefix, finder in BACKENDS:
        if name.startswith(prefix):
            return finder(configuration)
    return set(), False  # scikit-build-core, meson-python, ...: the project's name decides


def _read_configuration(directory: Path) -> tuple[BuildConfiguration, list[str]]:
    names: list[str] = []
    sources: list[str] = []
    pyproject: dict = {}
    path = directory / "pyproject.toml"
    if path.is_file():
        pyproject = read_pyproject(path)
        project, poetry = table(pyproject, "project", path), table(pyproject, "tool.poetry", path)
        found = [n for n in (project.get("name"), poetry.get("name")) if isinstance(n, str) and n]
        if found or _configures_build(pyproject):
            sources.append("pyproject.toml")
        names += found
    setup_cfg = None
    path = directory / "setup.cfg"
    if path.is_file():
        setup_cfg = read_setup_cfg(path)
        name = setup_cfg.get("metadata", "name", fallback="").strip()
        if name or any(setup_cfg.has_option("options", o) for o in ("packages", "py_modules", "package_dir")):
            sources.append("setup.cfg")
        names += [name] if name else []
    setup_py = None
    path = directory / "setup.py"
    if path.is_file():
        setup_py = read_setup_py(path)
        if setup_py is not None:
            sources.append("setup.py")
            name = setup_py.keywords.get("name")
            names += [name] if isinstance(name, str) and name else []
    configuration = BuildConfiguration(directory, pyproject, setup_cfg, setup_py, tuple(dict.fromkeys(names)))
    return configuration, sources


def _configures_build(pyproject: dict) -> bool:
    tool = pyproject.get("tool", {})
    backends = ("setuptools", "hatch", "flit", "pdm", "maturin")
    return "build-system" in pyproject or isinstance(tool, dict) and any(k in tool for k in backends)


def _named_modules(directory: Path, names: tuple[str, ...]) -> set[str]:
    # The convention every backend falls back on: the project's name, "-" and "." read as
    # "_", as a package or module at the root or in src/.
    found = set()
    for name in names:
        for module in dict.fromkeys((name.replace("-", "_").replace(".", "_"), normalize_distribution_name(name).replace("-", "_"))):
            for base in (directory, directory / "src"):
                if has_python(base / module) or (base / f"{module}.py").is_file():
                    found.add(module)
    return found


def _declared_import_names(configuration: BuildConfiguration) -> set[str]:
    # PEP 794: [project] import-names and import-namespaces ("pkg; private" allowed).
    project = configuration.pyproject.get("project", {})
    path = configuration.directory / "pyproject.toml"
    names = set()
    for key in ("import-names", "import-namespaces"):
        if key in project:
            for entry in strings(project[key], f"[project].{key}", path):
                names.add(entry.split(";")[0].strip().split(".")[0])
    names.discard("")
    return names
