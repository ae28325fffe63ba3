"""Measure every command on one tree: a warm-up round, then rounds taking the commands in turn.

Round by round (A B C ... A B C ...), so that a machine that slows down or speeds up during the
run affects every command alike. The warm-up round fills the operating system's file cache and
shadowcheck's warm cache and is not counted; in it shadowcheck writes JSON, so that the findings
of the cold and the warm run can be compared field by field. A command whose warm-up outlives
the timeout is not run again on that tree.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Sample, run
from bench.programs import Program
from bench.trees import Tree

FLOOR_SCRIPT = Path(__file__).resolve().parent / "floor.py"
# Settings that would change what shadowcheck does or where it keeps its caches, and one that
# would make every run compile shadowcheck's modules again: an installed package has its
# bytecode written (pip compiles it), so the warm-up run may write it here too.
_CLEARED = (
    "SHADOWCHECK_PYTHON", "SHADOWCHECK_OUTPUT_FORMAT", "SHADOWCHECK_DEBUG", "SHADOWCHECK_CACHE_DIR",
    "PYTHONDONTWRITEBYTECODE",
)  # fmt: skip


@dataclass(frozen=True)
class Command:
    key: str  # walk, read, ruff, cold, warm, verify
    label: str
    argv: tuple[str, ...]
    warmup_argv: tuple[str, ...]
    cache: str | None = None  # "fresh": an empty cache directory every run; "warm": the kept one


@dataclass
class Result:
    command: Command
    warmup: Sample | None = None
    samples: list[Sample] = field(default_factory=list)
    skipped: str | None = None  # why it was not run (again)


@dataclass
class TreeResult:
    tree: Tree
    results: dict[str, Result]
    floor_files: int | None = None  # Python files and notebooks the floor's walk found
    checked_files: int | None = None  # the files shadowcheck's summary counts
    findings: list[dict] | None = None  # of the cold warm-up run
    same_json: bool | None = None  # cold and warm warm-up runs wrote the same JSON
    same_text: bool | None = None  # every counted cold and warm run printed the same text
    ruff_diagnostics: str | None = None
    notes: list[str] = field(default_factory=list)


def commands(tree: Tree, shadowcheck: Program, ruff: Program, target_python: str) -> list[Command]:
    """What is measured on ``tree``, in the order of a round."""
    floor = (sys.executable, str(FLOOR_SCRIPT))
    check = (*shadowcheck.argv, "check", "--python", target_python, ".")
    listed = [
        Command("walk", "floor: walk", (*floor, "walk", "."), (*floor, "walk", ".")),
        Command("read", "floor: walk + read", (*floor, "read", "."), (*floor, "read", ".")),
        Command("ruff", f"ruff {ruff.version} check --select A005 --no-cache", (*ruff.argv, "check", "--select", "A005", "--no-cache", "."),
                (*ruff.argv, "check", "--select", "A005", "--no-cache", ".")),
        Command("cold", "shadowcheck cold", check, (*check, "--format", "json"), cache="fresh"),
        Command("warm", "shadowcheck warm", check, (*check, "--format", "json"), cache="warm"),
    ]  # fmt: skip
    if tree.verify_script:
        verify = (*shadowcheck.argv, "verify", "--python", target_python, tree.verify_script)
        listed.append(Command("verify", f"shadowcheck verify {tree.verify_script} (warm)", verify, (*verify, "--format", "json"), cache="warm"))
    return listed


def measure_tree(tree: Tree, listed: list[Command], runs: int, timeout: float, work: Path, progress) -> TreeResult:
    """Run the warm-up round and ``runs`` counted rounds of ``listed`` on ``tree``."""
    outputs = work / "outputs" / tree.name.replace(":", "-")
    caches = work / "caches" / tree.name.replace(":", "-")
    for directory in (outputs, caches):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    warm_cache = caches / "warm"
    warm_cache.mkdir()
    results = {c.key: Result(c) for c in listed}
    load_before = _load()

    def once(command: Command, label: str, argv: tuple[str, ...]) -> Sample:
        fresh = caches / f"cold-{label}"
        if label == "warmup":
            # The warm-up cold run starts from the still empty warm cache and fills it: the
            # warm-up warm run after it is a second run, and their JSON can be compared.
            fresh = warm_cache
        elif command.cache == "fresh":
            fresh.mkdir()
        env = _environment({"fresh": fresh, "warm": warm_cache}.get(command.cache))
        sample = run(list(argv), tree.path, env, outputs / f"{command.key}-{label}", timeout)
        if command.cache == "fresh" and fresh != warm_cache:
            shutil.rmtree(fresh, ignore_errors=True)
        progress(f"{tree.name}: {command.label} ({label}): {_shown(sample, timeout)}")
        return sample

    for command in listed:
        result = results[command.key]
        result.warmup = once(command, "warmup", command.warmup_argv)
        if result.warmup.timed_out:
            result.skipped = f"timeout (> {timeout:g} s)"
        elif result.warmup.crashed:  # running it again would only time the crash
            result.skipped = result.warmup.crashed
    for number in range(1, runs + 1):
        for command in listed:
            result = results[command.key]
            if result.skipped is None:
                result.samples.append(once(command, f"run{number}", command.argv))
    outcome = _compare(TreeResult(tree, results))
    if load_before is not None:
        load_after, cpus = _load(), os.cpu_count() or 1
        busy = max(load_before, load_after) > cpus
        outcome.notes.append(
            f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on {cpus} CPUs"
            + (": other processes competed for the machine, so wall times grew; CPU times did not." if busy else ".")
        )
    return outcome


def _load() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _environment(cache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    if cache is not None:
        # Both: shadowcheck's own variable, and the user cache directory any library would use.
        env["SHADOWCHECK_CACHE_DIR"] = env["XDG_CACHE_HOME"] = str(cache)
    return env


def _shown(sample: Sample, timeout: float) -> str:
    if sample.timed_out:
        return f"timeout (> {timeout:g} s)"
    return f"{sample.wall:.2f} s, {sample.peak / 1e6:.0f} MB, exit {sample.status}"


def _compare(outcome: TreeResult) -> TreeResult:
    """What the outputs say: file counts, findings, and whether cold and warm agree."""
    results = outcome.results
    for key in ("walk", "read"):
        warmup = results[key].warmup
        if warmup and not warmup.timed_out and warmup.status == 0:
            outcome.floor_files = int(warmup.stdout.read_text().strip() or 0)
    cold, warm = _json(results["cold"].warmup), _json(results["warm"].warmup)
    if cold is not None:
        outcome.findings = cold.get("findings", [])
        outcome.checked_files = cold.get("summary", {}).get("files")
    if cold is not None and warm is not None:
        outcome.same_json = cold == warm
    finished = [
        s
        for key in ("cold", "warm")
        for s in results[key].samples
        if not s.timed_out and not s.crashed
    ]
    if finished:
        outcome.same_text = len({s.stdout.read_bytes() for s in finished}) == 1
    ruff = results["ruff"].warmup
    if ruff is not None and not ruff.timed_out:
        lines = ruff.stdout.read_text(errors="replace").strip().splitlines()
        outcome.ruff_diagnostics = lines[-1] if lines else ""
    return outcome


def _json(sample: Sample | None) -> dict | None:
    if sample is None or sample.timed_out:
        return None
    try:
        return json.loads(sample.stdout.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def planted_notes(outcome: TreeResult, startup_modules: frozenset[str]) -> list[str]:
    """Which of the shadows the recipe planted were not reported, and which look-alikes were."""
    if outcome.findings is None or not outcome.tree.planted:
        return []
    reported = {(f.get("path"), f.get("module")) for f in outcome.findings}
    shadows = [p for p in outcome.tree.planted if p.shadows]
    missed = [p for p in shadows if (p.path, p.module) not in reported]
    wrong = [p for p in outcome.tree.planted if not p.shadows and (p.path, p.module) in reported]
    found = [f"Planted shadows reported: {len(shadows) - len(missed)} of {len(shadows)}."]
    at_startup = sorted({p.module for p in missed if p.module in startup_modules})
    if at_startup:
        count = sum(p.module in startup_modules for p in missed)
        found.append(
            f"Not reported, correctly: {count} planted {', '.join(at_startup)} (this interpreter imports "
            f"{', '.join(at_startup)} before any user code runs, so nothing can shadow it here)."
        )
    others = [p.path for p in missed if p.module not in startup_modules]
    if others:
        found.append(f"NOT REPORTED (planted shadows): {', '.join(others[:10])}{' ...' if len(others) > 10 else ''}")
    if wrong:
        found.append(f"REPORTED (planted look-alikes that shadow nothing): {', '.join(p.path for p in wrong)}")
    unplanted = len(reported - {(p.path, p.module) for p in outcome.tree.planted})
    if unplanted:
        found.append(f"Reported but not planted: {unplanted}.")
    return found
