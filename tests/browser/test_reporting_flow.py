"""End to end in a real browser: a resident reports anonymously with an attachment and gets
a code; a complaints handler runs the whole Awb flow, including an extension; the resident
sees the outcome on the status page. axe-core runs on every page on the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PIL import Image

from tests.browser.conftest import describe


def _png(tmp_path):
    path = tmp_path / "foto.png"
    Image.new("RGB", (16, 16), (20, 120, 200)).save(path, format="PNG")
    return path


def _axe(page, where):
    violations = page.axe()
    assert not violations, f"{where}:\n{describe(violations)}"


def _step(p, target, fields=None):
    """Fill and submit the form of one workflow step on the case page."""
    form = p.locator(f"form:has(input[name='target'][value='{target}'])")
    for name, value in (fields or {}).items():
        control = form.locator(f"[name='t-{target}-{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        elif control.get_attribute("type") == "checkbox":
            control.check()
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    p.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_anonymous_report_to_decision_seen_by_the_resident(new_page, make_staff, tmp_path):
    from django.core.cache import cache

    from gelijk.reporting.models import Case

    cache.clear()
    resident = new_page()
    p = resident.page
    resident.goto("/melden/")
    _axe(resident, "form")
    p.get_by_role("textbox", name="Wat is er gebeurd?").fill(
        "Ik fietste met vrienden door het park. Alleen ik moest mijn ID laten zien."
    )
    p.get_by_label("Op welke dag was het?").fill((date.today() - timedelta(days=3)).isoformat())
    p.get_by_label("Handhaving in de openbare ruimte (THOR)", exact=False).check()
    p.get_by_label("Ik moest mijn identiteitsbewijs laten zien").check()
    p.locator("input[type=file]").set_input_files(str(_png(tmp_path)))
    p.get_by_role("button", name="Melding versturen").click()
    p.wait_for_url("**/melden/bevestiging/")
    _axe(resident, "confirmation")
    reference = p.get_by_test_id("reference").inner_text().strip()
    secret = p.get_by_test_id("secret").inner_text().strip()
    case = Case.objects.get(reference=reference)
    assert case.attachments.count() == 1 and case.contact.name == ""

    handler = make_staff("klachtbehandelaar", department="klachten", team="klachten")
    office = new_page(handler)
    o = office.page
    office.goto(f"/backoffice/meldingen/{reference}/")
    _axe(office, "case detail")
    assert "Ik fietste met vrienden" in o.get_by_test_id("description").inner_text()
    o.locator("input[name='intake-kind'][value='complaint']").check()
    o.locator("select[name='intake-department_code']").select_option("vth")
    o.get_by_role("button", name="Intake opslaan").click()
    o.wait_for_load_state()
    for target in ("acknowledged", "in_treatment", "subject_informed", "hearing"):
        _step(o, target)
    o.locator("select[name='extend-weeks']").select_option("3")
    o.locator("textarea[name='extend-notice']").fill("De hoorzitting kan pas over drie weken.")
    o.get_by_role("button", name="Termijn verdagen").click()
    o.wait_for_load_state()
    assert "verdaagd met 3 weken" in o.get_by_test_id("due").inner_text()
    _step(o, "hearing_report", {"text": "Beide partijen gehoord op het stadskantoor."})
    # A decision without reasons is refused with a message on the field.
    _step(o, "decision", {"outcome": "partly", "reasons": "Te kort."})
    assert "motivering" in o.content()
    _axe(office, "decision refused")
    _step(
        o,
        "decision",
        {
            "outcome": "partly",
            "reasons": "De controle had een aanleiding, maar de uitleg aan u ontbrak. Het team "
            "krijgt een training over uitleg geven.",
        },
    )
    _step(o, "closed")
    assert o.get_by_test_id("status").inner_text() == "Afgesloten"

    resident.goto("/melden/status/")
    p.get_by_label("Kenmerk").fill(reference)
    p.get_by_label("Geheime code").fill(secret)
    p.get_by_role("button", name="Bekijken").click()
    p.wait_for_load_state()
    _axe(resident, "status page")
    assert p.get_by_test_id("outcome").inner_text() == "Deels gegrond"
    body = p.content()
    assert "de uitleg aan u ontbrak" in body and "Nationale ombudsman" in body
    assert "drie weken" in body  # the written notice of the extension
    assert handler.username not in body
    assert not resident.console_errors and not office.console_errors
