"""Two-cluster k-modes with Cao initialisation, vectorised, giving the same clusters as the
``kmodes`` package (0.12) for the same data and seed.

Why not call ``kmodes.KModes``: it visits every row in a Python loop in each pass, which
takes minutes on a million rows. The algorithm below takes the same steps in the same order,
so it reproduces that package's result exactly, but does the work that does not depend on
the order of rows with whole-array operations.

The algorithm (Huang 1998, with the initialisation of Cao, Liang & Bai 2009), as that package
runs it for two clusters:

1. Codes: each column's categories are numbered in sorted order. Only the order matters
   (ties are broken towards the smallest category), so callers may pass codes from a larger
   table as long as they keep that order.
2. If the rows hold at most two distinct rows, those rows are the modes and each row gets the
   label of its distinct row; the order of the two follows the iteration order of a Python
   ``set`` of the row tuples, which we reproduce by building the same set.
3. Cao initialisation (deterministic): density ``dens_i = sum_a freq(x_ia) / n / m``; the
   first mode is the densest row (first on ties), the second the row that maximises
   ``dens_i * mismatches(x_i, mode_1)``.
4. Every row joins the nearest mode (mismatch count; ties go to cluster 0); each mode becomes
   its cluster's most frequent category per column (ties: the smallest category).
5. Passes: rows are visited in order. A row whose nearest mode is not its own cluster moves
   at once, and the category counts and modes of both clusters are updated at once: the
   receiving cluster's mode for a column changes only when the moved category now has a
   strictly higher count; the losing cluster's mode is recomputed (highest count, smallest
   category on ties) when the moved category was its mode. If the losing cluster becomes
   empty, a random row of the other cluster moves into it (the only use of randomness).
   After a pass, labels are the nearest modes for all rows and the cost the total mismatch
   count; passes stop when nothing moved, when the cost did not fall, or after ``max_iter``.

Because modes change rarely, step 5 computes the nearest mode for a block of rows at once and
only falls back to row-by-row work at the rows that actually move; after a mode changes the
rest of the block is recomputed.

Randomness: ``kmodes`` draws one integer seed from ``RandomState(random_state)`` and uses a
``RandomState`` seeded with it for the empty-cluster step; we do the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_INT32_MAX = np.iinfo(np.int32).max
_MIN_BLOCK = 512
_MAX_BLOCK = 1 << 18


@dataclass(frozen=True)
class KModesResult:
    """Labels (0 or 1 per row), the two modes (in the caller's codes) and the cost."""

    labels: np.ndarray
    modes: np.ndarray
    cost: float


def predict_modes(codes: np.ndarray, modes: np.ndarray) -> np.ndarray:
    """Nearest mode by mismatch count; ties go to the lower cluster number."""
    dist = np.stack([(codes != mode).sum(axis=1) for mode in modes])
    return np.argmin(dist, axis=0)


def _at_most_two_distinct_rows(codes: np.ndarray) -> bool:
    differs_from_first = (codes != codes[0]).any(axis=1)
    if not differs_from_first.any():
        return True
    other = codes[int(np.argmax(differs_from_first))]
    return not (differs_from_first & (codes != other).any(axis=1)).any()


def _two_or_fewer_rows(codes: np.ndarray) -> KModesResult:
    # kmodes re-numbers each column's categories 0..k-1 among the rows it is given and takes
    # the distinct rows in the iteration order of a set of tuples of those numbers. Building
    # the same set, inserting in order of first occurrence, gives the same order.
    local = np.empty_like(codes)
    for a in range(codes.shape[1]):
        local[:, a] = np.unique(codes[:, a], return_inverse=True)[1].reshape(-1)
    _, first = np.unique(local, axis=0, return_index=True)
    first = np.sort(first)
    distinct = {tuple(local[i].tolist()) for i in first}
    labels = np.zeros(codes.shape[0], dtype=np.int64)
    modes = []
    for k, row in enumerate(distinct):
        match = (local == np.array(row, dtype=local.dtype)).all(axis=1)
        labels[match] = k
        modes.append(codes[int(np.flatnonzero(match)[0])])
    return KModesResult(labels=labels, modes=np.stack(modes), cost=0.0)


class _State:
    """Category counts and modes of the two clusters during the passes."""

    def __init__(self, codes: np.ndarray, labels: np.ndarray, sizes: list[int]):
        self.codes = codes
        self.n_attrs = codes.shape[1]
        self.labels = labels.astype(np.int8)
        self.counts = [
            [
                np.bincount(codes[labels == c, a], minlength=sizes[a]).tolist()
                for a in range(self.n_attrs)
            ]
            for c in (0, 1)
        ]
        self.modes = [[_mode(self.counts[c][a]) for a in range(self.n_attrs)] for c in (0, 1)]
        self.members = [int((labels == 0).sum()), int((labels == 1).sum())]

    def move(self, row: list[int], index: int, to: int) -> bool:
        """Move one row to cluster ``to``; return True when a mode changed."""
        frm = 1 - to
        changed = False
        counts_to, counts_from = self.counts[to], self.counts[frm]
        modes_to, modes_from = self.modes[to], self.modes[frm]
        for a, value in enumerate(row):
            c_to = counts_to[a]
            c_to[value] += 1
            if c_to[modes_to[a]] < c_to[value]:
                modes_to[a] = value
                changed = True
            c_from = counts_from[a]
            c_from[value] -= 1
            if modes_from[a] == value:
                new = _mode(c_from)
                if new != value:
                    modes_from[a] = new
                    changed = True
        self.labels[index] = to
        self.members[to] += 1
        self.members[frm] -= 1
        return changed

    def mode_array(self) -> np.ndarray:
        return np.array(self.modes, dtype=self.codes.dtype)


def _mode(counts: list[int]) -> int:
    # Highest count; on ties the smallest category (index), as kmodes' get_max_value_key.
    best = max(counts)
    return counts.index(best)


def _nearest(block: np.ndarray, modes: np.ndarray) -> np.ndarray:
    d0 = (block != modes[0]).sum(axis=1)
    d1 = (block != modes[1]).sum(axis=1)
    return (d1 < d0).astype(np.int8)


def _cost(codes: np.ndarray, modes: np.ndarray) -> float:
    d0 = (codes != modes[0]).sum(axis=1)
    d1 = (codes != modes[1]).sum(axis=1)
    return float(np.minimum(d0, d1).sum())


def _one_pass(state: _State, rng: np.random.RandomState) -> int:
    codes = state.codes
    n = codes.shape[0]
    moves = 0
    pos = 0
    block = _MIN_BLOCK
    modes = state.mode_array()
    while pos < n:
        end = min(n, pos + block)
        want = _nearest(codes[pos:end], modes)
        todo = np.flatnonzero(want != state.labels[pos:end])
        restart_at = None
        for j in todo.tolist():
            i = pos + j
            to = int(want[j])
            moves += 1
            changed = state.move(codes[i].tolist(), i, to)
            frm = 1 - to
            if state.members[frm] == 0:
                choices = np.flatnonzero(state.labels == to)
                pick = int(rng.choice(choices))
                state.move(codes[pick].tolist(), pick, frm)
                changed = True
            if changed:
                restart_at = i + 1
                break
        if restart_at is None:
            pos = end
            block = min(block * 2, _MAX_BLOCK)
        else:
            pos = restart_at
            block = _MIN_BLOCK
            modes = state.mode_array()
    return moves


def kmodes_two(codes: np.ndarray, seed: int, *, max_iter: int = 100) -> KModesResult:
    """Split ``codes`` (rows x columns of non-negative category numbers) into two clusters.

    Same result as ``kmodes.KModes(n_clusters=2, init='Cao', random_state=seed)
    .fit_predict`` on the same rows in the same order (see the module docstring).
    """
    codes = np.ascontiguousarray(codes, dtype=np.int32)
    n, m = codes.shape
    outer = np.random.RandomState(seed)
    inner = np.random.RandomState(outer.randint(_INT32_MAX, size=1)[0])
    if _at_most_two_distinct_rows(codes):
        return _two_or_fewer_rows(codes)

    sizes = [int(codes[:, a].max()) + 1 for a in range(m)]
    dens = np.zeros(n)
    for a in range(m):
        freq = np.bincount(codes[:, a], minlength=sizes[a])
        dens += freq[codes[:, a]] / float(n) / float(m)
    first = codes[int(np.argmax(dens))]
    second = codes[int(np.argmax((codes != first).sum(axis=1) * dens))]
    # The second mode is a row that differs from the first, so each cluster starts with at
    # least that row and kmodes' "empty cluster at start" branch cannot occur.
    labels = _nearest(codes, np.stack([first, second]))
    state = _State(codes, labels, sizes)

    cost = _cost(codes, state.mode_array())
    for _ in range(max_iter):
        moves = _one_pass(state, inner)
        modes = state.mode_array()
        new_cost = _cost(codes, modes)
        done = moves == 0 or new_cost >= cost
        cost = new_cost
        if done:
            break
    modes = state.mode_array()
    return KModesResult(labels=_nearest(codes, modes).astype(np.int64), modes=modes, cost=cost)
