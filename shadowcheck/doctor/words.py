"""How doctor's messages join names and count things."""

from __future__ import annotations


def joined(items: list[str], word: str = "and") -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def counted(count: int, noun: str) -> str:
    """"1 file", "2 files"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
