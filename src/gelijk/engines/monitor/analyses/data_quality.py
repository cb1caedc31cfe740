"""``data_quality``: completeness of every field per month, and the months left out.

For each local calendar month m and field f: completeness c_mf = (rows with f filled in) / rows,
with a Wilson interval. A month with c_mf below the threshold (default 0.5, after the Open
Policing Project's ``remove_months_with_low_coverage``) is left out of every analysis that needs
f; the months in between with no rows at all are listed as gaps.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gelijk.engines.disclosure import is_small
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Aggregator
from gelijk.engines.monitor.result import AnalysisResult, make_result
from gelijk.engines.monitor.stats import wilson_interval

#: Fields whose completeness is measured (the contract's analysis fields).
QUALITY_FIELDS = (
    "district_code",
    "initiative",
    "action_type",
    "team",
    "officer_id",
    "outcome",
    "hit",
    "age_band",
    "sex",
    "neighbourhood_code",
    "nationality_group",
    "resident",
    "perceived_origin",
)
#: Fields that are optional by nature: reported, but they never exclude a month.
INFORMATIVE_ONLY = ("neighbourhood_code", "nationality_group", "outcome")


def completeness(agg: Aggregator, fields: tuple[str, ...]) -> pd.DataFrame:
    """Long table: month, field, n, filled, share."""
    frame = agg.grouped_counts(["month"], (), fields)
    rows = []
    for rec in frame.itertuples(index=False):
        for f in fields:
            filled = int(getattr(rec, "nonnull_" + f))
            rows.append(
                {
                    "month": rec.month,
                    "field": f,
                    "n": int(rec.n),
                    "filled": filled,
                    "share": filled / rec.n if rec.n else None,
                }
            )
    return pd.DataFrame(rows, columns=["month", "field", "n", "filled", "share"])


def exclusions(table: pd.DataFrame, threshold: float) -> dict[str, tuple[dt.date, ...]]:
    out: dict[str, tuple[dt.date, ...]] = {}
    low = table[(table["share"] < threshold) & ~table["field"].isin(INFORMATIVE_ONLY)]
    for f, part in low.groupby("field"):
        out[str(f)] = tuple(sorted(_as_date(m) for m in part["month"]))
    return out


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _gaps(months: list[dt.date]) -> list[dt.date]:
    if not months:
        return []
    out = []
    cur = months[0]
    have = set(months)
    while cur < months[-1]:
        cur = (pd.Timestamp(cur) + pd.offsets.MonthBegin(1)).date()
        if cur not in have:
            out.append(cur)
    return out


def run_quality(
    agg: Aggregator, fields: tuple[str, ...], threshold: float, k: int
) -> tuple[AnalysisResult, dict[str, tuple[dt.date, ...]]]:
    table = completeness(agg, fields)
    excluded = exclusions(table, threshold)
    results = []
    for rec in table.itertuples(index=False):
        lo, hi = wilson_interval(rec.filled, rec.n)
        month = _as_date(rec.month)
        results.append(
            make_result(
                measure="completeness",
                scope="all",
                group=rec.field,
                reference=None,
                estimate=rec.share,
                ci=(lo, hi),
                n=rec.n,
                counts=[rec.n],
                k=k,
                unit=month.strftime("%Y-%m"),
                method="share_filled_wilson",
                explanation=(
                    f"In {month.strftime('%m-%Y')} is '{rec.field}' bij {nl.pct(rec.share)} "
                    f"van de {rec.n} acties ingevuld."
                ),
            )
        )
    months = sorted(_as_date(m) for m in table["month"].unique())
    gaps = _gaps(months)
    if excluded:
        listed = "; ".join(
            f"{f}: " + ", ".join(m.strftime("%m-%Y") for m in ms) for f, ms in excluded.items()
        )
        summary = (
            f"In sommige maanden is een veld bij minder dan {nl.pct(threshold, 0)} van de acties "
            f"ingevuld. Die maanden tellen niet mee in de analyses die dat veld nodig hebben: "
            f"{listed}."
        )
    else:
        summary = (
            f"Alle velden zijn in elke maand bij minstens {nl.pct(threshold, 0)} van de acties "
            "ingevuld. Er vallen geen maanden af."
        )
    if gaps:
        summary += " Maanden zonder gegevens: " + ", ".join(g.strftime("%m-%Y") for g in gaps) + "."
    analysis = AnalysisResult(
        name="data_quality",
        title="Kwaliteit van de gegevens per maand",
        status="ok",
        summary=summary,
        results=tuple(results),
        parameters={
            "threshold": threshold,
            "fields": list(fields),
            "excluded_months": {f: [m.isoformat() for m in ms] for f, ms in excluded.items()},
            "months_without_data": [g.isoformat() for g in gaps],
            "informative_only": list(INFORMATIVE_ONLY),
        },
        charts={
            "completeness": table.assign(
                month=table["month"].map(lambda m: _as_date(m).isoformat()),
                suppressed=table["n"].map(lambda n: is_small(int(n), k)),
            ).to_dict("records")
        },
    )
    return analysis, excluded
