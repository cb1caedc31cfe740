"""Turn stored results into what the pages show: Dutch numbers, rows with interval and n,
headline items, and the small-cell protected tables built from a run's pre-aggregated counts.

Nothing here computes a statistic the engine did not: where a page needs a figure of its own
(a count per month, a share with a Wilson interval), it uses the engine's formulas
(``gelijk.engines.monitor.stats``) and passes every count through
``gelijk.engines.disclosure`` first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gelijk.engines import disclosure
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.stats import wilson_interval

SCOPES = ("proactive", "reactive", "all")
SCOPE_LABELS = {
    "proactive": gettext_lazy("proactieve acties (eigen initiatief)"),
    "reactive": gettext_lazy("reactieve acties (na een melding)"),
    "all": gettext_lazy("alle acties"),
}
SHARE = {"hit_rate", "action_rate", "completeness", "threshold", "threshold_average"}
POINTS = {
    "officer_difference",
    "team_difference",
    "threshold_difference",
    "cluster_no_hit_difference",
}
PER_1000 = {"rate_per_1000"}
RATIOS = {
    "rate_ratio",
    "rate_ratio_standardised",
    "rate_ratio_crude",
    "ecological_rate_ratio_per_10pp",
    "action_rate_ratio",
    "hit_rate_ratio",
    "odds_ratio_pooled",
    "odds_ratio_mh",
    "vod_odds_ratio",
    "vod_odds_ratio_district",
    "vod_odds_ratio_dst",
    "rate_ratio_population",
    "rate_ratio_reactive_baseline",
}

MEASURE_LABELS = {
    "rate_per_1000": gettext_lazy("acties per 1.000 inwoners per jaar"),
    "rate_ratio": gettext_lazy("verhouding per inwoner (in de wijk)"),
    "rate_ratio_standardised": gettext_lazy("verhouding per inwoner (per wijk vergeleken)"),
    "rate_ratio_crude": gettext_lazy("verhouding per inwoner (niet per wijk, niet getoetst)"),
    "ecological_rate_ratio_per_10pp": gettext_lazy("verband tussen wijken (per 10 procentpunt)"),
    "action_rate": gettext_lazy("aandeel acties met deze afloop"),
    "action_rate_ratio": gettext_lazy("verhouding in afloop"),
    "hit_rate": gettext_lazy("vondstpercentage"),
    "hit_rate_ratio": gettext_lazy("verhouding vondstpercentage"),
    "odds_ratio_pooled": gettext_lazy("kansverhouding vondst (samengevoegd)"),
    "odds_ratio_mh": gettext_lazy("kansverhouding vondst (per wijk vergeleken)"),
    "vod_odds_ratio": gettext_lazy("kansverhouding donker/licht"),
    "vod_odds_ratio_district": gettext_lazy("kansverhouding donker/licht, met wijk"),
    "vod_odds_ratio_dst": gettext_lazy("kansverhouding donker/licht, rond klokwissel"),
    "rate_ratio_population": gettext_lazy("verhouding per inwoner (model)"),
    "rate_ratio_reactive_baseline": gettext_lazy("verhouding per reactieve actie (model)"),
    "officer_difference": gettext_lazy("verschil met collega's"),
    "team_difference": gettext_lazy("verschil met andere teams"),
    "threshold": gettext_lazy("drempel"),
    "threshold_average": gettext_lazy("gemiddelde drempel"),
    "threshold_difference": gettext_lazy("verschil in drempel"),
    "cluster_no_hit_difference": gettext_lazy("vaker niets gevonden in de afwijkende groep"),
    "weighted_mean": gettext_lazy("gewogen uitkomst"),
    "difference": gettext_lazy("verschil met de referentiegroep"),
    "trend_per_wave": gettext_lazy("verandering per ronde"),
    "completeness": gettext_lazy("ingevuld"),
}


def k() -> int:
    return settings.GELIJK_SMALL_CELL_K


def label(group_column: str, value) -> str:
    if value is None:
        return _("onbekend")
    if value == "peers":
        return _("collega's")
    if value == "other_clusters":
        return _("overige acties")
    return nl.level(group_column, value)


def _binary(result: dict) -> bool:
    return bool((result.get("extra") or {}).get("binary"))


def fmt(result: dict, value: float | None) -> str:
    """A figure of ``result`` the Dutch way, in the unit of its measure."""
    if value is None:
        return "–"
    m = result["measure"]
    if m in SHARE or (m == "weighted_mean" and _binary(result)):
        return nl.pct(value)
    if m in POINTS or (m in {"difference", "trend_per_wave"} and _binary(result)):
        return f"{nl.num(100 * value, 1)} procentpunt"
    if m in PER_1000:
        return nl.num(value, 1)
    return nl.num(value)


def fmt_mde(result: dict) -> str:
    mde = result.get("mde")
    if mde is None:
        return "–"
    return fmt(result, mde)


def p_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 0.001:
        return "< 0,001"
    return nl.num(value, 3)


def signal(result: dict) -> bool:
    q = result.get("q_value")
    return q is not None and q < 0.05 and not result.get("suppressed")


def row(result: dict, group_column: str) -> dict:
    """One result as a table row: every figure with its interval and n."""
    suppressed = bool(result.get("suppressed"))
    where = (
        nl.wijk(result["district_code"])
        if result.get("district_code")
        else nl.AREA_SHARE_NL.get(result.get("unit") or "", "")
    )
    return {
        "measure": result["measure"],
        "measure_label": str(MEASURE_LABELS.get(result["measure"], result["measure"])),
        "scope": result["scope"],
        "scope_label": str(SCOPE_LABELS.get(result["scope"], result["scope"])),
        "group": label(group_column, result.get("group")),
        "group_value": result.get("group"),
        "reference": label(group_column, result.get("reference"))
        if result.get("reference")
        else "",
        "where": where or _("heel Utrecht"),
        "district_code": result.get("district_code"),
        "unit": result.get("unit"),
        "estimate": fmt(result, result.get("estimate")),
        "ci": "–"
        if result.get("ci_low") is None
        else f"{fmt(result, result['ci_low'])} tot {fmt(result, result['ci_high'])}",
        "n": "–" if result.get("n") is None else nl.num(result["n"], 0),
        "mde": fmt_mde(result),
        "p": p_text(result.get("p_value")),
        "q": p_text(result.get("q_value")),
        "signal": signal(result),
        "suppressed": suppressed,
        # The engine writes its sentence before the small-cell rule blanks the figures; a
        # suppressed result's sentence may hold them, so it is never shown.
        "explanation": "" if suppressed else result.get("explanation", ""),
        "raw": result,
    }


def rows(results: list[dict], group_column: str) -> list[dict]:
    return [row(r, group_column) for r in results]


def pick(results: list[dict], measure: str, scope: str | None = None, **where) -> list[dict]:
    out = []
    for r in results:
        if r["measure"] != measure or (scope is not None and r["scope"] != scope):
            continue
        if all(r.get(key) == value for key, value in where.items()):
            out.append(r)
    return out


def strongest(results: list[dict]) -> dict | None:
    """The most notable of comparable results: lowest q, then largest distance from 'none'."""
    shown = [r for r in results if not r.get("suppressed") and r.get("estimate") is not None]
    if not shown:
        return None

    def distance(r: dict) -> float:
        est = r["estimate"]
        if r["measure"] in RATIOS:
            return abs(math.log(est)) if est > 0 else 0.0
        return abs(est)

    return min(
        shown,
        key=lambda r: (r["q_value"] if r.get("q_value") is not None else 2.0, -distance(r)),
    )


# --------------------------------------------------------------------------- headlines

HEADLINES = (
    ("population_rates", "rate_ratio_standardised", gettext_lazy("Acties per inwoner")),
    ("action_rates", "action_rate_ratio", gettext_lazy("Wat volgt op een actie")),
    ("outcome_test", "odds_ratio_mh", gettext_lazy("Vondstpercentage (uitkomstentoets)")),
    ("veil_of_darkness", "vod_odds_ratio_district", gettext_lazy("Licht en donker")),
    ("poisson_offset", "rate_ratio_reactive_baseline", gettext_lazy("Poissonmodel per wijk")),
    ("threshold_test", "threshold_difference", gettext_lazy("Drempeltoets")),
    ("bias_scan", "cluster_no_hit_difference", gettext_lazy("Bias scan zonder groepskenmerk")),
)


def headlines(analyses: dict[str, dict], group_column: str, scope: str = "proactive") -> list:
    """One item per analysis: its most notable result in ``scope`` with its own sentence."""
    items = []
    for name, measure, title in HEADLINES:
        a = analyses.get(name)
        if a is None:
            continue
        item = {"name": name, "title": str(title), "status": a["status"], "summary": a["summary"]}
        if a["status"] == "ok":
            candidates = pick(a["results"], measure, scope)
            if not candidates and name == "poisson_offset":
                candidates = pick(a["results"], "rate_ratio_population", scope)
            best = strongest(candidates)
            item["result"] = row(best, group_column) if best else None
            item["count"] = len(candidates)
            item["signals"] = sum(1 for r in candidates if signal(r))
        items.append(item)
    return items


def signals(analyses: dict[str, dict], group_column: str) -> list[dict]:
    """Every result with q < 0.05 (officer rows are not in ``analyses``), strongest first."""
    found = []
    for name, a in analyses.items():
        for r in a.get("results", []):
            if signal(r):
                found.append({**row(r, group_column), "analysis": a["title"], "name": name})
    return sorted(found, key=lambda x: x["raw"]["q_value"])


def small_count(value: int | None) -> dict:
    """A count of people shown outside a case file: hidden when 0 < value < k."""
    kk = k()
    if value is None or disclosure.is_small(value, kk):
        return {"value": None, "text": _("minder dan %(k)s") % {"k": kk}}
    return {"value": value, "text": nl.num(value, 0)}


# --------------------------------------------------------------------------- aggregates


def _period(month: dt.date, by: str) -> dt.date:
    if by == "quarter":
        return dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
    return month


def period_label(start: dt.date, by: str) -> str:
    if by == "quarter":
        return f"{start.year} K{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _scoped(cells: list[dict], scope: str) -> list[dict]:
    return cells if scope == "all" else [c for c in cells if c["initiative"] == scope]


def trend_table(
    cells: list[dict], levels: list[str], group_column: str, *, scope: str, by: str
) -> dict:
    """Actions per period × group level with margins, small-cell protected (secondary
    suppression), and each level's share of the period with its Wilson interval."""
    columns = [*levels, None]
    counts: dict[tuple, int] = defaultdict(int)
    outcome: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    periods = set()
    for c in _scoped(cells, scope):
        p = _period(c["month"], by)
        periods.add(p)
        g = c["group_value"] if c["group_value"] in levels else None
        counts[(p, g)] += c["n"]
        outcome[p][0] += c["n_outcome_known"]
        outcome[p][1] += c["n_outcome_hit"]
    periods = sorted(periods)
    if not any(counts[(p, None)] for p in periods):
        columns = list(levels)  # no action with an unknown group: no column for it
    kk = k()
    table = [[counts[(p, g)] for g in columns] for p in periods]
    if not periods:
        return {"rows": [], "columns": [], "k": kk}
    protected = disclosure.suppress_2d(table, kk)
    out_rows = []
    for i, p in enumerate(periods):
        total = protected.row_totals[i]
        cells_out = []
        for j, g in enumerate(columns):
            value = protected.values[i][j]
            share = low = high = None
            if value is not None and total:
                share = value / total
                low, high = wilson_interval(value, total)
            cells_out.append(
                {
                    "group": g,
                    "label": label(group_column, g),
                    "n": value,
                    "share": share,
                    "share_text": nl.pct(share) if share is not None else "–",
                    "ci_text": "–" if low is None else f"{nl.pct(low)} tot {nl.pct(high)}",
                    "low": low,
                    "high": high,
                }
            )
        known, hits = outcome[p]
        hit_rate = disclosure.suppress_derived(
            hits / known if known else None, hits, known, known - hits, k=kk
        )
        h_low, h_high = (None, None)
        if hit_rate is not None:
            h_low, h_high = wilson_interval(hits, known)
        out_rows.append(
            {
                "period": p,
                "label": period_label(p, by),
                "total": total,
                "cells": cells_out,
                "hit_rate": hit_rate,
                "hit_text": nl.pct(hit_rate) if hit_rate is not None else "–",
                "hit_ci": "–" if h_low is None else f"{nl.pct(h_low)} tot {nl.pct(h_high)}",
                "hit_n": small_count(known)["text"] if known else "0",
            }
        )
    return {
        "rows": out_rows,
        "columns": [{"group": g, "label": label(group_column, g)} for g in columns],
        "column_totals": protected.col_totals,
        "grand_total": protected.grand_total,
        "k": kk,
    }


def wijk_counts(cells: list[dict], scope: str) -> dict[str, int | None]:
    """Actions per wijk (1-D, small-cell protected, with the total)."""
    from gelijk.engines import refdata

    codes = [a.code for a in refdata.districts()]
    totals: dict[str, int] = defaultdict(int)
    for c in _scoped(cells, scope):
        totals[c["district_code"]] += c["n"]
    protected = disclosure.suppress_1d([totals[code] for code in codes], k())
    return dict(zip(codes, protected.values, strict=True))


def monthly_totals(cells: list[dict], scope: str = "all") -> list[dict]:
    totals: dict[dt.date, int] = defaultdict(int)
    for c in _scoped(cells, scope):
        totals[c["month"]] += c["n"]
    months = sorted(totals)
    protected = disclosure.suppress_1d([totals[m] for m in months], k())
    return [
        {"month": m, "label": period_label(m, "month"), "n": v}
        for m, v in zip(months, protected.values, strict=True)
    ]
