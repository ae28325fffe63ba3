"""The import-name table, its lookups, and a check of the table against installed distributions."""

from __future__ import annotations

import ast
import email.parser
import re
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from shadowcheck.environment.import_names import (
    DISPLAY_NAMES,
    DISTRIBUTION_IMPORT_NAMES,
    distribution_for_import,
    distributions_for_import_name,
    import_names_for_distribution,
    normalize_distribution_name,
)

DOTTED_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("numpy", "numpy"),
        ("PyYAML", "pyyaml"),
        ("scikit_learn", "scikit-learn"),
        ("ruamel.yaml", "ruamel-yaml"),
        ("Foo__Bar-.baz", "foo-bar-baz"),
    ],
    ids=["already-normal", "lowercase", "underscore", "dot", "separator-run"],
)
def test_normalize_distribution_name(name, expected):
    assert normalize_distribution_name(name) == expected


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [
        ("opencv-python-headless", ("cv2",)),
        ("Scikit_Learn", ("sklearn",)),
        ("PyYAML", ("yaml",)),
        ("protobuf", ("google.protobuf",)),
        ("pymupdf", ("fitz", "pymupdf")),
        ("attrs", ("attr", "attrs")),
        ("tensorflow-macos", ("tensorflow",)),
        # the default rule
        ("numpy", ("numpy",)),
        ("typing-extensions", ("typing_extensions",)),
        ("Flask.Cors", ("flask_cors",)),
    ],
    ids=["opencv", "unnormalized-input", "pyyaml", "namespace", "two-names", "attrs", "variant",
         "default", "default-dash", "default-unnormalized"],
)  # fmt: skip
def test_import_names_for_distribution(distribution, expected):
    assert import_names_for_distribution(distribution) == expected


@pytest.mark.parametrize(
    ("import_name", "expected"),
    [
        ("cv2", ("opencv-python", "opencv-contrib-python", "opencv-python-headless",
                 "opencv-contrib-python-headless")),
        ("sklearn", ("scikit-learn",)),
        ("PIL", ("pillow", "pillow-simd")),
        ("tensorflow", ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos",
                        "tensorflow-intel", "tf-nightly")),
        ("attr", ("attrs",)),
        ("google.protobuf", ("protobuf",)),
        ("google.protobuf.message", ("protobuf",)),
        ("sklearn.linear_model", ("scikit-learn",)),
        ("google", ()),
        ("lxml", ()),
        ("CV2", ()),
    ],
    ids=["cv2-canonical-first", "sklearn", "pil", "tensorflow-canonical-first", "attr",
         "namespace", "namespace-submodule", "submodule", "bare-namespace", "unknown",
         "case-sensitive"],
)  # fmt: skip
def test_distributions_for_import_name(import_name, expected):
    assert distributions_for_import_name(import_name) == expected


# What verify tells a user to install for a missing import: every name here is one a user of
# ML and data libraries meets, each checked in the distribution's published wheel.
DISTRIBUTION_FOR_IMPORT_CASES = {
    "Bio": "biopython",
    "yaml": "PyYAML",
    "PIL": "pillow",
    "PIL.Image": "pillow",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "sklearn.linear_model": "scikit-learn",
    "skimage": "scikit-image",
    "google.protobuf": "protobuf",
    "google.protobuf.message": "protobuf",
    "attr": "attrs",
    "attrs": "attrs",
    "dateutil": "python-dateutil",
    "jwt": "PyJWT",
    "Crypto": "pycryptodome",
    "magic": "python-magic",
    "fitz": "pymupdf",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "serial": "pyserial",
    "usb": "pyusb",
    "OpenGL": "PyOpenGL",
    "wx": "wxPython",
    "bs4": "beautifulsoup4",
    "dotenv": "python-dotenv",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "git": "GitPython",
    "zmq": "pyzmq",
    "MySQLdb": "mysqlclient",
    "mysql.connector": "mysql-connector-python",
    "psycopg2": "psycopg2",
    "tensorboardX": "tensorboardX",
    "faiss": "faiss-cpu",
    "onnxruntime": "onnxruntime",
    "tensorflow": "tensorflow",
    "tensorflow.keras": "tensorflow",
    "huggingface_hub": "huggingface-hub",
    "mpl_toolkits.mplot3d": "matplotlib",
    "mpl_toolkits.axes_grid1.inset_locator": "matplotlib",
    "mpl_toolkits.basemap": "basemap",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.cloud.bigquery_storage": "google-cloud-bigquery-storage",
    "google.cloud.pubsub_v1": "google-cloud-pubsub",
    "vertexai": "google-cloud-aiplatform",
    "tqdm": "tqdm",  # same name, listed for the hint
    "sentencepiece": "sentencepiece",
}

# No-op cases: names the table does not list are not guessed.
NOT_LISTED = {
    "lxml": "same name as its distribution, so not in the table",
    "utils": "most often a project module, rarely the distribution of that name",
    "google": "a namespace many distributions share",
    "google.cloud": "a namespace many distributions share",
    "mpl_toolkits": "a namespace several distributions share",
    "CV2": "import names are case-sensitive",
}


@pytest.mark.parametrize(
    ("import_name", "expected"), DISTRIBUTION_FOR_IMPORT_CASES.items(), ids=DISTRIBUTION_FOR_IMPORT_CASES
)
def test_distribution_for_import(import_name, expected):
    assert distribution_for_import(import_name) == expected


@pytest.mark.parametrize("import_name", NOT_LISTED, ids=NOT_LISTED)
def test_distribution_for_import_not_listed(import_name):
    assert distribution_for_import(import_name) is None


def test_every_import_name_leads_to_a_distribution_that_provides_it():
    wrong = {
        name: distribution_for_import(name)
        for names in DISTRIBUTION_IMPORT_NAMES.values()
        for name in names
        if name not in import_names_for_distribution(distribution_for_import(name) or "")
    }
    assert wrong == {}


# --- the table itself ------------------------------------------------------------------------


def test_every_key_is_normalized():
    assert [k for k in DISTRIBUTION_IMPORT_NAMES if normalize_distribution_name(k) != k] == []


def test_every_entry_names_importable_modules():
    bad = {
        distribution: names
        for distribution, names in DISTRIBUTION_IMPORT_NAMES.items()
        if not names or not all(DOTTED_IDENTIFIER.fullmatch(name) for name in names)
    }
    assert bad == {}


def test_display_names_belong_to_the_table():
    bad = {
        key: display
        for key, display in DISPLAY_NAMES.items()
        if key not in DISTRIBUTION_IMPORT_NAMES or normalize_distribution_name(display) != key or display == key
    }
    assert bad == {}


# --- the table against real distributions ---------------------------------------------------

# pywin32's .pth file adds win32/ and win32/lib/ to sys.path, so win32api is a file inside them.
PATH_EXTENDED_BY_PTH = {"pywin32"}


def _installed_files(distribution: metadata.Distribution) -> list[tuple[str, ...]]:
    files = [tuple(path.parts) for path in distribution.files or () if path.parts]
    if not files:  # no RECORD: top_level.txt names its top-level packages and modules
        top_level = distribution.read_text("top_level.txt") or ""
        files = [(*name.split("/"), "__init__.py") for name in top_level.split()]
    return [path for path in files if path[0] != ".."]


def _module_stem(filename: str) -> str:
    return filename.split(".", 1)[0]  # "_yaml.cpython-311-x86_64-linux-gnu.so" -> "_yaml"


def _provides(files: list[tuple[str, ...]], import_name: str, anywhere: bool) -> bool:
    parts = tuple(import_name.split("."))
    for path in files:
        if anywhere:
            if _module_stem(path[-1]) == parts[-1] or parts[-1] in path[:-1]:
                return True
        elif path[: len(parts)] == parts and len(path) > len(parts):
            return True  # a package directory
        elif path[:-1] == parts[:-1] and _module_stem(path[-1]) == parts[-1]:
            return True  # a module file
    return False


def _installed_entries() -> list[tuple[str, metadata.Distribution]]:
    entries = []
    for name in DISTRIBUTION_IMPORT_NAMES:
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if normalize_distribution_name(distribution.metadata["Name"] or "") == name:
            entries.append((name, distribution))
    return entries


INSTALLED_ENTRIES = _installed_entries()


@pytest.mark.parametrize(
    ("name", "distribution"), INSTALLED_ENTRIES, ids=[name for name, _ in INSTALLED_ENTRIES]
)
def test_entry_matches_the_installed_distribution(name, distribution):
    files = _installed_files(distribution)
    missing = [
        import_name
        for import_name in DISTRIBUTION_IMPORT_NAMES[name]
        if not _provides(files, import_name, anywhere=name in PATH_EXTENDED_BY_PTH)
    ]
    top_levels = sorted({path[0] for path in files if not path[0].endswith((".dist-info", ".egg-info"))})
    assert missing == [], f"{name} {distribution.version} installs {top_levels}"


# --- the table against published wheels: a development helper, never run by the suite --------
#
#     python tests/test_import_names.py DISTRIBUTION...
#
# downloads each distribution's wheel from the package index with pip (no dependencies) and
# checks that its files provide the import names import_names_for_distribution gives it (the
# table's, or the default rule's), and that DISPLAY_NAMES spells it as its metadata's Name does.
# A distribution that publishes no wheel for this platform (wxPython, mysqlclient, psycopg2) is
# checked in its Windows wheel. Run it on every entry added to the table.


def _download_wheel(distribution: str, directory: Path) -> Path | None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
               "-d", str(directory), distribution]  # fmt: skip
    if subprocess.run(command, capture_output=True, check=False).returncode != 0:
        windows = ["--platform", "win_amd64", "--python-version", "3.12"]
        subprocess.run([*command[:-1], *windows, distribution], capture_output=True, check=False)
    return next(directory.glob("*.whl"), None)


def _wheel_contents(wheel: Path) -> tuple[str, list[tuple[str, ...]]]:
    # The metadata's Name and the installed paths: a wheel's "X.data/purelib/" and
    # "X.data/platlib/" entries install into site-packages itself.
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        display = email.parser.HeaderParser().parsestr(archive.read(metadata).decode())["Name"]
    files = []
    for name in names:
        parts = tuple(name.split("/"))
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        files.append(parts)
    return display, files


def check_published(distributions: list[str]) -> int:
    """Print one line for each distribution; the number that do not match the table."""
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for requested in distributions:
            name = normalize_distribution_name(requested)
            wheel = _download_wheel(name, Path(tmp) / name)
            if wheel is None:
                print(f"FAIL {name}: no wheel to check (an sdist only, or no such distribution)")
                failures += 1
                continue
            display, files = _wheel_contents(wheel)
            anywhere = name in PATH_EXTENDED_BY_PTH
            missing = [i for i in import_names_for_distribution(name) if not _provides(files, i, anywhere)]
            problems = [f"provides none of {missing}"] if missing else []
            if DISPLAY_NAMES.get(name, name) != display.replace("_", "-"):  # "tf_keras" is spelled as "tf-keras"
                problems.append(f"is spelled {display!r}")
            top_levels = sorted({p[0] for p in files if not p[0].endswith((".dist-info", ".data"))})
            print(f"{'FAIL' if problems else 'ok  '} {name}: {'; '.join(problems) or 'ok'}; installs {top_levels}")
            failures += bool(problems)
    return failures


if __name__ == "__main__":
    raise SystemExit(check_published(sys.argv[1:]))


def test_the_table_lists_each_distribution_once() -> None:
    # A dict literal keeps the last of two equal keys in silence: the first entry would be lost.
    from shadowcheck.environment import import_names as table

    source = Path(table.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "DISTRIBUTION_IMPORT_NAMES":
            keys = [k.value for k in node.value.keys]
            assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
            return
    raise AssertionError("DISTRIBUTION_IMPORT_NAMES not found")
