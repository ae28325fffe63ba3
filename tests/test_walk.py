"""The walk of the project tree: loop-proof, iterative, one listing per directory, kept."""

from __future__ import annotations

import os
import sys

import pytest
from conftest import make_tree

from shadowcheck.source import tree
from shadowcheck.source.tree import walk


@pytest.fixture
def counted_stats(monkeypatch):
    """Every stat the walk makes, by path."""
    calls: list[str] = []
    real = os.stat

    def stat(path, *args, **kwargs):
        calls.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(tree.os, "stat", stat)
    return calls


def test_the_listing_says_what_entries_are_without_a_stat_each(tmp_path, counted_stats):
    make_tree(tmp_path, {f"m{i}.py": "" for i in range(2_000)} | {f"pkg{i}/__init__.py": "" for i in range(50)})
    counted_stats.clear()
    project = walk(tmp_path, use_gitignore=False)
    assert len(project.python_files) == 2_050
    # One stat per directory (its identity, against loops) and one per subdirectory (is it a
    # virtual environment?): none per file.
    assert len(counted_stats) <= 2 * 51 + 1


def test_symlinks_are_followed_once_and_loops_named(tmp_path, counted_stats):
    make_tree(tmp_path, {"real/m.py": ""})
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "up").symlink_to(tmp_path)
    (tmp_path / "here").symlink_to(".")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    counted_stats.clear()
    project = walk(tmp_path, use_gitignore=False)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in project.python_files) == ["link/m.py", "real/m.py"]
    assert sorted(os.path.basename(p.path) for p in project.problems) == ["here", "up", "up"]


def test_each_directory_listing_is_kept_for_the_import_system(tmp_path):
    make_tree(tmp_path, {"a/b.py": "", "a/c/__init__.py": "", "d.txt": ""})
    project = walk(tmp_path, use_gitignore=False)
    assert project.directories[tmp_path] == frozenset({"a", "d.txt"})
    assert project.directories[tmp_path / "a"] == frozenset({"b.py", "c"})
    assert project.directories[tmp_path / "a" / "c"] == frozenset({"__init__.py"})


def test_each_listed_file_knows_its_directory_as_the_walk_listed_it(tmp_path):
    make_tree(tmp_path, {"a/b.py": "", "a/c/__init__.py": "", "a/c/n.ipynb": "{}", "top.py": ""})
    project = walk(tmp_path, use_gitignore=False)
    listed = {id(directory) for directory in project.directories}
    for file in (*project.python_files, *project.notebooks):
        assert project.directory(file) == file.parent
        assert id(project.directory(file)) in listed  # the walk's own Path, not a new one
    outside = tmp_path.parent / "elsewhere.py"  # not listed: its parent, as Path says
    assert project.directory(outside) == tmp_path.parent


@pytest.fixture
def nested(tmp_path):
    """A thousand folders in one another; removed level by level afterwards (shutil.rmtree,
    which pytest's cleanup uses, recurses per level before 3.12)."""
    deep = tmp_path
    for _ in range(1_000):  # os.makedirs and Path.mkdir(parents=True) recurse per level too
        deep = deep / "d"
        os.mkdir(deep)
    yield deep
    directory = str(deep)
    while directory != str(tmp_path):
        for entry in os.scandir(directory):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        os.rmdir(directory)
        directory = os.path.dirname(directory)


def test_a_thousand_nested_folders(tmp_path, nested):
    deep = nested
    (deep / "deepest.py").write_text("import os\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the walk must not need a frame per level
    try:
        project = walk(tmp_path, use_gitignore=False)
    finally:
        sys.setrecursionlimit(limit)
    assert project.python_files == [deep / "deepest.py"]
    assert len(project.directories) == 1_001


def _git(*arguments: str, cwd) -> None:
    import subprocess

    subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True)


def _layout(tmp_path, shape: str, monkeypatch):
    # Where the project sits relative to a git repository; returns the root to walk.
    files = {"keep.py": "", "ignored.py": "", "out/x.py": "", ".gitignore": "ignored.py\nout/\n"}
    if shape == "no-repository":
        return make_tree(tmp_path / "plain", files)
    repository = tmp_path / "repo"
    repository.mkdir()
    _git("init", "-q", cwd=repository)
    if shape == "repository-root":
        return make_tree(repository, files)
    if shape == "below-the-root":
        return make_tree(repository / "sub" / "project", files)
    if shape == "link-into-a-repository":  # git resolves its working directory: the link's target is in the repo
        make_tree(repository / "sub", files)
        link = tmp_path / "outside" / "link"
        link.parent.mkdir()
        link.symlink_to(repository / "sub", target_is_directory=True)
        return link
    if shape == "git-dir-variable":  # GIT_DIR and GIT_WORK_TREE name a repository no `.git` points at
        (repository / ".git").rename(tmp_path / "elsewhere.git")
        monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere.git"))
        monkeypatch.setenv("GIT_WORK_TREE", str(repository))
        return make_tree(repository, files)
    raise AssertionError(shape)


@pytest.mark.parametrize(
    ("shape", "excluded"),
    [
        pytest.param("no-repository", set(), id="no-repository"),
        pytest.param("repository-root", {"ignored.py", "out"}, id="repository-root"),
        pytest.param("below-the-root", {"ignored.py", "out"}, id="below-the-root"),
        pytest.param("link-into-a-repository", {"ignored.py", "out"}, id="link-into-a-repository"),
        pytest.param("git-dir-variable", {"ignored.py", "out"}, id="git-dir-variable"),
    ],
)
def test_gitignore_is_read_wherever_git_finds_a_repository(tmp_path, monkeypatch, shape, excluded):
    # The walk asks git only where git could find a repository; these are the ways it can.
    root = _layout(tmp_path, shape, monkeypatch)
    project = walk(root)
    assert {str(p.relative_to(project.root)) for p in project.excluded} == excluded
    assert {p.name for p in project.python_files} == {"keep.py", "ignored.py", "x.py"} - excluded - {"x.py" if excluded else ""}
