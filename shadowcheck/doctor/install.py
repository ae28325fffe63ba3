"""What to install for a module nothing provides, and the command for the environment.

The project's own declarations say it best (a declared distribution that is not installed and
provides the name); else the table of import names that differ from their distribution's
(environment/import_names.py), read forwards only: a name it does not list is not guessed.
doctor's SC304 and `explain` both ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from shadowcheck.doctor.commands import installer_command
from shadowcheck.environment.declared import DeclaredDependencies
from shadowcheck.environment.import_names import (
    distribution_for_import,
    import_names_for_distribution,
    normalize_distribution_name,
)
from shadowcheck.ftypes import TargetEnvironment


@dataclass(frozen=True)
class InstallAdvice:
    module: str
    distribution: str | None  # what to install; None when nothing says
    declared_in: str | None  # the files that declare it, when the project does
    help: str  # the fix, with the command for this environment


def install_advice(
    module: str, environment: TargetEnvironment, python: str, declared: DeclaredDependencies | None = None
) -> InstallAdvice:
    """How to get ``module`` into ``environment`` (its interpreter shown as ``python``)."""
    installed = {normalize_distribution_name(d.name) for d in environment.distributions}
    distribution = declared_in = None
    for name in declared.distributions if declared is not None else ():
        if name not in installed and _provides(import_names_for_distribution(name), module):
            distribution, declared_in = name, declared.named
            break
    if distribution is None:
        distribution = distribution_for_import(module)
    if distribution is None:
        return InstallAdvice(
            module, None, None,
            f"install the distribution that provides `{module}` (shadowcheck's table does not list one, and a "
            "distribution's name often differs from its import name)",
        )  # fmt: skip
    command = installer_command(environment, python).install([distribution])
    return InstallAdvice(module, distribution, declared_in, f"install {distribution}: `{command}`")


def _provides(names: tuple[str, ...], module: str) -> bool:
    # "google.protobuf" provides google.protobuf and google.protobuf.message.
    return any(module == name or module.startswith(name + ".") for name in names)
