"""A line diff of two versions of a letter (difflib), as rows a table can show.

Unchanged stretches longer than the context are folded into one row that says how many lines
were left out, so a long letter with one changed sentence stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class DiffRow:
    op: str  # "equal", "delete", "insert" or "skip"
    old_number: int | None
    new_number: int | None
    text: str
    skipped: int = 0


def line_diff(old: str, new: str, *, context: int = 2) -> list[DiffRow]:
    """Rows for the changes from ``old`` to ``new``; empty when the texts are equal."""
    a, b = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    rows: list[DiffRow] = []
    previous_end = 0
    for group in matcher.get_grouped_opcodes(context):
        first = group[0]
        if first[1] > previous_end:
            rows.append(DiffRow("skip", None, None, "", skipped=first[1] - previous_end))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("equal", i + 1, j + 1, a[i]) for i, j in zip(
                    range(i1, i2), range(j1, j2), strict=True)]  # fmt: skip
                continue
            if tag in ("replace", "delete"):
                rows += [DiffRow("delete", i + 1, None, a[i]) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                rows += [DiffRow("insert", None, j + 1, b[j]) for j in range(j1, j2)]
        previous_end = group[-1][2]
    if rows and previous_end < len(a):
        rows.append(DiffRow("skip", None, None, "", skipped=len(a) - previous_end))
    return rows
