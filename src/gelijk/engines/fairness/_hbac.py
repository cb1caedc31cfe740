"""Bias-aware hierarchical clustering (HBAC): the tree, fitted and applied to new rows.

Algorithm: J. Misztal-Radecka, B. Indurkhya, "Bias-aware hierarchical clustering for detecting
the discriminated groups of users in recommendation systems", Information Processing &
Management 58(3) (2021) 102519; as implemented by Algorithm Audit's
``unsupervised-bias-detection`` 0.2.6 (EUPL-1.2), whose results this module reproduces for the
same input and seed. Steps (``y`` is a per-row value where higher is better):

1. All rows start in cluster 0, with score 0; clusters wait on a priority queue ordered by the
   standard deviation of ``y`` (largest first; equal deviations: lower cluster number first).
2. ``max_iter`` times (every attempt counts, also one that fails): take the first cluster from
   the queue and split it in two (k-means for numeric rows, k-modes for categorical rows, both
   seeded with the same ``seed`` on every split).
3. The split stands only when every part has at least ``min_cluster_size`` rows and at least one
   part has ``score >= parent score + margin``, where a part's score is the mean of ``y``
   outside the part (over all rows) minus the mean inside it. The first part keeps the parent's
   number, the other gets the next free number; both go on the queue. A failed cluster is final.
4. Final clusters are renumbered by descending score (``numpy.argsort`` order, as the
   reference): cluster 0 is the one whose ``y`` is furthest below the rest.

Applying the tree to new rows routes each row down the tree with the fitted split models.
(The reference drops rows whose split label exceeds the number of distinct labels seen at that
node, which leaves them in cluster 0; we route every row to its part. The results differ only
when all new rows at a node fall in its second part.)
"""

from __future__ import annotations

import heapq
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gelijk.engines.fairness._kmodes import kmodes_two, predict_modes


@dataclass
class _Node:
    label: int | None
    neg_std: float
    score: float
    model: Any = None
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class HBACFit:
    """A fitted tree: labels of the fitted rows (0 = most deviating), scores per cluster."""

    labels: np.ndarray
    scores: np.ndarray
    n_clusters: int
    root: _Node = field(repr=False, compare=False)
    method: str

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Cluster of each new row (rows encoded like the fitted ones)."""
        out = np.zeros(X.shape[0], dtype=np.uint32)
        queue = [(self.root, np.arange(X.shape[0]))]
        while queue:
            node, idx = queue.pop()
            if not node.children:
                out[idx] = node.label
                continue
            part = _predict_split(node.model, X[idx], self.method)
            for i, child in enumerate(node.children):
                sel = idx[part == i]
                if sel.size:
                    queue.append((child, sel))
        return out


def _predict_split(model: Any, X: np.ndarray, method: str) -> np.ndarray:
    if method == "kmodes":
        return predict_modes(X, model)
    return model.predict(X)


def _split_kmodes(X: np.ndarray, seed: int) -> tuple[Any, np.ndarray]:
    result = kmodes_two(X, seed)
    return result.modes, result.labels


def _split_kmeans(X: np.ndarray, seed: int) -> tuple[Any, np.ndarray]:
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=2, n_init="auto", random_state=seed)
    with warnings.catch_warnings():
        # Fewer distinct rows than clusters: sklearn warns and the split simply fails below.
        warnings.simplefilter("ignore")
        labels = model.fit_predict(X)
    return model, labels


def fit_hbac(
    X: np.ndarray,
    y: np.ndarray,
    *,
    method: str,
    max_iter: int,
    min_cluster_size: float,
    margin: float,
    seed: int,
) -> HBACFit:
    """Fit the HBAC tree on ``X`` (codes for ``method='kmodes'``, floats for ``'kmeans'``).

    ``y``: per-row values, higher is better (negate a "lower is better" variable first).
    """
    split: Callable[[np.ndarray, int], tuple[Any, np.ndarray]]
    split = _split_kmodes if method == "kmodes" else _split_kmeans
    n = y.shape[0]
    labels = np.zeros(n, dtype=np.uint32)
    root = _Node(label=0, neg_std=-float(np.std(y)), score=0.0)
    heap: list[tuple[float, int, _Node]] = [(root.neg_std, 0, root)]
    leaves: list[_Node] = []
    n_clusters = 1
    for _ in range(max_iter):
        if not heap:
            break
        _, _, node = heapq.heappop(heap)
        rows = np.flatnonzero(labels == node.label)
        model, part = split(X[rows], seed)
        n_parts = np.unique(part).size
        parts = [rows[part == i] for i in range(n_parts)]
        valid = n_parts >= 2 and all(p.size >= min_cluster_size for p in parts)
        scores: list[float] = []
        if valid:
            for p in parts:
                outside = np.ones(n, dtype=bool)
                outside[p] = False
                scores.append(float(np.mean(y[outside]) - np.mean(y[p])))
            valid = any(s >= node.score + margin for s in scores)
        if not valid:
            leaves.append(node)
            continue
        children = []
        for i, (p, s) in enumerate(zip(parts, scores, strict=True)):
            if i == 0:
                label = node.label
            else:
                label = n_clusters
                n_clusters += 1
                labels[p] = label
            child = _Node(label=label, neg_std=-float(np.std(y[p])), score=s)
            heapq.heappush(heap, (child.neg_std, label, child))
            children.append(child)
        node.label = None
        node.model = model
        node.children = children
    leaves.extend(entry[2] for entry in heap)
    leaf_scores = np.array([leaf.score for leaf in leaves])
    order = np.argsort(-leaf_scores)
    mapping = np.zeros(n_clusters, dtype=np.uint32)
    mapping[np.array([leaves[i].label for i in order])] = np.arange(n_clusters, dtype=np.uint32)
    for leaf in leaves:
        leaf.label = int(mapping[leaf.label])
    return HBACFit(
        labels=mapping[labels],
        scores=leaf_scores[order],
        n_clusters=n_clusters,
        root=root,
        method=method,
    )
