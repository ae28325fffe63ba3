from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from shadowcheck.doctor.imports import MISSING_ERROR, ImportSite, bound_names
from shadowcheck.doctor.install import install_advice
from shadowcheck.ftypes import Finding, Importer, Severity
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

# Importers listed in a finding's evidence; the count says how many more.
SHOWN_IMPORTERS = 5
YAML = Wheel("PyYAML", "6.0.1", {"yaml/__init__.py": "def safe_load(s):\n    return s\n"})


class MissingDependency(EnvironmentRule):
    code = "SC304"
    name = "missing-dependency"
    summary = "The project imports a module that nothing in the environment provides."
    description = (
        "Every absolute import of the project's files, read as `check` reads them, is resolved as "
        "CPython would resolve it for a script of this environment: built-in and frozen modules, "
        "the standard library, PYTHONPATH and site-packages. A name nothing provides (and no "
        "installed distribution's files list) is reported with the distribution to install, from "
        "the project's own declarations or the table of import names that differ from their "
        "distribution's (`sklearn` is scikit-learn). An import at module level that nothing guards "
        "is an error; one under `try`/`except ImportError`, inside a function, or under a condition "
        "is a warning. Never missing: the project's own modules (any module or package in its "
        "tree, and what its build files distribute), relative imports, `if TYPE_CHECKING:` imports, "
        "an alternative of an import that resolves (`import tomllib` / `else: import tomli as "
        "tomllib`), and modules inside a regular installed package (its own finder may provide them)."
    )
    why = (
        "The training script dies on its first line with `ModuleNotFoundError: No module named "
        "'sklearn'`, after the data was downloaded or the job queued; and the name in the error is "
        "not always the one to install."
    )
    example = "import sklearn   # scikit-learn is not installed: pip install scikit-learn"
    fix = "Install the distribution the finding names (the help gives the command for this environment), or remove the import."
    valid = (
        EnvironmentExample((YAML,), (), "installed", project={"train.py": "import yaml\n"}),
        EnvironmentExample(
            (), (), "project-modules-and-guards",
            project={
                "train.py": "import helpers\nfrom lib import tool\nfrom . import sibling\nimport os, sys, json\n",
                "helpers.py": "", "lib/__init__.py": "", "lib/tool.py": "",
                "opt.py": "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n",
                "types_only.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n",
            },
        ),
    )  # fmt: skip
    invalid = (
        EnvironmentExample((), (("yaml", "error"),), "missing-at-module-level", project={"train.py": "import yaml\n"}),
        EnvironmentExample(
            (), (("ujson", "warning"),), "guarded",
            project={"fast.py": "try:\n    import ujson as json\nexcept ImportError:\n    json = None\n"},
        ),
        EnvironmentExample((), (("sklearn", "error"),), "import-name-differs", project={"fit.py": "from sklearn.linear_model import Ridge\n"}),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        imports = context.imports
        for name in imports.missing:
            sites = [s for s in imports.sites(name) if not _alternative(context, s)]
            if sites:
                yield self._finding(context, name, sites)

    def _finding(self, context: DoctorContext, name: str, sites: list[ImportSite]) -> Finding:
        error = MISSING_ERROR % name
        importers = tuple(
            Importer(context.shown(s.file), s.statement.line, s.statement.statement, error, cell=s.statement.cell)
            for s in sites
        )
        unconditional = [s for s in sites if s.unconditional]
        first = (unconditional or sites)[0]
        advice = install_advice(name, context.environment, context.shown(context.environment.python), context.declared)
        message = f"`{name}` is imported by the project, but nothing in this environment provides it: `import {name}` raises {error}"
        if advice.declared_in:
            message += f" ({advice.distribution} is declared in {advice.declared_in}, and not installed)"
        how = "" if unconditional else " (only under a guard, a condition or in a function)"
        evidence = [f"{i.path}:{i.line}: {i.statement}" for i in importers[:SHOWN_IMPORTERS]]
        if len(importers) > SHOWN_IMPORTERS:
            evidence.append(f"... and {len(importers) - SHOWN_IMPORTERS} more")
        return self.finding(
            context.shown(first.file),
            name,
            message + how,
            advice.help,
            severity=Severity.ERROR if unconditional else Severity.WARNING,
            evidence=tuple(evidence),
            importers=importers,
            line=first.statement.line,
        )


def _alternative(context: DoctorContext, site: ImportSite) -> bool:
    """Whether another import in the same file binds the same name and resolves: the missing
    one is a fallback for other versions or platforms (`else: import tomli as tomllib`)."""
    names = bound_names(site.statement)
    parsed = context.sources.imports(site.file)
    for other in parsed.imports if parsed is not None else ():
        if other == site.statement or other.level or not names & bound_names(other):
            continue
        # `import a.x` and `import a.y` both bind `a`: only another module is an alternative.
        if other.top_level != site.statement.top_level and context.imports.system.resolve(other.module).missing is None:
            return True
    return False
