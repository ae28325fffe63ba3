"""The project tree: one walk that lists the directories and source files that matter."""

from __future__ import annotations

import errno
import fnmatch
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.ftypes import Problem

# Never the project's own code: version control, environments, caches and build output.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "__pycache__", "node_modules", "site-packages",
        "dist-packages", "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".ipynb_checkpoints", ".eggs",
    }
)  # fmt: skip


@dataclass
class Project:
    """The project tree as one walk saw it."""

    root: Path
    # Every walked directory (absolute) -> the names of the entries it holds.
    directories: dict[Path, frozenset[str]] = field(default_factory=dict)
    python_files: list[Path] = field(default_factory=list)
    notebooks: list[Path] = field(default_factory=list)
    # What could not be walked (symlink loops, unreadable directories).
    problems: list[Problem] = field(default_factory=list)
    # What exclude patterns and .gitignore left out: its modules are not reported.
    excluded: set[Path] = field(default_factory=set)
    # Each listed file -> its directory, the walk's own Path: `file.parent` makes a new Path
    # (and hashes it anew) each time, twice per file of a run on 20,000 files.
    directory_of: dict[Path, Path] = field(default_factory=dict)

    def directory(self, file: Path) -> Path:
        """``file.parent``, without making it again for a file the walk listed."""
        directory = self.directory_of.get(file)
        return directory if directory is not None else file.parent

    def is_excluded(self, path: Path) -> bool:
        return any(p in self.excluded for p in (path, *path.parents))

    @property
    def file_count(self) -> int:
        return len(self.python_files) + len(self.notebooks)


def _matches(relative: str, name: str, patterns: tuple[str, ...]) -> bool:
    # Like ruff's exclude: a pattern without a slash matches any path component's name,
    # one with a slash matches the path relative to the project root.
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            if fnmatch.fnmatchcase(relative, pattern.removeprefix("./").removeprefix("/")):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def _git_ignored(root: Path) -> set[str] | None:
    """Paths git ignores below ``root``, relative to it; None when it is not a checkout."""
    if not _maybe_in_repository(root):
        return None  # what git would answer, without starting it (~2-4 ms a run)
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
            cwd=root,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    entries = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {e.rstrip("/") for e in entries if e}


# The variables that can name a repository (or its work tree) where discovery would find none.
_GIT_REPOSITORY_VARIABLES = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"})


def _maybe_in_repository(root: Path) -> bool:
    # Git finds a repository from its working directory (the resolved one) upward: a `.git`
    # entry (directory, file or link) in a directory, or a directory that is itself a git
    # directory (a HEAD file in it), unless $GIT_DIR names one (setup.c, setup_git_directory;
    # its other variables only narrow the search or need a repository found). Where none of
    # that can be, `git ls-files` fails: no need to ask.
    if _GIT_REPOSITORY_VARIABLES.intersection(os.environ):
        return True
    for start in dict.fromkeys((str(root), os.path.realpath(root))):
        directory = start
        while True:
            if os.path.lexists(os.path.join(directory, ".git")) or os.path.lexists(os.path.join(directory, "HEAD")):
                return True
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return False


def _kind(entry: os.DirEntry, project: Project) -> str | None:
    """"dir", "file", "other" (a FIFO, a socket), or None for a link that leads nowhere.

    The directory listing already says what each entry is (d_type): only a symbolic link needs
    a stat of its own, to follow it and to tell a loop from a dangling link.
    """
    try:
        if entry.is_symlink():
            os.stat(entry.path)  # raises for a loop or a dangling link
        if entry.is_dir():
            return "dir"
        return "file" if entry.is_file() else "other"
    except OSError as error:
        if error.errno == errno.ELOOP:  # a link that resolves to itself
            project.problems.append(Problem("symlink loop", entry.path))
        elif not entry.is_symlink():  # a dangling link is just not importable
            project.problems.append(Problem(str(error.strerror), entry.path))
        return None


def _in_path_order(files: list[tuple[str, Path, str]], directory_of: dict[Path, Path]) -> list[Path]:
    # Path order is the order of the paths' parts; on POSIX (case kept, one separator) their
    # strings split at the separator sort the same way, without a Path comparison per step.
    posix = os.sep == "/" and os.altsep is None
    if posix:
        files.sort(key=lambda file: file[0].split("/"))
    made = [(_child(directory, name), directory) for _, directory, name in files]
    directory_of.update(made)
    paths = [file for file, _ in made]
    return paths if posix else sorted(paths)


def _child(directory: Path, name: str) -> Path:
    # ``directory / name`` for a name from its listing (one component, no separator). Path
    # parses the right side of `/` as a whole path; up to 3.12 pathlib has the step iterdir
    # uses for a listed name, which appends it as it is (~0.5 us against ~2 us, 20,000 times
    # on a large tree). Python 3.13's pathlib builds children another way: `/` there.
    return _listed_child(directory, name) if _listed_child is not None else directory / name


_listed_child = getattr(Path, "_make_child_relpath", None)


def walk(root: Path, exclude: tuple[str, ...] = (), use_gitignore: bool = True) -> Project:
    """Walk ``root`` once, following symlinks without looping, skipping what is not the project."""
    root = Path(os.path.abspath(root))
    project = Project(root)
    ignored = _git_ignored(root) if use_gitignore else None
    ignored = ignored or set()
    # Each pending directory carries the identities of the directories above it: a symlink
    # back to one of them is a loop; two links to the same place are not.
    pending: list[tuple[Path, str, frozenset[tuple[int, int]]]] = [(root, "", frozenset())]
    # Files as (path, directory, name): their Paths are made once, in order, from their
    # directory's (a Path parsed from each whole string was a fifth of a warm run's walk).
    python_files: list[tuple[str, Path, str]] = []
    notebooks: list[tuple[str, Path, str]] = []
    while pending:
        directory, relative, ancestors = pending.pop()
        try:
            stat = directory.stat()
        except OSError as error:
            project.problems.append(Problem(f"cannot read directory: {error.strerror}", str(directory)))
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in ancestors:
            project.problems.append(Problem("symlink loop (points back to a directory above it)", str(directory)))
            continue
        ancestors = ancestors | {identity}
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            project.problems.append(Problem(f"cannot read directory: {error.strerror}", str(directory)))
            continue
        project.directories[directory] = frozenset(e.name for e in entries)
        for entry in sorted(entries, key=lambda e: e.name, reverse=True):
            name = entry.name
            child_relative = f"{relative}/{name}" if relative else name
            if child_relative in ignored or exclude and _matches(child_relative, name, exclude):
                project.excluded.add(directory / name)
                continue
            # The listing says what each entry is (d_type): only a link needs _kind's stat.
            try:
                plain = not entry.is_symlink()
                kind = ("dir" if entry.is_dir() else "file" if entry.is_file() else "other") if plain else None
            except OSError:
                kind = None
            if kind is None:
                kind = _kind(entry, project)
            if kind == "dir":
                if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info"):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue  # a virtual environment, not the project
                pending.append((_child(directory, name), child_relative, ancestors))
            elif kind != "file":
                continue  # a FIFO or socket named x.py is no source (and reading it could block)
            elif name.endswith(".py"):
                python_files.append((entry.path, directory, name))
            elif name.endswith(".ipynb"):
                notebooks.append((entry.path, directory, name))
    project.python_files = _in_path_order(python_files, project.directory_of)
    project.notebooks = _in_path_order(notebooks, project.directory_of)
    return project
