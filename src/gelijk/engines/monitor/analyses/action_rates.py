"""``action_rates``: how often an encounter ends in a fine, a search, ... per group.

A_g(a) = (encounters of group g whose strictest action is a) / (encounters of g), with the
Wilson interval; the ratio A_g / A_r with the Katz log interval and the two-proportion z-test,
or Fisher's exact test when an expected count is below 5 (``stats.risk_ratio``; RIPA Board
relative rates, research note §2.4). Computed for proactive, reactive and all actions.
"""

from __future__ import annotations

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import risk_ratio, wilson_interval

#: Follow-up actions whose rate is compared (controls and ID checks are the base).
FOLLOW_UP = ("warning", "fine", "report", "search", "seizure")


def run(ctx: Context) -> AnalysisResult:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    results: list[Result] = []
    chart = []
    for scope in SCOPES:
        frame = ctx.counts([g, "action_type"], ctx.group_filters(scope, ("action_type",)))
        totals = frame.groupby(g)["n"].sum().to_dict()
        cell = {
            (r[0], r[1]): int(r[2])
            for r in frame[[g, "action_type", "n"]].itertuples(index=False, name=None)
        }
        n_r = int(totals.get(ref, 0))
        for action in FOLLOW_UP:
            a_r = cell.get((ref, action), 0)
            for lv in ctx.levels:
                n = int(totals.get(lv, 0))
                a = cell.get((lv, action), 0)
                if n == 0:
                    continue
                lo, hi = wilson_interval(a, n)
                res = make_result(
                    measure="action_rate",
                    scope=scope,
                    group=lv,
                    reference=None,
                    estimate=a / n,
                    ci=(lo, hi),
                    n=n,
                    counts=[a, n],
                    k=k,
                    method="wilson",
                    extra={"action_type": action},
                    explanation=(
                        f"Bij {nl.level(g, lv)} eindigde {nl.pct(a / n)} van de "
                        f"{SCOPE_NL[scope]} in een {nl.ACTION_NL[action]}."
                    ),
                )
                results.append(res)
                chart.append(
                    {
                        "scope": scope,
                        "action": action,
                        "group": lv,
                        "rate": a / n,
                        "low": lo,
                        "high": hi,
                        "suppressed": res.suppressed,
                    }
                )
                if lv == ref or n_r == 0:
                    continue
                cmp_ = risk_ratio(a, n, a_r, n_r)
                results.append(
                    make_result(
                        measure="action_rate_ratio",
                        scope=scope,
                        group=lv,
                        reference=ref,
                        comparison=cmp_,
                        n=n + n_r,
                        counts=[a, n, a_r, n_r],
                        k=k,
                        extra={"action_type": action},
                        explanation=_text(g, lv, ref, action, scope, cmp_),
                    )
                )
    return AnalysisResult(
        name="action_rates",
        title="Wat volgt op een controle",
        status="ok",
        summary=(
            f"Per {nl.column(g)}: hoe vaak een actie eindigt in een waarschuwing, boete, "
            f"proces-verbaal, fouillering of inbeslagname, vergeleken met {nl.level(g, ref)}."
        ),
        results=tuple(results),
        notes=(
            "Een hoger percentage boetes kan ook komen doordat een groep vaker iets fout doet. "
            "Deze vergelijking laat een verschil zien, niet de oorzaak.",
        ),
        parameters={"group": g, "reference": ref, "action_types": list(FOLLOW_UP)},
        charts={"action_rates": chart},
    )


def _text(g, lv, ref, action, scope, c) -> str:
    if c.estimate is None:
        return (
            f"Te weinig {SCOPE_NL[scope]} met een {nl.ACTION_NL[action]} om "
            f"{nl.level(g, lv)} te vergelijken met {nl.level(g, ref)}."
        )
    return (
        f"{nl.level(g, lv).capitalize()} kregen bij {SCOPE_NL[scope]} {nl.num(c.estimate)} keer "
        f"zo vaak een {nl.ACTION_NL[action]} als {nl.level(g, ref)} "
        f"{nl.interval(c.ci_low, c.ci_high)}." + nl.significance(c.p_value)
    )
