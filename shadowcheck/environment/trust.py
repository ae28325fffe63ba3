"""Whether an interpreter the repository itself chose may be run.

shadowcheck runs the interpreter it inspects. The user's own choices (--python,
$SHADOWCHECK_PYTHON, an activated $VIRTUAL_ENV or $CONDA_PREFIX) are theirs to make. A choice
read from the repository (its `.venv/` or `venv/`, `python` in `[tool.shadowcheck]`) is the
repository's, and CI runs shadowcheck on pull requests nobody has reviewed yet: such an
interpreter runs only when it is a real virtualenv made on this machine. A virtualenv is never
committed (its interpreter is a link to, or a copy of, the machine's Python), so:

- inside the repository, it must be a virtualenv's interpreter (`pyvenv.cfg` beside `bin/`),
  not a script (`#!`), and git must say that nothing of that virtualenv is tracked;
- where git cannot tell (no checkout, no git), its interpreter must be a link that leads out
  of the repository;
- outside the repository, it is a program of the machine's that the repository only names.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from shadowcheck.environment.process import run_bounded
from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.paths import is_inside, real, relative, repository_root

GIT_TIMEOUT = 30.0
# A .git/config shipped in an archive (not a clone) could name a program as its file-system
# monitor, which `git ls-files` would start (CVE-2022-24765 is about the same key).
GIT_SAFETY = ("-c", "core.fsmonitor=false")


def check_trusted(python: str, project_root: Path, chosen_by: str) -> None:
    """Raise ShadowcheckError, in one line that says how to run it anyway, unless ``python``
    (chosen by the repository, as ``chosen_by`` says) may be run."""
    repository = Path(repository_root(str(project_root)))
    # Where the path is (its directory, resolved: not the link itself) and where it leads.
    if not is_inside(os.path.dirname(python), repository) and not is_inside(python, repository):
        return
    reason = _reason_not_to_run(Path(python), repository)
    if reason is not None:
        shown = relative(python, Path.cwd())
        raise ShadowcheckError(
            f"refusing to run {shown} (chosen by the repository: {chosen_by}): {reason}; "
            f"to run it anyway, pass --python {shown} (or set SHADOWCHECK_PYTHON)"
        )


def _reason_not_to_run(python: Path, repository: Path) -> str | None:
    environment = python.parent.parent
    if python.parent.name not in ("bin", "Scripts") or not (environment / "pyvenv.cfg").is_file():
        return "it is not the interpreter of a virtualenv (no pyvenv.cfg beside its bin/)"
    try:
        with open(python, "rb") as file:
            if file.read(2) == b"#!":
                return "it is a script, and a virtualenv's interpreter never is"
    except OSError as error:
        return f"it cannot be read ({error.strerror})"
    tracked = _tracked(repository, [environment, Path(real(python))])
    if tracked:
        return f"git tracks {tracked}, and a virtualenv is never committed"
    if tracked is None and is_inside(real(python), repository):
        return "git cannot tell whether it is committed, and it is no link to an interpreter outside the repository"
    return None


def _tracked(repository: Path, paths: list[Path]) -> str | None:
    """The first tracked file at or below ``paths``, "" when none is, None when git cannot
    say (no checkout, no git, a repository git refuses to read)."""
    if not (repository / ".git").exists():
        return None
    inside = [os.path.relpath(real(p), real(repository)) for p in paths if is_inside(p, repository)]
    try:
        result = run_bounded(
            ["git", *GIT_SAFETY, "ls-files", "-z", "--", *inside],
            cwd=str(repository), env=os.environ, timeout=GIT_TIMEOUT,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    files = [f for f in result.stdout.decode("utf-8", "surrogateescape").split("\0") if f]
    return files[0] if files else ""
