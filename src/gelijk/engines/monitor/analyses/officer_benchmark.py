"""``officer_benchmark``: does an officer (or team) act on group g more often than peers in the
same circumstances? Doubly robust internal benchmark after Ridgeway & MacDonald (2009, *JASA*
104:661–668).

Circumstances x: wijk, 3-hour block, weekday/weekend, action type (and proactive/reactive when
both are analysed together). All quantities come from counts per (unit, x, group), so the
estimator below is computed exactly from aggregates.

For each unit u (officer with at least ``min_officer_actions`` actions, or team):

1. Propensity p_u(x) = P(action by u | x): logistic regression with main effects of x on the
   counts (u versus everyone else), with a small ridge penalty so that circumstances u never
   meets get weight ~0 instead of an infinite coefficient. Peer actions get weight
   w(x) = p_u(x) / (1 - p_u(x)), which makes the peers' circumstances match u's.
2. Outcome model m(x) = P(group = g | x) over all actions (logistic, main effects).
3. Doubly robust difference (augmented inverse-probability weighting for the treated;
   Ridgeway & MacDonald 2009 §3; Kang & Schafer 2007):
   tau_u = mean_{i in u}(Y_i - m(x_i)) - sum_{i in peers} w_i (Y_i - m(x_i)) / sum w_i,
   Y_i = 1[group_i = g]. tau_u is consistent when either model is right.
   Observed share O_u = mean_u Y; benchmark B_u = O_u - tau_u.
4. Variance (models treated as fixed): var = S_u / n_u^2 + sum w^2 (r - r_w)^2 / (sum w)^2,
   z = tau / se. False discoveries: Benjamini–Hochberg over the whole report (q-value). The
   paper's empirical-null local fdr needs hundreds of officers to estimate the null; BH with
   the theoretical null is used instead (documented choice).
5. MDE: 2.80 * se, in share points.
6. Only when the peer weights have a Kish effective sample size of at least ``MIN_PEER_ESS``
   is the z-test done: with fewer comparable peer actions the variance estimate is dominated by
   a few weights and its z-scores are heavy-tailed (found in the calibration runs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Filter
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.glm import fit_binomial, treatment_dummies
from gelijk.engines.monitor.result import SCOPE_NL, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import Z_CI, Z_MDE, Comparison, two_sided_normal_p

FEATURES = ("district_code", "hour_block", "day_type", "action_type")
PROPENSITY_RIDGE = 0.1
#: Reactive actions are sent to an officer by a call, so who is met there says little about the
#: officer's choices; they enter through "all" (with initiative as a circumstance).
OFFICER_SCOPES = ("all", "proactive")
#: Minimum effective number of peer actions (Kish, of the propensity weights) for a test.
MIN_PEER_ESS = 100


def _design(cells: pd.DataFrame, features: list[str]) -> tuple[np.ndarray, list[str]]:
    parts = [np.ones((len(cells), 1))]
    names = ["intercept"]
    for f in features:
        values = cells[f].astype(str)
        levels = sorted(values.unique())
        if len(levels) < 2:
            continue
        mat, nm = treatment_dummies(values, levels[0], f)
        parts.append(mat)
        names += nm
    return np.column_stack(parts), names


def _logistic(x, names, y, n, ridge=0.0) -> np.ndarray:
    keep = n > 0
    # Weights need a few significant digits, not maximum-likelihood precision.
    fit = fit_binomial(x[keep], y[keep], n[keep], names, ridge=ridge, max_iter=30, tol=1e-7)
    eta = x @ fit.coef
    return 1 / (1 + np.exp(-eta))


def dr_difference(
    unit: np.ndarray, total: np.ndarray, m: np.ndarray, p: np.ndarray
) -> dict[str, float]:
    """Doubly robust difference for one unit and one group.

    ``unit`` and ``total`` are (cells x 2) counts of (group = g, group != g) for the unit and for
    everyone; ``m`` the outcome model, ``p`` the propensity per cell.
    """
    u1, u0 = unit[:, 0], unit[:, 1]
    p1, p0 = total[:, 0] - u1, total[:, 1] - u0
    n_u = u1 + u0
    peers = p1 + p0
    nu = n_u.sum()
    p = np.clip(p, 1e-12, 1 - 1e-12)
    w = p / (1 - p)
    r_u = (u1 - n_u * m).sum() / nu
    ss_u = (u1 * (1 - m - r_u) ** 2 + u0 * (-m - r_u) ** 2).sum()
    big_w = (w * peers).sum()
    if big_w <= 0:
        return {}
    r_p = (w * (p1 - peers * m)).sum() / big_w
    ss_p = (w**2 * (p1 * (1 - m - r_p) ** 2 + p0 * (-m - r_p) ** 2)).sum()
    tau = r_u - r_p
    se = float(np.sqrt(ss_u / nu**2 + ss_p / big_w**2))
    observed = u1.sum() / nu
    return {
        "tau": float(tau),
        "se": se,
        "observed": float(observed),
        "benchmark": float(observed - tau),
        "ess": float(big_w**2 / (w**2 * peers).sum()),
        "n": int(nu),
        "n_group": int(u1.sum()),
    }


def unit_counts(ctx: Context, unit_col: str) -> dict[str, pd.DataFrame]:
    """Counts per (unit, circumstances, group) for each scope of :data:`OFFICER_SCOPES`.

    One grouped count by initiative serves both scopes: the proactive rows of the "all" table
    are exactly (and in the same order) what a proactive-only count returns. No rollup is
    asked for officers: by officer and circumstances it would be a third of the table itself.
    """
    needs = (unit_col,) + (("team",) if unit_col == "team" else ())
    frame = ctx.counts(
        [unit_col, *FEATURES, "initiative", ctx.group],
        [*ctx.group_filters("all", needs), Filter(unit_col, "not_null")],
    )
    out = {}
    for scope in OFFICER_SCOPES:
        if scope == "all":
            out[scope] = frame
        else:
            part = frame[frame["initiative"] == scope]
            out[scope] = part.drop(columns="initiative").reset_index(drop=True)
    return out


def _cells(frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    """Cell number per row: distinct combinations of the features as text, numbered in order
    of first appearance (as a MultiIndex factorisation, without building millions of tuples)."""
    key = np.zeros(len(frame), dtype=np.int64)
    for f in features:
        codes, uniques = pd.factorize(frame[f], use_na_sentinel=False)
        # Values with the same text are one level (as with astype(str) on every row).
        text_codes, text = pd.factorize(np.array([str(v) for v in uniques], dtype=object))
        key = pd.factorize(key * len(text) + text_codes[codes])[0]  # renumbered: no overflow
    return key


def _units(ctx: Context, scope: str, unit_col: str, min_n: int, frame=None) -> list[Result]:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    features = list(FEATURES) + (["initiative"] if scope == "all" else [])
    if frame is None:
        frame = unit_counts(ctx, unit_col)[scope]
    if frame.empty:
        return []
    cell = _cells(frame, features)
    # Cells are numbered in order of first appearance, so their first rows come in cell order.
    _, first = np.unique(cell, return_index=True)
    cells = frame.iloc[np.sort(first)]
    x, names = _design(cells, features)
    n_cells = len(cells)
    levels = list(ctx.levels)
    lev_idx = frame[g].map({lv: i for i, lv in enumerate(levels)}).to_numpy()
    unit_codes, unit_names = pd.factorize(frame[unit_col])
    arr = np.zeros((len(unit_names), n_cells, len(levels)))
    np.add.at(arr, (unit_codes, cell, lev_idx), frame["n"].to_numpy())
    total = arr.sum(axis=0)  # cells x levels
    cell_total = total.sum(axis=1)
    outcome = {}
    for li, lv in enumerate(levels):
        if lv != ref:
            outcome[lv] = _logistic(x, names, total[:, li], cell_total)
    results = []
    kind = "officer" if unit_col == "officer_id" else "team"
    for ui, name in enumerate(unit_names):
        n_unit_cells = arr[ui].sum(axis=1)
        if n_unit_cells.sum() < min_n or n_unit_cells.sum() == cell_total.sum():
            continue
        p = _logistic(x, names, n_unit_cells, cell_total, ridge=PROPENSITY_RIDGE)
        for li, lv in enumerate(levels):
            if lv == ref:
                continue
            unit = np.column_stack([arr[ui, :, li], n_unit_cells - arr[ui, :, li]])
            tot = np.column_stack([total[:, li], cell_total - total[:, li]])
            est = dr_difference(unit, tot, outcome[lv], p)
            if not est or est["se"] <= 0:
                continue
            se = est["se"]
            # With few comparable peer actions a handful of weights dominate and the variance
            # estimate is unreliable (heavy-tailed z): estimate shown, no test.
            tested = est["ess"] >= MIN_PEER_ESS
            cmp_ = Comparison(
                est["tau"],
                est["tau"] - Z_CI * se,
                est["tau"] + Z_CI * se,
                two_sided_normal_p(est["tau"] / se) if tested else None,
                Z_MDE * se,
                "doubly_robust_internal_benchmark",
            )
            who = "handhaver" if kind == "officer" else f"team {name}"
            results.append(
                make_result(
                    measure=f"{kind}_difference",
                    scope=scope,
                    group=lv,
                    reference="peers",
                    comparison=cmp_,
                    n=est["n"],
                    counts=[est["n_group"], est["n"]],
                    k=k,
                    unit=str(name),
                    extra={
                        "observed_share": est["observed"],
                        "benchmark_share": est["benchmark"],
                        "z": est["tau"] / se,
                        "effective_peer_n": est["ess"],
                    },
                    explanation=(
                        f"{SCOPE_NL[scope].capitalize()}: bij deze {who} was "
                        f"{nl.pct(est['observed'])} van de acties gericht op {nl.level(g, lv)};"
                        f" bij collega's in dezelfde omstandigheden "
                        f"{nl.pct(est['benchmark'])}. Verschil "
                        f"{nl.num(100 * est['tau'], 1)} procentpunt "
                        f"{nl.interval(cmp_.ci_low, cmp_.ci_high, percent=True)}."
                        + nl.significance(cmp_.p_value)
                    ),
                )
            )
    return results


def run(ctx: Context) -> AnalysisResult:
    # Hundreds of small fits: single-threaded BLAS is far faster than thread start-up.
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(ctx)


def _run(ctx: Context) -> AnalysisResult:
    cols = ctx.agg.columns()
    if "officer_id" not in cols:
        return AnalysisResult(
            name="officer_benchmark",
            title="Vergelijking met collega's",
            status="not_applicable",
            summary="Er is geen kolom officer_id; een vergelijking per handhaver kan niet.",
        )
    results: list[Result] = []
    officers = unit_counts(ctx, "officer_id")
    teams = unit_counts(ctx, "team") if "team" in cols else {}
    for scope in OFFICER_SCOPES:
        results += _units(ctx, scope, "officer_id", ctx.config.min_officer_actions, officers[scope])
        if "team" in cols:
            results += _units(ctx, scope, "team", ctx.config.min_officer_actions, teams[scope])
    n_officers = len({r.unit for r in results if r.measure == "officer_difference"})
    return AnalysisResult(
        name="officer_benchmark",
        title="Vergelijking met collega's in dezelfde omstandigheden",
        status="ok" if results else "insufficient_data",
        summary=(
            f"Per handhaver (minstens {ctx.config.min_officer_actions} acties; {n_officers} "
            f"handhavers) en per team: richt deze zich vaker op een {nl.column(ctx.group)} dan "
            "collega's op dezelfde plek, tijd en soort actie? Een q-waarde onder 0,05 is een "
            "signaal om te bespreken, geen bewijs van discriminatie."
        ),
        results=tuple(results),
        notes=(
            "Handhavers staan hier onder een pseudoniem. Deze uitkomsten zijn "
            "persoonsgegevens: alleen voor de leidinggevende en de functionaris die de monitor "
            "beheert.",
            "Omstandigheden die niet in de gegevens staan (zoals een specifieke opdracht) kunnen "
            "een verschil ook verklaren.",
        ),
        parameters={
            "features": list(FEATURES),
            "min_actions": ctx.config.min_officer_actions,
            "propensity_ridge": PROPENSITY_RIDGE,
            "fdr": "benjamini_hochberg",
        },
    )
