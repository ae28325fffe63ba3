"""Doctor's rules, in code order. Importing this is cheap: each rule imports what it needs
(packaging, the file hashing) only when it runs, because `check` loads the codes too."""

from __future__ import annotations

from shadowcheck.doctor.rule import DoctorRule
from shadowcheck.doctor.sc301 import DuplicateProvider
from shadowcheck.doctor.sc302 import BrokenRequirement
from shadowcheck.doctor.sc306 import KerasBackend
from shadowcheck.doctor.sc307 import AlteredOrMissingFiles

DOCTOR_RULES: tuple[type[DoctorRule], ...] = (DuplicateProvider, BrokenRequirement, KerasBackend, AlteredOrMissingFiles)
DOCTOR_RULES_BY_CODE = {rule.code: rule for rule in DOCTOR_RULES}
