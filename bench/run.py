"""How fast shadowcheck is on large trees, beside ruff and the floor: `python bench/run.py`.

Builds the trees of issue 8 (the interpreter's lib directory copied, a 1,000-file tree in which
every file imports a shadowed name, 20,000- and 40,000-file ML monorepos), then measures, round
by round on each tree: the floor (walk; walk and read), `ruff check --select A005 --no-cache`,
shadowcheck cold (an empty cache directory) and warm (the cache of a previous run), and for the
1,000-file tree `shadowcheck verify` of one script. Prints a markdown table per tree and the
issue's targets, pass or fail. Standard library only; shadowcheck runs as
`python -m shadowcheck` with the interpreter running this script.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: import the benchmark as the package it is
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import programs, report, trees
from bench.session import commands, measure_tree, planted_notes

TREES = ("files-1000", "lib", "monorepo-20000", "monorepo-40000")
QUICK_TREES = ("files-1000", "lib")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="counted runs of each command (default 5; 3 with --quick)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is killed and recorded as a timeout (default 300)")
    parser.add_argument("--trees", type=Path, metavar="DIR", help="build the trees here and keep them for the next run (default: a temporary directory)")
    parser.add_argument("--tree", type=Path, action="append", default=[], metavar="PATH", help="also measure this directory (e.g. a Keras checkout); repeatable")
    parser.add_argument("--only", metavar="NAMES", help=f"comma-separated trees to measure, of {', '.join(TREES)} (--only= with --tree: that tree alone)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: the small trees only, 3 runs")
    parser.add_argument("--python", default=sys.executable, help="the interpreter shadowcheck inspects (default: this one)")
    parser.add_argument("--ruff", metavar="PATH", help="the ruff to compare with (default: ruff on PATH, else installed)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails (otherwise the exit status is 0: it is a report)")
    args = parser.parse_args(argv)
    names = tuple(n for n in args.only.split(",") if n) if args.only is not None else (QUICK_TREES if args.quick else TREES)
    unknown = set(names) - set(TREES)
    if unknown:
        parser.error(f"--only: unknown tree {', '.join(sorted(unknown))} (known: {', '.join(TREES)})")
    for path in args.tree:
        if not path.is_dir():
            parser.error(f"--tree {path}: not a directory")
    args.names = names
    args.runs = args.runs if args.runs is not None else (3 if args.quick else 5)
    if args.runs < 1 or args.timeout <= 0:
        parser.error("--runs must be at least 1 and --timeout positive")
    return args


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _build(name: str, directory: Path) -> trees.Tree:
    start = time.perf_counter()
    if name == "lib":
        tree = trees.build_lib_copy(directory)
    elif name.startswith("monorepo-"):
        tree = trees.build_monorepo(directory, int(name.split("-")[1]))
    else:
        tree = trees.build_files_tree(directory, int(name.split("-")[1]))
    _progress(f"{name}: {tree.python_files:,} Python files and notebooks at {tree.path} ({time.perf_counter() - start:.1f} s)")
    return tree


def _startup_modules(python: str) -> frozenset[str]:
    # What the target imports before user code runs: a planted shadow of one of these is
    # correctly not reported.
    result = subprocess.run([python, "-c", "import sys; print(' '.join(sys.modules))"], capture_output=True, text=True, cwd=tempfile.gettempdir(), check=False)
    return frozenset(result.stdout.split())


def _header(machine: dict, shadowcheck: programs.Program, ruff: programs.Program, args: argparse.Namespace) -> str:
    return "\n".join(
        [
            "## shadowcheck benchmark",
            "",
            f"- when: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"- machine: {machine['cpus']} CPUs ({machine['usable_cpus']} usable), {machine['cpu_model']}, {machine['memory']}, {machine['platform']}",
            f"- Python {machine['python']}; shadowcheck inspects {machine['target_python']}",
            f"- shadowcheck {shadowcheck.version}: {shadowcheck.where}",
            f"- ruff {ruff.version}: {ruff.where}",
            f"- {args.runs} counted run{'s' if args.runs > 1 else ''} per command after one warm-up, timeout {args.timeout:g} s per run",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # Terminated like interrupted: unwind, so the command being measured is killed too.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    with tempfile.TemporaryDirectory(prefix="shadowcheck-bench-") as temporary:
        work = Path(temporary)
        directory = args.trees.resolve() if args.trees else work / "trees"
        directory.mkdir(parents=True, exist_ok=True)
        shadowcheck = programs.shadowcheck(sys.executable)
        ruff = programs.ruff(args.ruff, directory if args.trees else work)
        machine = programs.machine(args.python)
        startup = _startup_modules(args.python)
        header = _header(machine, shadowcheck, ruff, args)
        print(header, flush=True)
        measured = [_build(name, directory) for name in args.names]
        measured += [trees.given_tree(path) for path in args.tree]
        outcomes = []
        for tree in measured:
            listed = commands(tree, shadowcheck, ruff, args.python)
            outcome = measure_tree(tree, listed, args.runs, args.timeout, work, _progress)
            outcome.notes += planted_notes(outcome, startup)
            outcomes.append(outcome)
            print(report.tree_table(outcome, args.runs, args.timeout), flush=True)
        found = report.checks(outcomes)
        print(report.targets_table(found), flush=True)
        if args.json:
            document = {
                "machine": machine,
                "shadowcheck": {"version": shadowcheck.version, "where": shadowcheck.where},
                "ruff": {"version": ruff.version, "where": ruff.where},
                "runs": args.runs,
                "timeout": args.timeout,
                "trees": [report.outcome_json(o) for o in outcomes],
                "targets": [{"tree": c.tree, "target": c.text, "measured": c.measured, "passed": c.passed} for c in found],
            }
            try:
                args.json.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
            except OSError as error:
                print(f"bench: --json {args.json}: cannot write: {error.strerror}", file=sys.stderr)
                return 2
    failed = [c for c in found if not c.passed]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
