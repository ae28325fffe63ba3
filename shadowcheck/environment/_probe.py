# Reports what a target interpreter would import from where, as one JSON object on stdout.
#
# shadowcheck runs this file as `TARGET_PYTHON _probe.py` with a fresh temporary directory as
# the working directory, so nothing of the user's project is imported. It must run unchanged on
# Python 3.8 to 3.14, with the standard library only, and it must never crash on one broken
# distribution: what it has to skip goes into "problems".

import sys  # always imported before any user code runs: this line adds nothing to sys.modules

# shadowcheck runs this file isolated, as `python -I -S _probe.py`: no PYTHONPATH, user site,
# PYTHONSTARTUP or script directory on sys.path, and no site yet, so that nothing of the
# project can run here (a sitecustomize.py on PYTHONPATH would). start_site() then runs site
# on the interpreter's own directories, and users_sys_path() adds, as data, what PYTHONPATH and
# the user site add for the user's scripts.
ISOLATED = __name__ == "__main__" and sys.flags.isolated and sys.flags.no_site

# A script's directory is sys.path[0] when not isolated; leave it out at once so that nothing
# beside this file can shadow the modules the probe imports below. With PYTHONSAFEPATH (-P,
# 3.11+) it is never added. (Imported, as shadowcheck's tests do, the file leaves sys.path alone.)
if __name__ == "__main__" and not sys.flags.isolated and not getattr(sys.flags, "safe_path", False):
    del sys.path[0]


def start_site():
    """Run site as start-up would (the environment's own .pth files and sitecustomize), and
    return (sys.path before it, whether the environment lets the user site in)."""
    import site

    before = list(sys.path)
    # site.venv() sets ENABLE_USER_SITE to False for a venv without system site-packages;
    # main() computes it only while it is None. A falsy marker that is not False tells the two
    # apart, and adds no user site here (-I would not either).
    site.ENABLE_USER_SITE = 0
    site.main()
    return before, site.ENABLE_USER_SITE is not False


if ISOLATED:
    INTERPRETER_PATH, VENV_ALLOWS_USER_SITE = start_site()

STARTUP_MODULE_NAMES = list(sys.modules)

import csv  # noqa: E402
import errno  # noqa: E402
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import keyword  # noqa: E402
import operator  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import posixpath  # noqa: E402
import re  # noqa: E402
import site  # noqa: E402
import sysconfig  # noqa: E402
import urllib.parse  # noqa: E402
import warnings  # noqa: E402
from importlib import metadata  # noqa: E402

# Python 3.12+ drop a RECORD's files that are not on disk from dist.files (its nested
# skip_missing_files, importlib_metadata 5.2); older versions list them all. Asked of the code
# itself, not the version number, so that every patch release is read as it behaves.
FILES_SKIP_MISSING = any(
    getattr(const, "co_name", None) == "skip_missing_files"
    for const in metadata.Distribution.files.fget.__code__.co_consts
)
# The errors pathlib's Path.exists() takes for "not there" (its _ignore_error).
MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
MISSING_WINERRORS = (21, 123, 1921)
FIRST, THIRD = operator.itemgetter(0), operator.itemgetter(2)
# What shows, in names joined by line breaks, that PurePosixPath would change one: an empty part
# (a root, "//", a trailing "/", an empty name) or a "." part.
NOT_PLAIN_PATH = ("//", "\n/", "/\n", "\n\n", "/./", "\n./", "/.\n", "\n.\n")
MODULE_SUFFIXES = sorted(
    set(
        importlib.machinery.EXTENSION_SUFFIXES
        + importlib.machinery.SOURCE_SUFFIXES
        + importlib.machinery.BYTECODE_SUFFIXES
    ),
    key=len,
    reverse=True,  # ".cpython-312-x86_64-linux-gnu.so" before ".so"
)
# Directories inside site-packages that are metadata or installer output, never importable.
NOT_PACKAGE_SUFFIXES = (".dist-info", ".egg-info", ".data")
# What sys.stdlib_module_names leaves out although it sits in the stdlib directories: the test
# suite and CPython's own test and example extensions (Tools/build/generate_stdlib_module_names.py).
NOT_STDLIB = re.compile(r"^(test|_test.*|_ctypes_test|_?xx.*|__p?hello\w*)$")
# Modules frozen into 3.8-3.10 builds, which cannot list their frozen modules (3.11+ can).
OLD_FROZEN_CANDIDATES = (
    "_frozen_importlib",
    "_frozen_importlib_external",
    "zipimport",
    "__hello__",
    "__phello__",
    "__phello__.spam",
)


def unique(items):
    """The non-empty items, in order, each once."""
    result = []
    for item in items:
        if item and item not in result:
            result.append(item)
    return result


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def is_import_name(name):
    return name.isidentifier() and not keyword.iskeyword(name)


def module_stem(filename):
    """The module a file is: x for x.py, x.pyc or x.cpython-312-x86_64-linux-gnu.so."""
    for suffix in MODULE_SUFFIXES:
        if filename.endswith(suffix) and len(filename) > len(suffix):
            return filename[: -len(suffix)]
    return None


# --- the interpreter ----------------------------------------------------------------------


def stdlib_paths():
    # In a venv, sysconfig's platstdlib is "{platbase}/lib/pythonX.Y" with platbase the venv,
    # which holds no stdlib: the base installation's directories are wanted.
    base = {
        "base": sys.base_prefix,
        "installed_base": sys.base_prefix,
        "platbase": sys.base_exec_prefix,
        "installed_platbase": sys.base_exec_prefix,
    }
    platstdlib = sysconfig.get_path("platstdlib", vars=base)
    paths = [sysconfig.get_path("stdlib", vars=base), platstdlib]
    for entry in sys.path:
        if os.path.basename(entry) == "lib-dynload":
            paths.append(entry)
    paths.append(os.path.join(platstdlib or "", "lib-dynload"))
    paths.append(os.path.join(sys.base_prefix, "DLLs"))  # Windows keeps extensions there
    return [p for p in unique(paths) if os.path.isdir(p)]


def stdlib_module_names_from_disk(paths, frozen):
    # sys.stdlib_module_names exists from 3.10 on. Before that, the standard library is what
    # the interpreter's own stdlib, platstdlib and lib-dynload directories hold (never their
    # site-packages or Debian's dist-packages), plus the modules built into the executable.
    names = set(sys.builtin_module_names)
    names.update(n for n in frozen if "." not in n and not NOT_STDLIB.match(n))
    for directory in paths:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for entry in entries:
            if entry in ("site-packages", "dist-packages", "__pycache__"):
                continue
            if os.path.isdir(os.path.join(directory, entry)):
                name = entry
            else:
                name = module_stem(entry)
            if name and is_import_name(name) and not NOT_STDLIB.match(name):
                names.add(name)
    return names


def frozen_module_names():
    try:
        import _imp

        candidates = _imp._frozen_module_names()  # 3.11+
    except (ImportError, AttributeError):
        candidates = OLD_FROZEN_CANDIDATES
    # A frozen module is used only while frozen modules are enabled (-X frozen_modules=on,
    # the default outside a source build); FrozenImporter answers for the ones that are.
    finder = importlib.machinery.FrozenImporter
    return [name for name in candidates if finder.find_spec(name) is not None]


def user_site_enabled():
    """Whether a plain `python script.py` of the user's adds the user site (site.py's
    check_enableusersite and venv(), with the user's own PYTHONNOUSERSITE)."""
    if not ISOLATED:
        return bool(site.ENABLE_USER_SITE)
    if not VENV_ALLOWS_USER_SITE or os.environ.get("PYTHONNOUSERSITE"):
        return False
    if hasattr(os, "geteuid") and os.geteuid() != os.getuid():
        return False
    if hasattr(os, "getegid") and os.getegid() != os.getgid():
        return False
    return True


def user_site():
    # getusersitepackages() reads $PYTHONUSERBASE from os.environ itself, even under -I.
    return site.getusersitepackages() if user_site_enabled() else None


def users_sys_path(problems):
    """sys.path as the user's scripts get it (without the script's directory), computed in
    site.py's order without importing anything from PYTHONPATH or the user site:
    PYTHONPATH, the interpreter's own entries, the user site and what its .pth files add, then
    the site-packages directories start_site() added."""
    if not ISOLATED:
        return list(sys.path)
    site_added = [entry for entry in sys.path if entry not in INTERPRETER_PATH]
    # shadowcheck made every PYTHONPATH entry absolute against the user's working directory,
    # as CPython does at start-up (getpath, then site.removeduppaths on 3.8-3.10).
    pythonpath = [e for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e]
    result, known = [], set()

    def add(entries):
        # Kept as site left them: a .pth file's `import` line may append a name that is no
        # directory at all (setuptools' editable finders append "__editable__.<...>.__path_hook__").
        for entry in entries:
            if os.path.normcase(entry) not in known:
                known.add(os.path.normcase(entry))
                result.append(entry)

    add([os.path.abspath(entry) for entry in pythonpath] + INTERPRETER_PATH)
    directory = user_site()
    if directory and os.path.isdir(directory):
        add(path_entries_of_site_dir(directory, list(result), problems))
    add(site_added)
    return result


def path_entries_of_site_dir(directory, current, problems):
    """What site.addsitedir(directory) appends to ``current``: the directory and the
    directories its .pth files name. Their `import` lines are never run (they are code)."""
    saved_path, saved_exec = sys.path, getattr(site, "exec", None)
    start = len(current)
    sys.path = current
    site.exec = lambda *args: None  # site.addpackage runs `import` lines with exec()
    try:
        site.addsitedir(directory)
        return current[start:]
    except Exception as error:  # a broken .pth file must not cost the whole answer
        problems.append("skipped the user site %s: %s" % (directory, first_line(error)))
        return []
    finally:
        sys.path = saved_path
        if saved_exec is None:
            del site.exec
        else:
            site.exec = saved_exec


def made_by_uv():
    # uv writes `uv = <version>` into the pyvenv.cfg of every environment it creates.
    if sys.prefix == sys.base_prefix:
        return False
    try:
        with open(os.path.join(sys.prefix, "pyvenv.cfg"), encoding="utf-8") as config:
            return any(line.partition("=")[0].strip().lower() == "uv" for line in config)
    except (OSError, UnicodeDecodeError):
        return False


def site_packages_dirs():
    dirs = []
    # Old virtualenv (< 20) replaced site.py with one that has no getsitepackages().
    if hasattr(site, "getsitepackages"):
        dirs.extend(site.getsitepackages())
    if user_site():
        dirs.append(user_site())
    dirs.append(sysconfig.get_path("purelib"))
    dirs.append(sysconfig.get_path("platlib"))
    return unique(dirs)


# --- installed distributions ----------------------------------------------------------------


def provided_names(files):
    """Import names a distribution provides, from the paths (tuples of parts) it installs."""
    # A path with a root ("/", "//" from PurePosixPath; "" from a split normpath) names no
    # module, nor does one with a line break in it.
    return names_of_paths(
        ["/".join(path) for path in files if path and path[0] not in ("/", "//", "")], None
    )


def names_of_paths(paths, exists):
    """Import names a distribution provides, from the relative paths it installs ("pkg/a.py",
    without empty or "." parts), read a directory level at a time over all of them at once.

    A directory shipped without any __init__ is a namespace package shared with other
    distributions, so what this one provides is the dotted names inside it. ``exists``, when
    given, says whether a listed path is on disk (Python 3.12+ drop the others from dist.files);
    it is asked only about the few paths that decide the answer, not about every file.
    Scripts ("../../bin/x"), metadata (x.dist-info), installer data (x.data) and __pycache__
    never count: none of them is an import name.
    """
    return names_below("", paths, set(paths), exists)


def names_below(directory, paths, listed, exists):
    """Names of the modules in ``directory`` ("" for site-packages, or "ns/" a namespace), from
    the ``paths`` below it (relative to it); ``listed`` holds every path, from the top."""
    prefix = directory.replace("/", ".")
    split = [path.partition("/") for path in paths]
    names = set()
    stems = {}  # module name -> the files that are it (x.py, x.pyc)
    for filename in {head for head, below, _ in split if not below}:
        stem = module_stem(filename)
        if stem and stem != "__init__" and is_import_name(stem):
            stems.setdefault(stem, []).append(directory + filename)
    for stem, files in stems.items():
        if exists is None or any(exists(path) for path in files):
            names.add(prefix + stem)
    for child in {head for head, below, _ in split if below}:
        if child == "__pycache__" or not is_import_name(child):
            continue
        subdirectory = directory + child + "/"
        inits = [subdirectory + "__init__" + s for s in MODULE_SUFFIXES]
        inits = [path for path in inits if path in listed]
        if inits and (exists is None or any(exists(path) for path in inits)):
            names.add(prefix + child)
            continue
        under = [rest for head, below, rest in split if below and head == child]
        inside = names_below(subdirectory, under, listed, exists)
        if inside:
            names.update(inside)
        elif exists is None or any(exists(subdirectory + path) for path in under):
            # A namespace directory holding no module still imports, as an empty namespace.
            names.add(prefix + child)
    return names


def record_paths(dist, record):
    """(the paths, an exists function or None) that ``dist.files`` gives for this RECORD text,
    read without it; None where only dist.files can tell (an empty RECORD, a row it rejects).

    dist.files builds a pathlib PackagePath per row (most of the probe's time on a large
    environment): here the rows are read all at once, and the paths are those of
    PurePosixPath(name), joined by "/", leaving out the ones with a root (none is a module).
    """
    base = getattr(dist, "_path", None)
    if not record or (FILES_SKIP_MISSING and not isinstance(base, pathlib.Path)):
        return None
    rows = list(csv.reader(record.splitlines()))  # as dist.files reads it: quoted commas
    lengths = set(map(len, rows))
    if not lengths <= {1, 2, 3}:
        return None  # dist.files raises a TypeError for it
    sizes = list(map(THIRD, rows)) if lengths == {3} else [row[2] for row in rows if len(row) == 3]
    if not valid_sizes(sizes):
        return None  # and a ValueError for a size int() cannot read
    names = list(map(FIRST, rows))
    joined = "\n" + "\n".join(names) + "\n"
    if any(part in joined for part in NOT_PLAIN_PATH):
        names = ["/".join(parts) for parts in map(posix_parts, names) if parts and parts[0] not in ("/", "//")]
    if not FILES_SKIP_MISSING:
        return names, None
    # Python 3.12+ keep only the files that exist (PackagePath.locate().exists(): the path
    # below the metadata directory's parent; stat errors other than "not there" propagate).
    location = str(base.parent)
    known = {}

    def exists(path):
        if path not in known:
            try:
                os.stat(os.path.join(location, path))
                known[path] = True
            except OSError as error:
                if error.errno not in MISSING_ERRNOS and getattr(error, "winerror", None) not in MISSING_WINERRORS:
                    raise
                known[path] = False
            except ValueError:
                known[path] = False
        return known[path]

    return names, exists


def valid_sizes(sizes):
    joined = "".join(sizes)
    if joined.isascii() and joined.isdigit() or not joined:
        return True
    for size in sizes:
        try:
            int(size or 0)
        except ValueError:
            return False  # dist.files raises a ValueError for it
    return True


def posix_parts(name):
    """PurePosixPath(name).parts: empty and "." parts dropped, ".." kept, and a leading "/" (or
    exactly two, which POSIX leaves to the system) the root."""
    stripped = name.lstrip("/")
    parts = [part for part in stripped.split("/") if part and part != "."]
    slashes = len(name) - len(stripped)
    if slashes:
        parts.insert(0, "//" if slashes == 2 else "/")
    return tuple(parts)


def installed_files(text):
    """The paths in an egg-info's installed-files.txt, made relative to its location.

    They are relative to the .egg-info directory itself ("../pkg/__init__.py"); Python 3.8
    and 3.9's dist.files do not read this file at all.
    """
    for line in text.splitlines():
        line = line.strip().replace("\\", "/")
        if line:
            yield tuple(posixpath.normpath(posixpath.join("x.egg-info", line)).split("/"))


def names_from_disk(location, name):
    # No file list at all: take the distribution to provide the module named after it, when
    # such a module sits beside its metadata (what `pip show -f` would also have to guess).
    guess = re.sub(r"[-.]+", "_", name)
    found = set()
    for candidate in unique([guess, guess.lower()]):
        if os.path.isdir(os.path.join(location, candidate)):
            found.add(candidate)
        for suffix in MODULE_SUFFIXES:
            if os.path.isfile(os.path.join(location, candidate + suffix)):
                found.add(candidate)
    return found


def describe(dist):
    try:
        message = dist.metadata
    except Exception as error:
        raise ValueError("METADATA cannot be read (%s)" % first_line(error))
    # Newer importlib.metadata returns None, or an empty message, when there is no METADATA.
    if message is None or not message.keys():
        raise ValueError("it has no METADATA")
    # .get(), not [...]: from importlib_metadata 8 (Python 3.14) a missing key raises.
    if not message.get("Name"):
        raise ValueError("METADATA has no Name")
    return {
        "name": message.get("Name"),
        "version": message.get("Version") or "",
        "location": str(dist.locate_file("")),
        "requires": list(message.get_all("Requires-Dist") or []),
    }


def provides(dist, info):
    try:
        record = dist.read_text("RECORD")
        if record is not None:
            listed = record_paths(dist, record)
            if listed is None:  # what only dist.files itself can tell, errors included
                return provided_names([tuple(p.parts) for p in dist.files or ()])
            return names_of_paths(*listed)
    except Exception as error:
        raise ValueError("RECORD cannot be parsed (%s)" % first_line(error))
    # Not dist.files for an egg-info: without installed-files.txt it falls back to
    # SOURCES.txt, whose paths are relative to the source tree, not to site-packages.
    installed = dist.read_text("installed-files.txt")
    if installed is not None:
        return provided_names(installed_files(installed))
    top_level = dist.read_text("top_level.txt")
    if top_level is not None:
        return {n.replace("/", ".") for n in top_level.split() if is_import_name(n.split("/")[0])}
    return names_from_disk(info["location"], info["name"])


def editable_project(dist, egg_links):
    """The project directory an editable install points at, or None.

    pip (21.3+), uv and others record it in PEP 610's direct_url.json
    ({"url": "file:///...", "dir_info": {"editable": true}}); `setup.py develop` leaves an
    .egg-link in site-packages instead, naming the directory that holds the .egg-info.
    """
    try:
        text = dist.read_text("direct_url.json")
        if text is not None:
            direct = json.loads(text)
            if direct.get("dir_info", {}).get("editable") is True:
                return path_from_file_url(direct.get("url", ""))
            return None
    except (ValueError, AttributeError, TypeError, OSError):
        return None
    return egg_links.get(os.path.normcase(os.path.realpath(str(dist.locate_file("")))))


def path_from_file_url(url):
    # RFC 8089: file:///home/x, file:///C:/x (Windows), file://server/share (UNC).
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "file":
        return None
    path = urllib.parse.unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = "//" + parsed.netloc + path
    elif os.name == "nt" and re.match(r"^/[A-Za-z]:", path):
        path = path[1:]
    return os.path.normpath(path)


def egg_links(directories):
    """{the directory an .egg-link points at (resolved, case-folded): its project directory}.

    An .egg-link's first line is the directory holding the .egg-info (the project, or its src/),
    its second the way from there to the project ("." or "../").
    """
    links = {}
    for directory in directories:
        try:
            names = [n for n in os.listdir(directory) if n.endswith(".egg-link")]
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(directory, name), encoding="utf-8") as file:
                    lines = [line.strip() for line in file.read().splitlines()]
            except (OSError, ValueError):
                continue
            if lines and lines[0]:
                target = os.path.normcase(os.path.realpath(lines[0]))
                up = lines[1] if len(lines) > 1 and lines[1] else "."
                links[target] = os.path.normpath(os.path.join(lines[0], up))
    return links


def metadata_dir(dist):
    # PathDistribution keeps its .dist-info/.egg-info path only in a private attribute.
    return str(getattr(dist, "_path", None) or dist.locate_file(""))


def distributions(search_path, problems, leftovers=None):
    """The installed distributions, the first of each name in each directory.

    ``leftovers``, when given (doctor's details), receives the further metadata directories of a
    name in a directory (a keras-2.15.0.dist-info an install left beside keras-3.5.0.dist-info),
    which importlib.metadata hides behind the first; and each distribution gets its details.
    """
    found = []
    seen = set()
    links = egg_links(site_packages_dirs())
    seen_metadata = set()
    for dist in metadata.distributions(path=search_path):
        try:
            info = describe(dist)
            key = (
                re.sub(r"[-_.]+", "-", info["name"]).lower(),
                os.path.normcase(os.path.realpath(info["location"])),
            )
            if key in seen and leftovers is None:
                continue  # the same directory reached through two sys.path entries
            # Only for doctor: a second metadata directory of the name is a leftover, not the
            # same one reached twice.
            place = None if leftovers is None else os.path.normcase(os.path.realpath(metadata_dir(dist)))
            if key in seen and place in seen_metadata:
                continue
            info["provides"] = sorted(provides(dist, info))
            info["editable_project"] = editable_project(dist, links)
            if leftovers is not None:
                info.update(distribution_details(dist))
        except Exception as error:  # one broken distribution must not hide all the others
            problem = "skipped distribution at %s: %s" % (metadata_dir(dist), first_line(error))
            if problem not in problems:  # the same directory reached twice
                problems.append(problem)
            continue
        seen_metadata.add(place)
        if key in seen:
            leftovers.append(info)
            continue
        seen.add(key)
        found.append(info)
    return found


# --- what only `doctor` asks for (--details): nothing of it is computed for `check` ----------


def distribution_details(dist):
    # Where the metadata is (doctor reads RECORD from there itself, live: hashes must never
    # come from a cached answer) and which tool installed it (PEP 376's INSTALLER file).
    installer = dist.read_text("INSTALLER")
    return {
        "metadata_path": metadata_dir(dist),
        "installer": installer.strip() if installer else None,
    }


def full_version(info):
    # packaging.markers.format_full_version: "3.13.0", "3.14.0a1".
    version = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version


def marker_environment():
    """The PEP 508 marker variables, computed as packaging.markers.default_environment does."""
    import platform

    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": full_version(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def pth_entries(site_dir):
    """{the directory a .pth file in ``site_dir`` names: that .pth file}, read as site.addpackage
    reads them (sorted names; `#` comments; `import` lines are code, never run here)."""
    found = {}
    try:
        names = sorted(os.listdir(site_dir))
    except OSError:
        return found
    for name in names:
        # 3.13 skips hidden .pth files (site.addsitedir); older versions read them too.
        if not name.endswith(".pth") or (name.startswith(".") and sys.version_info >= (3, 13)):
            continue
        path = os.path.join(site_dir, name)
        try:
            with open(path, "rb") as pth:
                lines = pth.read().decode("utf-8", "replace").splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("#") or line.startswith(("import ", "import\t")) or not line.strip():
                continue
            entry = os.path.abspath(os.path.join(site_dir, line.rstrip()))
            if os.path.exists(entry):
                found.setdefault(os.path.normcase(entry), path)
    return found


def path_origins(search_path):
    """Where each entry of the user's sys.path came from: [entry, origin, the .pth file or ""].
    Origins: PYTHONPATH, interpreter (before site ran), site-packages, user site, .pth file, and
    start-up code (what a .pth file's `import` line or sitecustomize appended)."""
    pythonpath = {os.path.normcase(os.path.abspath(e)) for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e}
    interpreter = {os.path.normcase(e) for e in (INTERPRETER_PATH if ISOLATED else [])}
    user = user_site()
    site_dirs = {os.path.normcase(d) for d in site_packages_dirs()}
    by_pth = {}
    for entry in search_path:
        if os.path.normcase(entry) in site_dirs:
            for directory, pth in pth_entries(entry).items():
                by_pth.setdefault(directory, pth)
    origins = []
    for entry in search_path:
        key = os.path.normcase(entry)
        source = ""
        if key in pythonpath:
            origin = "PYTHONPATH"
        elif user and key == os.path.normcase(user):
            origin = "user site"
        elif key in site_dirs:
            origin = "site-packages"
        elif key in by_pth:
            origin, source = ".pth file", by_pth[key]
        elif key in interpreter or not ISOLATED:
            origin = "interpreter"
        else:
            origin = "start-up code"
        origins.append([entry, origin, source])
    return origins


def environment_details(leftovers, search_path=()):
    import platform

    return {
        "leftovers": leftovers,
        "path_origins": path_origins(search_path),
        "prefix": sys.prefix,
        "base_prefix": sys.base_prefix,
        "platform": platform.platform(),
        "implementation": sys.implementation.name,
        "version_text": sys.version.splitlines()[0],
        "marker_environment": marker_environment(),
    }


def main():
    # A target with PYTHONWARNINGS=error must still answer (3.12+ warns on missing metadata).
    warnings.simplefilter("ignore")
    leftovers = [] if "--details" in sys.argv[1:] else None
    problems = []
    search_path = users_sys_path(problems)
    paths = stdlib_paths()
    frozen = frozen_module_names()
    if hasattr(sys, "stdlib_module_names"):
        stdlib_names = sys.stdlib_module_names
    else:
        stdlib_names = stdlib_module_names_from_disk(paths, frozen)
    answer = {
        "executable": sys.executable,
        "version": list(sys.version_info[:3]),
        "sys_path": search_path,
        "stdlib_module_names": sorted(stdlib_names),
        "builtin_module_names": sorted(sys.builtin_module_names),
        "frozen_module_names": sorted(frozen),
        "startup_module_names": sorted(STARTUP_MODULE_NAMES),
        "extension_suffixes": importlib.machinery.EXTENSION_SUFFIXES,
        "source_suffixes": importlib.machinery.SOURCE_SUFFIXES,
        "bytecode_suffixes": importlib.machinery.BYTECODE_SUFFIXES,
        "stdlib_paths": paths,
        "site_packages": site_packages_dirs(),
        "distributions": distributions(search_path, problems, leftovers),
        "problems": problems,
        "made_by_uv": made_by_uv(),
    }
    if leftovers is not None:
        answer["details"] = environment_details(leftovers, search_path)
    # A line of its own, last: a .pth file may have printed something before it.
    sys.stdout.write("\n" + json.dumps(answer, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
