"""What `explain` hands to its reporters, and nothing about how it was found."""

from __future__ import annotations

from dataclasses import dataclass

from shadowcheck.ftypes import Problem, Shadowed

# The causes explain names. Anything else is not explained: it says what it found and that it
# does not know, rather than guess.
SHADOW, MISSING, NOT_ON_PATH, CIRCULAR = "shadow", "missing-dependency", "not-on-sys-path", "circular-import"


@dataclass(frozen=True)
class Explanation:
    error: str  # the error line explained (the last one pasted when none is)
    explained: bool
    message: str  # what is wrong; or what was found and why that is not the cause
    cause: str | None = None  # SHADOW, MISSING, NOT_ON_PATH or CIRCULAR when explained
    file: str | None = None  # the file at fault, as shown (relative to the working directory)
    module: str | None = None  # the module the error is about
    fix: str | None = None
    code: str | None = None  # the rule that reports it before it happens (SC101, SC102, SC304)
    shadows: Shadowed | None = None  # for SHADOW: what the file hides
    evidence: tuple[str, ...] = ()  # how it was found: where the name resolves, which frames
    run: str = ""  # the run the error came from, and how that was told
    sys_path: tuple[str, ...] = ()  # that run's sys.path, as predicted
    python: str = ""
    python_note: str = ""  # how the interpreter was chosen
    problems: tuple[Problem, ...] = ()
