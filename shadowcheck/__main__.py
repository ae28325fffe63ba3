import os
import sys

# `python -m shadowcheck` puts the working directory first on sys.path, and the project
# being checked may well have a click.py: shadowcheck must not be shadowed itself. The
# package is already imported, so its submodules do not need that entry (like `python -P`).
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from shadowcheck.cli import main  # noqa: E402

raise SystemExit(main())
