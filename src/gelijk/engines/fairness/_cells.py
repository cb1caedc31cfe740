"""Small-cell rule for the linked count tables of one bias report.

A report publishes several count tables that share totals: the confusion counts per group for
each group column, the same for the intersections of the group columns (whose rows add up to
the single-column rows), calibration counts per score band, cluster sizes. Every table is
protected by the project's one implementation, :func:`gelijk.engines.disclosure.suppress_2d` /
:func:`~gelijk.engines.disclosure.suppress_1d` (primary and LP-audited secondary suppression,
the lighter of its two complement strategies).

Main tables (one group column, with their margins) keep their grand total, the N of the report
(``keep_grand_total``). Detail tables (intersections; score bands) have column totals that a
main table already publishes, so they are protected with those totals taken as given
(``linked_col_totals``).

Across tables one more rule applies: every linear relation between published values (the
intersection rows that add up to a single-column cell, a total repeated in another table) may
not contain exactly one hidden value, because that value would follow from the others. Values
are hidden until no relation has exactly one; the candidate hidden first is a cell of a detail
table, then a cell of a main table, then a margin, the smallest count first. A derived partial
sum (TP + FN, ...) is published only when all its terms are, so it tells nothing new. Hiding
more never makes a hidden value easier to compute, so the per-table guarantees still hold.
This closure does not prove protection against every combination of linked relations (that
needs one LP audit over all tables at once; see docs/methods/fairness.md); it removes the
direct differencing attacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gelijk.engines import disclosure

#: Which kind of value to hide first when a relation needs one more hidden value: cells of
#: detail tables (intersections, score bands), then cells of the main tables, then margins.
#: Derived partial sums are never candidates: they are hidden exactly when a term is.
DERIVED, DETAIL, CELL, MARGIN, GRAND = 0, 1, 2, 3, 4


@dataclass
class LinkedCounts:
    """A vector of counts to publish, their relations and the per-table protection."""

    k: int
    values: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    hidden: list[bool] = field(default_factory=list)
    relations: list[tuple[list[int], int]] = field(default_factory=list)
    derived: list[tuple[list[int], int]] = field(default_factory=list)

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
        # The grand total is the N of the report, shown with every table: never a complement.
        r = disclosure.suppress_2d(table, self.k, keep_grand_total=True)
        cells = np.empty((rows, cols), dtype=np.int64)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = self._add(table[i, j], CELL, r.mask[i, j])
        row_tot = np.array(
            [self._add(table[i].sum(), MARGIN, r.row_totals[i] is None) for i in range(rows)],
            dtype=np.int64,
        )
        col_tot = np.array(
            [self._add(table[:, j].sum(), MARGIN, r.col_totals[j] is None) for j in range(cols)],
            dtype=np.int64,
        )
        grand = self._add(table.sum(), GRAND, r.grand_total is None)
        for i in range(rows):
            self.relate(cells[i].tolist(), int(row_tot[i]))
        for j in range(cols):
            self.relate(cells[:, j].tolist(), int(col_tot[j]))
        self.relate(row_tot.tolist(), grand)
        self.relate(col_tot.tolist(), grand)
        return cells, row_tot, col_tot, grand

    def add_table_under(
        self, table, col_totals: np.ndarray, col_hidden: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Add a rows x columns table whose column totals are already published (at
        ``col_totals``), e.g. the intersections of group columns, whose totals are the overall
        counts; returns the positions of its cells and row totals.

        The table is protected by :func:`gelijk.engines.disclosure.suppress_2d` with the column
        totals linked (``linked_col_totals``): taken as published, except those marked in
        ``col_hidden`` (totals that are certainly hidden, e.g. a sum with a small term).
        """
        table = np.asarray(table, dtype=np.int64)
        rows, cols = table.shape
        if col_hidden is None:
            col_hidden = np.zeros(cols, dtype=bool)
        r = disclosure.suppress_2d(
            table, self.k, linked_col_totals=~np.asarray(col_hidden, dtype=bool)
        )
        cells = np.empty((rows, cols), dtype=np.int64)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = self._add(table[i, j], DETAIL, r.mask[i, j])
        row_tot = np.array(
            [self._add(table[i].sum(), MARGIN, r.row_totals[i] is None) for i in range(rows)],
            dtype=np.int64,
        )
        for i in range(rows):
            self.relate(cells[i].tolist(), int(row_tot[i]))
        for j in range(cols):
            self.relate(cells[:, j].tolist(), int(col_totals[j]))
        return cells, row_tot

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
        """Add a derived partial sum (e.g. TP + FN). It is published only when every term is:
        a sum of hidden cells would add an equation that the table audits did not see."""
        value = sum(self.values[t] for t in terms)
        pos = self._add(value, DERIVED, False)
        self.derived.append((list(terms), pos))
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
        for terms, pos in self.derived:
            hidden[pos] = bool(hidden[terms].any())
        return hidden

    def published(self, mask: np.ndarray, pos: int) -> int | None:
        return None if mask[pos] else self.values[pos]
