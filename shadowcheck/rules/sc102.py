from shadowcheck.ftypes import Severity
from shadowcheck.rules.base import Example, Rule


class ShadowsStdlibModule(Rule):
    code = "SC102"
    name = "shadows-stdlib-module"
    shadows_kind = "stdlib"
    summary = "A project module hides a standard-library module from the scripts that run beside it."
    description = (
        "A file named like a standard-library module (random.py, queue.py, token.py) in a "
        "directory that Python puts first on sys.path is imported instead of the standard "
        "library, by the project and by every library that imports that module. Modules that "
        "are built in, frozen, or imported before any user code runs (sys, os, time) cannot be "
        "shadowed and are never reported."
    )
    help = "rename %(file)s (e.g. to %(suggestion)s)"
    message = "`%(path)s` shadows the standard-library module `%(module)s`%(where)s"
    default_severity = Severity.WARNING
    valid = (
        Example({"utils/__init__.py": "", "utils/queue.py": "", "main.py": "import utils\n"}, (), "inside-a-library-package"),
        Example({"sys.py": "", "main.py": "import sys\n"}, (), "builtin-module"),
        Example({"random_data.py": "", "main.py": "import random\n"}, (), "different-name"),
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
    )
    installed: dict = {}
