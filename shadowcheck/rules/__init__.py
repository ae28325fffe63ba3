"""The rules, in code order: each declares its code, name, message and examples."""

from shadowcheck.rules.base import Example, Rule
from shadowcheck.rules.sc101 import ShadowsInstalledPackage
from shadowcheck.rules.sc102 import ShadowsStdlibModule

ALL_RULES: tuple[type[Rule], ...] = (ShadowsInstalledPackage, ShadowsStdlibModule)
RULES_BY_CODE = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Example", "Rule"]
