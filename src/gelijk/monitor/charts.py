"""Vega-Lite specifications of the monitor's charts.

In the pages ``gelijk/charts.js`` draws them with vega-embed and the expression interpreter
(no eval, so the strict CSP holds); in the PDF vl-convert turns the same spec into SVG. Each
chart on a page sits next to a table with the same figures. Only values that passed the
small-cell rule go in (suppressed rows are dropped before a spec is built).
"""

from __future__ import annotations

import copy
import itertools
import math

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
PALETTE = ["#0b4f8a", "#b34700", "#2e7d32", "#7b1fa2", "#4d4d4d", "#00695c"]
CONFIG = {
    "font": "sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#1a1a1a"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "range": {"category": PALETTE},
    "view": {"stroke": None},
}


def _spec(description: str, body: dict, *, height: int = 280) -> dict:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "config": CONFIG,
        **body,
    }


def forest(points: list[dict], *, title: str, description: str, log: bool = True) -> dict | None:
    """Estimates with their 95% interval, one line per item (``label``, ``estimate``, ``low``,
    ``high``); a reference line at 1 (ratios) or 0 (differences)."""
    values = [
        p
        for p in points
        if p.get("estimate") is not None and p.get("low") is not None and p.get("high") is not None
    ]
    if log:
        values = [p for p in values if min(p["estimate"], p["low"]) > 0]
    if not values:
        return None
    scale = {"type": "log"} if log else {"zero": False}
    y = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 360},
    }
    x_axis = {} if log else {"format": "+.0%"}
    return _spec(
        description,
        {
            "height": max(120, 28 * len(values)),
            "data": {"values": values},
            "layer": [
                {
                    # A field, not a datum: Vega labels each mark item for screen readers
                    # from its data, and a datum-only mark would get a nameless role.
                    "data": {"values": [{"geen_verschil": 1 if log else 0}]},
                    "mark": {"type": "rule", "color": "#767676", "strokeDash": [4, 4]},
                    "encoding": {"x": {"field": "geen_verschil", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "rule", "strokeWidth": 2, "color": PALETTE[0]},
                    "encoding": {
                        "y": y,
                        "x": {
                            "field": "low",
                            "type": "quantitative",
                            "scale": scale,
                            "title": title,
                            "axis": x_axis,
                        },
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 80, "color": PALETTE[0]},
                    "encoding": {
                        "y": y,
                        "x": {"field": "estimate", "type": "quantitative", "scale": scale},
                        "shape": {
                            "field": "signal_label",
                            "type": "nominal",
                            "title": None,
                            "scale": {"range": ["circle", "diamond"]},
                        },
                    },
                },
            ],
        },
    )


def choropleth(features: list[dict], *, title: str, description: str, diverging: bool) -> dict:
    """The 10 wijken coloured by ``properties.value`` (wijken without a value in grey)."""
    with_value = [f for f in features if f["properties"].get("value") is not None]
    without = [f for f in features if f["properties"].get("value") is None]
    color = {
        "field": "properties.value",
        "type": "quantitative",
        "title": title,
        "legend": {"orient": "bottom", "gradientLength": 260, "format": ".2f"},
        "scale": {"scheme": "blueorange", "domainMid": 1, "type": "log"}
        if diverging
        else {"scheme": "blues"},
    }
    layers = []
    if without:
        layers.append(
            {
                "data": {"values": without},
                "mark": {"type": "geoshape", "fill": "#e0e0e0", "stroke": "#ffffff"},
            }
        )
    layers.append(
        {
            "data": {"values": with_value},
            "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 1.5},
            "encoding": {"color": color},
        }
    )
    layers.append(
        {
            "data": {"values": [f["properties"] for f in features]},
            "mark": {"type": "text", "fontSize": 11, "fontWeight": "bold", "color": "#1a1a1a"},
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "text": {"field": "name"},
            },
        }
    )
    return _spec(
        description,
        {"height": 420, "projection": {"type": "mercator"}, "layer": layers},
        height=420,
    )


def lines(
    values: list[dict],
    *,
    x_title: str,
    y_title: str,
    description: str,
    percent: bool = False,
    band: bool = False,
) -> dict | None:
    """Lines per ``series`` over ``x`` (text labels in order), optional interval band."""
    values = [v for v in values if v.get("y") is not None]
    if not values:
        return None
    order = []
    for v in values:
        if v["x"] not in order:
            order.append(v["x"])
    x = {
        "field": "x",
        "type": "ordinal",
        "title": x_title,
        "sort": order,
        "axis": {"labelAngle": -45},
    }
    y = {"field": "y", "type": "quantitative", "title": y_title}
    if percent:
        y["axis"] = {"format": ".0%"}
    color = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "legend": {"columns": 3, "labelLimit": 260},
    }
    layers = []
    if band:
        layers.append(
            {
                "mark": {"type": "area", "opacity": 0.15},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                    "color": color,
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": color},
        }
    )
    return _spec(description, {"data": {"values": values}, "layer": layers})


def bars_with_interval(
    values: list[dict], *, y_title: str, description: str, percent: bool = True
) -> dict | None:
    """A point and interval per ``label`` (optionally coloured by ``series``)."""
    values = [v for v in values if v.get("estimate") is not None and v.get("low") is not None]
    if not values:
        return None
    x = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelAngle": 0},
    }
    y = {"field": "estimate", "type": "quantitative", "title": y_title}
    if percent:
        y["axis"] = {"format": ".0%"}
    color = {"field": "series", "type": "nominal", "title": None}
    offset = {"xOffset": {"field": "series"}} if any("series" in v for v in values) else {}
    return _spec(
        description,
        {
            "data": {"values": values},
            "layer": [
                {
                    "mark": {"type": "rule", "strokeWidth": 2},
                    "encoding": {
                        "x": x,
                        "y": {"field": "low", "type": "quantitative"},
                        "y2": {"field": "high"},
                        "color": color,
                        **offset,
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 90},
                    "encoding": {"x": x, "y": y, "color": color, **offset},
                },
            ],
        },
    )


def for_pdf(spec: dict) -> dict:
    """A fixed-width copy for static rendering (vl-convert has no container to fill)."""
    out = copy.deepcopy(spec)
    out["width"] = 520
    return out


def svg(spec: dict) -> str:
    """Static SVG of a spec (PDF export)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(for_pdf(spec))


def centroid(geometry: dict) -> tuple[float, float]:
    """A label position: the area-weighted centroid of the largest polygon's outer ring."""
    coords = geometry["coordinates"]
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    ring = max((p[0] for p in polygons), key=lambda r: abs(_twice_area(r)))
    a = _twice_area(ring)
    if a == 0:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (3 * a), cy / (3 * a)


def _twice_area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


def rewound(geometry: dict) -> dict:
    """GeoJSON rings in the winding d3-geo expects (exterior clockwise on the sphere): CBS
    files use the opposite, which would fill the whole globe instead of the wijk."""

    def area(ring) -> float:
        return sum((x2 - x1) * (y2 + y1) for (x1, y1), (x2, y2) in itertools.pairwise(ring))

    def fix(polygon):
        out = []
        for i, ring in enumerate(polygon):
            clockwise = area(ring) > 0
            want_clockwise = i == 0
            out.append(ring if clockwise == want_clockwise else list(reversed(ring)))
        return out

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": fix(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [fix(p) for p in geometry["coordinates"]]}


def log_ok(value) -> bool:
    return (
        value is not None and isinstance(value, int | float) and value > 0 and math.isfinite(value)
    )
