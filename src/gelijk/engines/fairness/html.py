"""Self-contained Dutch HTML reports for :class:`MetricsReport` and :class:`ScanReport`.

Charts are Vega-Lite specifications rendered to inline SVG with ``vl-convert-python`` (no
network, no script in the page). Every chart is a ``<figure>`` whose caption names it, and is
followed by a table with the same numbers (the text alternative). The page is ``lang="nl"``,
has a heading hierarchy, table captions and header cells, and colours with at least 4.5:1
contrast for text and 3:1 for chart marks on white.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import jinja2

from gelijk.engines.fairness.metrics import MetricsReport
from gelijk.engines.fairness.scan import ScanReport

__all__ = ["render_html"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Dark blue and dark orange: 8.6:1 and 5.4:1 on white.
BLUE, ORANGE, GREY = "#1f4e79", "#a04a00", "#595959"

METRIC_NAMES = {
    "selection_rate": "Selectiekans",
    "prevalence": "Aandeel met uitkomst 1",
    "tpr": "Terecht geselecteerd (TPR)",
    "fnr": "Ten onrechte niet geselecteerd (FNR)",
    "fpr": "Ten onrechte geselecteerd (FPR)",
    "tnr": "Terecht niet geselecteerd (TNR)",
    "precision": "Precisie (PPV)",
    "fdr": "Onterecht onder de geselecteerden (FDR)",
    "for": "Gemist onder de niet-geselecteerden (FOR)",
    "npv": "Terecht onder de niet-geselecteerden (NPV)",
}
METRIC_EXPLAIN = {
    "selection_rate": "Van alle mensen in de groep: het deel met een positieve beslissing "
    "(geselecteerd, gecontroleerd).",
    "prevalence": "Van alle mensen in de groep: het deel met uitkomst 1 (bijvoorbeeld: er was "
    "echt iets aan de hand).",
    "tpr": "Van de mensen met uitkomst 1: het deel dat geselecteerd is.",
    "fnr": "Van de mensen met uitkomst 1: het deel dat níet geselecteerd is.",
    "fpr": "Van de mensen met uitkomst 0: het deel dat tóch geselecteerd is. Zij kregen een "
    "controle of verdenking zonder reden.",
    "tnr": "Van de mensen met uitkomst 0: het deel dat terecht niet geselecteerd is.",
    "precision": "Van de geselecteerde mensen: het deel met uitkomst 1.",
    "fdr": "Van de geselecteerde mensen: het deel met uitkomst 0.",
    "for": "Van de niet-geselecteerde mensen: het deel met uitkomst 1.",
    "npv": "Van de niet-geselecteerde mensen: het deel met uitkomst 0.",
}
CHART_METRICS = ("selection_rate", "fpr", "fnr")
VERDICTS = {
    "within_band": "binnen de band",
    "outside_band": "buiten de band",
    "undefined": "niet te berekenen",
}
TESTS = {
    "z": "z-toets",
    "fisher": "exacte toets van Fisher",
    "chi2": "chi-kwadraattoets",
    "welch_t": "t-toets (Welch)",
    None: "–",
}


# --------------------------------------------------------------------------- formatting


def fmt(value: Any, digits: int = 2) -> str:
    """Dutch number: decimal comma, thin grouping; '–' for None."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if not math.isfinite(value):
        return "–"
    return f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else fmt(100 * value, digits) + "%"


def pval(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 0.001:
        return "< 0,001"
    return fmt(value, 3)


def interval(low: float | None, high: float | None, digits: int = 2, percent=False) -> str:
    f = pct if percent else (lambda v: fmt(v, digits))
    if low is None and high is None:
        return "–"
    return f"{f(low)} – {f(high) if high is not None else 'onbegrensd'}"


_REASONS = (
    ("suppressed", "niet getoond: kleine aantallen"),
    ("no label-negatives", "geen mensen met uitkomst 0 in de groep"),
    ("no label-positives", "geen mensen met uitkomst 1 in de groep"),
    ("no predicted positives", "niemand in de groep geselecteerd"),
    ("no predicted negatives", "iedereen in de groep geselecteerd"),
    ("no rows", "geen rijen"),
    ("the reference rate is 0", "het cijfer van de referentiegroep is 0"),
    ("only one cluster", "er is maar één cluster"),
    ("no test rows", "geen rijen in het testdeel"),
)


def reason_nl(reason: str | None) -> str:
    """A short Dutch reading of an engine's (English) reason for a missing value."""
    if not reason:
        return "niet te berekenen"
    who = ""
    if reason.startswith("group rate: "):
        who, reason = "groep: ", reason.removeprefix("group rate: ")
    elif reason.startswith("reference rate: "):
        who, reason = "referentie: ", reason.removeprefix("reference rate: ")
    for key, text in _REASONS:
        if reason.startswith(key) or key in reason:
            return who + text
    return who + "niet te berekenen"


# --------------------------------------------------------------------------- charts


def _svg(spec: dict[str, Any], label_id: str) -> str:
    import vl_convert as vlc

    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": {
            "font": "sans-serif",
            "axis": {
                "labelColor": "#1a1a1a",
                "titleColor": "#1a1a1a",
                "labelFontSize": 12,
                "titleFontSize": 12,
            },
            "legend": {
                "labelColor": "#1a1a1a",
                "titleColor": "#1a1a1a",
                "labelLimit": 400,
                "orient": "bottom",
            },
            "view": {"stroke": None},
            "locale": {
                "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€", ""]}
            },
        },
        **spec,
    }
    svg = vlc.vegalite_to_svg(spec)
    # The caption names the chart; the table after it carries the numbers.
    return re.sub(
        r"^<svg ", f'<svg role="img" aria-labelledby="{label_id}" focusable="false" ', svg, count=1
    )


def _ratio_chart(rows: list[dict[str, Any]], label_id: str, band) -> str | None:
    data = [r for r in rows if r["ratio"] is not None and r["ratio"] > 0]
    if not data:
        return None
    for r in data:
        r["lo"] = r["ci_low"] if r["ci_low"] else r["ratio"]
        r["hi"] = r["ci_high"] if r["ci_high"] else r["ratio"]
    values = [v for r in data for v in (r["lo"], r["hi"], r["ratio"])] + list(band)
    domain = [min(values) / 1.1, max(values) * 1.1]
    x = {"scale": {"type": "log", "domain": domain}, "title": "Verhouding tot referentie"}
    spec = {
        "data": {"values": data},
        "facet": {
            "row": {
                "field": "metric_nl",
                "type": "nominal",
                "title": None,
                "header": {
                    "labelAngle": 0,
                    "labelAlign": "left",
                    "labelFontSize": 13,
                    "labelColor": "#1a1a1a",
                },
            }
        },
        "spec": {
            "width": 420,
            "height": {"step": 22},
            "layer": [
                {
                    "mark": {"type": "rect", "color": "#e8e8e8"},
                    "encoding": {"x": {"datum": band[0], **x}, "x2": {"datum": band[1]}},
                },
                {
                    "mark": {"type": "rule", "color": GREY, "strokeDash": [4, 3]},
                    "encoding": {"x": {"datum": 1, **x}},
                },
                {
                    "mark": {"type": "rule", "color": BLUE, "strokeWidth": 2},
                    "encoding": {
                        "y": {"field": "group", "type": "nominal", "title": None},
                        "x": {"field": "lo", "type": "quantitative", **x},
                        "x2": {"field": "hi"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
                    "encoding": {
                        "y": {"field": "group", "type": "nominal", "title": None},
                        "x": {"field": "ratio", "type": "quantitative", **x},
                        "color": {
                            "field": "verdict_nl",
                            "type": "nominal",
                            "title": "Oordeel",
                            "scale": {
                                "domain": ["binnen de band", "buiten de band"],
                                "range": [BLUE, ORANGE],
                            },
                        },
                        "shape": {
                            "field": "verdict_nl",
                            "type": "nominal",
                            "title": "Oordeel",
                            "scale": {
                                "domain": ["binnen de band", "buiten de band"],
                                "range": ["circle", "diamond"],
                            },
                        },
                    },
                },
            ],
        },
        "resolve": {"scale": {"y": "independent"}},
    }
    return _svg(spec, label_id)


def _bar_chart(rows, label_id, x_title, y_field="label", value="value") -> str | None:
    data = [r for r in rows if r[value] is not None]
    if not data:
        return None
    for r in data:
        r["lo"] = r.get("ci_low") if r.get("ci_low") is not None else r[value]
        r["hi"] = r.get("ci_high") if r.get("ci_high") is not None else r[value]
    y = {"field": y_field, "type": "nominal", "title": None, "sort": None}
    spec = {
        "data": {"values": data},
        "width": 420,
        "height": {"step": 26},
        "layer": [
            {
                "mark": {"type": "bar", "color": BLUE},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": value,
                        "type": "quantitative",
                        "title": x_title,
                        "axis": {"format": ".0%"},
                    },
                },
            },
            {
                "mark": {"type": "rule", "color": ORANGE, "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {"field": "lo", "type": "quantitative"},
                    "x2": {"field": "hi"},
                },
            },
        ],
    }
    return _svg(spec, label_id)


def _line_chart(rows, label_id) -> str | None:
    data = [r for r in rows if r["rate"] is not None]
    if not data:
        return None
    spec = {
        "data": {"values": data},
        "width": 460,
        "height": 260,
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "band", "type": "ordinal", "sort": None, "title": "Scoreband"},
                    "y": {"field": "ci_low", "type": "quantitative"},
                    "y2": {"field": "ci_high"},
                    "color": {
                        "field": "group",
                        "type": "nominal",
                        "title": "Groep",
                        "scale": {
                            "range": [BLUE, ORANGE, "#2e6b30", "#6a3d9a", "#8b1a1a", "#4d4d4d"]
                        },
                    },
                },
            },
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "band", "type": "ordinal", "sort": None},
                    "y": {
                        "field": "rate",
                        "type": "quantitative",
                        "title": "Aandeel met uitkomst 1",
                        "axis": {"format": ".0%"},
                    },
                    "color": {"field": "group", "type": "nominal"},
                },
            },
        ],
    }
    return _svg(spec, label_id)


# --------------------------------------------------------------------------- pages


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(fmt=fmt, pct=pct, pval=pval)
    env.globals.update(
        interval=interval,
        metric_names=METRIC_NAMES,
        verdicts=VERDICTS,
        tests=TESTS,
        metric_explain=METRIC_EXPLAIN,
        reason_nl=reason_nl,
    )
    return env


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _metrics_context(report: MetricsReport) -> dict[str, Any]:
    data = report.to_dict()
    band = tuple(report.parameters["band"])
    attributes = []
    for name in [
        *report.group_columns,
        *(
            [" × ".join(report.group_columns)]
            if report.parameters["intersections"] and len(report.group_columns) > 1
            else []
        ),
    ]:
        groups = [g for g in data["groups"] if g["attribute"] == name]
        disp = [d for d in data["disparities"] if d["attribute"] == name]
        for d in disp:
            d["metric_nl"] = METRIC_NAMES[d["metric"]]
            d["verdict_nl"] = VERDICTS[d["verdict"]]
        slug = _slug(name)
        chart = None
        if "×" not in name:
            chart = _ratio_chart(
                [dict(d) for d in disp if d["metric"] in CHART_METRICS], f"cap-{slug}", band
            )
        attributes.append(
            {
                "name": name,
                "slug": slug,
                "groups": groups,
                "disparities": disp,
                "chart": chart,
                "reference": report.reference.get(name),
            }
        )
    calibration = None
    if report.calibration:
        first = report.group_columns[0]
        rows = [c for c in data["calibration"] if c["attribute"] == first]
        calibration = {
            "attribute": first,
            "rows": rows,
            "chart": _line_chart([dict(r) for r in rows], "cap-kalibratie"),
        }
    findings = _metric_findings(report)
    return {
        "r": data,
        "report": report,
        "attributes": attributes,
        "calibration": calibration,
        "baseline": data["baseline"],
        "findings": findings,
        "band": band,
        "metric_list": report.parameters["metrics"],
    }


def _metric_findings(report: MetricsReport) -> list[str]:
    out = []
    flagged = [
        d
        for d in report.disparities
        if d.verdict == "outside_band" and d.significant and "×" not in d.attribute
    ]
    for d in sorted(flagged, key=lambda d: d.p_adjusted or 1)[:8]:
        direction = "hoger" if d.ratio > 1 else "lager"
        out.append(
            f"{METRIC_NAMES[d.metric]}: groep ‘{d.group}’ ({d.attribute}) ligt {fmt(d.ratio)} keer "
            f"zo hoog als ‘{d.reference}’ ({direction}; 95%-interval "
            f"{interval(d.ci_low, d.ci_high)}; aangepaste p {pval(d.p_adjusted)})."
        )
    if not out:
        out.append(
            "Geen verschil buiten de band 0,8–1,25 dat ook statistisch significant is "
            "(na correctie voor het aantal toetsen)."
        )
    return out


def _scan_context(report: ScanReport) -> dict[str, Any]:
    data = report.to_dict()
    clusters = data["clusters"]
    bars = [
        {
            "label": f"Cluster {c['label']}",
            "value": c.get("rate_test"),
            "ci_low": c.get("rate_test_ci_low"),
            "ci_high": c.get("rate_test_ci_high"),
        }
        for c in clusters
    ]
    chart = None
    if report.bias_kind == "binary":
        chart = _bar_chart(bars, "cap-clusters", f"Aandeel ‘{report.bias_variable}’ (testdeel)")
    feats = data["feature_tests"]
    shown = [f for f in feats if f["kind"] == "categorical" and f["cluster_value"] is not None]
    shown.sort(key=lambda f: -abs(f["difference"] or 0))
    comp_rows = []
    for f in shown[:12]:
        label = f"{f['feature']} = {f['value']}"
        comp_rows.append({"label": label, "who": "cluster 0", "value": f["cluster_value"]})
        comp_rows.append({"label": label, "who": "overige", "value": f["rest_value"]})
    comp_chart = None
    if comp_rows:
        spec = {
            "data": {"values": comp_rows},
            "width": 380,
            "height": {"step": 14},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "title": None, "sort": None},
                "yOffset": {"field": "who"},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": "Aandeel (testdeel)",
                    "axis": {"format": ".0%"},
                },
                "color": {
                    "field": "who",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": ["cluster 0", "overige"], "range": [ORANGE, BLUE]},
                },
            },
            "mark": "bar",
        }
        comp_chart = _svg(spec, "cap-kenmerken")
    return {
        "r": data,
        "report": report,
        "chart": chart,
        "comp_chart": comp_chart,
        "findings": _scan_findings(report),
    }


def _scan_findings(report: ScanReport) -> list[str]:
    b = report.bias_test
    if b.p_value is None:
        return [f"De toets kon niet worden uitgevoerd ({reason_nl(b.reasons.get('p_value'))})."]
    what = "aandeel" if report.bias_kind == "binary" else "gemiddelde"
    value = pct if report.bias_kind == "binary" else fmt
    line = (
        f"In cluster 0 is het {what} ‘{report.bias_variable}’ {value(b.cluster_value)} tegen "
        f"{value(b.rest_value)} in de rest van het testdeel (verschil {value(b.difference)}, "
        f"95%-interval {interval(b.ci_low, b.ci_high, percent=report.bias_kind == 'binary')}; "
        f"p {pval(b.p_value)})."
    )
    verdict = (
        "Dat verschil is statistisch significant: bekijk hieronder wat deze groep kenmerkt."
        if b.significant
        else "Dat verschil is niet statistisch significant: er is geen bewijs voor een groep "
        "die slechter uitkomt."
    )
    return [line, verdict]


def render_html(report: MetricsReport | ScanReport) -> str:
    """The report as one self-contained Dutch HTML page (inline CSS and SVG, no scripts)."""
    env = _env()
    if isinstance(report, MetricsReport):
        return env.get_template("metrics_report.html").render(**_metrics_context(report))
    if isinstance(report, ScanReport):
        return env.get_template("scan_report.html").render(**_scan_context(report))
    raise TypeError(f"cannot render {type(report).__name__}")
