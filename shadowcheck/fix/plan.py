"""Plan a fix: every rename, edit and removal computed, and every refusal decided, before
anything is written.

The input is narrow on purpose: the shadowed import name, the shadowing file or package
directory, and the project's files (from the walk). The engine reads those files itself.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterable
from pathlib import Path

from shadowcheck.fix.configs import plan_config_edits
from shadowcheck.fix.git import is_tracked, uncommitted, work_tree
from shadowcheck.fix.local import LocalModule, load_local
from shadowcheck.fix.model import FileChange, FixError, FixPlan, Rename, Rewritten, Target, Unresolved
from shadowcheck.fix.names import is_module_name, occupied, suggest_name
from shadowcheck.fix.notebook import rewrite_notebook
from shadowcheck.fix.rewrite import Reach, SourceRewrite, needs_rewrite, rewrite_source
from shadowcheck.fix.source import decode_python, encode_python
from shadowcheck.paths import is_inside


def plan_fix(
    project_root: Path,
    module: str,
    local_path: Path,
    new_name: str | None,
    files: Iterable[Path],
    *,
    kind: str = "third-party",
    taken: Container[str] = frozenset(),
    excluded: Iterable[Path] = (),
    allow_dirty: bool = False,
) -> FixPlan:
    """The plan that renames ``local_path`` (the file or package directory that shadows the
    import name ``module``) to ``new_name`` (None: ``suggest_name``), and rewrites the imports
    in ``files`` that meant it. Raises FixError, with one line, when the fix must be refused."""
    return plan_fixes(
        project_root, [Target(module, Path(local_path), new_name, kind)], files,
        taken=taken, excluded=excluded, allow_dirty=allow_dirty,
    )  # fmt: skip


def plan_fixes(
    project_root: Path,
    targets: Iterable[Target],
    files: Iterable[Path],
    *,
    taken: Container[str] = frozenset(),
    excluded: Iterable[Path] = (),
    allow_dirty: bool = False,
) -> FixPlan:
    """One plan for several renames at once: a file that imports two of them is rewritten once.
    ``taken`` holds the names the environment answers to (``names.names_in_use``), which a new
    name must avoid; ``excluded`` the paths configuration excludes."""
    root = Path(os.path.abspath(project_root))
    excluded = {Path(os.path.abspath(p)) for p in excluded}
    renames = _renames(root, list(targets), taken, excluded)
    locals_ = [load_local(rename, root) for rename in renames]
    changes: dict[Path, FileChange] = {}
    rewritten: list[Rewritten] = []
    unresolved: list[Unresolved] = []
    needles = tuple(sorted({r.module.rpartition(".")[2] for r in renames}))
    for file in sorted({Path(os.path.abspath(f)) for f in files}):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise FixError(f"{file}: cannot read: {error.strerror}") from None
        if not any(n.encode() in data for n in needles):
            continue
        reach = _reach(root, file, locals_)
        if file.suffix == ".ipynb":
            after, result = rewrite_notebook(data, file, reach, needles)
        else:
            text, encoding = decode_python(data, file)
            if not needs_rewrite(text, file, reach):
                continue
            result = rewrite_source(text, file, reach)
            after = encode_python(result.text, encoding, file) if result.text != text else data
        _collect(file, result, rewritten, unresolved)
        if after != data:
            real = Path(os.path.realpath(file))
            if not is_inside(real, root):
                raise FixError(f"{file}: would need editing but is outside the project root {root}")
            changes[real] = FileChange(real, data, after)
    configs = plan_config_edits(root, [(r, _importable(root, r)) for r in renames])
    for path, (before, after) in configs.changes.items():
        changes[path] = FileChange(path, before, after)
    rewritten += [Rewritten(p, line, m, b, a) for p, line, m, b, a in configs.rewritten]
    unresolved += [Unresolved(p, line, m, t, reason) for p, line, m, t, reason in configs.unresolved]
    top = work_tree(root)
    use_git = top is not None and any(is_tracked(top, r.source) for r in renames)
    if top is not None and not allow_dirty:
        dirty = uncommitted(top, [*changes, *(r.source for r in renames)])
        if dirty:
            shown = ", ".join(os.path.relpath(p, root) for p in dirty[:3]) + (" ..." if len(dirty) > 3 else "")
            raise FixError(f"uncommitted changes in {shown}: commit or stash them first, or pass --allow-dirty")
    return FixPlan(
        root,
        tuple(renames),
        tuple(changes[p] for p in sorted(changes)),
        tuple(sorted(p for r in renames for p in _stale_bytecode(r))),
        tuple(sorted(rewritten, key=lambda r: (r.path, r.line))),
        tuple(sorted(unresolved, key=lambda u: (u.path, u.line))),
        use_git,
    )


def _renames(root: Path, targets: list[Target], taken: Container[str], excluded: set[Path]) -> list[Rename]:
    renames: list[Rename] = []
    for target in targets:
        source = Path(os.path.abspath(target.local_path))
        if source.name == "__init__.py":
            source = source.parent  # a package is renamed as a whole
        shown = os.path.relpath(source, root)
        if not os.path.lexists(source):
            raise FixError(f"{source}: no such file or directory")
        if not is_inside(source, root) or source == root:
            raise FixError(f"{source}: outside the project root {root}; refusing to rename it")
        if any(p in excluded for p in (source, *source.parents)):
            raise FixError(f"{shown}: excluded by configuration; refusing to rename it")
        if not (source.is_dir() or source.suffix == ".py"):
            raise FixError(f"{shown}: only a .py module or a package directory can be renamed")
        last = target.module.rpartition(".")[2]
        if (source.stem if source.suffix == ".py" else source.name) != last:
            raise FixError(f"{shown}: is not the module `{target.module}`")
        new = target.new_name or suggest_name(target.module, target.kind, taken, source.parent)
        if not is_module_name(new):
            raise FixError(f"{new!r}: not a valid module name")
        parent_module = target.module.rpartition(".")[0]
        new_module = f"{parent_module}.{new}" if parent_module else new
        if new == last:
            raise FixError(f"{target.module}: the new name is the old one")
        if new in taken or new_module in taken:
            raise FixError(f"{new}: that name is already taken by the standard library or an installed package")
        destination = source.with_name(new + source.suffix)
        clash = occupied(source.parent, new) or [d.name for d in (r.destination for r in renames) if d == destination]
        if clash:
            raise FixError(f"{os.path.relpath(source.parent / clash[0], root)}: already exists; choose another name with --rename {target.module}=NAME")
        renames.append(Rename(target.module, new_module, source, destination))
    return renames


def _entry(rename: Rename) -> Path:
    # The sys.path entry the module is imported from: its directory, above namespace parents.
    directory = rename.source.parent
    for _ in range(rename.module.count(".")):
        directory = directory.parent
    return directory


def _importable(root: Path, rename: Rename) -> bool:
    # Where the project's own build finds top-level modules: the root or src/.
    return _entry(rename) in (root, root / "src")


def _package_base(root: Path, directory: Path) -> Path:
    while directory != root and (directory / "__init__.py").is_file():
        directory = directory.parent
    return directory


def _reach(root: Path, file: Path, locals_: list[LocalModule]) -> Reach:
    # By name, a file reaches the module in its own directory (`python file.py`), else in the
    # directory above its packages, else in the project root (`python -m`, pytest, notebooks).
    directories = (file.parent, _package_base(root, file.parent), root)
    by_name: dict[str, LocalModule] = {}
    for local in locals_:
        entry = _entry(local.rename)
        if entry not in directories:
            continue
        known = by_name.get(local.module)
        if known is None or directories.index(entry) < directories.index(_entry(known.rename)):
            by_name[local.module] = local
    return Reach(by_name, tuple(locals_))


def _collect(file: Path, result: SourceRewrite, rewritten: list[Rewritten], unresolved: list[Unresolved]) -> None:
    rewritten += [Rewritten(file, line, module, before, after) for line, module, before, after in result.rewritten]
    unresolved += [Unresolved(file, line, module, text, reason) for line, module, text, reason in result.unresolved]


def _stale_bytecode(rename: Rename) -> list[Path]:
    # A sourceless keras.pyc beside the renamed file would go on shadowing; the cache entries
    # __pycache__/keras.*.pyc are orphans once keras.py is gone.
    directory, last = rename.source.parent, rename.module.rpartition(".")[2]
    found = [directory / f"{last}{suffix}" for suffix in (".pyc", ".pyo") if (directory / f"{last}{suffix}").is_file()]
    cache = directory / "__pycache__"
    if cache.is_dir():
        found += [p for p in cache.iterdir() if p.name.startswith(last + ".") and p.suffix == ".pyc"]
    return found


__all__ = ["FixError", "FixPlan", "Target", "plan_fix", "plan_fixes"]
