"""`--statistics`: how many findings of each rule, instead of the findings (ruff's shape).

```
2	SC101	shadows-installed-package
1	SC102	shadows-stdlib-module
```
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from shadowcheck.ftypes import Report
from shadowcheck.reporters.display import Display
from shadowcheck.reporters.text import summary


def counts(report: Report) -> list[dict]:
    """One entry per rule that found something, most found first, then by code."""
    # Each finding carries its rule's name: no need for the registry (and doctor's rules).
    counted = Counter((f.code, f.name) for f in report.findings)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [{"code": code, "name": name, "count": count} for (code, name), count in ordered]


def write_text(report: Report, stream: TextIO, display: Display = Display()) -> None:
    entries = counts(report)
    count_width = max((len(str(e["count"])) for e in entries), default=0)
    code_width = max((len(e["code"]) for e in entries), default=0)
    for entry in entries:
        stream.write(f"{entry['count']:>{count_width}}\t{entry['code']:<{code_width}}\t{entry['name']}\n")
    stream.write(summary(report) + "\n")


def write_json(report: Report, stream: TextIO, display: Display = Display()) -> None:
    json.dump(counts(report), stream, indent=2)
    stream.write("\n")
