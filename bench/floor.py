"""The floor: what any Python command line must at least do on a tree, run as its own process.

`python bench/floor.py walk ROOT` lists the Python files and notebooks the way shadowcheck's walk
does (scandir, following symlinks without looping, skipping the same directories and virtual
environments); `read` also reads every one of them. It prints the number of files found.
Nothing here imports more than the standard library, so its start-up is the interpreter's own.
"""

from __future__ import annotations

import os
import sys

# The same list as bench/trees.py and shadowcheck's walk (README: "The walk skips ...").
SKIPPED = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "__pycache__", "node_modules", "site-packages",
        "dist-packages", "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".ipynb_checkpoints", ".eggs",
    }
)  # fmt: skip


def walk(root: str) -> list[str]:
    found = []
    pending = [(root, frozenset())]
    while pending:
        directory, ancestors = pending.pop()
        try:
            stat = os.stat(directory)
            entries = list(os.scandir(directory))
        except OSError:
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in ancestors:
            continue  # a symlink back to a directory above
        ancestors = ancestors | {identity}
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if entry.name in SKIPPED or entry.name.endswith(".egg-info"):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue
                pending.append((entry.path, ancestors))
            elif entry.name.endswith((".py", ".ipynb")) and entry.is_file():
                found.append(entry.path)
    return found


def main(argv: list[str]) -> int:
    mode, root = argv
    files = walk(root)
    if mode == "read":
        for path in files:
            with open(path, "rb") as stream:
                stream.read()
    print(len(files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
