"""SHA-256 for the cache's file names, without loading OpenSSL.

`import hashlib` loads OpenSSL's libcrypto (~2-3 ms), on every run that names a cache file.
CPython also builds its own SHA-256 (hashlib's fallback when OpenSSL lacks it): `_sha2` since
3.12, `_sha256` before. The digest is the same either way; a build without them gets hashlib's.
"""

from __future__ import annotations

try:
    from _sha2 import sha256  # type: ignore[import-not-found]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]


def sha256_hex(data: bytes) -> str:
    """The hexadecimal SHA-256 digest of ``data``."""
    return sha256(data).hexdigest()
