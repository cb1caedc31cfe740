"""report.json against its JSON Schema, and the Dutch HTML report: self-contained, accessible,
every chart with a caption and a data table."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from gelijk.engines.fairness import bias_scan, group_metrics, render_html

from .conftest import SCAN_FEATURES

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "report-schemas"


def _validator(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def metrics_report(compas_a):
    return group_metrics(
        compas_a,
        label="two_year_recid",
        score="decile_score",
        threshold=5,
        groups=["race", "sex"],
        reference=["Caucasian", "Male"],
        allow_undefined=True,
    )


@pytest.fixture(scope="module")
def scan_report(compas_fp_setup):
    features, fp = compas_fp_setup
    cols = [c for c in SCAN_FEATURES if c != "race"]
    return bias_scan(
        features,
        fp.rename("false_positive"),
        seed=42,
        features=cols,
        categorical=cols,
        protected=["race"],
        k=1,
    )


def test_metrics_report_matches_its_schema(metrics_report, compas_a):
    _validator("bias-metrics").validate(json.loads(json.dumps(metrics_report.to_dict())))
    sampled = compas_a.assign(steekproef=(compas_a["id"] % 5 == 0).astype(int))
    boot = group_metrics(
        sampled,
        label="two_year_recid",
        prediction="pred",
        groups=["race"],
        reference="Caucasian",
        interval="bootstrap",
        n_boot=200,
        seed=1,
        random_sample="steekproef",
        k=1,
    )
    _validator("bias-metrics").validate(json.loads(json.dumps(boot.to_dict())))
    assert boot.baseline


def test_scan_report_matches_its_schema(scan_report):
    _validator("bias-scan").validate(json.loads(json.dumps(scan_report.to_dict())))


def test_schema_rejects_a_report_without_disparity_fields(metrics_report):
    data = metrics_report.to_dict()
    del data["disparities"][0]["p_adjusted"]
    with pytest.raises(jsonschema.ValidationError):
        _validator("bias-metrics").validate(data)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("which", ["metrics_report", "scan_report"])
def test_html_report_is_self_contained_and_accessible(request, which):
    html = render_html(request.getfixturevalue(which))
    page = _parse(html)
    tags = [t for t, _ in page.tags]
    assert html.startswith("<!DOCTYPE html>")
    assert dict(page.tags)["html"]["lang"] == "nl"
    # Self-contained: no scripts, no external resources.
    assert "script" not in tags
    for _, attrs in page.tags:
        for key in ("src", "href"):
            assert not attrs.get(key, "").startswith(("http:", "https:", "//")), attrs
    assert "<link" not in html
    # Headings in order: one h1, then h2 sections.
    levels = [int(t[1]) for t in tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # Every chart is a labelled image inside a figure with a caption, followed by a table.
    svgs = [a for t, a in page.tags if t == "svg" and a.get("role") == "img"]
    assert svgs
    ids = {a.get("id") for _, a in page.tags}
    for svg in svgs:
        assert svg["aria-labelledby"] in ids
    figures = html.split("<figure>")[1:]
    for fig in figures:
        assert "<figcaption" in fig.split("</figure>")[0]
        assert "<table" in fig.split("</figure>")[1].split("<figure>")[0]
    assert tags.count("table") == tags.count("caption")
    assert "th" in tags


def test_html_text_is_dutch_with_dutch_numbers(metrics_report):
    html = render_html(metrics_report)
    text = " ".join(_parse(html).text)
    assert "Verschillen met de referentiegroep" in text
    assert "Ten onrechte geselecteerd (FPR)" in text
    # The FPR ratio of African-American defendants, 1.91, in Dutch notation.
    assert "1,91" in text
    assert "nan" not in text.lower().split()


def test_html_colours_have_enough_contrast():
    def luminance(hex_colour):
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a, b):
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    from gelijk.engines.fairness import html

    for colour in (html.BLUE, html.ORANGE, html.GREY):
        assert contrast(colour, "#ffffff") >= 4.5
    css = (Path(html.__file__).parent / "templates" / "base.html").read_text()
    for colour in set(re.findall(r"color: (#[0-9a-f]{6})", css)):
        assert contrast(colour, "#ffffff") >= 4.5, colour
