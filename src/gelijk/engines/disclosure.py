"""Small-cell rule: primary and secondary cell suppression for count tables.

The one implementation of the project's small-cell rule (GUIDE §4.6). Every count shown outside
a case file goes through :func:`suppress_1d` / :func:`suppress_2d`; every figure derived from
counts (rates, ratios, intervals) goes through :func:`suppress_derived`.

Method
------
*Primary suppression* (threshold rule for frequency tables, Hundepool et al. 2012, ch. 5):
a count ``c`` is *small* when ``0 < c < k``. Zeros are published by default: a zero reveals no
person. Totals that are themselves small are suppressed too.

*Secondary (complementary) suppression* (Hundepool et al. 2012, ch. 4–5; Cox 1980):
a published table with totals is a system of linear equations. A table with cells ``x_ij``, row
totals ``T_i``, column totals ``U_j`` and grand total ``G`` is handled as its *extended* table,
in which every row and every column adds up::

    sum_j x_ij = T_i,   sum_i x_ij = U_j,   sum_i T_i = G,   sum_j U_j = G.

A one-dimensional table with a total is the single equation ``sum_j x_j = T``. The engine adds
complementary suppressions until an *audit* passes: for every suppressed value ``v`` (cell or
total) it computes the range ``[lo, hi]`` of ``v`` over all non-negative tables that agree with
every published value — the LP audit of Cox (1980) and Hundepool et al. (2012, ch. 4), solved
exactly as max-flow problems on the table's network (a table with totals is a circulation; Ford
& Fulkerson 1962) — and requires

* ``hi - lo >= 1`` — the value cannot be computed exactly from the published figures, and
* ``hi >= k`` — the published figures never prove that the value is small.

The constraint matrix of these equations is a network matrix (totally unimodular), so the LP
bounds are attained by integer tables: ``[lo, hi]`` is also the exact range over integer tables.

Complements are chosen deterministically by two strategies, and :func:`suppress_2d` publishes
the lighter result (fewer hidden cells, then fewer people in them, then fewer hidden totals):

* the *line heuristic* first gives every equation that holds exactly one suppressed value a
  second one, then audits and, for each failing group, suppresses one more value on the row or
  column of its first failing value, until the audit passes. Candidates are ranked by (cell
  before total before grand total, non-zero before zero, closes an existing line before opening
  a new one, smallest count, position);
* the *audited greedy* keeps the grand total published, audits, and for each failing value
  (one per row and column per round) suppresses the cheapest value on its row or column —
  preferring the smallest count of at least ``k``, which lifts a range past ``k`` at once and
  is not small itself — and totals only where the value's own total is already hidden.

The heuristic's small complements are often small themselves and fail in turn, so on tables
with small cells in many lines it can hide nearly everything (all 48 cells of COMPAS race ×
sex × outcome at k = 10); the greedy then hides 17. Neither is better on every table. Both
loops end: with every value but a grand total ``G >= k`` suppressed, each value ranges over
``[0, G]``. A list with its total is one equation; there the heuristic already hides the fewest
cells possible with the total published, so :func:`suppress_1d` uses it alone.

Out of scope (documented in docs/methods/disclosure.md): attacks that use knowledge of the
selection heuristic, prior knowledge of individuals, and linked or successive tables published
separately — protect a table and its margins in one call and publish margins from that result.

References
----------
Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *JASA* 75(370),
377–385. Edmonds, J. & Karp, R. M. (1972). Theoretical improvements in algorithmic efficiency
for network flow problems. *J. ACM* 19(2), 248–264. Gusfield, D. (1988). A graph theoretic
approach to statistical data security. *SIAM J. Comput.* 17(3), 552–571. Ford, L. R. &
Fulkerson, D. R. (1962). *Flows in Networks*. Princeton University Press. Hundepool, A. et al.
(2012). *Statistical Disclosure Control*. Wiley.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from gelijk.engines.errors import InputError

__all__ = [
    "DEFAULT_K",
    "STRATEGIES",
    "Audit",
    "Interval",
    "Suppression1D",
    "Suppression2D",
    "audit",
    "is_small",
    "suppress_1d",
    "suppress_2d",
    "suppress_derived",
]

#: Default threshold; the deployment setting is ``GELIJK_SMALL_CELL_K``.
DEFAULT_K = 10

#: Complement strategies of :func:`suppress_2d`; "lighter" runs both and keeps the lighter.
STRATEGIES = ("lighter", "heuristic", "greedy")


# --------------------------------------------------------------------------- validation


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise InputError(f"small-cell threshold k must be a whole number >= 1, got {k!r}")
    return int(k)


def _as_count(value: Any) -> int | None:
    """The value as a non-negative int, or None when it is not a valid count."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or not f.is_integer():
            return None
        v = int(f)
    else:
        return None
    return v if v >= 0 else None


def _count_array(data: Any, ndim: int, what: str) -> np.ndarray:
    try:
        raw = np.asarray(data, dtype=object)
    except ValueError as exc:  # ragged nested sequences
        raise InputError(f"{what} must be a rectangular table of counts") from exc
    if raw.ndim != ndim:
        shape = "a list of counts" if ndim == 1 else "a table (rows of counts)"
        raise InputError(f"{what} must be {shape}; got {raw.ndim} dimension(s)")
    out = np.zeros(raw.shape, dtype=np.int64)
    bad: list[tuple[int, ...]] = []
    for idx, value in np.ndenumerate(raw):
        c = _as_count(value)
        if c is None:
            bad.append(idx)
        else:
            out[idx] = c
    if bad:
        first = bad[0]
        where = ", ".join(str(i + 1) for i in first)
        if ndim == 1:
            raise InputError(
                f"{what} must be non-negative whole numbers; position {where} holds {raw[first]!r}",
                rows=[b[0] + 1 for b in bad],
            )
        raise InputError(
            f"{what} must be non-negative whole numbers; cell (row, column) ({where}) holds "
            f"{raw[first]!r}",
            rows=sorted({b[0] + 1 for b in bad}),
        )
    return out


# --------------------------------------------------------------------------- public rules


def is_small(count: Any, k: int, *, suppress_zeros: bool = False) -> bool:
    """True when ``count`` must be suppressed by the threshold rule: ``0 < count < k``.

    Zeros are published (they reveal no person) unless ``suppress_zeros`` is set, for tables in
    which an empty cell itself is sensitive (e.g. "no one of group X was fined").
    """
    k = _check_k(k)
    c = _as_count(count)
    if c is None:
        raise InputError(f"a count must be a non-negative whole number, got {count!r}")
    if c == 0:
        return suppress_zeros
    return c < k


def suppress_derived(value: Any, *counts: Any, k: int, suppress_zeros: bool = False) -> Any:
    """``value`` unless any count it is derived from is small; then None.

    Use for rates, ratios, shares and intervals. Pass every count the value depends on,
    including implied ones: a hit rate ``h / n`` depends on ``h``, ``n`` and ``n - h``.
    """
    if not counts:
        raise TypeError("suppress_derived needs at least one count the value is derived from")
    if any(is_small(c, k, suppress_zeros=suppress_zeros) for c in counts):
        return None
    return value


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Interval:
    """Range of a suppressed value over all tables consistent with the published ones.

    ``hi`` is None when the published figures give no upper bound.
    """

    lo: int
    hi: int | None

    @property
    def width(self) -> int | None:
        return None if self.hi is None else self.hi - self.lo

    def to_dict(self) -> dict[str, int | None]:
        return {"lo": self.lo, "hi": self.hi}


@dataclass(frozen=True, eq=False)
class Suppression1D:
    """A one-dimensional count table after the small-cell rule.

    ``mask`` is True where a cell is suppressed; ``values`` holds the published counts with None
    for suppressed cells; ``total`` is the published total (None when suppressed or not
    published, see ``with_total``). Which suppressions are primary is deliberately not exposed:
    that would reveal which cells are small.
    """

    mask: np.ndarray
    values: list[int | None]
    total: int | None
    with_total: bool
    k: int

    @property
    def n_suppressed(self) -> int:
        return int(self.mask.sum()) + int(self.with_total and self.total is None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "values": list(self.values),
            "suppressed": [bool(m) for m in self.mask],
            "total": self.total,
            "total_published": self.with_total,
        }


@dataclass(frozen=True, eq=False)
class Suppression2D:
    """A two-dimensional count table after the small-cell rule.

    ``mask`` (rows × columns) is True where a cell is suppressed; ``values`` are the published
    cells (None = suppressed); ``row_totals`` / ``col_totals`` / ``grand_total`` are the published
    margins with None for a suppressed total. Without margins (``with_margins=False``) the three
    margin fields are None as a whole.
    """

    mask: np.ndarray
    values: list[list[int | None]]
    row_totals: list[int | None] | None
    col_totals: list[int | None] | None
    grand_total: int | None
    with_margins: bool
    k: int

    @property
    def n_suppressed(self) -> int:
        n = int(self.mask.sum())
        if self.with_margins:
            n += sum(t is None for t in self.row_totals or [])
            n += sum(t is None for t in self.col_totals or [])
            n += int(self.grand_total is None)
        return n

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "values": [list(r) for r in self.values],
            "suppressed": [[bool(m) for m in r] for r in self.mask],
            "row_totals": None if self.row_totals is None else list(self.row_totals),
            "col_totals": None if self.col_totals is None else list(self.col_totals),
            "grand_total": self.grand_total,
            "margins_published": self.with_margins,
        }


@dataclass(frozen=True)
class Audit:
    """Attacker's view of a published table: the feasible range of every suppressed value.

    ``cells`` mirrors the table (a list, or a list of rows) with an :class:`Interval` for each
    suppressed cell and None for published ones; ``total`` is the 1-D total or the 2-D grand
    total; ``row_totals`` / ``col_totals`` are set for 2-D tables with margins.
    """

    k: int
    cells: list
    total: Interval | None
    row_totals: list[Interval | None] | None = None
    col_totals: list[Interval | None] | None = None

    def _labelled(self) -> list[tuple[str, Interval]]:
        out: list[tuple[str, Interval]] = []
        if self.cells and isinstance(self.cells[0], list):
            for i, row in enumerate(self.cells):
                out += [(f"cell ({i + 1}, {j + 1})", iv) for j, iv in enumerate(row) if iv]
        else:
            out += [(f"cell {j + 1}", iv) for j, iv in enumerate(self.cells) if iv]
        for name, ivs in (("row total", self.row_totals), ("column total", self.col_totals)):
            out += [(f"{name} {i + 1}", iv) for i, iv in enumerate(ivs or []) if iv]
        if self.total is not None:
            out.append(("total", self.total))
        return out

    @property
    def violations(self) -> list[str]:
        """Suppressed values that are determined exactly or provably below k (1-based labels)."""
        out = []
        for label, iv in self._labelled():
            if iv.hi is not None and iv.hi - iv.lo < 1:
                out.append(f"{label} is determined exactly ({iv.lo})")
            elif iv.hi is not None and iv.hi < self.k:
                out.append(f"{label} is provably below k ({iv.lo}..{iv.hi})")
        return out

    @property
    def protected(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        def conv(x: Any) -> Any:
            if isinstance(x, Interval):
                return x.to_dict()
            if isinstance(x, list):
                return [conv(v) for v in x]
            return x

        return {
            "k": self.k,
            "cells": conv(self.cells),
            "row_totals": conv(self.row_totals),
            "col_totals": conv(self.col_totals),
            "total": conv(self.total),
            "protected": self.protected,
            "violations": self.violations,
        }


# --------------------------------------------------------------------------- table as a network


@dataclass(frozen=True)
class _System:
    """A table with totals as a circulation: every value is the flow on one arc.

    1-D: nodes ``r`` (0) and ``s`` (1); cell ``j`` is an arc r→s, the total an arc s→r.
    2-D (extended (rows+1) × (cols+1) table, entry (i, j) at index ``i * (cols + 1) + j``):
    nodes ``r_i`` (i), ``c_j`` (rows + j), ``s_out`` (rows + cols), ``s_in`` (rows + cols + 1);
    cell (i, j) is r_i→c_j, row total i is s_out→r_i, column total j is c_j→s_in and the grand
    total s_in→s_out. Flow conservation at a node is exactly one additivity equation of the table
    (a row, a column, or the margins adding up to the grand total).
    """

    tail: np.ndarray
    head: np.ndarray
    n_nodes: int
    rank: np.ndarray  # complement cost class: 0 = cell, 1 = line total, 2 = grand total
    equations: tuple[np.ndarray, ...]  # entries meeting at each node: one equation per node


def _make_system(tail: np.ndarray, head: np.ndarray, n_nodes: int, rank: np.ndarray) -> _System:
    equations = tuple(np.flatnonzero((tail == v) | (head == v)) for v in range(n_nodes))
    return _System(tail, head, n_nodes, rank, equations)


def _system_1d(n: int) -> _System:
    tail = np.zeros(n + 1, dtype=np.int64)
    head = np.ones(n + 1, dtype=np.int64)
    tail[n], head[n] = 1, 0
    rank = np.zeros(n + 1, dtype=np.int64)
    rank[n] = 2
    return _make_system(tail, head, 2, rank)


def _system_2d(rows: int, cols: int) -> _System:
    width = cols + 1
    size = (rows + 1) * width
    s_out, s_in = rows + cols, rows + cols + 1
    tail = np.empty(size, dtype=np.int64)
    head = np.empty(size, dtype=np.int64)
    rank = np.zeros(size, dtype=np.int64)
    for i in range(rows + 1):
        for j in range(cols + 1):
            e = i * width + j
            if i < rows and j < cols:
                tail[e], head[e] = i, rows + j
            elif i < rows:
                tail[e], head[e], rank[e] = s_out, i, 1
            elif j < cols:
                tail[e], head[e], rank[e] = rows + j, s_in, 1
            else:
                tail[e], head[e], rank[e] = s_in, s_out, 2
    return _make_system(tail, head, rows + cols + 2, rank)


def _max_flow(
    n: int,
    tails: np.ndarray,
    heads: np.ndarray,
    caps: np.ndarray,
    source: int,
    entry: int,
    limit: int,
    sink: int,
) -> int:
    """Max flow from ``entry`` to ``sink``, at most ``limit`` (via the arc source → entry)."""
    graph = csr_array(
        (
            np.append(caps, limit).astype(np.int32),
            (np.append(tails, source), np.append(heads, entry)),
        ),
        shape=(n, n),
    )
    return int(maximum_flow(graph, source, sink).flow_value)


def _components(system: _System, unknown: np.ndarray) -> list[list[int]]:
    """Unknown entries linked through shared nodes (independent sub-problems), in order."""
    parent = list(range(system.n_nodes))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    hidden = [int(e) for e in np.flatnonzero(unknown)]
    for e in hidden:
        ra, rb = find(int(system.tail[e])), find(int(system.head[e]))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for e in hidden:
        groups.setdefault(find(int(system.tail[e])), []).append(e)
    return sorted(groups.values())


def _intervals(
    system: _System,
    flow: np.ndarray,
    unknown: np.ndarray,
) -> dict[int, Interval]:
    """Feasible range of every unknown entry over non-negative circulations.

    ``flow`` is any feasible circulation (the true table, or one found by
    :func:`_feasible_flow`). Raising entry ``e`` by ``d`` needs ``d`` units back from its head to
    its tail through the residual network of the other unknown arcs — forward without limit,
    backward up to their current flow — so ``hi = f_e + maxflow(head → tail)`` and
    ``lo = f_e - min(f_e, maxflow(tail → head))`` (Ford & Fulkerson 1962; these are the
    bounds of the LP audit of Cox 1980, by LP duality). Unbounded when the max flow reaches the
    sentinel ``inf``, which exceeds any finite cut.
    """
    out: dict[int, Interval] = {}
    for comp in _components(system, unknown):
        inf = int(flow[comp].sum()) + 1
        if inf >= 2**31 - 1:
            raise InputError("counts are too large for the disclosure audit (sum above 2**31)")
        # Residual network of the component: each unknown arc forward without limit (sentinel
        # `inf`) and backward up to its current flow; `owner` lets us drop the arcs of `e`.
        arcs = np.asarray(comp, dtype=np.int64)
        back = arcs[flow[arcs] > 0]
        tails = np.concatenate([system.tail[arcs], system.head[back]])
        heads = np.concatenate([system.head[arcs], system.tail[back]])
        caps = np.concatenate([np.full(arcs.size, inf), flow[back]])
        owner = np.concatenate([arcs, back])
        source = system.n_nodes  # an extra node caps each max flow at its first arc
        n = system.n_nodes + 1
        for e in comp:
            keep = owner != e
            t, h, f = int(system.tail[e]), int(system.head[e]), int(flow[e])
            up = _max_flow(n, tails[keep], heads[keep], caps[keep], source, h, inf, t)
            down = _max_flow(n, tails[keep], heads[keep], caps[keep], source, t, f, h) if f else 0
            out[e] = Interval(f - down, None if up >= inf else f + up)
    return out


def _feasible_flow(system: _System, published: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """A non-negative integer completion of the published values (max-flow feasibility).

    Each node's published imbalance must be balanced by flow on unknown arcs; a super source
    feeds nodes that need more outflow, a super sink drains nodes that need more inflow.
    Parallel unknown arcs are interchangeable, so the flow between two nodes goes to the first.
    """
    flow = np.where(unknown, 0, published).astype(np.int64)
    excess = np.zeros(system.n_nodes, dtype=np.int64)
    np.add.at(excess, system.head[~unknown], published[~unknown])
    np.subtract.at(excess, system.tail[~unknown], published[~unknown])
    need = int(excess[excess > 0].sum())
    hidden = np.flatnonzero(unknown)
    if need == 0 or hidden.size == 0:
        if need or (excess != 0).any():
            raise InputError("the published figures do not add up (totals differ from cells)")
        return flow
    big = need + 1
    src, snk = system.n_nodes, system.n_nodes + 1
    tails = [int(system.tail[e]) for e in hidden]
    heads = [int(system.head[e]) for e in hidden]
    caps = [big] * hidden.size
    for v in np.flatnonzero(excess > 0):
        tails.append(src)
        heads.append(int(v))
        caps.append(int(excess[v]))
    for v in np.flatnonzero(excess < 0):
        tails.append(int(v))
        heads.append(snk)
        caps.append(int(-excess[v]))
    n = system.n_nodes + 2
    graph = csr_array(
        (np.asarray(caps, dtype=np.int32), (np.asarray(tails), np.asarray(heads))), shape=(n, n)
    )
    result = maximum_flow(graph, src, snk)
    if int(result.flow_value) != need or int(-excess[excess < 0].sum()) != need:
        raise InputError("the published figures do not add up (totals differ from cells)")
    net = result.flow.toarray()
    taken: set[tuple[int, int]] = set()
    for e, t, h in zip(hidden, tails, heads, strict=False):
        if (t, h) in taken:
            continue
        taken.add((t, h))
        flow[e] = max(int(net[t, h]), 0)
    return flow


def _push(
    adj: list[list[int]],
    head: list[int],
    cap0: list[float],
    blocked: list[int],
    source: int,
    sink: int,
    limit: int,
) -> int:
    """Max flow from ``source`` to ``sink``, stopping once it reaches ``limit``.

    Shortest augmenting paths (Edmonds & Karp 1972) on a residual network in which arc ``a``
    runs from ``head[a ^ 1]`` to ``head[a]``; the arcs in ``blocked`` are left out.
    """
    cap = cap0.copy()
    for a in blocked:
        cap[a] = 0
    flow = 0
    while flow < limit:
        parent = {source: -1}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for a in adj[u]:
                v = head[a]
                if cap[a] > 0 and v not in parent:
                    parent[v] = a
                    queue.append(v)
        if sink not in parent:
            break
        path = []
        v = sink
        while v != source:
            a = parent[v]
            path.append(a)
            v = head[a ^ 1]
        step = min(limit - flow, *(cap[a] for a in path))
        for a in path:
            cap[a] -= step
            cap[a ^ 1] += step
        flow += int(step)
    return flow


def _component_failures(
    system: _System, flow: np.ndarray, comp: list[int], want_hi: np.ndarray, want_width: np.ndarray
) -> list[int]:
    """The entries ``e`` of one component whose range misses its goal: an upper bound below
    ``want_hi[e]`` or a width below ``want_width[e]`` (the audit: ``k`` and 1).

    The same residual network as :func:`_intervals`, but each max flow only runs until it
    decides the test: both goals hold exactly when the flow back from head to tail reaches
    ``max(want_hi - f, want_width)``, or, when only the width is still open and ``f`` already
    reaches ``want_hi``, some flow can go the other way. Small flows on a graph of a few dozen
    nodes are much cheaper in plain Python than a general max-flow call, and the protection
    loops run this check many times.
    """
    adj: list[list[int]] = [[] for _ in range(system.n_nodes)]
    head: list[int] = []
    cap: list[float] = []
    owned: dict[int, list[int]] = {e: [] for e in comp}

    def arc(u: int, v: int, c: float, e: int) -> None:
        a = len(head)
        head.extend((v, u))
        cap.extend((c, 0))
        adj[u].append(a)
        adj[v].append(a + 1)
        owned[e].append(a)

    for e in comp:
        t, h, f = int(system.tail[e]), int(system.head[e]), int(flow[e])
        arc(t, h, math.inf, e)
        if f:
            arc(h, t, f, e)
    bad = []
    for e in comp:
        t, h, f = int(system.tail[e]), int(system.head[e]), int(flow[e])
        need = max(int(want_hi[e]) - f, int(want_width[e]))
        if need <= 0:
            continue
        up = _push(adj, head, cap, owned[e], h, t, need)
        if up >= need:
            continue
        if f + up < want_hi[e] or _push(adj, head, cap, owned[e], t, h, 1) == 0:
            bad.append(e)
    return bad


@dataclass
class _Goal:
    """What the protection of one table must reach, with a cache of component failures.

    Every suppressed entry ``e`` must end with a feasible range reaching ``hi[e]`` and at least
    ``width[e]`` wide: ``k`` and 1 normally, 0 for entries that are not this call's to protect
    (given by another table), less where no suppression in this table can reach more.
    """

    system: _System
    values: np.ndarray
    hi: np.ndarray
    width: np.ndarray
    cache: dict[frozenset[int], list[int]] = field(default_factory=dict)

    @classmethod
    def audit_rule(cls, system: _System, values: np.ndarray, fixed: np.ndarray, k: int) -> _Goal:
        hi = np.where(fixed, 0, k).astype(np.int64)
        return cls(system, values, hi, np.where(fixed, 0, 1).astype(np.int64))

    def without(self, e: int) -> _Goal:
        hi, width = self.hi.copy(), self.width.copy()
        hi[e] = width[e] = 0
        return _Goal(self.system, self.values, hi, width)

    def failing(self, supp: np.ndarray) -> list[list[int]]:
        """Suppressed entries that miss their goal, grouped by independent component (the
        failures of a component depend only on its hidden entries, hence the cache)."""
        groups = []
        for comp in _components(self.system, supp):
            key = frozenset(comp)
            if key not in self.cache:
                self.cache[key] = _component_failures(
                    self.system, self.values, comp, self.hi, self.width
                )
            if self.cache[key]:
                groups.append(self.cache[key])
        return groups


# --------------------------------------------------------------------------- suppression


def _cost(system: _System, values: np.ndarray, supp: np.ndarray, e: int, via: int | None) -> tuple:
    ends = {int(system.tail[e]), int(system.head[e])} - {via}
    opens = sum(1 for v in ends if not supp[system.equations[v]].any())
    return (int(system.rank[e]), int(values[e] == 0), opens, int(values[e]), e)


def _cheapest(
    system: _System,
    values: np.ndarray,
    supp: np.ndarray,
    fixed: np.ndarray,
    candidates: Iterable[int],
    via: int | None,
) -> int | None:
    best = None
    best_cost = None
    for e in candidates:
        if supp[e] or fixed[e]:
            continue
        cost = _cost(system, values, supp, int(e), via)
        if best_cost is None or cost < best_cost:
            best, best_cost = int(e), cost
    return best


def _pair_lines(
    system: _System, values: np.ndarray, supp: np.ndarray, fixed: np.ndarray, goal: _Goal
) -> None:
    """Give every equation whose one suppressed entry must not be determined a second one."""
    changed = True
    while changed:
        changed = False
        for v, eq in enumerate(system.equations):
            lone = eq[supp[eq]]
            if lone.size != 1 or not goal.width[lone[0]]:
                continue
            pick = _cheapest(system, values, supp, fixed, eq, v)
            if pick is not None:
                supp[pick] = True
                changed = True


def _protect(
    system: _System,
    values: np.ndarray,
    start: np.ndarray,
    fixed: np.ndarray,
    goal: _Goal,
) -> np.ndarray:
    """Strategy 1, the line heuristic: pair lines, then complements near each failing group.

    Complements are ranked by :func:`_cost` (cell before total, non-zero, closes a line,
    smallest count). Ends when every entry reaches its goal; that always happens, at the
    latest when every entry that is not ``fixed`` is suppressed.
    """
    supp = start.copy()
    while not (supp | fixed).all():
        _pair_lines(system, values, supp, fixed, goal)
        failing = goal.failing(supp)
        if not failing:
            break
        for bad in failing:
            e = bad[0]
            ends = (int(system.tail[e]), int(system.head[e]))
            near = [int(x) for v in ends for x in system.equations[v]]
            pick = _cheapest(system, values, supp, fixed, near, None)
            if pick is None:
                pick = _cheapest(system, values, supp, fixed, range(len(values)), None)
            if pick is not None:
                supp[pick] = True
    return supp


def _greedy_cost(values: np.ndarray, k: int, e: int, rows: int, cols: int) -> tuple:
    # A complement of at least k widens a range past k at once and is not small itself; among
    # those the smallest loses the least. Smaller ones (largest first) and zeros come last. Ties:
    # a cell before a column total before a row total, then position.
    v = int(values[e])
    i, j = divmod(e, cols + 1)
    if i < rows and j < cols:
        where = (0, e)
    elif i == rows:
        where = (1, j)
    else:
        where = (2, i)
    return (v < k, v == 0, v if v >= k else -v, where)


def _greedy_2d(
    system: _System,
    values: np.ndarray,
    start: np.ndarray,
    fixed: np.ndarray,
    goal: _Goal,
    k: int,
    shape: tuple[int, int],
    max_cells: int | None,
) -> np.ndarray | None:
    """Strategy 2, the audited greedy, on the extended (rows + 1) × (cols + 1) table.

    The grand total must be in ``fixed`` (published unless small). Each round audits the table
    and, for each value short of its goal whose row and column got no complement yet this round,
    hides the cheapest complement (:func:`_greedy_cost`) among the cells of its row and column,
    and among the row (column) totals when it is a row (column) total or its own row (column)
    total is hidden. When no failing value has a local candidate left, the cheapest value
    anywhere is hidden, so the loop ends (at the latest with everything not fixed hidden).
    Returns None as soon as it hides more cells than ``max_cells`` (if given): it can no longer
    be the lighter one.
    """
    rows, cols = shape
    w = cols + 1
    interior = np.zeros(len(values), dtype=bool)
    interior.reshape(rows + 1, w)[:rows, :cols] = True

    def cost(e: int) -> tuple:
        return _greedy_cost(values, k, e, rows, cols)

    supp = start.copy()
    while True:
        if max_cells is not None and int(supp[interior].sum()) > max_cells:
            return None
        failing = [e for group in goal.failing(supp) for e in group]
        if not failing:
            return supp
        # Cells (row-major) before row totals before column totals.
        failing.sort(key=lambda e: (not interior[e], e >= rows * w, e))
        touched: set[tuple[str, int]] = set()
        progress = False
        for e in failing:
            i, j = divmod(e, w)
            li = i if i < rows else None
            lj = j if j < cols else None
            lines = {("r", li)} if li is not None else set()
            lines |= {("c", lj)} if lj is not None else set()
            if lines & touched:
                continue
            candidates: list[int] = []
            if li is not None:
                candidates += [li * w + c for c in range(cols)]
                if lj is None or supp[li * w + cols]:
                    candidates += [r * w + cols for r in range(rows)]
            if lj is not None:
                candidates += [r * w + lj for r in range(rows)]
                if li is None or supp[rows * w + lj]:
                    candidates += [rows * w + c for c in range(cols)]
            candidates = [c for c in candidates if not supp[c] and not fixed[c]]
            if not candidates:
                continue
            pick = min(candidates, key=cost)
            supp[pick] = True
            progress = True
            pi, pj = divmod(pick, w)
            touched |= {("r", pi)} if pi < rows else set()
            touched |= {("c", pj)} if pj < cols else set()
        if not progress:
            rest = np.flatnonzero(~supp & ~fixed)
            if rest.size == 0:
                return supp
            supp[min((int(e) for e in rest), key=cost)] = True


def _hidden_load(supp: np.ndarray, values: np.ndarray, interior: np.ndarray) -> tuple:
    # Fewer hidden cells, then fewer people in them, then fewer hidden totals.
    return (
        int(supp[interior].sum()),
        int(values[supp & interior].sum()),
        int(supp[~interior].sum()),
    )


def _secondary_2d(
    rows: int,
    cols: int,
    values: np.ndarray,
    start: np.ndarray,
    fixed: np.ndarray,
    linked: bool,
    k: int,
    strategy: str,
) -> np.ndarray:
    """Complementary suppression of the extended table: the lighter of the two strategies.

    ``start`` holds the primary suppressions and the state of the ``fixed`` entries (which no
    strategy changes). Both strategies end only when every entry reaches its goal (the audit
    rule), so whichever is chosen carries the same guarantee.
    """
    if not start[~fixed].any():
        return start
    system = _system_2d(rows, cols)
    goal = _Goal.audit_rule(system, values, fixed, k)
    if linked:
        # Linked totals can pin a value down whatever this table hides (e.g. one hidden column
        # whose total follows from the published ones and the grand total): such a value gets
        # the widest range any suppression here can give, that of everything hidden.
        for e, iv in _intervals(system, values, start | ~fixed).items():
            if iv.hi is not None:
                goal.hi[e] = min(goal.hi[e], iv.hi)
                goal.width[e] = min(goal.width[e], iv.hi - iv.lo)
    interior = np.zeros(values.size, dtype=bool)
    interior.reshape(rows + 1, cols + 1)[:rows, :cols] = True
    heuristic = None
    if strategy != "greedy":
        heuristic = _protect(system, values, start, fixed, goal)
        if strategy == "heuristic":
            return heuristic
    # The greedy keeps the grand total published (when it is not small).
    grand = values.size - 1
    g_fixed = fixed.copy()
    g_fixed[grand] = True
    greedy = _greedy_2d(
        system,
        values,
        start,
        g_fixed,
        goal.without(grand),
        k,
        (rows, cols),
        None if heuristic is None else int(heuristic[interior].sum()),
    )
    if heuristic is None:
        return greedy
    if greedy is None:
        return heuristic
    load = _hidden_load(heuristic, values, interior)
    return greedy if _hidden_load(greedy, values, interior) < load else heuristic


def _primary(values: np.ndarray, k: int, suppress_zeros: bool) -> np.ndarray:
    small = (values > 0) & (values < k)
    if suppress_zeros:
        small |= values == 0
    return small


def _readonly(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.setflags(write=False)
    return a


def suppress_1d(
    counts: Sequence[Any] | np.ndarray,
    k: int,
    *,
    with_total: bool = True,
    suppress_zeros: bool = False,
) -> Suppression1D:
    """Apply the small-cell rule to a list of counts (optionally published with its total).

    Primary suppression hides every count with ``0 < count < k`` (and zeros when
    ``suppress_zeros``), and the total when it is small. With a published total, complementary
    cells are hidden until every hidden value has a feasible range of width >= 1 reaching at
    least k (see the module docstring). Negative or non-whole counts raise
    :class:`~gelijk.engines.errors.InputError`.
    """
    k = _check_k(k)
    cells = _count_array(counts, 1, "counts")
    n = cells.shape[0]
    if with_total:
        # One equation: the line heuristic already hides the fewest cells here (one complement,
        # the smallest count >= k, only when the hidden cells hold fewer than k or are alone).
        values = np.append(cells, cells.sum())
        system = _system_1d(n)
        none = np.zeros(values.size, dtype=bool)
        goal = _Goal.audit_rule(system, values, none, k)
        supp = _protect(system, values, _primary(values, k, suppress_zeros), none, goal)
    else:
        values = cells
        supp = _primary(values, k, suppress_zeros)
    mask = supp[:n]
    total = None
    if with_total and not supp[n]:
        total = int(values[n])
    return Suppression1D(
        mask=_readonly(mask),
        values=[None if m else int(v) for v, m in zip(cells, mask, strict=True)],
        total=total,
        with_total=with_total,
        k=k,
    )


def _linked_flags(linked: Any, cols: int) -> np.ndarray:
    flags = np.asarray(linked, dtype=object)
    if flags.shape != (cols,) or not all(isinstance(f, bool | np.bool_) for f in flags):
        raise InputError(
            f"linked_col_totals must hold one True/False per column ({cols}), got {linked!r}"
        )
    return flags.astype(bool)


def suppress_2d(
    table: Any,
    k: int,
    *,
    with_margins: bool = True,
    suppress_zeros: bool = False,
    keep_grand_total: bool = False,
    linked_col_totals: Sequence[bool] | np.ndarray | None = None,
    strategy: str = "lighter",
) -> Suppression2D:
    """Apply the small-cell rule to a rows × columns count table with its margins.

    With ``with_margins`` (the default) the row totals, column totals and grand total are
    published too, and complementary cells (and, where unavoidable, totals) are hidden until no
    hidden value can be computed exactly or shown to be below k from the published figures
    (LP audit, see the module docstring). Two strategies choose the complements — the line
    heuristic and the audited greedy — and the result is the one that hides fewer cells (then
    fewer people in them, then fewer totals); both pass the audit. Without margins only primary
    suppression applies.

    ``keep_grand_total``: never use the grand total as a complement (it is hidden only when
    small), for a total that is published elsewhere anyway, e.g. as the N of a report.

    ``linked_col_totals``: for a table whose column totals another table already publishes
    (e.g. intersections of groups under the overall counts), one flag per column — True where
    that table publishes the total, False where it hides it. These totals are taken as given:
    none is hidden or revealed here (a small one counts as hidden: the same rule hides it
    there), the grand total is kept as with ``keep_grand_total``, and complements are found among
    the cells and row totals. Whether the linked totals themselves stay protected is the other
    table's concern, and so is a value that the linked totals alone already pin down (no
    suppression in this table can widen its range): those two are not required to pass the
    audit of this table.
    """
    k = _check_k(k)
    if strategy not in STRATEGIES:
        raise InputError(f"strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
    cells = _count_array(table, 2, "table")
    rows, cols = cells.shape
    if not with_margins:
        if keep_grand_total or linked_col_totals is not None:
            raise InputError("keep_grand_total and linked_col_totals need with_margins=True")
        mask = _primary(cells, k, suppress_zeros)
        return Suppression2D(
            mask=_readonly(mask),
            values=[
                [None if m else int(v) for v, m in zip(r, mr, strict=True)]
                for r, mr in zip(cells, mask, strict=True)
            ],
            row_totals=None,
            col_totals=None,
            grand_total=None,
            with_margins=False,
            k=k,
        )
    ext = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    ext[:rows, :cols] = cells
    ext[:rows, cols] = cells.sum(axis=1)
    ext[rows, :cols] = cells.sum(axis=0)
    ext[rows, cols] = cells.sum()
    start = _primary(ext, k, suppress_zeros)
    fixed = np.zeros(ext.shape, dtype=bool)
    linked = linked_col_totals is not None
    if keep_grand_total or linked:
        fixed[rows, cols] = True
    if linked:
        start[rows, :cols] |= ~_linked_flags(linked_col_totals, cols)
        fixed[rows, :cols] = True
    supp = _secondary_2d(
        rows, cols, ext.ravel(), start.ravel(), fixed.ravel(), linked, k, strategy
    ).reshape(ext.shape)

    def pub(i: int, j: int) -> int | None:
        return None if supp[i, j] else int(ext[i, j])

    return Suppression2D(
        mask=_readonly(supp[:rows, :cols]),
        values=[[pub(i, j) for j in range(cols)] for i in range(rows)],
        row_totals=[pub(i, cols) for i in range(rows)],
        col_totals=[pub(rows, j) for j in range(cols)],
        grand_total=pub(rows, cols),
        with_margins=True,
        k=k,
    )


# --------------------------------------------------------------------------- audit


def audit(result: Suppression1D | Suppression2D) -> Audit:
    """Compute, from the *published* figures only, the feasible range of every hidden value.

    This is what an attacker can learn from one table: the smallest and largest value of each
    hidden cell or total over all non-negative tables that agree with every published value —
    the LP audit of Cox (1980) and Hundepool et al. (2012, ch. 4), computed exactly here with
    max-flow (the bounds of a transportation polytope are integers). ``protected`` is True when
    no hidden value is determined exactly and none is provably below ``k``.
    """
    if isinstance(result, Suppression1D):
        n = len(result.values)
        if not result.with_total:
            cells = [Interval(0, None) if v is None else None for v in result.values]
            return Audit(k=result.k, cells=cells, total=None)
        pub = [*result.values, result.total]
        system = _system_1d(n)
    elif isinstance(result, Suppression2D):
        rows, cols = result.mask.shape
        if not result.with_margins:
            cells2 = [[Interval(0, None) if v is None else None for v in r] for r in result.values]
            return Audit(k=result.k, cells=cells2, total=None)
        pub = [v for i in range(rows) for v in (*result.values[i], result.row_totals[i])]
        pub += [*result.col_totals, result.grand_total]
        system = _system_2d(rows, cols)
    else:
        raise TypeError(f"audit expects a Suppression1D or Suppression2D, got {type(result)!r}")
    unknown = np.array([v is None for v in pub], dtype=bool)
    published = np.array([0 if v is None else v for v in pub], dtype=np.int64)
    found = _intervals(system, _feasible_flow(system, published, unknown), unknown)
    if isinstance(result, Suppression1D):
        return Audit(k=result.k, cells=[found.get(j) for j in range(n)], total=found.get(n))
    w = cols + 1
    return Audit(
        k=result.k,
        cells=[[found.get(i * w + j) for j in range(cols)] for i in range(rows)],
        total=found.get(rows * w + cols),
        row_totals=[found.get(i * w + cols) for i in range(rows)],
        col_totals=[found.get(rows * w + j) for j in range(cols)],
    )
