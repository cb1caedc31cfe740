"""Error states are accessible too: axe-core on the report form with errors, the police
referral, the status lookup with a wrong code, the 'too many reports' page (429), the status
page with an add-information error and the back-office registration form with errors."""

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


@pytest.mark.django_db(transaction=True)
def test_too_many_reports_page_passes_axe(new_page, settings):
    from django.core.cache import cache

    cache.clear()
    settings.GELIJK_REPORTING_SUBMIT_RATE = "0/hour"  # the very first report is one too many
    page = new_page()
    p = page.page
    page.goto("/melden/")
    p.get_by_role("textbox", name="Wat is er gebeurd?").fill("Ik werd aangesproken door een agent.")
    with p.expect_response(lambda r: r.request.method == "POST") as response:
        p.get_by_role("button", name="Melding versturen").click()
    p.wait_for_load_state()
    assert response.value.status == 429
    assert p.get_by_role("heading", level=1).inner_text() == "Even wachten, alstublieft"
    assert "Bel dan 14 030" in p.content()
    violations = page.axe()
    assert not violations, describe(violations)
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_status_page_with_an_add_information_error_passes_axe(new_page):
    import uuid

    from django.core.cache import cache

    from gelijk.reporting.services.cases import case_submit
    from tests.reporting.conftest import submission

    cache.clear()
    result = case_submit(submission(), submission_key=uuid.uuid4())
    page = new_page()
    p = page.page
    page.goto("/melden/status/")
    p.get_by_label("Kenmerk").fill(result.case.reference)
    p.get_by_label("Geheime code").fill(result.secret)
    p.get_by_role("button", name="Bekijken").click()
    p.wait_for_load_state()
    with p.expect_response(lambda r: r.request.method == "POST") as response:
        p.get_by_role("button", name="Toevoegen").click()  # nothing written, no file
    p.wait_for_load_state()
    assert response.value.status == 400
    assert "Schrijf wat u wilt toevoegen, of kies een bestand." in p.content()
    assert (
        p.get_by_role("textbox", name="Wat wilt u toevoegen?").get_attribute("aria-invalid")
        == "true"
    )
    violations = page.axe()
    assert not violations, describe(violations)
    assert not result.case.events.filter(kind="message_in").exists()
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_staff_registration_form_with_errors_passes_axe(new_page, make_staff):
    from gelijk.reporting.models import Case

    handler = make_staff("klachtbehandelaar", department="klachten", team="klachten")
    page = new_page(handler)
    p = page.page
    page.goto("/backoffice/meldingen/nieuw/")
    violations = page.axe()
    assert not violations, describe(violations)
    with p.expect_response(lambda r: r.request.method == "POST") as response:
        p.get_by_role("button", name="Registreren").click()  # everything left empty
    p.wait_for_load_state()
    assert response.value.status == 400
    assert p.locator("[aria-invalid=true]").count() >= 2
    violations = page.axe()
    assert not violations, describe(violations)
    assert Case.objects.count() == 0
    assert not page.console_errors
