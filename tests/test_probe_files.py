"""The probe reads a distribution's file list without importlib.metadata's Distribution.files
(a pathlib object per RECORD row, most of a cold probe's time): it must read exactly what
files gives, in each real interpreter, on distributions as installers leave them and broken."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import DEMO_DISTRIBUTIONS, Interpreter, create_venv
from wheels import build_wheel

from shadowcheck.environment.probe import PROBE

# Runs in the target interpreter: for every distribution in a site-packages directory, the file
# list and names the probe reads, beside what dist.files gives (the probe's reading until now).
COMPARE = r"""
import importlib.util, json, sys
from importlib import metadata

spec = importlib.util.spec_from_file_location("probe_under_test", sys.argv[1])
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)


def outcome(compute):
    try:
        return ["ok", compute()]
    except Exception as error:
        return ["error", probe.first_line(error)]


def files_read_by_probe(dist, record):
    listed = probe.record_paths(dist, record)
    if listed is None:
        return None  # the probe asks dist.files itself
    paths, exists = listed
    return sorted(p for p in paths if exists is None or exists(p))


def files_of_metadata(dist):
    # The paths with a root ("/", "//") name no module; the probe leaves them out.
    return sorted("/".join(p.parts) for p in dist.files or () if p.parts[0] not in ("/", "//"))


def names_of_metadata(dist, info):
    if dist.read_text("RECORD") is None:
        return sorted(probe.provides(dist, info))
    try:  # the probe's reading until now
        return sorted(probe.provided_names([tuple(p.parts) for p in dist.files or ()]))
    except Exception as error:
        raise ValueError("RECORD cannot be parsed (%s)" % probe.first_line(error))


found = {}
for dist in metadata.distributions(path=[sys.argv[2]]):
    info = probe.describe(dist)
    record = dist.read_text("RECORD")
    found[info["name"]] = {
        "record": record is not None,
        "probe_files": outcome(lambda: files_read_by_probe(dist, record) if record else None),
        "metadata_files": outcome(lambda: files_of_metadata(dist)),
        "probe_names": outcome(lambda: sorted(probe.provides(dist, info))),
        "metadata_names": outcome(lambda: names_of_metadata(dist, info)),
    }
print(json.dumps(found))
"""

ODD_FILES = {
    "oddpkg/__init__.py": "",
    "oddpkg/sub/mod.py": "",
    "oddns/inner/deep.py": "",
    "oddns/data/table.txt": "",
    "odd_single.py": "",
}
# RECORD rows as installers and hand-written tools leave them: quoted names with commas, "."
# and empty parts, a root, a trailing "/", scripts outside, a row without hash or size.
ODD_RECORD_ROWS = [
    '"odd,comma.py",sha256=abc,1',
    '"oddpkg/__init__.py",,',
    "./oddpkg/sub/mod.py,,",
    "oddns//inner/./deep.py,,",
    "oddns/data/table.txt",
    "odd_single.py,sha256=x",
    "/usr/lib/absolute.py,,",
    "//server/share.py,,",
    "emptyns/,,",
    "../../../bin/odd-tool,,",
    "missing_module.py,,3",
    "missingns/gone.py,,",
    "oddpkg/sub/__init__.py,,",
]


def odd_site(venv_site: Path) -> None:
    """Add to a site-packages the distributions the fast reading must fall back or agree on."""
    for name, text in ODD_FILES.items():
        path = venv_site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (venv_site / "odd,comma.py").write_text("")
    (venv_site / "emptyns").mkdir()
    # RECORD rows that are no plain paths, some of files that are not there (3.12+ drop them).
    odd = venv_site / "odd_dist-1.0.dist-info"
    odd.mkdir()
    (odd / "METADATA").write_text("Name: odd-dist\nVersion: 1.0\n")
    (odd / "RECORD").write_text("\n".join(ODD_RECORD_ROWS) + "\n")
    # A dist-info without RECORD (top_level.txt decides), and one with an empty RECORD.
    for name, record in (("no_record", None), ("empty_record", "")):
        info = venv_site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Name: {name}\nVersion: 1.0\n")
        (info / "top_level.txt").write_text("odd_single\n")
        if record is not None:
            (info / "RECORD").write_text(record)
    # Rows dist.files rejects: a fourth field, a size int() cannot read, an empty line.
    for name, record in (
        ("four_fields", "a.py,h,1,extra\n"),
        ("bad_size", "a.py,h,one\n"),
        ("blank_line", "odd_single.py,,\n\nodd_single.py,,\n"),
    ):
        info = venv_site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Name: {name}\nVersion: 1.0\n")
        (info / "RECORD").write_text(record)
    # A setup.py-installed egg-info: installed-files.txt and SOURCES.txt, no RECORD.
    egg = venv_site / "legacy_egg-1.0-py3.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: legacy-egg\nVersion: 1.0\n")
    (egg / "installed-files.txt").write_text("../oddpkg/__init__.py\n../odd_single.py\nPKG-INFO\n")
    (egg / "SOURCES.txt").write_text("setup.py\nsrc/legacy/__init__.py\n")
    # An egg-info with SOURCES.txt only (paths of the source tree, not of site-packages).
    sources = venv_site / "sources_only-1.0-py3.egg-info"
    sources.mkdir()
    (sources / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: sources-only\nVersion: 1.0\n")
    (sources / "SOURCES.txt").write_text("setup.py\nsources_only/__init__.py\n")


def test_probe_reads_files_as_importlib_metadata_does(
    target_python: Interpreter, tmp_path: Path
) -> None:
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    wheels = [build_wheel(wheel_dir, n, v, f, requires=r) for n, v, f, r in DEMO_DISTRIBUTIONS]
    wheels.append(build_wheel(wheel_dir, "odd-wheel", "1.0", {"oddwheel/__init__.py": "", "oddwheel/sub/b.py": ""}))
    venv = create_venv(tmp_path / "venv", wheels, python=target_python.path)
    odd_site(venv.site_packages)
    # An installed file removed after the install: 3.12+ drop it from dist.files.
    (venv.site_packages / "demosingle.py").unlink()
    shutil.rmtree(venv.site_packages / "demons")

    result = subprocess.run(
        [venv.python, "-I", "-c", COMPARE, str(PROBE), str(venv.site_packages)],
        capture_output=True, text=True, check=True,
    )
    found = json.loads(result.stdout)

    assert len(found) == len(DEMO_DISTRIBUTIONS) + 9
    for name, seen in found.items():
        assert seen["probe_names"] == seen["metadata_names"], name
        if seen["probe_files"] != ["ok", None]:  # read without dist.files: the same list
            assert seen["probe_files"] == seen["metadata_files"], name
    # The cases are what they claim: the fast reading served these, dist.files the others.
    assert found["odd-dist"]["probe_files"][1] is not None
    assert found["demo-pkg"]["probe_files"][1] is not None
    assert found["four_fields"]["probe_names"][0] == "error"
    assert found["bad_size"]["probe_names"][0] == "error"
    assert found["blank_line"]["probe_names"][0] == "error"
    assert "odd,comma" not in found["odd-dist"]["probe_names"][1]  # no import name
    assert "oddns.inner.deep" in found["odd-dist"]["probe_names"][1]
