"""The process entry: `python -m shadowcheck` and the `shadowcheck` console script.

shadowcheck reads projects that may shadow anything, so before it imports a single module of
its own (json, click, re ...) it makes sure none can come from the project: started with
$PYTHONPATH, $PYTHONHOME, $PYTHONUSERBASE, $PYTHONSTARTUP ... set, it starts again as
`python -I` (isolated: none of those, no user site, no script directory), its own location
added back; `python -m` from a project drops the working directory from sys.path. The
variables stay in os.environ: they are part of the environment shadowcheck diagnoses.

What ran before this file cannot be undone, and happens to every Python program started the
same way: site imports a sitecustomize.py or usercustomize.py found on $PYTHONPATH, and the
installer's console script imports `re` first. `python -I -m shadowcheck` and the pre-commit
hook (which runs that) start isolated, so nothing runs there at all.

Only `os`, `sys` and `gc` are imported here: the first two are loaded before site runs, and
`gc` is built in, so none can be shadowed. (No `from __future__ import`: that imports the __future__ module from sys.path.)
"""

import os
import sys

# The variables with which CPython takes code or the standard library from somewhere else
# than the installation: ignored under -I (-E). PYTHONINSPECT runs PYTHONSTARTUP's file.
UNSAFE_VARIABLES = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONUSERBASE",
    "PYTHONPLATLIBDIR",
    "PYTHONSTARTUP",
    "PYTHONINSPECT",
    "PYTHONEXECUTABLE",
)
# Run by the isolated interpreter: shadowcheck's own location (appended, so the interpreter's
# own directories come first) and the console entry.
RESTART = (
    "import sys; sys.path.append(sys.argv.pop(1)); "
    "from shadowcheck.__main__ import console; sys.exit(console())"
)


def console():
    """Run the command line in an interpreter that imports nothing from the project."""
    if not sys.flags.ignore_environment and any(os.environ.get(v) for v in UNSAFE_VARIABLES):
        restarted = _restart_isolated()
        if restarted is not None:
            return restarted
    if not sys.flags.isolated and sys.path and _is_working_directory(sys.path[0]):
        # `python -m shadowcheck` put the working directory first on sys.path, and the project
        # being checked may well have a click.py. The package is imported already, so its
        # submodules do not need that entry (like `python -P`).
        if _loaded_from(sys.path[0]):
            restarted = _restart_isolated()  # runpy already imported a module from there
            if restarted is not None:
                return restarted
        del sys.path[0]
    if sys.flags.ignore_environment:
        _honour_io_encoding()

    # A run makes hundreds of thousands of small objects that live until it ends: a collection
    # every 700 allocations was a seventh of a warm run on 20,000 files. (gc is built in.)
    import gc

    gc.set_threshold(100_000, 50, 100)

    from shadowcheck.cli import main
    from shadowcheck.environment.process import terminate_on_sigterm

    terminate_on_sigterm()
    return main()


def _restart_isolated():
    """Start this command again under `python -I`: replaces the process on POSIX (so no exit
    status returns), returns the child's status on Windows, None when there is no interpreter
    to start (an embedding application)."""
    if not sys.executable:
        return None
    argv = [sys.executable, "-I"]
    if sys.flags.utf8_mode:  # PYTHONUTF8=1, ignored under -I, keeps its effect
        argv += ["-X", "utf8"]
    argv += ["-c", RESTART, _own_location(), *sys.argv[1:]]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # os.execv on Windows starts a child and exits at once, status lost
        return os.spawnv(os.P_WAIT, sys.executable, argv)
    os.execv(sys.executable, argv)
    return None  # not reached


def _own_location():
    # The sys.path entry shadowcheck was imported from: site-packages (there under -I too),
    # the user site or a source checkout on $PYTHONPATH (not there under -I).
    package = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(package)


def _is_working_directory(entry):
    return entry == "" or os.path.abspath(entry) == os.getcwd()


def _loaded_from(directory):
    """Whether a top-level module (not shadowcheck itself) was imported from ``directory``."""
    directory = os.path.normcase(os.path.abspath(directory or os.curdir))
    for name, module in list(sys.modules.items()):
        if "." in name or name in ("__main__", "shadowcheck"):
            continue
        origin = getattr(module, "__file__", None)
        if not isinstance(origin, str):
            continue  # built-in, frozen, or a namespace package (which runs no code)
        entry = os.path.dirname(os.path.abspath(origin))
        if getattr(module, "__path__", None) is not None:
            entry = os.path.dirname(entry)  # a package: its directory's parent
        if os.path.normcase(entry) == directory:
            return True
    return False


def _honour_io_encoding():
    # -I ignores PYTHONIOENCODING, which a CI job may set for a terminal that is not UTF-8.
    # Its ":errors" part is for stdout only; stderr keeps backslashreplace, as CPython does.
    encoding, _, errors = os.environ.get("PYTHONIOENCODING", "").partition(":")
    for stream, stream_errors in ((sys.stdout, errors), (sys.stderr, "")):
        if (encoding or stream_errors) and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding=encoding or None, errors=stream_errors or None)
            except (LookupError, ValueError):
                pass


if __name__ == "__main__":
    sys.exit(console())
