from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from shadowcheck.doctor.words import joined
from shadowcheck.environment.declared import DeclaredDependencies
from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Distribution, Finding, Importer, Severity
from shadowcheck.rules.environment import EnvironmentExample, EnvironmentRule, Wheel
from shadowcheck.rules.sc304 import SHOWN_IMPORTERS

if TYPE_CHECKING:
    from shadowcheck.doctor.context import DoctorContext

YAML = Wheel("PyYAML", "6.0.1", {"yaml/__init__.py": ""})
NUMPY = Wheel("numpy", "2.1.0", {"numpy/__init__.py": ""})


class UndeclaredDependency(EnvironmentRule):
    code = "SC305"
    name = "undeclared-dependency"
    summary = "The project imports an installed distribution that it does not declare."
    description = (
        "For a project that declares its dependencies (pyproject.toml's `[project]` dependencies, "
        "optional dependencies and dependency groups, Poetry's, setup.cfg, setup.py, Pipfile, "
        "requirements*.txt, environment.yml), every installed distribution its files import (the "
        "distribution whose module CPython finds for the name) must be among them, under its own "
        "name or a declared name it is known by. A project that declares nothing is left alone. "
        "The project's own modules never count. A warning: the import works today."
    )
    why = (
        "The import works only because something else installed the distribution (numpy for "
        "keras, PyYAML for pre-commit): a fresh environment made from the declarations, a CI job "
        "or a colleague's machine, fails with `ModuleNotFoundError`, or gets a version nobody chose."
    )
    example = "import yaml   # PyYAML is installed (pre-commit needs it), but requirements.txt does not name it"
    default_severity = Severity.WARNING
    fix = "Declare the distribution where the project declares the others (the help names the file), or stop importing it."
    valid = (
        EnvironmentExample((YAML,), (), "declared", project={"requirements.txt": "pyyaml>=6\n", "train.py": "import yaml\n"}),
        EnvironmentExample((YAML,), (), "nothing-declared", project={"train.py": "import yaml\n"}),
        EnvironmentExample(
            (NUMPY,), (), "stdlib-and-own-modules",
            project={"pyproject.toml": "[project]\nname = 'app'\ndependencies = ['numpy']\n", "app/__init__.py": "import app.core, json, numpy\n", "app/core.py": ""},
        ),
    )  # fmt: skip
    invalid = (
        EnvironmentExample(
            (YAML, NUMPY), (("PyYAML", "warning"),), "transitive",
            project={"requirements.txt": "numpy\n", "train.py": "import numpy\nimport yaml\n"},
        ),
    )  # fmt: skip

    def check(self, context: DoctorContext) -> Iterator[Finding]:
        declared = context.declared
        if declared is None or not declared.distributions:
            return
        wanted = set(declared.distributions)
        imported: dict[str, tuple[Distribution, list[str]]] = {}
        for name, providers in context.imports.third_party.items():
            if wanted & {normalize_distribution_name(d.name) for d in providers}:
                continue
            distribution = providers[0]
            key = normalize_distribution_name(distribution.name)
            imported.setdefault(key, (distribution, []))[1].append(name)
        for distribution, names in imported.values():
            yield self._finding(context, distribution, _outermost(names), declared)

    def _finding(
        self, context: DoctorContext, distribution: Distribution, names: list[str], declared: DeclaredDependencies
    ) -> Finding:
        sites = [site for name in names for site in context.imports.sites(name)]
        sites.sort(key=lambda s: (str(s.file), s.statement.line))
        importers = tuple(
            dict.fromkeys(
                Importer(context.shown(s.file), s.statement.line, s.statement.statement, None, cell=s.statement.cell)
                for s in sites
            )
        )
        label = f"{distribution.name} {distribution.version}"
        modules = joined([f"`{n}`" for n in names])
        message = (
            f"{modules} comes from {label}, which the project does not declare (in {declared.named}): "
            "it is installed, but not because the project asks for it"
        )
        evidence = [f"{i.path}:{i.line}: {i.statement}" for i in importers[:SHOWN_IMPORTERS]]
        if len(importers) > SHOWN_IMPORTERS:
            evidence.append(f"... and {len(importers) - SHOWN_IMPORTERS} more")
        first = importers[0] if importers else None
        requirement = f"{distribution.name}>={distribution.version}" if distribution.version else distribution.name
        return self.finding(
            first.path if first else context.shown(context.project_root),
            distribution.name,
            message,
            f"declare it in {_where(declared.sources[0])}: `{requirement}`",
            distributions=((distribution.name, distribution.version),),
            evidence=tuple(evidence),
            importers=importers,
            line=first.line if first else 1,
        )


def _outermost(names: list[str]) -> list[str]:
    # `import yaml.loader` names yaml and yaml.loader: the finding speaks of yaml.
    return [n for n in names if not any(n.startswith(other + ".") for other in names)]


def _where(source: str) -> str:
    """Where in ``source`` a dependency is declared."""
    if source.endswith("pyproject.toml"):
        return f"{source} (`[project] dependencies`, or the table that lists the others)"
    if source.endswith(("environment.yml", "environment.yaml")):
        return f"{source} (`dependencies:`, or its `pip:` list)"
    if source.endswith("Pipfile"):
        return f"{source} (`[packages]`)"
    if source.endswith("setup.py"):
        return f"{source} (`install_requires`)"
    if source.endswith("setup.cfg"):
        return f"{source} (`install_requires` in `[options]`)"
    return source
