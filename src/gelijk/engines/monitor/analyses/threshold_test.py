"""``threshold_test``: is the evidential bar for acting lower for one group?

Per scope, counts per (wijk, group): stops N = all actions, searches s = actions of the
outcome types (default search and seizure), hits h = those with an offence established. The fast
threshold test (``threshold.py``; Pierson, Corbett-Davies & Goel 2018) gives posterior draws of
the probability-scale threshold per wijk x group. Per group they are averaged over the wijken
where both the group and the reference occur, weighted by all stops in the wijk (Simoiu,
Corbett-Davies & Goel 2017; Open Policing ``threshold_test_analysis.R``), so both averages use
the same wijk mix. Reported: the posterior mean and 95 % credible interval of each threshold and
of the difference with the reference, and the posterior probability that the group's threshold
is lower.

This is a Bayesian analysis: ``p_value`` is None (the result takes no part in the
Benjamini–Hochberg step) and ``mde`` is 2.80 times the posterior standard deviation of the
difference — the difference whose 95 % interval would exclude zero in about 80 % of repetitions
under a normal approximation.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import Z_MDE
from gelijk.engines.monitor.threshold import ThresholdData, fit_threshold, split_rhat

MIN_AREAS = 3


def _table(ctx: Context, scope: str):
    frame = ctx.counts(
        ["district_code", ctx.group, "action_type", "hit"], ctx.group_filters(scope, ("hit",))
    )
    frame = frame[frame["hit"].notna()]
    decision = frame["action_type"].isin(ctx.config.outcome_action_types)
    frame = frame.assign(
        searches=np.where(decision, frame["n"], 0),
        hits=np.where(decision & (frame["hit"] == 1), frame["n"], 0),
    )
    return (
        frame.groupby(["district_code", ctx.group])[["n", "searches", "hits"]].sum().reset_index()
    )


def run(ctx: Context) -> AnalysisResult:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    results: list[Result] = []
    notes: list[str] = []
    diagnostics = {}
    for si, scope in enumerate(SCOPES):
        table = _table(ctx, scope)
        table = table[table["n"] > 0]
        if table[g].nunique() < 2 or table["district_code"].nunique() < MIN_AREAS:
            notes.append(f"{SCOPE_NL[scope]}: te weinig wijken of groepen voor de drempeltoets.")
            continue
        levels = [lv for lv in ctx.levels if lv in set(table[g])]
        if ref not in levels:
            continue
        order = [ref] + [lv for lv in levels if lv != ref]
        areas = sorted(table["district_code"].unique())
        data = ThresholdData(
            stops=table["n"].to_numpy(),
            searches=table["searches"].to_numpy(),
            hits=table["hits"].to_numpy(),
            group=table[g].map({lv: i for i, lv in enumerate(order)}).to_numpy(),
            area=table["district_code"].map({a: i for i, a in enumerate(areas)}).to_numpy(),
        )
        try:
            fit = fit_threshold(
                data,
                chains=ctx.config.threshold_chains,
                warmup=ctx.config.threshold_warmup,
                draws=ctx.config.threshold_draws,
                seed=ctx.config.seed + si,
            )
        except InputError as exc:
            notes.append(f"{SCOPE_NL[scope]}: {exc}")
            continue
        draws = fit.thresholds
        rhat_diffs: list[float] = []
        stops_area = table.groupby("district_code")["n"].sum()
        for i, rec in enumerate(table.itertuples(index=False)):
            col = draws[:, i]
            lvl = getattr(rec, g)
            results.append(
                make_result(
                    measure="threshold",
                    scope=scope,
                    group=lvl,
                    reference=None,
                    estimate=float(col.mean()),
                    ci=(float(np.quantile(col, 0.025)), float(np.quantile(col, 0.975))),
                    n=int(rec.n),
                    counts=[rec.searches, rec.n],
                    k=k,
                    district_code=rec.district_code,
                    method="fast_threshold_test_hmc",
                    extra={
                        "searches": int(rec.searches),
                        "hits": int(rec.hits),
                        "predicted_search_rate": float(fit.search_rate[:, i].mean()),
                        "predicted_hit_rate": float(fit.hit_rate[:, i].mean()),
                    },
                    explanation=(
                        f"In {nl.wijk(rec.district_code)} grijpen handhavers bij "
                        f"{nl.level(g, lvl)} in vanaf een geschatte kans op een vondst van "
                        f"{nl.pct(col.mean())}."
                    ),
                )
            )
        for lv in order[1:]:
            both = [
                a
                for a in areas
                if ((table["district_code"] == a) & (table[g] == lv)).any()
                and ((table["district_code"] == a) & (table[g] == ref)).any()
            ]
            if not both:
                continue
            w = stops_area.loc[both].to_numpy(dtype=float)
            w = w / w.sum()

            t_g = _average(draws, table, g, lv, both, w)
            t_r = _average(draws, table, g, ref, both, w)
            diff = t_g - t_r
            rhat = float(split_rhat(diff.reshape(fit.chains, -1, 1))[0])
            rhat_diffs.append(rhat)
            s_g = int(table.loc[table[g] == lv, "searches"].sum())
            s_r = int(table.loc[table[g] == ref, "searches"].sum())
            for measure, vals, grp, reference, cnts in (
                ("threshold_average", t_g, lv, None, [s_g]),
                ("threshold_difference", diff, lv, ref, [s_g, s_r]),
            ):
                lo, hi = np.quantile(vals, [0.025, 0.975])
                res = make_result(
                    measure=measure,
                    scope=scope,
                    group=grp,
                    reference=reference,
                    estimate=float(vals.mean()),
                    ci=(float(lo), float(hi)),
                    n=int(table.loc[table[g].isin([lv, ref]), "n"].sum()),
                    counts=cnts,
                    k=k,
                    method="fast_threshold_test_hmc",
                    extra={
                        "rhat": rhat,
                        "posterior_prob_lower": float((diff < 0).mean()),
                        "threshold_group": float(t_g.mean()),
                        "threshold_reference": float(t_r.mean()),
                        "districts": len(both),
                    },
                    explanation=_text(g, lv, ref, scope, measure, vals, diff),
                )
                if measure == "threshold_difference":
                    res = replace(res, mde=float(Z_MDE * diff.std()))
                results.append(res)
        # Convergence is judged on what is reported (the differences): the absolute level of
        # all thresholds drifts slowly along the ridge the data cannot resolve.
        worst = max(rhat_diffs, default=1.0)
        diagnostics[scope] = {
            "rhat_differences_max": worst,
            "rhat_cells_max": fit.rhat_max,
            "acceptance": fit.acceptance,
            "divergences": fit.divergences,
            "parameterisation": fit.parameterisation,
        }
        if worst > 1.1 or fit.divergences:
            notes.append(
                f"{SCOPE_NL[scope]}: de berekening is niet helemaal stabiel (R-hat "
                f"{nl.num(worst)}, {fit.divergences} afwijkende stappen); lees de "
                "uitkomst met extra voorzichtigheid."
            )
    notes.append(
        "De drempeltoets schat hoe groot de kans op een vondst moest zijn voordat een "
        "handhaver ingreep. Een lagere drempel voor een groep wijst op minder bewijs nodig: "
        "een teken van ongelijke behandeling. Het model is een vereenvoudiging; de uitkomst is "
        "een aanwijzing, geen bewijs."
    )
    return AnalysisResult(
        name="threshold_test",
        title="Drempeltoets (threshold test)",
        status="ok" if results else "insufficient_data",
        summary=(
            f"Voor elke {nl.column(g)} en wijk: vanaf welke kans op een vondst grijpen "
            f"handhavers in ({_actions(ctx)})? Vergeleken met {nl.level(g, ref)}, met "
            "95%-geloofwaardigheidsintervallen."
        ),
        results=tuple(results),
        notes=tuple(notes),
        parameters={
            "group": g,
            "reference": ref,
            "action_types": list(ctx.config.outcome_action_types),
            "chains": ctx.config.threshold_chains,
            "warmup": ctx.config.threshold_warmup,
            "draws": ctx.config.threshold_draws,
            "seed": ctx.config.seed,
            "diagnostics": diagnostics,
        },
    )


def _actions(ctx: Context) -> str:
    return ", ".join(nl.ACTION_NL[a] for a in ctx.config.outcome_action_types)


def _average(draws, table, g, level, areas, weights) -> np.ndarray:
    """Draws of the stop-weighted average threshold of ``level`` over ``areas``."""
    idx = [
        int(np.flatnonzero(((table["district_code"] == a) & (table[g] == level)).to_numpy())[0])
        for a in areas
    ]
    return draws[:, idx] @ weights


def _text(g, lv, ref, scope, measure, vals, diff) -> str:
    lo, hi = np.quantile(vals, [0.025, 0.975])
    if measure == "threshold_average":
        return (
            f"{SCOPE_NL[scope].capitalize()}: gemiddelde drempel voor {nl.level(g, lv)} "
            f"{nl.pct(vals.mean())} (95%-interval {nl.pct(lo)} tot {nl.pct(hi)})."
        )
    prob = float((diff < 0).mean())
    return (
        f"{SCOPE_NL[scope].capitalize()}: de drempel voor {nl.level(g, lv)} ligt "
        f"{nl.num(100 * abs(vals.mean()), 1)} procentpunt "
        f"{'lager' if vals.mean() < 0 else 'hoger'} dan voor {nl.level(g, ref)} "
        f"(95%-interval {nl.num(100 * lo, 1)} tot {nl.num(100 * hi, 1)} procentpunt). De kans "
        f"dat de drempel lager ligt is {nl.pct(prob, 0)}."
    )
