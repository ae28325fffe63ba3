"""`shadowcheck explain`: a pasted error -> the run it came from -> its cause, as verify resolves it.

The environment is chosen as `check` and `verify` choose it, for the project the run belongs
to; the run's sys.path is built as CPython builds it (importsystem/runs.py) and every name is
resolved by the same import system verify asks.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shadowcheck.environment import describe_environment, project_environment
from shadowcheck.explain.causes import Explainer
from shadowcheck.explain.messages import read_message
from shadowcheck.explain.pasted import PastedException, read_pasted
from shadowcheck.explain.report import Explanation
from shadowcheck.explain.where import MODULE, SCRIPT, RunChoice, choose_run
from shadowcheck.ftypes import ShadowcheckError, TargetEnvironment
from shadowcheck.importsystem.finders import clear_listing_cache
from shadowcheck.importsystem.first_party import FirstPartyIndex
from shadowcheck.importsystem.installed import Installed
from shadowcheck.importsystem.meta_path import ImportSystem
from shadowcheck.importsystem.runs import Run, command_run, module_run, script_run
from shadowcheck.source.layout import find_project_root
from shadowcheck.source.store import SourceStore

# An interpreter's own library directory in a frame's path: .../lib/python3.12/...
_LIBRARY = re.compile(r"[/\\]lib[/\\]python(3)\.(\d+)[/\\]")
UNKNOWN = (
    "shadowcheck does not know the cause: it explains import errors (`No module named ...`, `cannot import "
    "name ...`, `module ... has no attribute ...`), and this is not one of them"
)


@dataclass(frozen=True)
class ExplainSettings:
    python: str | None = None  # the user's --python or $SHADOWCHECK_PYTHON
    configured_python: str | None = None  # `python` in [tool.shadowcheck]: trust.py decides
    use_cache: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def run_explain(text: str, settings: ExplainSettings, cwd: Path | None = None) -> Explanation:
    """Explain the error in ``text`` (a traceback or one error line), pasted in ``cwd``."""
    cwd = cwd or Path.cwd()
    exceptions = read_pasted(text)
    if not exceptions:
        raise ShadowcheckError(
            "no Python error in the input: give a traceback, or its last line (`ModuleNotFoundError: No module named 'x'`)"
        )
    chosen, reading = exceptions[-1], None
    for exception in reversed(exceptions):  # a chain: the import error that started it
        reading = read_message(exception.type, exception.message)
        if reading is not None:
            chosen = exception
            break
    if reading is None:
        return Explanation(chosen.line, False, UNKNOWN + ".")
    choice = choose_run(chosen.frames or _any_frames(exceptions), cwd)
    if not choice.directory.is_dir():
        return Explanation(
            chosen.line, False,
            f"shadowcheck does not know the cause: the run's directory {choice.directory} is not here; run "
            "`shadowcheck explain` on the machine, and in the directory, the error came from.",
            module=reading.module, run=choice.reason,
        )  # fmt: skip
    clear_listing_cache()
    project_root = find_project_root(choice.directory)
    environment = project_environment(
        settings.python, project_root, settings.environ, use_cache=settings.use_cache, configured=settings.configured_python
    )
    run = _run(choice, environment, cwd, settings.environ)
    sources = SourceStore(use_cache=settings.use_cache)
    system = ImportSystem(run, Installed(environment), own=FirstPartyIndex(environment, sources).owns_on_path)
    explanation = Explainer(system, sources, cwd, project_root, chosen.frames).explain(chosen.line, reading)
    sources.close()
    evidence = explanation.evidence + _version_note(exceptions, environment)
    return dataclasses.replace(
        explanation, evidence=evidence, run=choice.reason, sys_path=run.entries, python=environment.python,
        python_note=describe_environment(environment, cwd), problems=(*environment.problems, *sources.problems),
    )  # fmt: skip


def _run(choice: RunChoice, environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str]) -> Run:
    if choice.kind == SCRIPT and choice.script is not None:
        return script_run(environment, choice.script, cwd, environ)
    if choice.kind == MODULE:
        return module_run(environment, choice.directory, environ)
    return command_run(environment, choice.directory, environ)


def _any_frames(exceptions: tuple[PastedException, ...]):
    # A chain's later tracebacks start at the same script.
    return next((e.frames for e in exceptions if e.frames), ())


def _version_note(exceptions: tuple[PastedException, ...], environment: TargetEnvironment) -> tuple[str, ...]:
    for exception in exceptions:
        for frame in exception.frames:
            match = _LIBRARY.search(frame.file)
            if match is not None and (int(match[1]), int(match[2])) != tuple(environment.version[:2]):
                shown = ".".join(map(str, environment.version[:2]))
                return (
                    f"the traceback's frames are in a Python {match[1]}.{match[2]} library ({frame.file}), and this "
                    f"environment is Python {shown}: pass the interpreter that ran it with --python",
                )
    return ()

