"""The rules, in code order: each declares its code, documentation, detection and examples."""

from shadowcheck.rules.base import Analysis, Example, Rule, ShadowRule
from shadowcheck.rules.sc101 import ShadowsInstalledPackage
from shadowcheck.rules.sc102 import ShadowsStdlibModule

ALL_RULES: tuple[type[Rule], ...] = (ShadowsInstalledPackage, ShadowsStdlibModule)
RULES_BY_CODE = {rule.code: rule for rule in ALL_RULES}


def rule_for(kind: str) -> ShadowRule:
    """The first rule that words a shadow of ``kind`` ("stdlib", "third-party"), for verify."""
    for rule in ALL_RULES:
        if issubclass(rule, ShadowRule) and rule.shadows_kind == kind:
            return rule()
    raise LookupError(kind)


__all__ = ["ALL_RULES", "RULES_BY_CODE", "Analysis", "Example", "Rule", "ShadowRule", "rule_for"]
