"""The language scan in a real browser: paste a letter and follow the annotation both ways,
the error state of a bad upload, a batch scan followed to completion by htmx polling (with the
database task backend and a worker), and the trend chart drawn under the strict CSP. axe-core
runs on every state."""

from __future__ import annotations

import pytest

from tests.browser.conftest import describe

LETTER = """Geachte heer/mevrouw,

Op 3 maart is door onze handhaver geconstateerd dat u afval naast de container heeft gezet.
De man, van Marokkaanse afkomst, zei dat hij het niet wist. Indien u het afval niet weghaalt,
krijgt u een boete. Wij verzoeken u het afval binnen twee dagen weg te halen.

Hoogachtend,

Team THOR
"""


def _no_violations(page) -> None:
    violations = page.axe()
    assert not violations, describe(violations)


@pytest.mark.django_db(transaction=True)
def test_paste_a_letter_and_follow_each_finding_to_its_mark_and_back(new_page, make_staff):
    user = make_staff("handhaver", department="vth", team="thor")
    page = new_page(user)
    p = page.page
    page.goto("/backoffice/taal/")
    p.get_by_role("textbox", name="Tekst").fill(LETTER)
    p.get_by_label("brief", exact=True).check()
    p.get_by_role("button", name="Scannen").click()
    p.wait_for_load_state()

    annotated = p.get_by_test_id("annotated")
    marks = annotated.locator("mark.gl-mark")
    assert marks.count() >= 4
    assert "Geachte heer/mevrouw" in marks.first.inner_text()
    # The mark's label says the severity in words, not only by colour.
    assert annotated.get_by_role("link", name="[1: fout]").is_visible()
    findings = p.locator("ol.gelijk-lang-findings > li")
    # every finding with a place in the text has exactly one label in the text
    labels = annotated.locator("sup.gl-ref a")
    assert labels.count() == findings.count() >= 4
    assert "Marokkaanse afkomst" in p.locator("ol.gelijk-lang-findings").inner_text()
    assert "B1-indicatie" in p.content()

    annotated.get_by_role("link", name="[1: fout]").click()
    assert p.url.endswith("#melding-1")
    first = p.locator("#melding-1")
    assert "Beter:" in first.inner_text() and "Waarom:" in first.inner_text()
    first.get_by_role("link", name="Naar markering 1 in de tekst").click()
    assert p.url.endswith("#melding-1-plek")
    _no_violations(page)
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_bad_upload_shows_a_dutch_message_in_an_accessible_error_state(new_page, make_staff):
    page = new_page(make_staff("klachtbehandelaar", department="klachten", team="klachten"))
    p = page.page
    page.goto("/backoffice/taal/")
    p.get_by_label("Of kies een bestand").set_input_files(
        files=[{"name": "brief.docx", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF"}]
    )
    p.get_by_role("button", name="Scannen").click()
    p.wait_for_load_state()
    summary = p.locator(".gelijk-error-summary")
    assert summary.is_visible()
    assert "naam die niet past bij de inhoud: het is een PDF" in summary.inner_text()
    assert p.locator("#id_file").get_attribute("aria-invalid") == "true"
    _no_violations(page)
    summary.get_by_role("link").first.click()
    assert p.evaluate("document.activeElement.id") == "id_file"
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_batch_scan_progress_is_followed_to_completion_without_reloading(
    new_page, make_staff, settings
):
    from django.core.management import call_command

    from gelijk.language import services

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "imports", "analysis", "maintenance"],
        }
    }
    user = make_staff("analist", department="beleid", team="analyse")
    for title, text in [
        ("Brief een", "Beste bewoner,\n\nWij komen morgen kijken. Bel ons als u vragen heeft."),
        ("Brief twee", "Geachte heer/mevrouw,\n\nIndien u vragen heeft, bel ons."),
        ("Brief drie", "Beste ondernemer,\n\nUw terras is te groot. Maak het kleiner."),
    ]:
        services.letter_create(user=user, title=title, kind="letter", text=text)

    page = new_page(user)
    p = page.page
    page.goto("/backoffice/taal/batchscans/")
    p.get_by_role("button", name="Hele bibliotheek scannen").click()
    p.wait_for_load_state()
    status = p.get_by_test_id("batch-status")
    assert "0 van 3 brieven gescand" in status.inner_text()
    assert p.locator("#batch-state").get_attribute("hx-trigger") == "every 2s"
    assert p.get_by_role("link", name="Vernieuw de pagina").is_visible()
    _no_violations(page)
    p.evaluate("window.__notReloaded = true")

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")

    p.wait_for_selector('#batch-state[data-status="done"]', timeout=15_000)
    assert p.evaluate("window.__notReloaded === true"), "the page reloaded instead of polling"
    assert "3 van 3 brieven gescand" in p.get_by_test_id("batch-status").inner_text()
    assert p.locator("#batch-state table tbody tr").count() == 3
    assert "Klaar" in p.locator("#batch-announce").inner_text()
    _no_violations(page)
    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_trend_chart_is_drawn_under_the_strict_csp_with_a_table_beside_it(new_page, make_staff):
    from gelijk.core.demo import seed_all

    user = make_staff("teamleider", department="vth", team="thor")
    seed_all(2026, only=["core", "language"])
    page = new_page(user)
    p = page.page
    page.goto("/backoffice/taal/batchscans/")
    p.wait_for_selector('[data-gelijk-vega][data-rendered="true"]', timeout=15_000)
    assert p.locator("[data-gelijk-vega] svg").count() == 1
    rows = p.get_by_test_id("trend-table").locator("tbody tr")
    assert rows.count() == 3
    assert rows.nth(2).locator("td").nth(2).inner_text() == "80%"
    _no_violations(page)
    assert not page.console_errors, page.console_errors
