from shadowcheck.ftypes import Severity
from shadowcheck.rules.base import Example, ShadowRule


class ShadowsStdlibModule(ShadowRule):
    code = "SC102"
    name = "shadows-stdlib-module"
    shadows_kind = "stdlib"
    summary = "A project module hides a standard-library module from the scripts that run beside it."
    description = (
        "A file named like a standard-library module (random.py, queue.py, token.py) in a "
        "directory that Python puts first on sys.path is imported instead of the standard "
        "library, by the project and by every library that imports that module. Modules that "
        "are built in, frozen, or imported before any user code runs (sys, os, time) cannot be "
        "shadowed and are never reported; neither are the standard library's modules that only "
        "CPython itself imports (test, idlelib, turtledemo, this, antigravity)."
    )
    why = (
        "Every import of that name in the run gets the project file: the project's own, and the "
        "standard library's and installed libraries' (`queue` is imported by `concurrent.futures`, "
        "`token` by `tokenize`, which `inspect` and so most of the ecosystem imports). The failure "
        "shows up far from the cause, as `AttributeError: module 'random' has no attribute "
        "'randint'` or a circular import inside a library."
    )
    example = (
        "```\n"
        "scripts/\n"
        "├── random.py       # helpers for random crops\n"
        "└── run.py          # import random; random.randint(0, 9)\n"
        "```\n"
        "\n"
        "`python scripts/run.py` puts `scripts/` first on `sys.path`:\n"
        "\n"
        "```\n"
        "AttributeError: module 'random' has no attribute 'randint'\n"
        "```"
    )
    fix = (
        "Rename the file (`random.py` to `random_utils.py`) and the imports of it, or move it into a "
        "package (`utils/random.py` is imported as `utils.random` and hides nothing)."
    )
    help = "rename %(file)s (e.g. to %(suggestion)s)"
    message = "`%(path)s` shadows the standard-library module `%(module)s`%(where)s"
    default_severity = Severity.WARNING
    valid = (
        Example({"utils/__init__.py": "", "utils/queue.py": "", "main.py": "import utils\n"}, (), "inside-a-library-package"),
        Example({"sys.py": "", "main.py": "import sys\n"}, (), "builtin-module"),
        Example({"random_data.py": "", "main.py": "import random\n"}, (), "different-name"),
        Example({"test.py": "", "main.py": "import test\n"}, (), "stdlib-module-only-cpython-imports"),
    )  # fmt: skip
    invalid = (
        Example(
            {"scripts/random.py": "", "scripts/run.py": "import random\n"},
            (("scripts/random.py", "random", "error"),),
            "script-folder",
        ),
        Example({"scripts/token.py": "TOKEN = 1\n"}, (("scripts/token.py", "token", "warning"),), "no-importer"),
        Example(
            {"queue.py": "import queue\nq = queue.Queue()\n"},
            (("queue.py", "queue", "error"),),
            "imports-itself",
        ),
        Example(
            {"tools/__init__.py": "", "tools/pyproject.toml": "[project]\nname = 'tools'\n", "tools/logging.py": "", "tools/build.py": "import logging\n"},
            (("tools/logging.py", "logging", "error"),),
            "sub-project-folder",
        ),
    )
    installed: dict = {}
