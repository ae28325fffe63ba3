"""The import-name table, its lookups, and a check of the table against installed distributions."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from shadowcheck.environment.import_names import (
    DISPLAY_NAMES,
    DISTRIBUTION_IMPORT_NAMES,
    distributions_for_import_name,
    import_names_for_distribution,
    install_hint,
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
        ("numpy", ()),
        ("CV2", ()),
    ],
    ids=["cv2-canonical-first", "sklearn", "pil", "tensorflow-canonical-first", "attr",
         "namespace", "namespace-submodule", "submodule", "bare-namespace", "unknown",
         "case-sensitive"],
)  # fmt: skip
def test_distributions_for_import_name(import_name, expected):
    assert distributions_for_import_name(import_name) == expected


@pytest.mark.parametrize(
    ("import_name", "expected"),
    [
        ("cv2", "opencv-python"),
        ("sklearn", "scikit-learn"),
        ("PIL", "pillow"),
        ("yaml", "PyYAML"),
        ("fitz", "PyMuPDF"),
        ("Crypto", "pycryptodome"),
        ("jwt", "PyJWT"),
        ("attr", "attrs"),
        ("google.protobuf", "protobuf"),
        ("skimage.io", "scikit-image"),
    ],
    ids=["cv2", "sklearn", "pil", "yaml-display-name", "fitz", "crypto", "jwt", "attr",
         "namespace", "submodule"],
)  # fmt: skip
def test_install_hint(import_name, expected):
    assert install_hint(import_name) == expected


@pytest.mark.parametrize(
    "import_name",
    ["tensorflow", "tensorflow.keras", "huggingface_hub", "IPython", "pymupdf", "numpy", "google"],
    ids=["same-name", "same-name-submodule", "underscore-for-dash", "case-only", "second-name",
         "unknown", "bare-namespace"],
)  # fmt: skip
def test_install_hint_none(import_name):
    assert install_hint(import_name) is None


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
