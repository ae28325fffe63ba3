"""Every rule, in code order: each declares its code, documentation, detection and examples.

One registry for both commands: `check` runs the rules that read the project's shadows
(PROJECT_RULES), `doctor` runs those and the rules that read the environment
(ENVIRONMENT_RULES). Codes, names, selection, `shadowcheck rule` and the documentation are the
same for all of them.

The environment's rules read with doctor's modules (RECORD files, requirements, install
advice), so they are imported the first time ALL_RULES, RULES_BY_CODE, ENVIRONMENT_RULES,
EnvironmentRule or EnvironmentExample is asked for: `check` never pays for doctor.
"""

import importlib

from shadowcheck.rules.base import (
    ENVIRONMENT,
    PROJECT,
    Analysis,
    Example,
    Rule,
    ShadowRule,
)
from shadowcheck.rules.sc101 import ShadowsInstalledPackage
from shadowcheck.rules.sc102 import ShadowsStdlibModule

PROJECT_RULES: tuple[type[Rule], ...] = (ShadowsInstalledPackage, ShadowsStdlibModule)
# "module:class" in this package, in code order.
_ENVIRONMENT_RULES = (
    "sc301:DuplicateProvider", "sc302:BrokenRequirement", "sc303:PathShadowing", "sc304:MissingDependency",
    "sc305:UndeclaredDependency", "sc306:KerasBackend", "sc307:AlteredOrMissingFiles",
)  # fmt: skip


def _load_environment_rules() -> dict[str, object]:
    from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule

    environment_rules = []
    for entry in _ENVIRONMENT_RULES:
        module, _, name = entry.partition(":")
        environment_rules.append(getattr(importlib.import_module(f"{__name__}.{module}"), name))
    all_rules = (*PROJECT_RULES, *environment_rules)
    return {
        "ALL_RULES": all_rules,
        "RULES_BY_CODE": {rule.code: rule for rule in all_rules},
        "ENVIRONMENT_RULES": tuple(environment_rules),
        "EnvironmentRule": EnvironmentRule,
        "EnvironmentExample": EnvironmentExample,
    }


def __getattr__(name: str):
    if name in ("ALL_RULES", "RULES_BY_CODE", "ENVIRONMENT_RULES", "EnvironmentRule", "EnvironmentExample"):
        globals().update(_load_environment_rules())  # once: a module global is found before __getattr__
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def rule_for(kind: str) -> ShadowRule:
    """The first rule that words a shadow of ``kind`` ("stdlib", "third-party"), for verify."""
    for rule in PROJECT_RULES:
        if issubclass(rule, ShadowRule) and rule.shadows_kind == kind:
            return rule()
    raise LookupError(kind)


__all__ = [
    "ALL_RULES", "ENVIRONMENT", "ENVIRONMENT_RULES", "PROJECT", "PROJECT_RULES", "RULES_BY_CODE", "Analysis",
    "EnvironmentExample", "EnvironmentRule", "Example", "Rule", "ShadowRule", "rule_for",
]  # fmt: skip
