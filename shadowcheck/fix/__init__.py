"""`--fix` and `--diff`: rename a shadowing module and rewrite the imports that meant it.

names.py  the new name (``suggest_name``), shared with check's advice
plan.py   ``plan_fix``/``plan_fixes`` -> FixPlan: everything computed, every refusal decided
          (local.py, meaning.py, rewrite.py, notebook.py, configs.py, git.py do the reading)
diff.py   the plan as a git-style patch; report.py the plan as a finding's Fix, JSON and SARIF
apply.py  ``apply_plan``: atomic writes, `git mv`, and a rollback of every step on failure

Importing this package costs nothing (check imports names.py for its advice): libcst is
imported only when a plan reads a file. Import the module that holds what you need.
"""
