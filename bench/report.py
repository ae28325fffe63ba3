"""The report: one markdown table per tree, the issue's targets marked pass or fail, raw JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bench.measure import Sample, Summary, median_ratio, summarize
from bench.session import Result, TreeResult

MB = 1e6  # the "150 MB": decimal megabytes, the stricter reading


@dataclass(frozen=True)
class Target:
    tree: str  # a tree name; "tree:" for every tree given with --tree
    command: str  # cold or warm
    measure: str  # wall or peak
    limit: float | str  # seconds, bytes, or "ruff": ruff's median on the same tree
    text: str


# Issue 8, "Targets". The Keras tree's targets apply to every tree given with --tree.
TARGETS = (
    Target("files-1000", "cold", "wall", 3.0, "cold <= 3 s"),
    Target("files-1000", "warm", "wall", 0.5, "warm <= 0.5 s"),
    Target("lib", "cold", "wall", 3.0, "cold <= 3 s"),
    Target("lib", "warm", "wall", "ruff", "warm <= ruff A005"),
    Target("tree:", "cold", "wall", 3.0, "cold <= 3 s"),
    Target("tree:", "warm", "wall", "ruff", "warm <= ruff A005"),
    Target("monorepo-20000", "cold", "wall", 3.0, "cold <= 3 s"),
    Target("monorepo-20000", "warm", "wall", 0.6, "warm <= 0.6 s"),
    Target("monorepo-20000", "cold", "peak", 150 * MB, "cold peak <= 150 MB"),
    Target("monorepo-20000", "warm", "peak", 150 * MB, "warm peak <= 150 MB"),
)
GROWTH = ("monorepo-20000", "monorepo-40000", 2.2)


@dataclass(frozen=True)
class Check:
    tree: str
    text: str
    measured: str
    passed: bool


def failure(result: Result) -> str | None:
    """Why a command's runs cannot meet a target: not repeated, timed out or crashed."""
    if result.skipped:
        return result.skipped
    if summarize(result.samples).wall is None:
        return "timeout"
    return next((s.crashed for s in result.samples if s.crashed), None)


def checks(outcomes: list[TreeResult]) -> list[Check]:
    """Every target that applies to the trees measured, each passed or failed."""
    found = []
    by_name = {o.tree.name: o for o in outcomes}
    for outcome in outcomes:
        name = outcome.tree.name
        for target in TARGETS:
            if target.tree == name or (target.tree == "tree:" and name.startswith("tree:")):
                found.append(_check(outcome, target))
        if outcome.same_json is not None or outcome.results["cold"].warmup is not None:
            same = bool(outcome.same_json) and outcome.same_text is not False
            shown = {True: "identical", False: "different"}
            measured = f"JSON {shown.get(outcome.same_json, 'not compared')}, text {shown.get(outcome.same_text, 'not compared')}"
            found.append(Check(name, "findings cold = warm", measured, same))
    small, large, limit = GROWTH
    if small in by_name and large in by_name:
        for key in ("cold", "warm"):
            a, b = by_name[large].results[key], by_name[small].results[key]
            text = f"{key}: {large} <= {limit}x {small}"
            why = failure(a) or failure(b)
            if why:
                found.append(Check(large, text, why, False))
                continue
            ratio = summarize(a.samples).wall / summarize(b.samples).wall
            found.append(Check(large, text, f"{ratio:.2f}x", ratio <= limit))
    return found


def _check(outcome: TreeResult, target: Target) -> Check:
    result = outcome.results[target.command]
    why = failure(result)
    if why:
        return Check(outcome.tree.name, target.text, why, False)
    summary = summarize(result.samples)
    value = summary.wall if target.measure == "wall" else summary.peak
    limit = target.limit
    if limit == "ruff":
        ruff = summarize(outcome.results["ruff"].samples).wall
        if ruff is None:
            return Check(outcome.tree.name, target.text, "no ruff time", False)
        limit = ruff
    shown = f"{value:.2f} s" if target.measure == "wall" else f"{value / MB:.0f} MB"
    if target.limit == "ruff":
        shown += f" vs {limit:.2f} s"
    return Check(outcome.tree.name, target.text, shown, value <= limit)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}" if value < 10 else f"{value:.0f}"


def _row(result: Result, outcome: TreeResult, timeout: float) -> str:
    summary: Summary = summarize(result.samples)
    ruff, floor = outcome.results["ruff"].samples, outcome.results["read"].samples
    status = failure(result)
    if result.skipped or summary.wall is None:
        cells = [result.skipped or f"timeout (> {timeout:g} s)", "-", "-", "-", "-", "-"]
        status = "-"
    else:
        cells = [
            _seconds(summary.wall),
            f"{summary.wall_min:.2f} - {summary.wall_max:.2f}",
            _seconds(summary.cpu),
            f"{summary.peak / MB:.0f} MB",
            _ratio(median_ratio(result.samples, ruff)),
            _ratio(median_ratio(result.samples, floor)),
        ]
    statuses = [s.status for s in result.samples] or ([result.warmup.status] if result.warmup else [])
    exits = sorted({s for s in statuses if s is not None})
    cells.append(status or ", ".join(str(e) for e in exits) or "-")
    return f"| {result.command.label} | " + " | ".join(cells) + " |"


def tree_table(outcome: TreeResult, runs: int, timeout: float) -> str:
    """The markdown section for one tree."""
    tree = outcome.tree
    lines = [
        f"### {tree.name}",
        "",
        (
            f"{tree.python_files:,} Python files and notebooks ({tree.files:,} files, {tree.size / MB:.0f} MB): "
            f"{tree.description}. Medians of {runs} run{'s' if runs > 1 else ''} taken in turn after a warm-up "
            "round; x ruff and x floor are medians of run-by-run ratios (floor: walk + read)."
        ),
        "",
        "| command | wall (median) | min - max | CPU | peak RSS | x ruff | x floor | exit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [_row(result, outcome, timeout) for result in outcome.results.values()]
    lines.append("")
    lines += [f"- {note}" for note in notes(outcome)]
    return "\n".join(lines) + "\n"


def notes(outcome: TreeResult) -> list[str]:
    """What the outputs say, under the table: files, findings, cold = warm, planted shadows."""
    found = []
    if outcome.floor_files is not None or outcome.checked_files is not None:
        if outcome.checked_files is None:
            found.append(f"Files: the floor walked {outcome.floor_files}; shadowcheck wrote no JSON summary.")
        else:
            agree = "" if outcome.floor_files == outcome.checked_files else " (they differ: the two walks do not cover the same files)"
            found.append(f"Files: the floor walked {outcome.floor_files}, shadowcheck counted {outcome.checked_files}{agree}.")
    if outcome.findings is not None:
        shown = {True: "identical", False: "DIFFERENT", None: "not compared"}
        found.append(
            f"Findings: {len(outcome.findings)}; cold and warm JSON {shown[outcome.same_json]}; "
            f"text output of every counted cold and warm run {shown[outcome.same_text]}."
        )
    if outcome.ruff_diagnostics is not None:
        found.append(f"ruff: {outcome.ruff_diagnostics}")
    found += outcome.notes
    for result in outcome.results.values():
        why = failure(result)
        if why and why.startswith("crashed"):
            found.append(f"{result.command.label}: {why}")
        samples = [s for s in (result.warmup, *result.samples) if s is not None]
        if any(s.status == 2 for s in samples) and not why:
            line = next(s.error_line() for s in samples if s.status == 2)
            found.append(f"{result.command.label}: exit 2, stderr begins: {line}")
        left = [s.leftovers for s in samples if s.leftovers]
        if left:
            found.append(
                f"{result.command.label}: {len(left)} of {len(samples)} runs left processes running after exiting "
                f"(up to {max(left)}; killed before the next run, their time not counted)."
            )
    return found


def targets_table(found: list[Check]) -> str:
    lines = ["### Targets (issue 8)", "", "| tree | target | measured | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {c.tree} | {c.text} | {c.measured} | {'pass' if c.passed else 'FAIL'} |" for c in found]
    return "\n".join(lines) + "\n"


def sample_json(sample: Sample | None) -> dict | None:
    if sample is None:
        return None
    return {
        "wall": sample.wall,
        "cpu": sample.cpu,
        "peak": sample.peak,
        "status": sample.status,
        "timed_out": sample.timed_out,
        "leftovers": sample.leftovers,
    }


def outcome_json(outcome: TreeResult) -> dict:
    """The raw numbers of one tree, for --json."""
    tree = asdict(outcome.tree)
    tree["path"] = str(outcome.tree.path)
    return {
        "tree": tree,
        "commands": {
            key: {
                "label": r.command.label,
                "argv": list(r.command.argv),
                "skipped": r.skipped,
                "warmup": sample_json(r.warmup),
                "runs": [sample_json(s) for s in r.samples],
                "median": asdict(summarize(r.samples)),
            }
            for key, r in outcome.results.items()
        },
        "floor_files": outcome.floor_files,
        "checked_files": outcome.checked_files,
        "findings": None if outcome.findings is None else len(outcome.findings),
        "same_json": outcome.same_json,
        "same_text": outcome.same_text,
        "ruff": outcome.ruff_diagnostics,
        "notes": outcome.notes,
    }
