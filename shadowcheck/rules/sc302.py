from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shadowcheck.ftypes import Finding, Severity
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

APP = "app/__init__.py"


class BrokenRequirement(EnvironmentRule):
    code = "SC302"
    name = "broken-requirement"
    summary = "An installed distribution's requirement is not installed, or not in a version it accepts."
    description = (
        "Each installed distribution's Requires-Dist is checked against what is installed, as "
        "`pip check` does, without needing pip in the target environment: markers are evaluated "
        "for the target interpreter (a `python_version < \"3.11\"` requirement does not apply to "
        "3.12), requirements of extras are left out, and pre-releases satisfy any specifier. "
        "A requirement that cannot be read (not PEP 508) is reported as a warning."
    )
    why = (
        "The distribution fails when it imports what is missing, often far from the cause: "
        "`import keras` dies on `No module named 'namex'` after a `pip install --no-deps`, and a "
        "numpy 2 installed for another package crashes a library built against numpy 1."
    )
    example = "pip install --no-deps keras   # keras's requirements are never installed"
    fix = "Install the requirement in a version the distribution accepts, or install the distribution again with its dependencies."
    valid = (
        EnvironmentExample(
            (
                # A pre-release satisfies `>=1` (pip's prereleases=True); extras and markers that
                # do not hold for the target leave their requirements out.
                Wheel("app", "1.0", {APP: ""}, (
                    "Helper_Lib>=1", "helper-lib[fast]>=1.0", "gpu-kernels; extra == 'gpu'",
                    "tomli; python_version < '3'", "pywin32; sys_platform == 'win32'",
                )),
                Wheel("helper-lib", "2.0rc1", {"helper.py": ""}),
            ),
            (),
            "met-and-not-applicable",
        ),
    )  # fmt: skip
    invalid = (
        EnvironmentExample(
            (Wheel("app", "1.0", {APP: ""}, ("helper-lib>=1; python_version >= '3'", "absent")),),
            (("app", "error"), ("app", "error")),
            "missing",
        ),
        EnvironmentExample(
            (Wheel("app", "1.0", {APP: ""}, ("helper-lib<1",)), Wheel("helper-lib", "1.5", {"helper.py": ""})),
            (("app", "error"),),
            "version-conflict",
        ),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        # Imported here, not at the top: `check` loads the rule registry (for configuration
        # codes) and must not pay for packaging.
        from shadowcheck.doctor.requirements import CONFLICT, MISSING, unmet

        markers = context.marker_environment
        command = context.installer(context.installed.values())
        for distribution in context.installed.values():
            label = f"{distribution.name} {distribution.version}"
            metadata = context.shown(os.path.join(distribution.metadata_path or distribution.location, "METADATA"))
            for text in dict.fromkeys(distribution.requires):
                problem = unmet(text, context.installed, markers)
                if problem is None:
                    continue
                distributions = ((distribution.name, distribution.version),)
                evidence = (f"requirement: {problem.requirement}",)
                if problem.kind == MISSING:
                    message = f"{label} requires {problem.requirement}, which is not installed"
                    help = f"install it: `{command.install([problem.specifier])}`"
                elif problem.kind == CONFLICT:
                    have = problem.installed
                    message = f"{label} requires {problem.requirement}, but {have.name} {have.version} is installed"
                    help = (
                        f"install a version it accepts: `{command.install([problem.specifier])}` "
                        f"(or a {distribution.name} that accepts {have.name} {have.version})"
                    )
                    distributions += ((have.name, have.version),)
                    evidence += (f"installed: {have.name} {have.version} ({context.shown(have.location)})",)
                else:
                    message = f"{label} declares a requirement that is not PEP 508: {text!r} ({problem.reason})"
                    help = f"upgrade {distribution.name}: installers skip or reject this requirement"
                yield self.finding(
                    metadata,
                    distribution.name,
                    message,
                    help,
                    severity=Severity.WARNING if problem.kind not in (MISSING, CONFLICT) else None,
                    distributions=distributions,
                    evidence=evidence,
                )
