"""``outcome_test``: hit rates per group — pooled, per wijk and Mantel–Haenszel adjusted.

Hit rate H_g = hits / actions among the discretionary actions (default: searches and seizures,
as the Open Policing Project's hit rate per search; ``lib/outcome_test.R``). If officers act on
group g with less evidence, H_g < H_r (Becker 1957; Knowles, Persico & Todd 2001). Reported:
H_g pooled and per wijk (Wilson intervals), the hit-rate ratio H_g / H_r pooled and per wijk
(``stats.risk_ratio``), the pooled odds ratio and the Mantel–Haenszel odds ratio over wijken
(Robins–Breslow–Greenland interval, CMH test). When the pooled and the adjusted odds ratio point
in opposite directions the result is flagged as Simpson's paradox: the pooled figure is then
driven by where the groups are met, not by how they are treated.

What a hit rate cannot show: differences in hit rates can arise without any bias when the risk
profiles of the groups differ (infra-marginality, Ayres 2002; Simoiu, Corbett-Davies & Goel
2017) — the threshold test addresses that.
"""

from __future__ import annotations

import math

import numpy as np

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Filter
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import mh_odds_ratio, risk_ratio, wilson_interval


def hit_table(ctx: Context, scope: str):
    """Frame with district_code, group, hit, n for the outcome action types."""
    filters = [
        *ctx.group_filters(scope, ("hit",)),
        Filter("action_type", "in", tuple(ctx.config.outcome_action_types)),
        Filter("hit", "not_null"),
    ]
    return ctx.counts(["district_code", ctx.group, "hit"], filters)


def run(ctx: Context) -> AnalysisResult:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    results: list[Result] = []
    chart = []
    flags = []
    for scope in SCOPES:
        frame = hit_table(ctx, scope)
        if frame.empty:
            continue
        frame["hits"] = np.where(frame["hit"] == 1, frame["n"], 0)
        per = frame.groupby(["district_code", g])[["n", "hits"]].sum()
        pooled = frame.groupby(g)[["n", "hits"]].sum()
        for lv in ctx.levels:
            if lv not in pooled.index:
                continue
            n, h = int(pooled.loc[lv, "n"]), int(pooled.loc[lv, "hits"])
            lo, hi = wilson_interval(h, n)
            res = make_result(
                measure="hit_rate",
                scope=scope,
                group=lv,
                reference=None,
                estimate=h / n,
                ci=(lo, hi),
                n=n,
                counts=[h, n],
                k=k,
                method="wilson",
                explanation=(
                    f"Bij {nl.level(g, lv)} leidde {nl.pct(h / n)} van de "
                    f"{SCOPE_NL[scope]} (fouillering of inbeslagname) tot een vondst."
                ),
            )
            results.append(res)
            chart.append(
                {
                    "scope": scope,
                    "wijk": "heel Utrecht",
                    "group": lv,
                    "rate": h / n,
                    "low": lo,
                    "high": hi,
                    "suppressed": res.suppressed,
                }
            )
        for (d, lv), row in per.iterrows():
            n, h = int(row["n"]), int(row["hits"])
            if n == 0:
                continue
            lo, hi = wilson_interval(h, n)
            results.append(
                make_result(
                    measure="hit_rate",
                    scope=scope,
                    group=lv,
                    reference=None,
                    estimate=h / n,
                    ci=(lo, hi),
                    n=n,
                    counts=[h, n],
                    k=k,
                    district_code=d,
                    method="wilson",
                    explanation=f"In {nl.wijk(d)} leidde {nl.pct(h / n)} van de acties bij "
                    f"{nl.level(g, lv)} tot een vondst.",
                )
            )
        if ref not in pooled.index:
            continue
        n_r, h_r = int(pooled.loc[ref, "n"]), int(pooled.loc[ref, "hits"])
        for lv in ctx.levels:
            if lv == ref or lv not in pooled.index:
                continue
            n, h = int(pooled.loc[lv, "n"]), int(pooled.loc[lv, "hits"])
            rr = risk_ratio(h, n, h_r, n_r)
            results.append(
                make_result(
                    measure="hit_rate_ratio",
                    scope=scope,
                    group=lv,
                    reference=ref,
                    comparison=rr,
                    n=n + n_r,
                    counts=[h, n, h_r, n_r],
                    k=k,
                    explanation=_ratio_text(g, lv, ref, rr, "heel Utrecht (samengevoegd)"),
                )
            )
            tables = []
            for d in sorted({d for d, _ in per.index}):
                if (d, lv) in per.index and (d, ref) in per.index:
                    a, b = per.loc[(d, lv)], per.loc[(d, ref)]
                    tables.append(
                        [[a["hits"], a["n"] - a["hits"]], [b["hits"], b["n"] - b["hits"]]]
                    )
                    rr_d = risk_ratio(int(a["hits"]), int(a["n"]), int(b["hits"]), int(b["n"]))
                    results.append(
                        make_result(
                            measure="hit_rate_ratio",
                            scope=scope,
                            group=lv,
                            reference=ref,
                            comparison=rr_d,
                            n=int(a["n"] + b["n"]),
                            counts=[a["hits"], a["n"], b["hits"], b["n"]],
                            k=k,
                            district_code=d,
                            explanation=_ratio_text(g, lv, ref, rr_d, nl.wijk(d)),
                        )
                    )
            pooled_or = mh_odds_ratio(np.array([[[h, n - h], [h_r, n_r - h_r]]]))
            results.append(
                make_result(
                    measure="odds_ratio_pooled",
                    scope=scope,
                    group=lv,
                    reference=ref,
                    comparison=pooled_or,
                    n=n + n_r,
                    counts=[h, n - h, h_r, n_r - h_r],
                    k=k,
                    method="odds_ratio_single_table",
                    explanation=_or_text(g, lv, ref, pooled_or, False),
                )
            )
            if not tables:
                continue
            mh = mh_odds_ratio(np.array(tables, dtype=float))
            simpson = _opposite(pooled_or.estimate, mh.estimate)
            if simpson:
                flags.append((scope, lv))
            t = np.array(tables, dtype=float)
            results.append(
                make_result(
                    measure="odds_ratio_mh",
                    scope=scope,
                    group=lv,
                    reference=ref,
                    comparison=mh,
                    n=int(t.sum()),
                    counts=[t[:, 0, 0].sum(), t[:, 0, 1].sum(), t[:, 1, 0].sum(), t[:, 1, 1].sum()],
                    k=k,
                    extra={"simpson_paradox": simpson, "districts": len(tables)},
                    explanation=_or_text(g, lv, ref, mh, True)
                    + (
                        " Let op: samengevoegd wijst het verschil de andere kant op dan per wijk "
                        "(Simpson-paradox). Het cijfer per wijk is dan het eerlijkste."
                        if simpson
                        else ""
                    ),
                )
            )
    notes = [
        "Een lager vondstpercentage bij een groep kan wijzen op een lagere drempel om in te "
        "grijpen. Het kan ook komen doordat groepen verschillen in risico; de drempeltoets "
        "(threshold_test) houdt daar rekening mee.",
    ]
    if flags:
        notes.append(
            "Simpson-paradox gevonden bij: "
            + ", ".join(f"{nl.level(g, lv)} ({SCOPE_NL[s]})" for s, lv in flags)
            + "."
        )
    return AnalysisResult(
        name="outcome_test",
        title="Vondstpercentage (uitkomstentoets)",
        status="ok" if results else "insufficient_data",
        summary=(
            f"Hoe vaak een {', '.join(nl.ACTION_NL[a] for a in ctx.config.outcome_action_types)}"
            f" iets opleverde, per {nl.column(g)}: voor heel Utrecht, per wijk, en per wijk "
            "gecorrigeerd (Mantel–Haenszel)."
        ),
        results=tuple(results),
        notes=tuple(notes),
        parameters={
            "group": g,
            "reference": ref,
            "action_types": list(ctx.config.outcome_action_types),
            "simpson_paradox": [{"scope": s, "group": lv} for s, lv in flags],
        },
        charts={"hit_rates": chart},
    )


def _opposite(a: float | None, b: float | None) -> bool:
    if a is None or b is None or a <= 0 or b <= 0:
        return False
    la, lb = math.log(a), math.log(b)
    return la * lb < 0


def _ratio_text(g, lv, ref, c, where) -> str:
    if c.estimate is None:
        return f"{where}: te weinig acties om het vondstpercentage te vergelijken."
    return (
        f"{where}: het vondstpercentage bij {nl.level(g, lv)} is {nl.num(c.estimate)} keer "
        f"dat bij {nl.level(g, ref)} {nl.interval(c.ci_low, c.ci_high)}."
        + nl.significance(c.p_value)
    )


def _or_text(g, lv, ref, c, adjusted: bool) -> str:
    how = "per wijk vergeleken (Mantel–Haenszel)" if adjusted else "samengevoegd"
    if c.estimate is None:
        return f"Odds ratio {how}: te weinig gegevens."
    return (
        f"Kansverhouding (odds ratio) op een vondst, {nl.level(g, lv)} tegenover "
        f"{nl.level(g, ref)}, {how}: {nl.num(c.estimate)} {nl.interval(c.ci_low, c.ci_high)}."
        + nl.significance(c.p_value)
    )
