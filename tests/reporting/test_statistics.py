"""Statistics and learning signals: every figure through the small-cell rule, the median
handling time with an order-statistic interval checked against SciPy, no figure without n."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from gelijk.reporting import interface, selectors
from gelijk.reporting.services import cases as svc
from gelijk.reporting.stats import median_ci


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=80))
def test_median_interval_matches_scipy_quantile_test(values):
    ours = median_ci(values)
    assert ours.n == len(values) and ours.median == pytest.approx(float(np.median(values)))
    reference = scipy_stats.quantile_test(values, q=float(np.median(values)), p=0.5)
    ci = reference.confidence_interval(0.95)
    if np.isnan(ci.low) or np.isnan(ci.high):
        assert ours.low is None or ours.high is None or len(values) < 6
    else:
        assert (ours.low, ours.high) == (ci.low, ci.high)


def test_median_interval_coverage_is_at_least_95_percent():
    rng = np.random.default_rng(20261128)
    hits = 0
    for _ in range(2000):
        sample = rng.exponential(30, size=25)
        ci = median_ci(sample)
        hits += ci.low <= 30 * np.log(2) <= ci.high
    assert hits / 2000 >= 0.95 - 0.01  # exact coverage for n = 25 is 95.7%


def test_no_interval_when_n_is_too_small():
    ci = median_ci([3, 5, 8])
    assert ci.n == 3 and ci.median == 5 and ci.low is None and ci.high is None


def _closed(submit, handler, days, **kw):
    received = timezone.now() - timedelta(days=days + 5)
    case = submit(at=received, **kw).case
    svc.case_transition(case, "in_treatment", handler, at=received + timedelta(days=1))
    svc.case_transition(
        case, "followed_up", handler, text="Besproken.", at=received + timedelta(days=days - 1)
    )
    svc.case_transition(case, "closed", handler, at=received + timedelta(days=days))
    return case


def test_dashboard_figures_pass_the_small_cell_rule(submit, handler, settings):
    settings.GELIJK_SMALL_CELL_K = 5
    for i in range(12):
        _closed(submit, handler, days=10 + i)
    for _ in range(3):
        submit(grounds=["origin"], consents={"sensitive": True})
    figures = selectors.statistics(handler)
    assert figures["n_cases"] == 15
    assert figures["received_by_kind"]["rows"][0]["count"] == 15  # meldingen
    melding = figures["handling_days"]["melding"]
    assert melding["n"] == 12 and melding["ci"]["median"] == pytest.approx(15.5)
    assert melding["ci"]["low"] is not None
    # 3 open meldingen in 'received': small, so hidden, and so is what would reveal it.
    open_rows = figures["open"]["rows"]
    assert open_rows[0]["values"][0] is None
    assert figures["grounds"]["rows"][0]["count"] is None  # 3 < k
    complaint = figures["handling_days"]["complaint"]
    assert complaint["n"] is None or complaint["n"] == 0
    assert complaint["ci"] is None


def test_no_median_is_shown_below_k(submit, handler, settings):
    settings.GELIJK_SMALL_CELL_K = 10
    for i in range(4):
        _closed(submit, handler, days=5 + i)
    figures = selectors.statistics(handler)
    assert figures["handling_days"]["melding"]["ci"] is None
    assert figures["handling_days"]["melding"]["n"] is None
    assert figures["n_cases"] is None


def test_learning_signals_interface(submit, handler, settings):
    settings.GELIJK_SMALL_CELL_K = 3
    for theme in ["selection"] * 4 + ["conduct"] * 2:
        case = submit().case
        svc.case_tag(case, handler, team="thor", district=None, themes=[theme])
    table = interface.learning_signals(handler, "theme")
    assert table.categories == ["conduct", "selection"]
    assert len(table.months) == 1
    # conduct = 2 < k is hidden; with the total published, selection must go too.
    assert table.values == [[None, None]]
    assert table.grand_total == 6
    team = interface.learning_signals(handler, "team")
    assert team.values == [[6]] and team.to_dict()["k"] == 3
    with pytest.raises(ValueError, match="dimension"):
        interface.learning_signals(handler, "ethnicity")


def test_yearly_report_html_and_pdf(submit, handler, client):
    import io

    from pypdf import PdfReader

    from tests.conftest import verified_client

    _closed(submit, handler, days=12)
    verified_client(client, handler)
    year = timezone.localdate().year
    page = client.get(f"/backoffice/meldingen/jaarverslag/?jaar={year}")
    body = page.content.decode()
    assert page.status_code == 200 and "9:12a" in body and f"Jaarverslag klachten {year}" in body
    assert "&lt;10" in body  # one case: suppressed, not shown as 1
    pdf = client.get(f"/backoffice/meldingen/jaarverslag.pdf?jaar={year}")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert f"Jaarverslag klachten {year}" in text
