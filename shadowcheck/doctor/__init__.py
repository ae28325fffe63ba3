"""`shadowcheck doctor`: the target environment's health before training.

registry.py lists the rules (one module each, sc3NN.py); context.py is what they read (the
environment, records.py's RECORD hashes, scope.py's imported distributions); summary.py
describes the environment; training.py runs the reference CNN; run.py ties them into a
DoctorReport (report.py) for the reporters.
"""

from shadowcheck.doctor.registry import DOCTOR_RULES, DOCTOR_RULES_BY_CODE

__all__ = ["DOCTOR_RULES", "DOCTOR_RULES_BY_CODE"]
