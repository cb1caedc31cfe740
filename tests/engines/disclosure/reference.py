"""Independent attacker models for the disclosure tests.

Written from the table's equations directly (not from the engine's network form), so that the
engine's max-flow audit is checked against (a) scipy's LP solver, (b) an exact rank argument over
the reals and (c) brute-force enumeration of integer tables.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from gelijk.engines.disclosure import Suppression1D, Suppression2D


def published_equations(result: Suppression1D | Suppression2D):
    """Unknown labels, and the equations ``A @ unknowns = b`` implied by the published table."""
    if isinstance(result, Suppression1D):
        labels = [("cell", j) for j, v in enumerate(result.values) if v is None]
        if not result.with_total:
            return labels, np.zeros((0, len(labels))), np.zeros(0)
        if result.total is None:
            labels.append(("total",))
        row = np.array([1.0 if lab[0] == "cell" else -1.0 for lab in labels])
        rhs = -float(sum(v for v in result.values if v is not None))
        if result.total is not None:
            rhs += result.total
        return labels, row[None, :], np.array([rhs])

    rows, cols = result.mask.shape
    if not result.with_margins:
        labels = [("cell", i, j) for i in range(rows) for j in range(cols) if result.mask[i, j]]
        return labels, np.zeros((0, len(labels))), np.zeros(0)
    # value(label) for every entry of the table with margins
    entries = {("cell", i, j): result.values[i][j] for i in range(rows) for j in range(cols)}
    entries |= {("row", i): result.row_totals[i] for i in range(rows)}
    entries |= {("col", j): result.col_totals[j] for j in range(cols)}
    entries[("grand",)] = result.grand_total
    labels = [lab for lab, v in entries.items() if v is None]
    pos = {lab: n for n, lab in enumerate(labels)}
    eqs = []  # (list of (coef, label)) with sum coef*value = 0
    for i in range(rows):
        eqs.append([(1, ("cell", i, j)) for j in range(cols)] + [(-1, ("row", i))])
    for j in range(cols):
        eqs.append([(1, ("cell", i, j)) for i in range(rows)] + [(-1, ("col", j))])
    eqs.append([(1, ("row", i)) for i in range(rows)] + [(-1, ("grand",))])
    eqs.append([(1, ("col", j)) for j in range(cols)] + [(-1, ("grand",))])
    a_rows, rhs = [], []
    for eq in eqs:
        row = np.zeros(len(labels))
        b = 0.0
        for coef, lab in eq:
            if lab in pos:
                row[pos[lab]] += coef
            else:
                b -= coef * entries[lab]
        a_rows.append(row)
        rhs.append(b)
    return labels, np.array(a_rows).reshape(len(eqs), len(labels)), np.array(rhs)


def lp_intervals(result) -> dict[tuple, tuple[int, int | None]]:
    """Cox's LP audit with scipy.optimize.linprog: min and max of each unknown, unknowns >= 0."""
    labels, a, b = published_equations(result)
    out = {}
    for n, lab in enumerate(labels):
        c = np.zeros(len(labels))
        c[n] = 1.0
        kw = {"A_eq": a, "b_eq": b} if a.shape[0] else {}
        lo = linprog(c, bounds=(0, None), method="highs", **kw)
        hi = linprog(-c, bounds=(0, None), method="highs", **kw)
        assert lo.status == 0, lo.message
        assert hi.status in (0, 3), hi.message
        upper = None if hi.status == 3 else round(-hi.fun)
        out[lab] = (round(lo.fun), upper)
    return out


def determined_over_reals(result) -> list[tuple]:
    """Unknowns fixed by the published equations alone (unit vector in the row space of A)."""
    labels, a, _ = published_equations(result)
    if not labels:
        return []
    base = np.linalg.matrix_rank(a) if a.shape[0] else 0
    out = []
    for n, lab in enumerate(labels):
        unit = np.zeros((1, len(labels)))
        unit[0, n] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == base:
            out.append(lab)
    return out


def _compositions(total: int, parts: int):
    """All tuples of ``parts`` non-negative integers adding up to ``total`` (stars and bars)."""
    if parts == 0:
        if total == 0:
            yield ()
        return
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *bars, total + parts - 1)
        yield tuple(edges[n + 1] - edges[n] - 1 for n in range(parts))


def brute_force_intervals(result: Suppression2D) -> dict[tuple, tuple[int, int]]:
    """Min and max of each unknown over all non-negative integer tables (needs a published
    grand total, which bounds every value). Only for tiny tables."""
    rows, cols = result.mask.shape
    grand = result.grand_total
    assert grand is not None
    hidden = [(i, j) for i in range(rows) for j in range(cols) if result.mask[i, j]]
    known = sum(v for r in result.values for v in r if v is not None)
    spare = grand - known
    seen: dict[tuple, list[int]] = {}
    for combo in _compositions(spare, len(hidden)):
        table = np.array([[0 if v is None else v for v in r] for r in result.values])
        for (i, j), v in zip(hidden, combo, strict=True):
            table[i, j] = v
        rt, ct = table.sum(axis=1), table.sum(axis=0)
        if any(t is not None and t != rt[i] for i, t in enumerate(result.row_totals)):
            continue
        if any(t is not None and t != ct[j] for j, t in enumerate(result.col_totals)):
            continue
        values = {("cell", i, j): int(table[i, j]) for i, j in hidden}
        values |= {("row", i): int(rt[i]) for i, t in enumerate(result.row_totals) if t is None}
        values |= {("col", j): int(ct[j]) for j, t in enumerate(result.col_totals) if t is None}
        for lab, v in values.items():
            seen.setdefault(lab, []).append(v)
    return {lab: (min(vs), max(vs)) for lab, vs in seen.items()}


def audit_by_label(result, aud) -> dict[tuple, tuple[int, int | None]]:
    """The engine's audit in the labels used above."""
    out = {}
    if isinstance(result, Suppression1D):
        for j, iv in enumerate(aud.cells):
            if iv is not None:
                out[("cell", j)] = (iv.lo, iv.hi)
        if aud.total is not None:
            out[("total",)] = (aud.total.lo, aud.total.hi)
        return out
    for i, row in enumerate(aud.cells):
        for j, iv in enumerate(row):
            if iv is not None:
                out[("cell", i, j)] = (iv.lo, iv.hi)
    for name, ivs in (("row", aud.row_totals), ("col", aud.col_totals)):
        for i, iv in enumerate(ivs or []):
            if iv is not None:
                out[(name, i)] = (iv.lo, iv.hi)
    if aud.total is not None:
        out[("grand",)] = (aud.total.lo, aud.total.hi)
    return out
