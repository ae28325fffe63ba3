"""Every rule, in code order: each declares its code, documentation, detection and examples.

One registry for both commands: `check` runs the rules that read the project's shadows
(PROJECT_RULES), `doctor` runs those and the rules that read the environment
(ENVIRONMENT_RULES). Codes, names, selection, `shadowcheck rule` and the documentation are the
same for all of them.
"""

from shadowcheck.rules.base import (
    ENVIRONMENT,
    PROJECT,
    Analysis,
    Example,
    Rule,
    ShadowRule,
)
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule
from shadowcheck.rules.sc101 import ShadowsInstalledPackage
from shadowcheck.rules.sc102 import ShadowsStdlibModule
from shadowcheck.rules.sc301 import DuplicateProvider
from shadowcheck.rules.sc302 import BrokenRequirement
from shadowcheck.rules.sc303 import PathShadowing
from shadowcheck.rules.sc304 import MissingDependency
from shadowcheck.rules.sc305 import UndeclaredDependency
from shadowcheck.rules.sc306 import KerasBackend
from shadowcheck.rules.sc307 import AlteredOrMissingFiles

ALL_RULES: tuple[type[Rule], ...] = (
    ShadowsInstalledPackage, ShadowsStdlibModule,
    DuplicateProvider, BrokenRequirement, PathShadowing, MissingDependency, UndeclaredDependency,
    KerasBackend, AlteredOrMissingFiles,
)  # fmt: skip
RULES_BY_CODE = {rule.code: rule for rule in ALL_RULES}
PROJECT_RULES = tuple(rule for rule in ALL_RULES if rule.reads == PROJECT)
ENVIRONMENT_RULES: tuple[type[EnvironmentRule], ...] = tuple(
    rule for rule in ALL_RULES if issubclass(rule, EnvironmentRule)
)


def rule_for(kind: str) -> ShadowRule:
    """The first rule that words a shadow of ``kind`` ("stdlib", "third-party"), for verify."""
    for rule in ALL_RULES:
        if issubclass(rule, ShadowRule) and rule.shadows_kind == kind:
            return rule()
    raise LookupError(kind)


__all__ = [
    "ALL_RULES", "ENVIRONMENT", "ENVIRONMENT_RULES", "PROJECT", "PROJECT_RULES", "RULES_BY_CODE", "Analysis",
    "EnvironmentExample", "EnvironmentRule", "Example", "Rule", "ShadowRule", "rule_for",
]  # fmt: skip
