"""A project's build files (pyproject.toml, setup.cfg, setup.py), each parsed one way, never run.

declared.py reads the dependencies they declare, layout.py the names and modules they
distribute. A setup.py is read with `ast` only: what it passes to setup() as a literal (or as
a literal call of find_packages) is known, anything computed is UNKNOWN.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shadowcheck.ftypes import Problem, SourceError

if TYPE_CHECKING:
    import configparser

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


# A setup() keyword whose value is not a literal: given, but not knowable statically.
UNKNOWN: Any = _Unknown()
# The setup() arguments of a setup.py, with the packages finders it may call.
FINDERS = {
    "find_packages": False,
    "find_namespace_packages": True,
    "PackageFinder.find": False,
    "PEP420PackageFinder.find": True,
}


def read_text(path: Path) -> str:
    """The file's text (UTF-8, a BOM allowed); SourceError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(Problem(f"not UTF-8: {error.reason} at byte {error.start}", str(path))) from None
    except OSError as error:
        raise SourceError(Problem(f"cannot read: {error.strerror}", str(path))) from None


def read_pyproject(path: Path) -> dict[str, Any]:
    """A TOML file (pyproject.toml, a Pipfile) as a document; SourceError when it is not TOML."""
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise SourceError(Problem(f"invalid TOML: {error}", str(path))) from None


def read_setup_cfg(path: Path) -> configparser.ConfigParser:
    """setup.cfg as setuptools reads it (no interpolation); SourceError when it is not INI."""
    import configparser  # only a project with a setup.cfg pays for it

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(path), source=path.name)
    except configparser.Error as error:
        raise SourceError(Problem(f"invalid INI: {str(error).splitlines()[0]}", str(path))) from None
    return parser


def table(container: dict[str, Any], dotted: str, path: Path) -> dict[str, Any]:
    """``container``'s table at ``dotted`` ("tool.setuptools"), {} when absent; SourceError when
    a key on the way is not a table."""
    for key in dotted.split("."):
        value = container.get(key, {})
        if not isinstance(value, dict):
            raise SourceError(Problem(f"'{key}' must be a table", str(path)))
        container = value
    return container


def strings(value: object, what: str, path: Path) -> list[str]:
    """``value`` when it is a list of strings; SourceError naming ``what`` otherwise."""
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        raise SourceError(Problem(f"{what} must be a list of strings", str(path)))
    return value


def setup_cfg_list(value: str) -> list[str]:
    """A setup.cfg list option: one item a line when it spans lines, else comma-separated
    (setuptools' config/setupcfg.py, _parse_list)."""
    items = value.splitlines() if "\n" in value else value.split(",")
    return [item.strip() for item in items if item.strip()]


def setup_cfg_dict(value: str) -> dict[str, str]:
    """A setup.cfg dict option ("=src" or "pkg = lib" items), as setuptools' _parse_dict."""
    result = {}
    for item in setup_cfg_list(value):
        key, separator, mapped = item.partition("=")
        if separator:
            result[key.strip()] = mapped.strip()
    return result


# --- setup.py ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindPackages:
    """A literal call of setuptools' find_packages() or find_namespace_packages()."""

    namespaces: bool  # find_namespace_packages: every directory is a package (PEP 420)
    where: str = "."
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ("*",)


@dataclass(frozen=True)
class SetupCall:
    """The keywords a setup.py passes to setup(): literal values, FindPackages (alone or in a
    list added to literal names), or UNKNOWN."""

    keywords: dict[str, Any]


def read_setup_py(path: Path) -> SetupCall | None:
    """The first setup() call in ``path``, read statically; None when it calls none.
    SourceError when the file is not Python."""
    source = read_text(path)
    try:
        module = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        reason = getattr(error, "msg", None) or str(error)
        raise SourceError(Problem(f"invalid Python: {reason}", str(path), line)) from None
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and _dotted(node.func) in ("setup", "setuptools.setup", "distutils.core.setup"):
            return SetupCall(_keywords(node))
    return None


def _keywords(call: ast.Call) -> dict[str, Any]:
    keywords: dict[str, Any] = {}
    for keyword in call.keywords:
        if keyword.arg is not None:
            keywords[keyword.arg] = _value(keyword.value)
        elif isinstance(keyword.value, ast.Dict):  # setup(**{"name": ...})
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keywords[key.value] = _value(value)
    return keywords


def _value(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if isinstance(node, ast.Call) and _dotted(node.func).rpartition(".")[2] == "Extension":
        # Extension("pkg._speedups", ...): only its module name matters here.
        argument = node.args[0] if node.args else _keyword(node, "name")
        name = _value(argument) if argument is not None else UNKNOWN
        return ("Extension", name) if isinstance(name, str) else UNKNOWN
    if isinstance(node, ast.Call):
        return _find_packages(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # find_packages() + ["x"]
        left, right = _value(node.left), _value(node.right)
        parts = [left if isinstance(left, list) else [left], right if isinstance(right, list) else [right]]
        if any(item is UNKNOWN for part in parts for item in part):
            return UNKNOWN
        return [item for part in parts for item in part]
    if isinstance(node, (ast.List, ast.Tuple)):  # [Extension(...), ...]
        items = [_value(element) for element in node.elts]
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    return UNKNOWN


def _find_packages(call: ast.Call) -> Any:
    name = _dotted(call.func)
    namespaces = next((ns for finder, ns in FINDERS.items() if name == finder or name.endswith("." + finder)), None)
    if namespaces is None:
        return UNKNOWN
    # find(where=".", exclude=(), include=("*",)), positionally or by keyword.
    arguments: dict[str, Any] = dict(zip(("where", "exclude", "include"), (_value(a) for a in call.args), strict=False))
    arguments.update((k.arg, _value(k.value)) for k in call.keywords if k.arg in ("where", "exclude", "include"))
    if any(v is UNKNOWN for v in arguments.values()) or len(arguments) != len(call.args) + len(call.keywords):
        return UNKNOWN
    where, exclude, include = arguments.get("where", "."), arguments.get("exclude", ()), arguments.get("include", ("*",))
    if not (isinstance(where, str) and _str_items(exclude) and _str_items(include)):
        return UNKNOWN
    return [FindPackages(namespaces, where, tuple(exclude), tuple(include))]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _str_items(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


# --- what a directory says --------------------------------------------------------------------


@dataclass(frozen=True)
class BuildConfiguration:
    """What a project directory's build files say, as layout.py read them."""

    directory: Path
    pyproject: dict[str, Any] = field(default_factory=dict)
    setup_cfg: Any = None  # configparser.ConfigParser
    setup_py: SetupCall | None = None
    names: tuple[str, ...] = ()  # the project's names as written

    def tool(self, name: str) -> dict[str, Any]:
        value = self.pyproject.get("tool", {}).get(name, {})
        return value if isinstance(value, dict) else {}
