"""Train the reference CNN end to end and check it still learns.

Runs ``shadowcheck/reference/cnn_train.py`` in a fresh interpreter from an
empty temporary directory, so neither this checkout nor pytest's state can
shadow keras, numpy or sklearn during the run.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "shadowcheck" / "reference" / "cnn_train.py"
BACKENDS = ("torch", "jax", "tensorflow")
MIN_ACCURACY = 0.95
# Only a guard against a stalled run: speed is the benchmark's business, never a test's (a
# loaded machine makes torch's threads many times slower).
STALLED_AFTER_SECONDS = 900


def _missing_requirements() -> list[str]:
    """Names of what the script needs but this interpreter lacks."""
    missing = [name for name in ("keras", "sklearn") if importlib.util.find_spec(name) is None]
    if not any(importlib.util.find_spec(name) is not None for name in BACKENDS):
        missing.append("a keras backend (" + ", ".join(BACKENDS) + ")")
    return missing


_MISSING = _missing_requirements()


@pytest.mark.slow
@pytest.mark.skipif(bool(_MISSING), reason="reference CNN needs " + ", ".join(_MISSING))
def test_reference_cnn_trains(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=STALLED_AFTER_SECONDS,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r"^test accuracy: ([0-9.]+)$", result.stdout, re.MULTILINE)
    assert match, f"no 'test accuracy:' line in output:\n{result.stdout[-2000:]}"
    accuracy = float(match.group(1))
    assert accuracy >= MIN_ACCURACY, f"accuracy {accuracy:.4f} < {MIN_ACCURACY}"
