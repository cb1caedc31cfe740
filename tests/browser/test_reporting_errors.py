"""Error states are accessible too: axe-core on the report form with errors, the police
referral, the status lookup with a wrong code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import describe


@pytest.mark.django_db(transaction=True)
def test_report_form_error_state_passes_axe(new_page):
    from django.core.cache import cache

    cache.clear()
    page = new_page()
    p = page.page
    page.goto("/melden/")
    p.get_by_label("Op welke dag was het?").fill((date.today() + timedelta(days=4)).isoformat())
    p.get_by_label("Afkomst, huidskleur of ‘ras’").check()
    p.get_by_role("button", name="Melding versturen").click()
    p.wait_for_load_state()
    summary = p.locator(".gelijk-error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "Beschrijf wat er gebeurde" in text and "Kies wie u aansprak" in text
    assert p.locator("#id_description").get_attribute("aria-invalid") == "true"
    violations = page.axe()
    assert not violations, describe(violations)
    # The link in the error summary moves focus to the field.
    summary.get_by_role("link").first.click()
    assert p.evaluate("document.activeElement.id") == "id_description"

    p.get_by_role("textbox", name="Wat is er gebeurd?").fill("Ik werd aangesproken door een agent.")
    p.get_by_label("Op welke dag was het?").fill((date.today() - timedelta(days=1)).isoformat())
    p.get_by_label("De politie").check()
    p.get_by_role("button", name="Melding versturen").click()
    p.wait_for_load_state()
    assert "Een klacht over de politie" in p.content()
    violations = page.axe()
    assert not violations, describe(violations)
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_status_lookup_error_state_passes_axe(new_page):
    from django.core.cache import cache

    cache.clear()
    page = new_page()
    p = page.page
    page.goto("/melden/status/")
    p.get_by_label("Kenmerk").fill("M-AAAA-BBBB")
    p.get_by_label("Geheime code").fill("verkeerd")
    p.get_by_role("button", name="Bekijken").click()
    p.wait_for_load_state()
    assert "kennen we niet" in p.content()
    violations = page.axe()
    assert not violations, describe(violations)
