"""A project's declared dependencies, read from its files when no environment can be probed.

A pre-commit hook runs in its own virtualenv, without the project's packages. What the project
declares still says which names are third-party: pyproject.toml ([project], [dependency-groups],
Poetry), setup.cfg, requirements*.txt and requirements/*.txt, environment.yml. Only names are
read; versions, markers and extras do not matter here.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.environment.import_names import (
    import_names_for_distribution,
    normalize_distribution_name,
)
from shadowcheck.ftypes import ShadowcheckError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# A PEP 508 requirement's name, which must be followed by the end, extras, a version, a marker
# or a URL: "https://..." and "./pkg" are not requirements.
REQUIREMENT_NAME = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[\[(<>=!~;@])")
EGG_FRAGMENT = re.compile(r"[#&]egg=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
# pip strips "#" comments that begin a line or follow whitespace; "#egg=" in a URL stays.
COMMENT = re.compile(r"(^|\s)#.*$")
# "-r file", "-rfile", "--requirement file", "--requirement=file", "--pre".
OPTION = re.compile(r"(--[A-Za-z-]+|-[A-Za-z])\s*=?\s*(.*)")
ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2")

# A conda spec: "numpy", "numpy=1.26", "numpy 1.26.*", "pytorch::pytorch>=2", "numpy[version='>=1']".
CONDA_NAME = re.compile(r"(?:[^:\s]+::)?([A-Za-z0-9_][A-Za-z0-9._-]*?)\s*(?:$|[\s=<>!~\[])")
# Conda packages published under another name on PyPI.
CONDA_TO_PYPI = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "pytorch-gpu": "torch",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "py-xgboost": "xgboost",
    "matplotlib-base": "matplotlib",
}
# Conda packages that are the interpreter, the installer, or no Python distribution at all
# (compilers, CUDA, BLAS), whose default import names would only invent third-party modules.
CONDA_NOT_DISTRIBUTIONS = frozenset(
    {
        "python", "pip", "cudatoolkit", "cuda-version", "cudnn", "nccl", "pytorch-cuda",
        "cpuonly", "mkl", "blas", "openblas", "openssl", "ca-certificates", "git", "nodejs",
        "cmake", "make", "gcc", "gxx", "ffmpeg",
    }
)  # fmt: skip


@dataclass(frozen=True)
class DeclaredDependencies:
    # Files that declare dependencies, relative to the project root, posix separators.
    sources: tuple[str, ...]
    # Normalized distribution names, sorted, each once.
    distributions: tuple[str, ...]

    @property
    def import_names(self) -> dict[str, tuple[str, ...]]:
        """Each import name the declared distributions provide -> those distributions."""
        providers: dict[str, list[str]] = {}
        for distribution in self.distributions:
            for name in import_names_for_distribution(distribution):
                providers.setdefault(name, []).append(distribution)
        return {name: tuple(providers[name]) for name in sorted(providers)}


def declared_dependencies(project_root: Path) -> DeclaredDependencies:
    """The dependencies the files in ``project_root`` declare; raises ShadowcheckError for a
    file that cannot be parsed."""
    reader = _DependencyReader(project_root)
    own_names = set()
    pyproject = project_root / "pyproject.toml"
    if pyproject.is_file():
        own_names.update(reader.read_pyproject(pyproject))
    setup_cfg = project_root / "setup.cfg"
    if setup_cfg.is_file():
        own_names.update(reader.read_setup_cfg(setup_cfg))
    for pattern in ("requirements*.txt", "requirements/*.txt"):
        for path in sorted(project_root.glob(pattern)):
            if path.is_file():
                reader.read_requirements_file(path)
    for name in ("environment.yml", "environment.yaml"):
        if (project_root / name).is_file():
            reader.read_environment(project_root / name)
    # A project that lists its own extras ("myproject[test]") does not depend on itself.
    distributions = reader.distributions - {normalize_distribution_name(n) for n in own_names}
    return DeclaredDependencies(sources=tuple(reader.sources), distributions=tuple(sorted(distributions)))


class _DependencyReader:
    # Collects names and sources across files; a file reached twice (glob and -r) is read once.

    def __init__(self, project_root: Path) -> None:
        self.root = project_root
        self.sources: list[str] = []
        self.distributions: set[str] = set()
        self.seen: set[Path] = set()

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def text(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            where = self.relative(path)
            raise ShadowcheckError(f"{where}: not UTF-8: {error.reason} at byte {error.start}") from None
        except OSError as error:
            raise ShadowcheckError(f"{self.relative(path)}: cannot read: {error.strerror}") from None

    def add_requirement(self, requirement: str) -> bool:
        match = REQUIREMENT_NAME.match(requirement.strip())
        if match is None or match.group(1).lower().endswith(ARCHIVE_SUFFIXES):
            return False
        self.distributions.add(normalize_distribution_name(match.group(1)))
        return True

    # --- pyproject.toml ------------------------------------------------------------------------

    def read_pyproject(self, path: Path) -> list[str]:
        # Returns the project's own names, which its extras may list ("demo[test]").
        where = self.relative(path)
        try:
            document = tomllib.loads(self.text(path))
        except tomllib.TOMLDecodeError as error:
            raise ShadowcheckError(f"{where}: invalid TOML: {error}") from None
        project = _table(document, "project", where)
        poetry = _table(_table(document, "tool", where), "poetry", where)
        groups = _table(document, "dependency-groups", where)
        if not (project or poetry or groups):
            return []
        self.sources.append(where)
        for requirement in _strings(project.get("dependencies", []), f"{where}: [project].dependencies"):
            self.add_requirement(requirement)
        for extra, requirements in _table(project, "optional-dependencies", where).items():
            for requirement in _strings(requirements, f"{where}: [project.optional-dependencies].{extra}"):
                self.add_requirement(requirement)
        for group, requirements in groups.items():
            if not isinstance(requirements, list):
                raise ShadowcheckError(f"{where}: [dependency-groups].{group} must be a list")
            # {include-group = "..."} tables name another group, which is read in its own right.
            strings = [r for r in requirements if not isinstance(r, dict)]
            for requirement in _strings(strings, f"{where}: [dependency-groups].{group}"):
                self.add_requirement(requirement)
        poetry_tables = [_table(poetry, "dependencies", where), _table(poetry, "dev-dependencies", where)]
        for group in _table(poetry, "group", where).values():
            poetry_tables.append(_table(group, "dependencies", where) if isinstance(group, dict) else {})
        for table in poetry_tables:
            self.distributions.update(normalize_distribution_name(n) for n in table if n.lower() != "python")
        # dynamic = ["dependencies"] with setuptools reads them from requirement files.
        dynamic = _table(_table(_table(document, "tool", where), "setuptools", where), "dynamic", where)
        for spec in (dynamic.get("dependencies"), *_table(dynamic, "optional-dependencies", where).values()):
            files = spec.get("file", []) if isinstance(spec, dict) else []
            for name in [files] if isinstance(files, str) else _strings(files, f"{where}: 'file'"):
                self.read_requirements_file(self.root / name)
        return [name for name in (project.get("name"), poetry.get("name")) if isinstance(name, str)]

    # --- setup.cfg -------------------------------------------------------------------------------

    def read_setup_cfg(self, path: Path) -> list[str]:
        # [options] install_requires and [options.extras_require]; returns the project's name.
        where = self.relative(path)
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(self.text(path), source=where)
        except configparser.Error as error:
            raise ShadowcheckError(f"{where}: invalid INI: {str(error).splitlines()[0]}") from None
        if not parser.has_section("options"):
            return []
        self.sources.append(where)
        values = [parser.get("options", "install_requires", fallback="")]
        if parser.has_section("options.extras_require"):
            values += [value for _, value in parser.items("options.extras_require")]
        for value in values:
            for requirement in self.setup_cfg_requirements(value, path):
                self.add_requirement(requirement)
        return [parser.get("metadata", "name", fallback="")]

    def setup_cfg_requirements(self, value: str, path: Path) -> list[str]:
        # setuptools' "file:" directive and "list-semi" type: lines when the value spans lines,
        # else ";"-separated (config/setupcfg.py, _parse_requirements_list).
        value = value.strip()
        if value.startswith("file:"):
            for name in value[len("file:") :].split(","):
                self.read_requirements_file(path.parent / name.strip())
            return []
        items = value.splitlines() if "\n" in value else value.split(";")
        return [item for item in items if not item.strip().startswith("#")]

    # --- requirements files ----------------------------------------------------------------------

    def read_requirements_file(self, path: Path) -> None:
        resolved = path.resolve()
        if resolved in self.seen:  # included twice, or a cycle of -r includes
            return
        self.seen.add(resolved)
        self.sources.append(self.relative(path))
        self.read_requirement_lines(_logical_lines(self.text(path).splitlines()), path)

    def read_requirement_lines(self, lines: Iterable[tuple[int, str]], path: Path) -> None:
        # (line number, line) pairs; pip resolves "-r" includes relative to the including file.
        for number, line in lines:
            line = COMMENT.sub("", line).strip()
            if not line:
                continue
            option = OPTION.fullmatch(line) if line.startswith("-") else None
            if option is None:
                # A bare VCS or archive URL names its distribution only in "#egg=".
                egg = EGG_FRAGMENT.search(line)
                if not self.add_requirement(line) and egg:
                    self.add_requirement(egg.group(1))
                continue
            flag, value = option.group(1), option.group(2).split()
            if flag in ("-r", "--requirement") and value:
                if "://" not in value[0]:
                    self.include(path, number, value[0])
            elif flag in ("-e", "--editable") and value:
                egg = EGG_FRAGMENT.search(value[0])
                if egg:
                    self.add_requirement(egg.group(1))
            # Anything else ("-c" constraints, "--index-url", "--hash") declares no dependency.

    def include(self, path: Path, number: int, name: str) -> None:
        included = path.parent / name
        if not included.is_file():
            raise ShadowcheckError(f"{self.relative(path)}:{number}: -r {name}: no such file")
        self.read_requirements_file(included)

    # --- environment.yml -------------------------------------------------------------------------

    def read_environment(self, path: Path) -> None:
        self.sources.append(self.relative(path))
        conda_specs, pip_lines = _environment_lists(self.text(path).splitlines())
        for spec in conda_specs:
            match = CONDA_NAME.match(spec)
            if match is None:
                continue
            name = normalize_distribution_name(match.group(1))
            if name not in CONDA_NOT_DISTRIBUTIONS:
                self.distributions.add(CONDA_TO_PYPI.get(name, name))
        self.read_requirement_lines(pip_lines, path)


def _table(container: dict, key: str, where: str) -> dict:
    value = container.get(key, {})
    if not isinstance(value, dict):
        raise ShadowcheckError(f"{where}: '{key}' must be a table")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        raise ShadowcheckError(f"{where} must be a list of strings")
    return value


def _logical_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    # (first line number, text), with lines that end in a backslash joined as pip joins them.
    pending, start = "", 0
    for number, line in enumerate(lines, start=1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, pending + line
        pending = ""
    if pending:
        yield start, pending


def _environment_lists(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    # The conda specs and the pip requirement lines of an environment file, read from the YAML
    # subset conda's own files use, so that PyYAML is not needed: a "dependencies:" key at
    # column 0 holding a block sequence (items indented or not), plain or quoted scalars, "#"
    # comments, and "- pip:" items whose nested block sequence holds pip requirement lines.
    # Not read: flow sequences ("dependencies: [a, b]"), anchors and aliases, block scalars.
    # Document markers ("---", "...") are skipped, so a multi-document stream reads as one.
    conda_specs: list[str] = []
    pip_lines: list[tuple[int, str]] = []  # with their line numbers, for error messages
    in_dependencies = False
    pip_indent: int | None = None  # the indentation of the "- pip:" item while inside its list
    for number, raw in enumerate(lines, start=1):
        line = COMMENT.sub("", raw).rstrip()
        if not line.strip() or line.strip() in ("---", "..."):
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if indent == 0 and not text.startswith("-"):
            in_dependencies = text == "dependencies:"
            pip_indent = None
            continue
        if not in_dependencies or not text.startswith("-"):
            continue
        item = _unquote(text[1:].strip())
        if pip_indent is not None and indent > pip_indent:
            pip_lines.append((number, item))
            continue
        pip_indent = None
        if item == "pip:":
            pip_indent = indent
        elif not item.endswith(":"):
            conda_specs.append(item)
    return conda_specs, pip_lines


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
