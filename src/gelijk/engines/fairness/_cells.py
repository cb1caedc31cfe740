"""Small-cell rule for the linked count tables of one bias report.

A report publishes several count tables that share totals: the confusion counts per group for
each group column, the same for the intersections of the group columns (whose rows add up to
the single-column rows), partial sums such as the number of label-positives, calibration
counts per score band, cluster sizes. Each table with its margins is protected by the
project's one implementation, :func:`gelijk.engines.disclosure.suppress_2d` /
:func:`~gelijk.engines.disclosure.suppress_1d` (primary and LP-audited secondary suppression).

Those calls protect one table at a time. Across tables we add one more rule: every linear
relation between published values (a sum over intersection rows that equals a single-column
cell, a partial sum, a total repeated in another table) may not contain exactly one hidden
value, because that value would follow from the others. Hidden values are added until no
relation has exactly one; the candidate hidden first is a derived partial sum, then a cell,
then a margin, the smallest count first. Hiding more never makes a hidden value easier to
compute, so the per-table guarantees still hold. This closure does not prove protection
against every combination of linked relations (that needs an LP audit over all tables at once,
out of scope, see docs/methods/fairness.md); it removes the direct differencing attacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gelijk.engines import disclosure

#: Which kind of value to hide first when a relation needs one more hidden value.
DERIVED, CELL, MARGIN, GRAND = 0, 1, 2, 3


@dataclass
class LinkedCounts:
    """A vector of counts to publish, their relations and the per-table protection."""

    k: int
    values: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    hidden: list[bool] = field(default_factory=list)
    relations: list[tuple[list[int], int]] = field(default_factory=list)

    def _add(self, value: int, kind: int, hide: bool) -> int:
        self.values.append(int(value))
        self.kinds.append(kind)
        self.hidden.append(bool(hide))
        return len(self.values) - 1

    def add_table(self, table) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Add a rows x columns table published with its margins; returns the positions of
        its cells, row totals, column totals and grand total."""
        table = np.asarray(table, dtype=np.int64)
        rows, cols = table.shape
        result = disclosure.suppress_2d(table, self.k, with_margins=True)
        cells = np.empty((rows, cols), dtype=np.int64)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = self._add(table[i, j], CELL, result.values[i][j] is None)
        row_tot = np.array(
            [self._add(table[i].sum(), MARGIN, result.row_totals[i] is None) for i in range(rows)],
            dtype=np.int64,
        )
        col_tot = np.array(
            [
                self._add(table[:, j].sum(), MARGIN, result.col_totals[j] is None)
                for j in range(cols)
            ],
            dtype=np.int64,
        )
        grand = self._add(table.sum(), GRAND, result.grand_total is None)
        for i in range(rows):
            self.relate(cells[i].tolist(), int(row_tot[i]))
        for j in range(cols):
            self.relate(cells[:, j].tolist(), int(col_tot[j]))
        self.relate(row_tot.tolist(), grand)
        self.relate(col_tot.tolist(), grand)
        return cells, row_tot, col_tot, grand

    def add_list(self, counts) -> tuple[np.ndarray, int]:
        """Add a list of counts published with its total."""
        counts = np.asarray(counts, dtype=np.int64)
        result = disclosure.suppress_1d(counts, self.k, with_total=True)
        cells = np.array(
            [self._add(c, CELL, v is None) for c, v in zip(counts, result.values, strict=True)],
            dtype=np.int64,
        )
        total = self._add(counts.sum(), GRAND, result.total is None)
        self.relate(cells.tolist(), total)
        return cells, total

    def add_sum(self, terms: list[int]) -> int:
        """Add a derived partial sum of published values (e.g. TP + FN)."""
        value = sum(self.values[t] for t in terms)
        small = disclosure.is_small(value, self.k)
        pos = self._add(value, DERIVED, small)
        self.relate(list(terms), pos)
        return pos

    def relate(self, terms: list[int], total: int) -> None:
        """Record that the values at ``terms`` add up to the value at ``total``."""
        self.relations.append((list(terms), int(total)))

    def protect(self) -> np.ndarray:
        """Hide values until no relation has exactly one hidden member; returns the mask."""
        hidden = np.array(self.hidden, dtype=bool)
        values = np.array(self.values, dtype=np.int64)
        kinds = np.array(self.kinds, dtype=np.int64)
        changed = True
        while changed:
            changed = False
            for terms, total in self.relations:
                members = [*terms, total]
                n_hidden = int(hidden[members].sum())
                if n_hidden != 1:
                    continue
                shown = [m for m in members if not hidden[m]]
                if not shown:
                    continue
                pick = min(shown, key=lambda m: (int(kinds[m]), values[m] == 0, int(values[m]), m))
                hidden[pick] = True
                changed = True
        return hidden

    def published(self, mask: np.ndarray, pos: int) -> int | None:
        return None if mask[pos] else self.values[pos]
