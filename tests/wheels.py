"""Build real wheels from a dict of files, for tests that need installed distributions."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

# A fixed date keeps the wheels byte-for-byte reproducible (zip cannot store dates before 1980).
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def build_wheel(
    dest_dir: Path,
    name: str,
    version: str,
    files: dict[str, str],
    requires: Iterable[str] = (),
    top_level_txt: bool = True,
) -> Path:
    """Write ``{name}-{version}-py3-none-any.whl`` holding ``files``; pip installs it as is.

    ``files`` maps paths relative to site-packages ("demopkg/__init__.py") to their text.
    """
    # Wheel file names and .dist-info directories use the name with runs of -_. as "_".
    escaped = re.sub(r"[-_.]+", "_", name)
    dist_info = f"{escaped}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        *(f"Requires-Dist: {r}" for r in requires),
    ]
    contents = {path: text.encode() for path, text in files.items()}
    contents[f"{dist_info}/METADATA"] = "\n".join(metadata).encode() + b"\n\n"
    contents[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: shadowcheck-tests\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if top_level_txt:
        top_level = sorted({_top_level_name(path) for path in files})
        contents[f"{dist_info}/top_level.txt"] = "".join(f"{t}\n" for t in top_level).encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in contents.items()]
    record.append(f"{dist_info}/RECORD,,")
    contents[f"{dist_info}/RECORD"] = "".join(f"{line}\n" for line in record).encode()

    dest_dir.mkdir(parents=True, exist_ok=True)
    wheel = dest_dir / f"{escaped}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return wheel


def _top_level_name(path: str) -> str:
    first = path.split("/")[0]
    return first.rsplit(".", 1)[0] if "/" not in path else first


def _digest(data: bytes) -> str:
    # RECORD hashes are urlsafe base64 without "=" padding (PEP 376, PEP 427).
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
