"""Which run a traceback came from, read from its frames.

The first frame is where the run started. runpy's own frames first (`<frozen runpy>` from 3.11,
Lib/runpy.py before; `_run_module_as_main`, `_run_code`) mean `python -m`: the next frame is
the module that ran, and the working directory was sys.path[0] (Modules/main.c
pymain_run_module). `<string>` is `python -c`, `<stdin>` a piped script or the REPL, both with
the working directory first. A file is `python FILE`, its real directory first. A notebook cell
runs with the kernel's working directory first. Without frames (a single line), the run is
taken to be one from the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.explain.pasted import Frame

SCRIPT, MODULE, COMMAND = "script", "module", "command"
_RUNPY_FUNCTIONS = ("_run_module_as_main", "_run_code", "run_module", "_run_module_code", "run_path")


@dataclass(frozen=True)
class RunChoice:
    kind: str  # SCRIPT (python FILE), MODULE (python -m), COMMAND (-c, stdin, a notebook, a line)
    directory: Path  # the working directory of the run (for -m and -c, also sys.path[0])
    reason: str  # how it was told, for the report
    script: Path | None = None  # SCRIPT: the file that ran
    module: str | None = None  # MODULE: the module, when the frames show it


def is_runpy(frame: Frame) -> bool:
    return _is_runpy_file(frame) and frame.function in _RUNPY_FUNCTIONS


def _is_runpy_file(frame: Frame) -> bool:
    name = frame.file.replace("\\", "/")
    return name == "<frozen runpy>" or name.endswith("/runpy.py")


def choose_run(frames: tuple[Frame, ...], cwd: Path) -> RunChoice:
    """The run the frames (outermost first) come from; ``cwd`` is where the user asks."""
    # The import machinery's own frames (`<frozen importlib._bootstrap>`) say nothing of the run.
    frames = tuple(f for f in frames if not f.file.startswith("<frozen importlib"))
    if not frames:
        return RunChoice(COMMAND, cwd, "no traceback frames: a run from the current directory")
    if _is_runpy_file(frames[0]) and frames[0].function == "<module>":
        # "Could not import runpy module": `python -m` died importing runpy itself, with the
        # working directory already first on sys.path.
        return RunChoice(MODULE, cwd, "runpy's own imports failed: `python -m`, from the current directory")
    runpy = 0
    while runpy < len(frames) and is_runpy(frames[runpy]):
        runpy += 1
    first = frames[runpy] if runpy < len(frames) else None
    if runpy:
        if first is None or first.file.startswith("<"):
            return RunChoice(MODULE, cwd, "runpy's frames: `python -m`, from the current directory")
        file = _absolute(first.file, cwd)
        directory, module = _module_home(file, cwd)
        return RunChoice(MODULE, directory, f"runpy's frames: `python -m {module}` from {directory}", module=module)
    assert first is not None
    if first.file in ("<string>", "<stdin>"):
        how = "python -c" if first.file == "<string>" else "a script read from standard input"
        return RunChoice(COMMAND, cwd, f"the first frame is {first.file}: {how}, from the current directory")
    if first.file.startswith(("<ipython-input-", "Cell In")) or "/ipykernel_" in first.file:
        return RunChoice(COMMAND, cwd, "a notebook cell: the kernel's directory is taken to be the current one")
    script = _absolute(first.file, cwd)
    return RunChoice(SCRIPT, script.parent, f"the first frame is {first.file}: `python {first.file}`", script=script)


def _absolute(file: str, cwd: Path) -> Path:
    # Before 3.9 a script's __file__ (and so its frame) is the path as typed: relative to the
    # directory it was run from, taken to be this one.
    return Path(os.path.abspath(cwd / file))


def _module_home(file: Path, cwd: Path) -> tuple[Path, str]:
    """(the working directory of `python -m MODULE` that ran ``file``, MODULE)."""
    parts = list(file.with_suffix("").parts)
    if parts[-1] == "__main__":
        parts.pop()  # `python -m pkg` runs pkg/__main__.py
    inside = _relative_parts(Path(*parts), cwd)
    if inside is not None and inside and all(p.isidentifier() for p in inside):
        return cwd, ".".join(inside)
    # Elsewhere: up through the regular packages (their __init__.py), as runpy imported them.
    directory, names = Path(*parts[:-1]), [parts[-1]]
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        names.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(names)


def _relative_parts(path: Path, directory: Path) -> list[str] | None:
    try:
        return list(path.relative_to(directory).parts)
    except ValueError:
        return None
