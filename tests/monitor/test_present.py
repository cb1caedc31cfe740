"""Units of the presentation layer: the small-cell rule on the trend table (hypothesis),
number formats, map geometry, Dutch error wording, file checks."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines import disclosure
from gelijk.monitor import charts, files, present, texts

LEVELS = ["15-24", "25-44", "45-64"]
MONTHS = [dt.date(2025, m, 1) for m in range(1, 7)]


@st.composite
def cell_lists(draw):
    cells = []
    for month in MONTHS:
        for initiative in ("proactive", "reactive"):
            for group in [*LEVELS, None]:
                n = draw(st.integers(0, 40))
                if n:
                    known = draw(st.integers(0, n))
                    cells.append(
                        {
                            "month": month,
                            "initiative": initiative,
                            "district_code": "WK034401",
                            "group_value": group,
                            "n": n,
                            "n_outcome": known,
                            "n_outcome_known": known,
                            "n_outcome_hit": draw(st.integers(0, known)),
                        }
                    )
    return cells


@settings(max_examples=60, deadline=None)
@given(cells=cell_lists(), k=st.integers(2, 15), by=st.sampled_from(["month", "quarter"]))
def test_trend_table_never_shows_a_small_count(cells, k, by):
    from django.test import override_settings

    with override_settings(GELIJK_SMALL_CELL_K=k):
        table = present.trend_table(cells, LEVELS, "age_band", scope="all", by=by)
    shown = [c["n"] for r in table["rows"] for c in r["cells"] if c["n"] is not None]
    shown += [r["total"] for r in table["rows"] if r["total"] is not None]
    shown += [t for t in table.get("column_totals", []) if t is not None]
    assert all(not disclosure.is_small(n, k) for n in shown)
    for r in table["rows"]:
        for c in r["cells"]:
            if c["share"] is not None:
                assert c["n"] is not None and r["total"]
                assert c["low"] - 1e-12 <= c["share"] <= c["high"] + 1e-12
        if r["hit_rate"] is not None:
            assert 0 <= r["hit_rate"] <= 1


def test_trend_table_sums_initiatives_for_all_actions():
    cells = [
        {
            "month": MONTHS[0],
            "initiative": i,
            "district_code": "WK034401",
            "group_value": "15-24",
            "n": 30,
            "n_outcome": 0,
            "n_outcome_known": 0,
            "n_outcome_hit": 0,
        }
        for i in ("proactive", "reactive")
    ]
    table = present.trend_table(cells, LEVELS, "age_band", scope="all", by="month")
    assert table["rows"][0]["cells"][0]["n"] == 60
    only = present.trend_table(cells, LEVELS, "age_band", scope="proactive", by="month")
    assert only["rows"][0]["cells"][0]["n"] == 30


@pytest.mark.parametrize(
    ("measure", "value", "extra", "text"),
    [
        ("rate_ratio_standardised", 1.2345, {}, "1,23"),
        ("hit_rate", 0.4567, {}, "45,7%"),
        ("team_difference", 0.0123, {}, "1,2 procentpunt"),
        ("rate_per_1000", 123.456, {}, "123,5"),
        ("weighted_mean", 0.25, {"binary": True}, "25,0%"),
        ("difference", -0.05, {"binary": True}, "-5,0 procentpunt"),
        ("weighted_mean", 3.456, {"binary": False}, "3,46"),
    ],
)
def test_figures_in_dutch(measure, value, extra, text):
    assert present.fmt({"measure": measure, "extra": extra}, value) == text


def test_a_suppressed_result_shows_no_figure_and_no_sentence():
    row = present.row(
        {
            "measure": "rate_ratio",
            "scope": "proactive",
            "group": "15-24",
            "reference": "25-44",
            "estimate": None,
            "ci_low": None,
            "ci_high": None,
            "n": None,
            "q_value": None,
            "mde": None,
            "suppressed": True,
            "explanation": "In West: 12,0% ...",
        },
        "age_band",
    )
    assert row["suppressed"] and row["explanation"] == "" and row["estimate"] == "–"


def test_strongest_prefers_the_lowest_q():
    results = [
        {"measure": "rate_ratio", "estimate": 3.0, "q_value": 0.3, "suppressed": False},
        {"measure": "rate_ratio", "estimate": 1.2, "q_value": 0.01, "suppressed": False},
        {"measure": "rate_ratio", "estimate": None, "q_value": None, "suppressed": True},
    ]
    assert present.strongest(results)["estimate"] == 1.2


def test_small_counts_of_people_are_hidden(settings):
    settings.GELIJK_SMALL_CELL_K = 10
    assert present.small_count(1)["value"] is None
    assert present.small_count(0)["text"] == "0"
    assert present.small_count(12)["value"] == 12


def test_boundaries_are_rewound_for_d3_and_labelled_inside():
    from gelijk.engines import refdata

    def signed_area(ring):
        return sum((x2 - x1) * (y2 + y1) for (x1, y1), (x2, y2) in itertools.pairwise(ring))

    for feature in refdata.district_boundaries()["features"]:
        geometry = charts.rewound(feature["geometry"])
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            assert signed_area(polygon[0]) > 0  # exterior clockwise
            for hole in polygon[1:]:
                assert signed_area(hole) < 0
        lon, lat = charts.centroid(feature["geometry"])
        assert 4.9 < lon < 5.25 and 52.0 < lat < 52.15


def test_choropleth_spec_is_valid_vega_lite():
    import vl_convert

    from gelijk.engines import refdata

    features = [
        {
            "type": "Feature",
            "geometry": charts.rewound(f["geometry"]),
            "properties": {
                "name": f["properties"]["name"],
                "value": None if i == 0 else float(i),
                "lon": charts.centroid(f["geometry"])[0],
                "lat": charts.centroid(f["geometry"])[1],
            },
        }
        for i, f in enumerate(refdata.district_boundaries()["features"])
    ]
    spec = charts.choropleth(features, title="t", description="d", diverging=False)
    svg = vl_convert.vegalite_to_svg(charts.for_pdf(spec))
    assert svg.count("<path") >= 10


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "x.csv: required column(s) missing: hit, sex (found: a, b)",
            "In x.csv ontbreken verplichte kolommen: hit, sex. Gevonden kolommen: a, b.",
        ),
        ("x.csv: the file is empty or has no header line", "x.csv is leeg"),
        ("the group column 'sex' has only one level (female); nothing to compare", "één waarde"),
        (
            "reference level 'x' does not occur in 'age_band' (levels: 0-14, 15-24)",
            "Kies een van: 0-14, 15-24",
        ),
        ("something new", "kunnen niet worden verwerkt: something new"),
    ],
)
def test_engine_messages_in_dutch(message, expected):
    assert expected in texts.input_error(message)


def test_unknown_row_problem_is_kept():
    assert texts.problem("not one of a, b") == "niet een van de toegestane waarden: a, b"
    assert texts.problem("brand new problem") == "brand new problem"


def test_file_format_accepts_the_three_formats():
    assert files.file_format("a.CSV", b"x,y\n1,2") == "csv"
    assert files.file_format("a.xlsx", b"PK\x03\x04rest") == "xlsx"
    assert files.file_format("a.parquet", b"PAR1rest") == "parquet"


def test_other_contract_detection():
    assert files.other_contract("actions", ["respondent_id", "wave", "weight", "q_x"])
    assert files.other_contract(
        "survey", ["action_id", "occurred_at", "district_code", "team", "initiative"]
    )
    assert files.other_contract("actions", ["action_id", "occurred_at"]) is None
