"""A project's declared dependencies, read from its files when no environment can be probed.

A pre-commit hook runs in its own virtualenv, without the project's packages. What the project
declares still says which names are third-party: pyproject.toml ([project], [dependency-groups],
Poetry), setup.cfg, setup.py (its literal arguments, never run), Pipfile, requirements*.txt and
requirements/*.txt, environment.yml. Only names are read; versions, markers and extras do not
matter here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.environment.import_names import (
    import_names_for_distribution,
    normalize_distribution_name,
)
from shadowcheck.ftypes import Problem, ShadowcheckError, SourceError
from shadowcheck.source.build_files import (
    read_pyproject,
    read_setup_cfg,
    read_setup_py,
    read_text,
    strings,
    table,
)

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
# The setup() keywords that list requirements. setup_requires is left out: it is what setup.py
# itself needs to run, not what the project imports.
SETUP_PY_REQUIREMENTS = ("install_requires", "extras_require", "tests_require")
# Pipfile tables that are pipenv's own, not package categories (pipenv's project.py,
# NON_CATEGORY_SECTIONS): every other table is one, [packages] and [dev-packages] or custom.
PIPFILE_NOT_CATEGORIES = frozenset({"build-system", "pipenv", "requires", "scripts", "source"})


@dataclass(frozen=True)
class DeclaredDependencies:
    # Files that declare dependencies, relative to the project root, posix separators; empty
    # when the project has none of them.
    sources: tuple[str, ...]
    # Normalized distribution names, sorted, each once.
    distributions: tuple[str, ...]

    @property
    def named(self) -> str:
        """The declaring files for a one-line message: Keras has eight, the line names two."""
        if len(self.sources) <= 2:
            return " and ".join(self.sources)
        return f"{self.sources[0]}, {self.sources[1]} and {len(self.sources) - 2} more files"

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
    try:
        return reader.read_all()
    except SourceError as error:  # from build_files.py, which names the file by its full path
        where = reader.relative(Path(error.problem.path or project_root))
        line = f":{error.problem.line}" if error.problem.line else ""
        raise ShadowcheckError(f"{where}{line}: {error.problem.message}") from None


class _DependencyReader:
    # Collects names and sources across files; a file reached twice (glob and -r) is read once.

    def __init__(self, project_root: Path) -> None:
        self.root = project_root
        self.sources: list[str] = []
        self.distributions: set[str] = set()
        self.seen: set[Path] = set()

    def read_all(self) -> DeclaredDependencies:
        own_names = set()
        if (self.root / "pyproject.toml").is_file():
            own_names.update(self.read_pyproject(self.root / "pyproject.toml"))
        if (self.root / "setup.cfg").is_file():
            own_names.update(self.read_setup_cfg(self.root / "setup.cfg"))
        if (self.root / "setup.py").is_file():
            own_names.update(self.read_setup_py(self.root / "setup.py"))
        if (self.root / "Pipfile").is_file():
            self.read_pipfile(self.root / "Pipfile")
        for pattern in ("requirements*.txt", "requirements/*.txt"):
            for path in sorted(self.root.glob(pattern)):
                if path.is_file():
                    self.read_requirements_file(path)
        for name in ("environment.yml", "environment.yaml"):
            if (self.root / name).is_file():
                self.read_environment(self.root / name)
        # A project that lists its own extras ("myproject[test]") does not depend on itself.
        distributions = self.distributions - {normalize_distribution_name(n) for n in own_names}
        return DeclaredDependencies(sources=tuple(self.sources), distributions=tuple(sorted(distributions)))

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def add_requirement(self, requirement: str) -> bool:
        match = REQUIREMENT_NAME.match(requirement.strip())
        if match is None or match.group(1).lower().endswith(ARCHIVE_SUFFIXES):
            return False
        self.distributions.add(normalize_distribution_name(match.group(1)))
        return True

    # --- pyproject.toml ------------------------------------------------------------------------

    def read_pyproject(self, path: Path) -> list[str]:
        # Returns the project's own names, which its extras may list ("demo[test]").
        document = read_pyproject(path)
        project = table(document, "project", path)
        poetry = table(document, "tool.poetry", path)
        groups = table(document, "dependency-groups", path)
        if not (project or poetry or groups):
            return []
        self.sources.append(self.relative(path))
        for requirement in strings(project.get("dependencies", []), "[project].dependencies", path):
            self.add_requirement(requirement)
        for extra, requirements in table(project, "optional-dependencies", path).items():
            for requirement in strings(requirements, f"[project.optional-dependencies].{extra}", path):
                self.add_requirement(requirement)
        for group, requirements in groups.items():
            if not isinstance(requirements, list):
                raise SourceError(Problem(f"[dependency-groups].{group} must be a list", str(path)))
            # {include-group = "..."} tables name another group, which is read in its own right.
            listed = [r for r in requirements if not isinstance(r, dict)]
            for requirement in strings(listed, f"[dependency-groups].{group}", path):
                self.add_requirement(requirement)
        poetry_tables = [table(poetry, "dependencies", path), table(poetry, "dev-dependencies", path)]
        for group in table(poetry, "group", path).values():
            poetry_tables.append(table(group, "dependencies", path) if isinstance(group, dict) else {})
        for names in poetry_tables:
            self.distributions.update(normalize_distribution_name(n) for n in names if n.lower() != "python")
        # dynamic = ["dependencies"] with setuptools reads them from requirement files.
        dynamic = table(document, "tool.setuptools.dynamic", path)
        for spec in (dynamic.get("dependencies"), *table(dynamic, "optional-dependencies", path).values()):
            files = spec.get("file", []) if isinstance(spec, dict) else []
            for name in [files] if isinstance(files, str) else strings(files, "'file'", path):
                self.read_requirements_file(self.root / name)
        return [name for name in (project.get("name"), poetry.get("name")) if isinstance(name, str)]

    # --- setup.cfg -------------------------------------------------------------------------------

    def read_setup_cfg(self, path: Path) -> list[str]:
        # [options] install_requires and [options.extras_require]; returns the project's name.
        parser = read_setup_cfg(path)
        if not parser.has_section("options"):
            return []
        self.sources.append(self.relative(path))
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

    # --- setup.py --------------------------------------------------------------------------------

    def read_setup_py(self, path: Path) -> list[str]:
        # The requirement keywords of setup(), where build_files.py could read them as literals;
        # a computed value (a variable, a file read, a sum) is UNKNOWN there and skipped here.
        # Returns the project's name.
        call = read_setup_py(path)
        if call is None or not any(keyword in call.keywords for keyword in SETUP_PY_REQUIREMENTS):
            return []
        self.sources.append(self.relative(path))
        extras = call.keywords.get("extras_require")
        values = [call.keywords.get("install_requires"), call.keywords.get("tests_require")]
        values += extras.values() if isinstance(extras, dict) else []
        for value in values:
            for requirement in _setup_py_requirements(value):
                self.add_requirement(requirement)
        name = call.keywords.get("name")
        return [name] if isinstance(name, str) else []

    # --- Pipfile ---------------------------------------------------------------------------------

    def read_pipfile(self, path: Path) -> None:
        # A Pipfile is TOML; each package category maps distribution names to a version or a
        # table (git, path, extras), which do not matter here.
        document = read_pyproject(path)
        categories = [name for name in document if name not in PIPFILE_NOT_CATEGORIES]
        if not categories:
            return
        self.sources.append(self.relative(path))
        for category in categories:
            self.distributions.update(normalize_distribution_name(n) for n in table(document, category, path))

    # --- requirements files ----------------------------------------------------------------------

    def read_requirements_file(self, path: Path) -> None:
        resolved = path.resolve()
        if resolved in self.seen:  # included twice, or a cycle of -r includes
            return
        self.seen.add(resolved)
        self.sources.append(self.relative(path))
        self.read_requirement_lines(_logical_lines(read_text(path).splitlines()), path)

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
        conda_specs, pip_lines = _environment_lists(read_text(path).splitlines())
        for spec in conda_specs:
            match = CONDA_NAME.match(spec)
            if match is None:
                continue
            name = normalize_distribution_name(match.group(1))
            if name not in CONDA_NOT_DISTRIBUTIONS:
                self.distributions.add(CONDA_TO_PYPI.get(name, name))
        self.read_requirement_lines(pip_lines, path)


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


def _setup_py_requirements(value: object) -> list[str]:
    # What setuptools reads from a requirement keyword (_reqs.parse_strings): a string or a list
    # of strings, each split into lines, "#" comments dropped, lines ending in a backslash joined.
    # Anything else (UNKNOWN, a number) is not a list of requirements that can be read.
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)):
        return []
    lines = [line.strip() for item in value for line in item.splitlines()]
    return [COMMENT.sub("", line) for _, line in _logical_lines(lines)]


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
