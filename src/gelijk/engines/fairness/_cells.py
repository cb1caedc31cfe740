"""Small-cell rule for the linked count tables of one bias report.

A report publishes several count tables that share totals: the confusion counts per group for
each group column, the same for the intersections of the group columns (whose rows add up to
the single-column rows), calibration counts per score band, cluster sizes. Main tables (one
group column, with their margins) are protected by the project's one implementation,
:func:`gelijk.engines.disclosure.suppress_2d` / :func:`~gelijk.engines.disclosure.suppress_1d`
(primary and LP-audited secondary suppression).

Detail tables (intersections; score bands) have column totals that a main table already
publishes, so they are protected with those totals taken as published: primary suppression,
then complements until :func:`gelijk.engines.disclosure.audit` (the same LP audit) finds no
hidden value that is determined exactly or provably below k.

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

    def add_table_under(self, table, col_totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Add a rows x columns table whose column totals are already published (at
        ``col_totals``), e.g. the intersections of group columns, whose totals are the overall
        counts; returns the positions of its cells and row totals.

        The table is protected with the column totals taken as published: primary
        suppression, then, while :func:`gelijk.engines.disclosure.audit` finds a hidden value
        that is determined or provably below k, the smallest other value in its row or column
        is hidden too.
        """
        table = np.asarray(table, dtype=np.int64)
        cells_hidden, rows_hidden = _protect_under_fixed_columns(table, self.k)
        rows, cols = table.shape
        cells = np.empty((rows, cols), dtype=np.int64)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = self._add(table[i, j], DETAIL, cells_hidden[i, j])
        row_tot = np.array(
            [self._add(table[i].sum(), MARGIN, rows_hidden[i]) for i in range(rows)],
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


def _protect_under_fixed_columns(table: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = table.shape
    row_tot = table.sum(axis=1)
    col_tot = table.sum(axis=0)
    cells_hidden = (table > 0) & (table < k)
    rows_hidden = (row_tot > 0) & (row_tot < k)
    # Each round hides at least one more value, so this ends within rows * (cols + 1) rounds.
    for _ in range(rows * (cols + 1) + 1):
        result = disclosure.Suppression2D(
            mask=cells_hidden,
            values=[
                [None if cells_hidden[i, j] else int(table[i, j]) for j in range(cols)]
                for i in range(rows)
            ],
            row_totals=[None if rows_hidden[i] else int(row_tot[i]) for i in range(rows)],
            col_totals=[int(c) for c in col_tot],
            grand_total=int(table.sum()),
            with_margins=True,
            k=k,
        )
        found = disclosure.audit(result)
        failing = [
            (i, j)
            for i in range(rows)
            for j in range(cols)
            if found.cells[i][j] is not None and _fails(found.cells[i][j], k)
        ]
        failing += [
            (i, None)
            for i in range(rows)
            if found.row_totals[i] is not None and _fails(found.row_totals[i], k)
        ]
        if not failing:
            return cells_hidden, rows_hidden
        i, j = failing[0]
        # Complements that can widen the failing value's range: cells on its row or column,
        # and, when its row total is hidden (a row total can only move with another row
        # total, as the grand total is published), the other row totals.
        candidates = [("cell", (i, c)) for c in range(cols) if not cells_hidden[i, c]]
        if j is not None:
            candidates += [("cell", (r, j)) for r in range(rows) if not cells_hidden[r, j]]
        if j is None or rows_hidden[i]:
            candidates += [("row", (r,)) for r in range(rows) if not rows_hidden[r]]
        if not candidates:
            break
        kind, where = min(
            candidates,
            key=lambda c: _complement_cost(
                table[c[1]] if c[0] == "cell" else row_tot[c[1][0]], k, (c[0] == "row", c[1])
            ),
        )
        if kind == "cell":
            cells_hidden[where] = True
        else:
            rows_hidden[where[0]] = True
    return cells_hidden, rows_hidden


def _complement_cost(value: int, k: int, where: tuple) -> tuple:
    # A complement of at least k widens a range past k at once and is not itself small; among
    # those the smallest loses the least information. Smaller ones and zeros come last.
    return (int(value) < k, int(value) == 0, int(value) if value >= k else -int(value), where)


def _fails(interval: disclosure.Interval, k: int) -> bool:
    # The disclosure audit's criterion: determined exactly, or provably below k.
    return interval.hi is not None and (interval.hi - interval.lo < 1 or interval.hi < k)
