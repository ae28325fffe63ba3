"""Where a project starts (real git checkouts and submodules) and what read_first_party reads
where no backend here can build the shape (maturin, PEP 794, computed setup.py values)."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.ftypes import ShadowcheckError, SourceError
from shadowcheck.source.layout import FirstParty, find_project_root, is_project_directory, read_first_party


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "protocol.file.allow=always",
         "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


# --- find_project_root -----------------------------------------------------------------------

ROOT_CASES = {
    # (tree, git checkouts to create, path asked about, expected root), relative to tmp_path.
    "pyproject-above-package": (
        {"repo/pyproject.toml": "", "repo/keras/src/ops/numpy.py": ""}, ["repo"], "repo/keras/src/ops", "repo"),
    "file-path": ({"repo/setup.py": "", "repo/pkg/mod.py": ""}, [], "repo/pkg/mod.py", "repo"),
    "setup-cfg": ({"repo/setup.cfg": "", "repo/a/b/c.py": ""}, [], "repo/a/b", "repo"),
    "sub-project-first": (
        {"repo/setup.py": "", "repo/flash_attn/cute/pyproject.toml": "", "repo/flash_attn/cute/logging.py": ""},
        ["repo"], "repo/flash_attn/cute/logging.py", "repo/flash_attn/cute"),
    "git-top-without-build-files": ({"repo/scripts/train.py": "", "repo/README.md": ""}, ["repo"], "repo/scripts", "repo"),
    "never-above-git": ({"pyproject.toml": "", "repo/src/x.py": ""}, ["repo"], "repo/src/x.py", "repo"),
    "own-directory-when-nothing": ({"loose/x.py": ""}, [], "loose/x.py", "loose"),
    "directory-itself": ({"repo/pyproject.toml": ""}, [], "repo", "repo"),
}  # fmt: skip


@pytest.mark.parametrize(("files", "checkouts", "asked", "expected"), ROOT_CASES.values(), ids=ROOT_CASES)
def test_find_project_root(tmp_path, files, checkouts, asked, expected):
    make_tree(tmp_path, files)
    for checkout in checkouts:
        git("init", "-q", cwd=tmp_path / checkout)
    assert find_project_root(tmp_path / asked) == tmp_path / expected


def test_git_submodule_is_its_own_project(tmp_path):
    # A package meant to be used as a submodule: __init__.py at its root, imported as
    # pyutils.torch by the repository holding it. Its `.git` is a file, and the root stops there.
    library = make_tree(tmp_path / "pyutils-src", {"__init__.py": "", "torch.py": "X = 1\n"})
    git("init", "-q", cwd=library)
    git("add", ".", cwd=library)
    git("commit", "-q", "-m", "library", cwd=library)
    app = make_tree(tmp_path / "app", {"pyproject.toml": '[project]\nname = "app"\n', "train.py": ""})
    git("init", "-q", cwd=app)
    git("submodule", "add", "-q", str(library), "pyutils", cwd=app)
    assert (app / "pyutils" / ".git").is_file()
    assert find_project_root(app / "pyutils" / "torch.py") == app / "pyutils"
    assert find_project_root(app / "train.py") == app
    assert not is_project_directory(app / "pyutils")
    # Nothing there says what it distributes: it is a package by its __init__.py alone.
    assert read_first_party(app / "pyutils") == FirstParty((), frozenset(), ())


@pytest.mark.parametrize(
    ("files", "expected"),
    [({"pyproject.toml": ""}, True), ({"setup.cfg": ""}, True), ({"setup.py": ""}, True),
     ({"requirements.txt": "", "x.py": ""}, False), ({"setup.py/x": ""}, False)],
    ids=["pyproject", "setup-cfg", "setup-py", "requirements-only", "directory-named-setup-py"],
)  # fmt: skip
def test_is_project_directory(tmp_path, files, expected):
    assert is_project_directory(make_tree(tmp_path, files)) is expected


# --- read_first_party: shapes no backend here builds -------------------------------------------

STATIC_CASES = {
    "maturin-module-name": (
        {"pyproject.toml": """
            [build-system]
            build-backend = "maturin"
            [project]
            name = "rusty-thing"
            [tool.maturin]
            python-source = "python"
            module-name = "rusty._native"
        """, "python/rusty/__init__.py": ""},
        ("rusty-thing",), {"rusty"}, ("pyproject.toml",),
    ),
    "maturin-falls-back-to-name": (
        {"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "fast-io"\n',
         "python/fast_io/__init__.py": "", "fast_io/__init__.py": ""},
        ("fast-io",), {"fast_io"}, ("pyproject.toml",),
    ),
    "pep-794-import-names": (
        {"pyproject.toml": """
            [project]
            name = "pillow-like"
            import-names = ["PIL", "_pil_private; private"]
            import-namespaces = ["vendor.plugins"]
        """, "src/PIL/__init__.py": ""},
        ("pillow-like",), {"PIL", "_pil_private", "vendor"}, ("pyproject.toml",),
    ),
    "setup-py-computed-packages-falls-back-to-name": (
        {"setup.py": "from setuptools import setup\nPACKAGES = ['x']\nsetup(name='my-tool', packages=PACKAGES)\n",
         "my_tool/__init__.py": "", "x/__init__.py": ""},
        ("my-tool",), {"my_tool"}, ("setup.py",),
    ),
    "setup-py-computed-name": (
        {"setup.py": "from setuptools import setup\nNAME = 'a'\nsetup(name=NAME, py_modules=['amod'])\n", "amod.py": ""},
        (), {"amod"}, ("setup.py",),
    ),
    "setup-py-extension-literal": (
        {"setup.py": textwrap.dedent("""
            from setuptools import Extension, setup
            setup(name="speedy", ext_modules=[Extension("_speedy", ["speedy.c"])])
        """)},
        ("speedy",), {"_speedy"}, ("setup.py",),
    ),
    "setup-py-without-setup-call": ({"setup.py": "print('hello')\n", "tool/__init__.py": ""}, (), set(), ()),
    "flat-layout-refused-falls-back-to-name": (
        # setuptools refuses to build ("Multiple top-level packages discovered in a flat-layout").
        {"pyproject.toml": '[project]\nname = "dataproj"\n', "dataproj/__init__.py": "", "data/raw.csv": "",
         "models/__init__.py": ""},
        ("dataproj",), {"dataproj"}, ("pyproject.toml",),
    ),
    "poetry-and-project-names": (
        {"pyproject.toml": '[project]\nname = "One"\n[tool.poetry]\nname = "two_"\n[build-system]\n'
                           'build-backend = "poetry.core.masonry.api"\n', "one/__init__.py": ""},
        ("one", "two-"), {"one"}, ("pyproject.toml",),
    ),
    "tool-tables-only": ({"pyproject.toml": "[tool.black]\nline-length = 100\n", "pkg/__init__.py": ""},
                         (), set(), ()),
    "unknown-backend-uses-name": (
        {"pyproject.toml": '[build-system]\nbuild-backend = "mesonpy"\n[project]\nname = "meson-thing"\n',
         "src/meson_thing/__init__.py": ""},
        ("meson-thing",), {"meson_thing"}, ("pyproject.toml",),
    ),
}  # fmt: skip


@pytest.mark.parametrize(("files", "distributions", "modules", "sources"), STATIC_CASES.values(), ids=STATIC_CASES)
def test_read_first_party_static(tmp_path, files, distributions, modules, sources):
    make_tree(tmp_path, {path: textwrap.dedent(text) for path, text in files.items()})
    assert read_first_party(tmp_path) == FirstParty(distributions, frozenset(modules), sources)


ERROR_CASES = {
    "bad-toml": ({"pyproject.toml": "[project\n"}, "pyproject.toml", "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)"),
    "project-not-a-table": ({"pyproject.toml": 'project = "x"\n'}, "pyproject.toml", "'project' must be a table"),
    "bad-setup-cfg": ({"setup.cfg": "name = x\n"}, "setup.cfg", "invalid INI: File contains no section headers."),
    "python-2-setup-py": ({"setup.py": "print 'hello'\n"}, "setup.py", "invalid Python: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    "undecodable-setup-py": ({"setup.py": b"name = '\xff'\n"}, "setup.py", "not UTF-8: invalid start byte at byte 8"),
    "import-names-not-strings": ({"pyproject.toml": '[project]\nname = "x"\nimport-names = "x"\n'}, "pyproject.toml",
                                 "[project].import-names must be a list of strings"),
}  # fmt: skip


@pytest.mark.parametrize(("files", "path", "message"), ERROR_CASES.values(), ids=ERROR_CASES)
def test_unreadable_build_file_is_a_source_error(tmp_path, files, path, message):
    make_tree(tmp_path, files)
    with pytest.raises(SourceError) as raised:
        read_first_party(tmp_path)
    assert isinstance(raised.value, ShadowcheckError)
    assert raised.value.problem.path == str(tmp_path / path)
    assert raised.value.problem.message == message
