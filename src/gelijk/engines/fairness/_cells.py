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
        mask = _lighter(_from_suppress_2d(table, self.k), _audited_greedy(table, self.k), table)
        cells = np.empty((rows, cols), dtype=np.int64)
        for i in range(rows):
            for j in range(cols):
                cells[i, j] = self._add(table[i, j], CELL, mask.cells[i, j])
        row_tot = np.array(
            [self._add(table[i].sum(), MARGIN, mask.rows[i]) for i in range(rows)],
            dtype=np.int64,
        )
        col_tot = np.array(
            [self._add(table[:, j].sum(), MARGIN, mask.cols[j]) for j in range(cols)],
            dtype=np.int64,
        )
        grand = self._add(table.sum(), GRAND, disclosure.is_small(int(table.sum()), self.k))
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

        The table is protected with the column totals taken as published, except those marked
        in ``col_hidden`` (totals that are certainly hidden, e.g. a sum with a small term):
        primary suppression, then, while :func:`gelijk.engines.disclosure.audit` finds a hidden
        cell or row total that is determined or provably below k, complements on its row or
        column are hidden too.
        """
        table = np.asarray(table, dtype=np.int64)
        if col_hidden is None:
            col_hidden = np.zeros(table.shape[1], dtype=bool)
        mask = _audited_greedy(table, self.k, fixed_cols=np.asarray(col_hidden, dtype=bool))
        cells_hidden, rows_hidden = mask.cells, mask.rows
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


@dataclass
class _Mask:
    cells: np.ndarray
    rows: np.ndarray
    cols: np.ndarray

    def loss(self, table: np.ndarray) -> tuple[int, int]:
        return int(self.cells.sum()), int(table[self.cells].sum())


def _from_suppress_2d(table: np.ndarray, k: int) -> _Mask | None:
    r = disclosure.suppress_2d(table, k, with_margins=True)
    if r.grand_total is None and not disclosure.is_small(int(table.sum()), k):
        return None  # it hid a large grand total; the greedy keeps that published
    return _Mask(
        cells=np.array(r.mask, dtype=bool),
        rows=np.array([v is None for v in r.row_totals]),
        cols=np.array([v is None for v in r.col_totals]),
    )


def _lighter(a: _Mask | None, b: _Mask, table: np.ndarray) -> _Mask:
    # Both pass the disclosure audit; publish the one that hides fewer (then smaller) cells.
    if a is None:
        return b
    return a if a.loss(table) <= b.loss(table) else b


def _audited_greedy(table: np.ndarray, k: int, fixed_cols: np.ndarray | None = None) -> _Mask:
    """Primary suppression, then complements until the disclosure audit passes.

    The grand total is published. Column totals are either free (suppressed like any value;
    ``fixed_cols`` None) or given: published by another table, except where ``fixed_cols`` is
    True (certainly hidden there). Each round audits the table with
    :func:`gelijk.engines.disclosure.audit` and, for each hidden value that is determined or
    provably below k (and not already helped in this round), hides the cheapest complement on
    its row or column (or another row / column total when its own total is hidden).
    """
    rows, cols = table.shape
    row_tot = table.sum(axis=1)
    col_tot = table.sum(axis=0)
    free_cols = fixed_cols is None
    if disclosure.is_small(int(table.sum()), k):
        # Everything in a table with a small total is small: hide it all.
        return _Mask(
            cells=table > 0 if free_cols else np.ones(table.shape, dtype=bool),
            rows=np.ones(rows, dtype=bool),
            cols=np.ones(cols, dtype=bool) if free_cols else np.asarray(fixed_cols, dtype=bool),
        )
    cells_hidden = (table > 0) & (table < k)
    rows_hidden = (row_tot > 0) & (row_tot < k)
    if free_cols:
        cols_hidden = (col_tot > 0) & (col_tot < k)
    else:
        cols_hidden = np.asarray(fixed_cols, dtype=bool).copy()

    def value(c):
        kind, where = c
        if kind == "cell":
            return table[where]
        return row_tot[where] if kind == "row" else col_tot[where]

    def cost(c):
        return _complement_cost(value(c), k, (c[0] != "cell", c[0], c[1]))

    def hidden(c) -> bool:
        kind, where = c
        if kind == "cell":
            return bool(cells_hidden[where])
        return bool(rows_hidden[where] if kind == "row" else cols_hidden[where])

    def hide(c) -> None:
        kind, where = c
        if kind == "cell":
            cells_hidden[where] = True
        elif kind == "row":
            rows_hidden[where] = True
        else:
            cols_hidden[where] = True

    # Each round hides at least one more value, so this ends.
    for _ in range((rows + 1) * (cols + 1) + 1):
        result = disclosure.Suppression2D(
            mask=cells_hidden,
            values=[
                [None if cells_hidden[i, j] else int(table[i, j]) for j in range(cols)]
                for i in range(rows)
            ],
            row_totals=[None if rows_hidden[i] else int(row_tot[i]) for i in range(rows)],
            col_totals=[None if cols_hidden[j] else int(col_tot[j]) for j in range(cols)],
            grand_total=int(table.sum()),
            with_margins=True,
            k=k,
        )
        found = disclosure.audit(result)
        failing = [
            ("cell", (i, j))
            for i in range(rows)
            for j in range(cols)
            if found.cells[i][j] is not None and _fails(found.cells[i][j], k)
        ]
        failing += [
            ("row", i)
            for i in range(rows)
            if found.row_totals[i] is not None and _fails(found.row_totals[i], k)
        ]
        if free_cols:
            failing += [
                ("col", j)
                for j in range(cols)
                if found.col_totals[j] is not None and _fails(found.col_totals[j], k)
            ]
        if not failing:
            break
        touched: set[tuple] = set()
        progress = False
        for kind, where in failing:
            i = where[0] if kind == "cell" else (where if kind == "row" else None)
            j = where[1] if kind == "cell" else (where if kind == "col" else None)
            lines = {("r", i)} if i is not None else set()
            lines |= {("c", j)} if j is not None else set()
            if lines & touched:
                continue
            candidates = []
            if i is not None:
                candidates += [("cell", (i, c)) for c in range(cols)]
                if kind == "row" or rows_hidden[i]:
                    candidates += [("row", r) for r in range(rows)]
            if j is not None:
                candidates += [("cell", (r, j)) for r in range(rows)]
                if free_cols and (kind == "col" or cols_hidden[j]):
                    candidates += [("col", c) for c in range(cols)]
            candidates = [c for c in candidates if not hidden(c)]
            if not candidates:
                continue
            pick = min(candidates, key=cost)
            hide(pick)
            progress = True
            kind_p, where_p = pick
            if kind_p == "cell":
                touched |= {("r", where_p[0]), ("c", where_p[1])}
            elif kind_p == "row":
                touched |= {("r", where_p), ("totals", "rows")}
            else:
                touched |= {("c", where_p), ("totals", "cols")}
        if not progress:
            break
    return _Mask(cells=cells_hidden, rows=rows_hidden, cols=cols_hidden)


def _complement_cost(value: int, k: int, where: tuple) -> tuple:
    # A complement of at least k widens a range past k at once and is not itself small; among
    # those the smallest loses the least information. Smaller ones and zeros come last.
    return (int(value) < k, int(value) == 0, int(value) if value >= k else -int(value), where)


def _fails(interval: disclosure.Interval, k: int) -> bool:
    # The disclosure audit's criterion: determined exactly, or provably below k.
    return interval.hi is not None and (interval.hi - interval.lo < 1 or interval.hi < k)
