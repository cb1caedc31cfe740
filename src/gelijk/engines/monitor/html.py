"""Self-contained Dutch HTML report: text, tables and charts as inline SVG.

Charts are Vega-Lite specifications rendered to SVG with vl-convert (offline, no JavaScript in
the page); each chart has a data table next to it (``<details>``) for screen readers and for
readers who want the numbers. Suppressed values (small-cell rule) never reach a chart or table.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import jinja2

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.result import SCOPE_NL, AnalysisResult, MonitorReport, Result

_STATUS_NL = {
    "ok": "uitgevoerd",
    "not_applicable": "niet van toepassing",
    "not_available": "niet beschikbaar",
    "insufficient_data": "te weinig gegevens",
}
#: Results shown in the HTML per analysis (everything is in report.json).
_HEADLINE = {
    "population_rates": {
        "rate_ratio_standardised",
        "rate_ratio_crude",
        "ecological_rate_ratio_per_10pp",
    },
    "action_rates": {"action_rate_ratio"},
    "outcome_test": {"hit_rate_ratio", "odds_ratio_pooled", "odds_ratio_mh"},
    "veil_of_darkness": {"vod_odds_ratio", "vod_odds_ratio_district", "vod_odds_ratio_dst"},
    "poisson_offset": {"rate_ratio_population", "rate_ratio_reactive_baseline"},
    "officer_benchmark": {"officer_difference", "team_difference"},
    "threshold_test": {"threshold_average", "threshold_difference"},
    "bias_scan": {"cluster_no_hit_difference"},
    "survey": {"difference", "trend_per_wave"},
    "data_quality": set(),
}
_SHARE = {"hit_rate", "action_rate", "completeness", "threshold", "threshold_average"}
_POINTS = {
    "officer_difference",
    "team_difference",
    "threshold_difference",
    "cluster_no_hit_difference",
}
_PALETTE = ["#1f5f8b", "#d0632b", "#4b8b3b", "#8b3b6b", "#6b6b6b"]


def _fmt(r: Result, value: float | None) -> str:
    if value is None:
        return "—"
    if r.measure in _SHARE:
        return nl.pct(value)
    binary = bool(r.extra.get("binary", False))
    if r.measure in _POINTS or (r.measure in {"difference", "trend_per_wave"} and binary):
        return f"{nl.num(100 * value, 1)} pp"
    if r.measure == "weighted_mean" and binary:
        return nl.pct(value)
    return nl.num(value)


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0,001"
    return nl.num(value, 3)


def _where(r: Result) -> str:
    place = (
        nl.wijk(r.district_code)
        if r.district_code
        else nl.AREA_SHARE_NL.get(
            r.unit or "",
            "heel Utrecht" if r.measure not in {"officer_difference", "team_difference"} else "",
        )
    )
    action = r.extra.get("action_type")
    answer = r.extra.get("answer")
    detail = nl.ACTION_NL.get(action, action) if action else answer
    if r.measure.startswith("vod_"):
        detail = {
            "vod_odds_ratio": "model zonder wijk",
            "vod_odds_ratio_district": "met wijk",
            "vod_odds_ratio_dst": "rond zomer-/wintertijd",
        }[r.measure]
    return ", ".join(x for x in (place, detail) if x) or "—"


def _row(r: Result, group_column: str) -> dict[str, Any]:
    label = nl.level(group_column, r.group) if r.group else "—"
    if r.measure in {"officer_difference", "team_difference"}:
        label = f"{r.unit} · {nl.level(group_column, r.group)}"
    return {
        "measure": r.measure,
        "scope": SCOPE_NL.get(r.scope, r.scope),
        "group": label,
        "reference": nl.level(group_column, r.reference)
        if r.reference not in (None, "peers", "other_clusters")
        else {"peers": "collega's", "other_clusters": "overige acties", None: "—"}[r.reference],
        "where": _where(r),
        "estimate": _fmt(r, r.estimate),
        "ci": "—" if r.ci_low is None else f"{_fmt(r, r.ci_low)} – {_fmt(r, r.ci_high)}",
        "p": _p(r.p_value),
        "q": _p(r.q_value),
        "n": "—" if r.n is None else nl.num(r.n, 0),
        "mde": _fmt(r, r.mde)
        if r.mde is not None and r.measure not in _POINTS
        else ("—" if r.mde is None else f"{nl.num(100 * r.mde, 1)} pp"),
        "suppressed": r.suppressed,
        "flag": r.q_value is not None and r.q_value < 0.05,
        "explanation": r.explanation,
    }


def _headline(a: AnalysisResult, group_column: str) -> list[dict[str, Any]]:
    wanted = _HEADLINE.get(a.name, set())
    rows = []
    for r in a.results:
        if r.measure not in wanted:
            continue
        if a.name == "outcome_test" and r.district_code is not None:
            continue
        if a.name == "officer_benchmark" and not (r.q_value is not None and r.q_value < 0.05):
            continue
        if a.name == "survey" and r.measure == "difference" and r.unit != "all":
            continue
        rows.append(_row(r, group_column))
    return rows


# --------------------------------------------------------------------------- charts


def _svg(spec: dict[str, Any]) -> str:
    import vl_convert

    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "padding": 12,
        "config": {
            "font": "sans-serif",
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 220},
            "legend": {"labelFontSize": 11},
            "range": {"category": _PALETTE},
        },
        **spec,
    }
    svg = vl_convert.vegalite_to_svg(spec)
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def _clean(rows: list[dict[str, Any]], *needed: str) -> list[dict[str, Any]]:
    return [
        r
        for r in rows
        if not r.get("suppressed")
        and all(
            r.get(k) is not None and not (isinstance(r.get(k), float) and not math.isfinite(r[k]))
            for k in needed
        )
    ]


def _chart(
    title: str, spec: dict[str, Any], rows: list[dict[str, Any]], columns: list[tuple[str, str]]
) -> dict[str, Any] | None:
    if not rows:
        return None
    spec = {"data": {"values": rows}, **spec}
    table = [[_cell(r.get(key)) for key, _ in columns] for r in rows]
    return {"title": title, "svg": _svg(spec), "columns": [c for _, c in columns], "rows": table}


def _cell(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return nl.num(v, 3)
    return str(v)


def _rates_with_intervals(y: str, offset: str, offset_title: str, x_title: str) -> dict:
    """A dot per rate with its interval as a rule, grouped on ``y`` and coloured by ``offset``."""
    return {
        "width": 420,
        "encoding": {
            "y": {"field": y, "type": "nominal", "title": None},
            "yOffset": {"field": offset},
            "color": {"field": offset, "type": "nominal", "title": offset_title},
        },
        "layer": [
            {
                "mark": "rule",
                "encoding": {
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "axis": {"format": "%"},
                        "title": x_title,
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True},
                "encoding": {"x": {"field": "rate", "type": "quantitative"}},
            },
        ],
    }


def _charts(a: AnalysisResult, report: MonitorReport) -> list[dict[str, Any]]:
    g = report.config.get("group", "")
    out: list[dict[str, Any] | None] = []
    data = a.charts
    label = {lv: nl.level(g, lv) for lv in report.config.get("levels", [])}
    if a.name == "data_quality":
        rows = _clean(data.get("completeness", []), "share")
        out.append(
            _chart(
                "Ingevuld per maand en veld",
                {
                    "mark": "rect",
                    "width": 520,
                    "encoding": {
                        "x": {"field": "month", "type": "ordinal", "title": "maand"},
                        "y": {"field": "field", "type": "nominal", "title": "veld"},
                        "color": {
                            "field": "share",
                            "type": "quantitative",
                            "title": "ingevuld",
                            "scale": {"domain": [0, 1], "scheme": "blues"},
                        },
                    },
                },
                rows,
                [
                    ("month", "maand"),
                    ("field", "veld"),
                    ("share", "aandeel ingevuld"),
                    ("n", "acties"),
                ],
            )
        )
    elif a.name == "population_rates":
        rows = [r for r in _clean(data.get("wijk_rates", []), "rate") if r["scope"] == "all"]
        out.append(
            _chart(
                "Acties per 1.000 inwoners per jaar, per wijk (alle groepen)",
                {
                    "mark": "bar",
                    "width": 480,
                    "encoding": {
                        "y": {"field": "wijk", "type": "nominal", "sort": "-x", "title": None},
                        "x": {
                            "field": "rate",
                            "type": "quantitative",
                            "title": "per 1.000 inwoners",
                        },
                    },
                },
                rows,
                [
                    ("wijk", "wijk"),
                    ("rate", "acties per 1.000 inwoners per jaar"),
                    ("herkomst_outside_europe", "aandeel inwoners herkomst buiten Europa"),
                ],
            )
        )
        rows = [
            dict(r, groep=label.get(r["group"], r["group"]))
            for r in _clean(data.get("rates", []), "rate")
            if r["scope"] == "proactive"
        ]
        out.append(
            _chart(
                "Proactieve acties per 1.000 inwoners per jaar, per wijk en groep",
                {
                    "mark": "bar",
                    "width": 480,
                    "encoding": {
                        "y": {"field": "wijk", "type": "nominal", "title": None},
                        "yOffset": {"field": "groep"},
                        "x": {
                            "field": "rate",
                            "type": "quantitative",
                            "title": "per 1.000 inwoners",
                        },
                        "color": {"field": "groep", "type": "nominal", "title": "groep"},
                    },
                },
                rows,
                [("wijk", "wijk"), ("groep", "groep"), ("rate", "per 1.000 inwoners")],
            )
        )
    elif a.name == "action_rates":
        rows = [
            dict(
                r,
                groep=label.get(r["group"], r["group"]),
                actie=nl.ACTION_NL.get(r["action"], r["action"]),
            )
            for r in _clean(data.get("action_rates", []), "rate", "low", "high")
            if r["scope"] == "proactive"
        ]
        out.append(
            _chart(
                "Proactieve acties: aandeel per vervolgactie en groep (met 95%-interval)",
                _rates_with_intervals("actie", "groep", "groep", "aandeel"),
                rows,
                [
                    ("actie", "vervolgactie"),
                    ("groep", "groep"),
                    ("rate", "aandeel"),
                    ("low", "ondergrens"),
                    ("high", "bovengrens"),
                ],
            )
        )
    elif a.name == "outcome_test":
        rows = [
            dict(r, groep=label.get(r["group"], r["group"]), reikwijdte=SCOPE_NL[r["scope"]])
            for r in _clean(data.get("hit_rates", []), "rate", "low", "high")
        ]
        out.append(
            _chart(
                "Vondstpercentage per groep (met 95%-interval)",
                _rates_with_intervals("groep", "reikwijdte", "acties", "vondstpercentage"),
                rows,
                [
                    ("reikwijdte", "acties"),
                    ("groep", "groep"),
                    ("rate", "vondstpercentage"),
                    ("low", "ondergrens"),
                    ("high", "bovengrens"),
                ],
            )
        )
    elif a.name == "veil_of_darkness":
        rows = [
            dict(r, groep=label.get(r["group"], r["group"]))
            for r in _clean(data.get("share_by_time", []), "share")
        ]
        out.append(
            _chart(
                "Proactieve acties rond de schemering: aandeel van de groep per half uur",
                {
                    "mark": {"type": "line", "point": True},
                    "width": 420,
                    "encoding": {
                        "x": {"field": "time", "type": "ordinal", "title": "kloktijd"},
                        "y": {
                            "field": "share",
                            "type": "quantitative",
                            "axis": {"format": "%"},
                            "title": "aandeel groep",
                        },
                        "color": {"field": "light", "type": "nominal", "title": "licht"},
                        "strokeDash": {"field": "groep", "type": "nominal", "title": "groep"},
                    },
                },
                rows,
                [
                    ("groep", "groep"),
                    ("time", "kloktijd"),
                    ("light", "licht/donker"),
                    ("share", "aandeel groep"),
                    ("n", "acties"),
                ],
            )
        )
    elif a.name == "officer_benchmark":
        rows = [
            {
                "z": r.extra.get("z"),
                "soort": "handhaver" if r.measure == "officer_difference" else "team",
            }
            for r in a.results
            if not r.suppressed and r.extra.get("z") is not None and r.scope == "proactive"
        ]
        out.append(
            _chart(
                "Proactieve acties: z-scores van handhavers en teams tegenover collega's",
                {
                    "mark": "bar",
                    "width": 420,
                    "encoding": {
                        "x": {
                            "field": "z",
                            "type": "quantitative",
                            "bin": {"maxbins": 30},
                            "title": "z-score",
                        },
                        "y": {"aggregate": "count", "type": "quantitative", "title": "aantal"},
                        "color": {"field": "soort", "type": "nominal", "title": None},
                    },
                },
                rows,
                [("soort", "eenheid"), ("z", "z-score")],
            )
        )
    elif a.name == "threshold_test":
        rows = [
            {
                "groep": label.get(r.group, r.group),
                "wijk": nl.wijk(r.district_code),
                "drempel": r.estimate,
                "laag": r.ci_low,
                "hoog": r.ci_high,
                "acties": SCOPE_NL[r.scope],
            }
            for r in a.results
            if r.measure == "threshold"
            and r.scope == "proactive"
            and not r.suppressed
            and r.estimate is not None
        ]
        out.append(
            _chart(
                "Proactieve acties: geschatte drempel per wijk en groep",
                {
                    "mark": {"type": "point", "filled": True},
                    "width": 420,
                    "encoding": {
                        "y": {"field": "wijk", "type": "nominal", "title": None},
                        "x": {
                            "field": "drempel",
                            "type": "quantitative",
                            "axis": {"format": "%"},
                            "title": "kans op een vondst bij ingrijpen",
                        },
                        "color": {"field": "groep", "type": "nominal", "title": "groep"},
                    },
                },
                rows,
                [
                    ("wijk", "wijk"),
                    ("groep", "groep"),
                    ("drempel", "drempel"),
                    ("laag", "ondergrens"),
                    ("hoog", "bovengrens"),
                ],
            )
        )
    elif a.name == "survey":
        rows = [r for r in _clean(data.get("survey", []), "value") if r["wave"] != "all"]
        out.append(
            _chart(
                "Enquête: uitkomst per ronde en groep",
                {
                    "mark": {"type": "line", "point": True},
                    "width": 200,
                    "encoding": {
                        "x": {"field": "wave", "type": "ordinal", "title": "ronde"},
                        "y": {
                            "field": "value",
                            "type": "quantitative",
                            "title": "gewogen uitkomst",
                        },
                        "color": {"field": "group", "type": "nominal", "title": "groep"},
                        "column": {"field": "answer", "title": None},
                    },
                    "resolve": {"scale": {"y": "independent"}},
                },
                rows,
                [
                    ("answer", "vraag"),
                    ("wave", "ronde"),
                    ("group", "groep"),
                    ("value", "uitkomst"),
                    ("low", "ondergrens"),
                    ("high", "bovengrens"),
                ],
            )
        )
    return [c for c in out if c]


def render_html(report: MonitorReport) -> str:
    """The report as one self-contained HTML page in Dutch (B1)."""
    text = (
        resources.files("gelijk.engines.monitor")
        .joinpath("report_template.html")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(text)
    g = report.config.get("group", "")
    sections = []
    for a in report.analyses:
        sections.append(
            {
                "name": a.name,
                "title": a.title,
                "status": _STATUS_NL.get(a.status, a.status),
                "ok": a.status == "ok",
                "summary": a.summary,
                "notes": list(a.notes),
                "rows": _headline(a, g),
                "charts": _charts(a, report) if a.status == "ok" else [],
                "n_results": len(a.results),
            }
        )
    validation = report.input.get("validation") or {}
    return template.render(
        report=report,
        sections=sections,
        group=nl.column(g),
        reference=nl.level(g, report.config.get("reference", "")),
        validation=validation,
        k=report.config.get("k"),
        markup=jinja2.utils.markupsafe.Markup,
    )
