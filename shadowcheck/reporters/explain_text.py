"""`explain --format text`: the error, its cause and the file at fault, the fix, how it was found."""

from __future__ import annotations

from typing import TextIO

from shadowcheck.explain.report import Explanation
from shadowcheck.reporters.escape import one_line
from shadowcheck.reporters.text import BOLD, CYAN, DIM, RED, YELLOW, paint

# sys.path entries shown (the first ones decide; the JSON has them all).
SHOWN_ENTRIES = 4


def summary(explanation: Explanation) -> str:
    """One line: what the verdict is."""
    if not explanation.explained:
        return "Not explained: shadowcheck does not know the cause of this error."
    where = f" ({explanation.file})" if explanation.file else ""
    return one_line(f"Explained: {explanation.cause}{where}.")


def write(explanation: Explanation, stream: TextIO, color: bool = False) -> None:
    stream.write(paint(one_line(explanation.error), BOLD, color) + "\n\n")
    if explanation.explained:
        stream.write(f"{paint('cause:', RED, color)} {one_line(explanation.message)}\n")
        if explanation.file:
            stream.write(f"{paint('file:', CYAN, color)}  {one_line(explanation.file)}\n")
        if explanation.fix:
            stream.write(f"{paint('fix:', CYAN, color)}   {one_line(explanation.fix)}\n")
    else:
        stream.write(f"{paint('not explained:', YELLOW, color)} {one_line(explanation.message)}\n")
    lines = [*explanation.evidence]
    if explanation.run:
        lines.append(f"run: {explanation.run}")
    if explanation.sys_path:
        shown = ", ".join(entry or "''" for entry in explanation.sys_path[:SHOWN_ENTRIES])
        more = f", ... ({len(explanation.sys_path)} entries)" if len(explanation.sys_path) > SHOWN_ENTRIES else ""
        lines.append(f"sys.path: {shown}{more}")
    if explanation.python_note:
        lines.append(f"environment: {explanation.python_note}")
    if explanation.code:
        lines.append(f"`shadowcheck check` ({explanation.code}) or `shadowcheck doctor` reports this before it happens")
    for line in lines:
        stream.write(paint(f"  {one_line(line)}", DIM, color) + "\n")
    stream.write("\n" + summary(explanation) + "\n")
