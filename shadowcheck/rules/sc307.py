from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shadowcheck.doctor.records import FileState
from shadowcheck.doctor.words import counted
from shadowcheck.ftypes import Distribution, Finding, Severity
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

# Findings list this many files; the count says how many more.
SHOWN_FILES = 5
# conda rewrites its build prefix inside installed text files after pip's RECORD was written,
# so RECORD hashes do not hold for conda packages: `conda doctor` checks them (conda-meta).
NOT_CHECKED_INSTALLERS = ("conda",)

SOLVER = Wheel("solver", "1.2", {"solver/__init__.py": "from .core import solve\n", "solver/core.py": "def solve():\n    return 42\n"})  # fmt: skip
USES_SOLVER = {"train.py": "import solver\n"}


class AlteredOrMissingFiles(EnvironmentRule):
    code = "SC307"
    name = "altered-or-missing-files"
    summary = "An installed distribution's files no longer match its RECORD: some are missing or changed."
    description = (
        "Each file a distribution's RECORD lists with a hash is hashed again (sha256, urlsafe base64 "
        "without padding, as the wheel spec writes it) and compared. Missing files are errors, changed "
        "ones warnings. A file another distribution overwrote with its own copy is SC301's, not this "
        "rule's. By default only the distributions the project declares or imports are hashed; "
        "`--all` hashes every one. conda packages are left to `conda doctor` (conda rewrites files "
        "after installing them) and egg-info installs have no hashes to compare."
    )
    why = (
        "An interrupted `pip install`, a disk that filled up, or a hand edit in site-packages leaves a "
        "package that imports half-way, or behaves unlike the version its metadata claims."
    )
    example = "rm .venv/lib/python3.12/site-packages/torch/lib/libtorch_cpu.so"
    fix = "Reinstall the distribution: pip install --force-reinstall --no-deps NAME==VERSION."
    valid = (
        EnvironmentExample((SOLVER,), (), "intact", project=USES_SOLVER),
        EnvironmentExample((SOLVER,), (), "not-imported", project={"train.py": "import os\n"}, alter={"solver/core.py": None}),
        # pip records the .pyc files it compiles without a hash: deleting them changes nothing.
        EnvironmentExample((SOLVER,), (), "pycache-deleted", project=USES_SOLVER, alter={"solver/__pycache__": None}),
    )  # fmt: skip
    invalid = (
        EnvironmentExample((SOLVER,), (("solver", "error"),), "missing-file", project=USES_SOLVER, alter={"solver/core.py": None}),
        EnvironmentExample(
            (SOLVER,), (("solver", "warning"),), "edited-file", project=USES_SOLVER,
            alter={"solver/core.py": "def solve():\n    return 41\n"},
        ),
        EnvironmentExample(
            (SOLVER,), (("solver", "error"),), "all-distributions", project={"train.py": "import os\n"},
            alter={"solver/core.py": None}, all_distributions=True,
        ),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        scope = tuple(d for d in context.hash_scope if d.installer not in NOT_CHECKED_INSTALLERS)
        context.records.prefetch(scope)
        for distribution in scope:
            # Only hashed entries: the .pyc files pip compiles are recorded without a hash, and
            # a deleted __pycache__ is harmless. No RECORD at all (egg-info): nothing to compare.
            hashed = [e for e in context.records.entries(distribution) or () if e.digest is not None]
            changed = [
                state
                for state in (context.records.state(distribution, e) for e in hashed)
                if state.state != "ok" and not _overwritten_by_neighbour(context, distribution, state)
            ]
            if changed:
                yield self._finding(context, distribution, changed, len(hashed))

    def _finding(self, context: DoctorContext, distribution: Distribution, changed: list[FileState], total: int) -> Finding:
        missing = [s for s in changed if s.state == "missing"]
        altered = [s for s in changed if s.state == "altered"]
        parts = [f"{len(missing)} missing"] if missing else []
        parts += [f"{len(altered)} changed"] if altered else []
        message = (
            f"{distribution.name} {distribution.version} no longer matches its RECORD: "
            f"{' and '.join(parts)} of the {counted(total, 'file')} its RECORD hashes"
        )
        evidence = [f"{s.state}: {context.shown(s.absolute)}" for s in (*missing, *altered)[:SHOWN_FILES]]
        if len(changed) > SHOWN_FILES:
            evidence.append(f"... and {len(changed) - SHOWN_FILES} more")
        command = context.installer((distribution,))
        spec = f"{distribution.name}=={distribution.version}"
        return self.finding(
            context.shown(os.path.join(distribution.metadata_path or distribution.location, "RECORD")),
            distribution.name,
            message,
            f"reinstall it: `{command.install([spec], '--force-reinstall', '--no-deps')}`",
            severity=Severity.ERROR if missing else Severity.WARNING,
            distributions=((distribution.name, distribution.version),),
            evidence=tuple(evidence),
        )


def _overwritten_by_neighbour(context: DoctorContext, distribution: Distribution, state: FileState) -> bool:
    """True when the file on disk is another distribution's recorded copy of it (SC301's)."""
    if state.state != "altered":
        return False
    for other in context.neighbours(distribution):
        entry = context.records.entry(other, state.entry.path)
        if entry is not None and (entry.algorithm, entry.digest) == (state.entry.algorithm, state.digest):
            return True
    return False
