"""How long shadowcheck takes on a large generated project: `python tests/bench_speed.py`.

Builds a project of FILES Python files (script folders, library packages, a handful of real
shadows with importers), then times the real commands, median of RUNS each: `shadowcheck .`
cold (no probe cache) and warm, and `shadowcheck verify --reference` (the shipped Keras
training script, resolved from the project's root) warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIBRARY_SOURCE = "import os\nimport json\n\n\ndef f(x):\n    return json.dumps({'x': x, 'cwd': os.getcwd()})\n" * 5


def build(root: Path, files: int) -> None:
    per_directory = 20
    for index in range(files):
        group = index // per_directory
        if group % 4 == 0:
            directory = root / f"scripts_{group}"  # a script folder: an import root
        else:
            directory = root / f"lib_{group % 7}" / f"sub_{group}"  # library packages
            for package in (directory.parent, directory):
                package.mkdir(parents=True, exist_ok=True)
                (package / "__init__.py").write_text("")
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"module_{index}.py").write_text(LIBRARY_SOURCE)
    # Real shadows, each with an importer, so the parse path is measured too.
    (root / "random.py").write_text("seed = 1\n")
    (root / "queue.py").write_text("")
    (root / "train.py").write_text("import random\nfrom queue import Queue\nrandom.shuffle([])\n")


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "project"
        build(root, args.files)
        env = {**os.environ, "SHADOWCHECK_CACHE_DIR": str(Path(temporary) / "cache")}
        command = [sys.executable, "-m", "shadowcheck", "--python", sys.executable, "."]
        cold = [timed([*command, "--no-cache"], root, env) for _ in range(args.runs)]
        timed(command, root, env)  # fill the cache
        warm = [timed(command, root, env) for _ in range(args.runs)]
        verify_command = [sys.executable, "-m", "shadowcheck", "verify", "--reference", "--python", sys.executable]
        timed(verify_command, root, env)
        verify = [timed(verify_command, root, env) for _ in range(args.runs)]
        print(f"files: {args.files}, cores: {os.cpu_count()}, python: {sys.version.split()[0]}")
        print(f"cold (probe runs): median {statistics.median(cold):.2f} s over {args.runs} runs")
        print(f"warm (probe cached): median {statistics.median(warm):.2f} s over {args.runs} runs")
        print(f"verify --reference (warm): median {statistics.median(verify):.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
