"""`shadowcheck doctor`: the target environment's health before training.

The rules live with check's in shadowcheck/rules/ (one registry: SC3xx read the environment);
here is what they read and how a run goes: context.py (the environment, the project's walk and
imports as check reads them: imports.py, sys.path and where each entry came from:
path_entries.py, RECORD hashes: records.py and digests.py), summary.py describes the
environment, training.py runs the reference CNN, run.py ties them into a DoctorReport
(report.py) for the reporters. Nothing here is imported by the package itself: rules import
these modules, and doctor's command imports the rules.
"""
