"""The monitor in a real browser: upload a file and follow the import's progress (database task
backend and a worker, htmx polling), start an analysis, then see the injected disparity on the
dashboards with charts drawn under the strict CSP; a team leader sees their own team only.
axe-core runs on every state."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import describe

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "analysis", "maintenance"],
    }
}
FAST = [
    "data_quality",
    "population_rates",
    "action_rates",
    "outcome_test",
    "veil_of_darkness",
    "poisson_offset",
    "officer_benchmark",
    "bias_scan",
    "survey",
]


def _no_violations(page) -> None:
    violations = page.axe()
    assert not violations, describe(violations)


def _work() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")


def _simulated(tmp_path):
    from gelijk.engines.monitor import BiasKnobs, SimulationConfig, write_actions

    path = tmp_path / "acties-2025.csv"
    write_actions(
        SimulationConfig(
            n_actions=4000,
            seed=17,
            start=dt.date(2025, 1, 1),
            days=365,
            n_officers=20,
            include_perceived_origin=False,
            knobs=BiasKnobs(
                target_column="age_band",
                target_value="15-24",
                stop_rate_ratio=2.5,
                biased_officers=1,
            ),
        ),
        path,
    )
    return path


@pytest.mark.django_db(transaction=True)
def test_upload_follow_progress_run_and_see_the_disparity(new_page, make_staff, settings, tmp_path):
    from gelijk.core.services.refdata import refdata_load

    settings.TASKS = DB_TASKS
    settings.GELIJK_MONITOR_ANALYSES = FAST
    refdata_load()
    analist = make_staff("analist", department="beleid", team="analyse")
    page = new_page(analist)
    p = page.page

    page.goto("/monitor/imports/")
    _no_violations(page)
    p.get_by_label("Handhavingsacties").check()
    p.get_by_label("Bestand").set_input_files(str(_simulated(tmp_path)))
    p.get_by_role("button", name="Importeren").click()
    p.wait_for_load_state()
    state = p.get_by_test_id("import-state")
    assert state.get_attribute("data-status") == "queued"
    assert state.get_attribute("hx-trigger") == "every 2s"
    assert p.get_by_role("link", name="Vernieuw de pagina").is_visible()
    assert p.locator("progress").count() == 1
    _no_violations(page)
    p.evaluate("window.__notReloaded = true")

    _work()

    p.wait_for_selector('[data-testid="import-state"][data-status="done"]', timeout=20_000)
    assert p.evaluate("window.__notReloaded === true"), "the page reloaded instead of polling"
    assert (
        "4000 regels zijn gecontroleerd en opgeslagen"
        in p.get_by_test_id("import-done").inner_text()
    )
    assert "klaar" in p.locator("#import-announce").inner_text()
    _no_violations(page)

    page.goto("/monitor/analyses/")
    p.get_by_label("Van").fill("2025-01-01")
    p.get_by_label("Tot en met").fill("2025-12-31")
    p.get_by_label("Referentiegroep").fill("25-44")
    p.get_by_role("button", name="Analyse starten").click()
    p.wait_for_load_state()
    assert p.get_by_test_id("run-state").get_attribute("data-status") == "queued"
    _no_violations(page)
    _work()
    p.wait_for_selector('[data-testid="run-state"][data-status="done"]', timeout=60_000)
    assert "één levering" in p.get_by_test_id("pinned-imports").inner_text()

    page.goto("/monitor/")
    headlines = p.get_by_test_id("headlines")
    first = headlines.locator("li").first
    assert "Acties per inwoner" in first.inner_text()
    assert "mensen van 15-24 jaar kregen per inwoner" in first.inner_text()
    assert "Signaal" in first.inner_text()
    p.wait_for_selector('[data-testid="forest-spec"][data-rendered="true"]', timeout=20_000)
    assert p.get_by_test_id("forest-spec").locator("svg").count() == 1
    assert "15-24" in p.get_by_test_id("forest-table").inner_text()
    _no_violations(page)

    page.goto("/monitor/kaart/?maat=ratio&groep=15-24")
    p.wait_for_selector('[data-testid="map-spec"][data-rendered="true"]', timeout=20_000)
    assert p.get_by_test_id("map-spec").locator("path").count() >= 10
    assert p.get_by_test_id("map-table").locator("tbody tr").count() == 10
    _no_violations(page)

    page.goto("/monitor/teams-en-handhavers/?groep=15-24")
    officers = p.get_by_test_id("officer-table")
    assert officers.is_visible() and "signaal" in officers.locator("tbody tr").first.inner_text()
    _no_violations(page)
    assert not page.console_errors, page.console_errors


@pytest.mark.django_db(transaction=True)
def test_team_leader_sees_their_own_team_only(new_page, make_staff, settings, tmp_path):
    from tests.browser.samples import _monitor_demo

    run = _monitor_demo()["run"]
    leader = make_staff("teamleider", department="vth", team="thor")
    page = new_page(leader)
    p = page.page
    page.goto("/monitor/teams-en-handhavers/")
    table = p.get_by_test_id("team-table")
    assert "THOR" in table.inner_text() and "THBO" not in table.inner_text()
    assert p.get_by_test_id("officer-table").count() == 0
    body = p.content()
    for pseudonym in run.officer_teams:
        assert pseudonym not in body
    assert "U ziet alleen uw eigen team" in body
    _no_violations(page)
    page.goto("/monitor/analyses/")
    assert p.get_by_role("button", name="Analyse starten").count() == 0
    assert not page.console_errors, page.console_errors


@pytest.mark.django_db(transaction=True)
def test_every_monitor_page_and_state_passes_axe(new_page, make_staff, settings):
    from gelijk.monitor.models import AnalysisRun
    from gelijk.monitor.services import runs
    from tests.browser.samples import _monitor_demo

    demo = _monitor_demo()
    run = demo["run"]
    # A second run (first half of the period, fast analyses) so the compare page has two runs
    # side by side instead of its "choose two runs" state.
    settings.GELIJK_MONITOR_ANALYSES = FAST
    half = runs.run_create(
        user=None,
        start=run.period_start,
        end=run.period_start + dt.timedelta(days=180),
        group=run.group,
    )
    half = runs.run_execute(half.pk)
    assert half.status == "done", half.error_message
    # The pages without ?run= keep showing the demo run (the newest finished one), whose
    # threshold test was computed.
    AnalysisRun.objects.filter(pk=half.pk).update(
        finished_at=run.finished_at - dt.timedelta(seconds=1)
    )
    page = new_page(make_staff("analist", department="beleid", team="analyse"))
    p = page.page
    paths = [
        "/monitor/",
        "/monitor/?scope=reactive",
        "/monitor/kaart/?maat=hits",
        "/monitor/kaart/?maat=rate&groep=15-24&scope=all",
        "/monitor/trends/",
        "/monitor/trends/?periode=kwartaal",
        "/monitor/uitkomstentoets/?scope=all",
        "/monitor/licht-en-donker/",
        "/monitor/drempeltoets/",
        "/monitor/bias-scan/",
        "/monitor/teams-en-handhavers/?scope=all",
        "/monitor/signalen/",
        "/monitor/wat-kan-de-monitor-zien/",
        "/monitor/vergelijken/",
        f"/monitor/vergelijken/?a={half.pk}&b={run.pk}&scope=all",
        "/monitor/methoden/",
        f"/monitor/analyses/{run.pk}/",
        f"/monitor/imports/{demo['import'].pk}/",
    ]
    from gelijk.monitor.views.methods import PAGES

    paths += [f"/monitor/methoden/{slug}/" for slug, _label in PAGES]
    failures = []
    for path in paths:
        page.goto(path)
        rendering = p.locator("[data-gelijk-vega]")
        for i in range(rendering.count()):
            p.wait_for_function(
                "el => el.hasAttribute('data-rendered')",
                arg=rendering.nth(i).element_handle(),
                timeout=20_000,
            )
            assert rendering.nth(i).get_attribute("data-rendered") == "true", path
        violations = page.axe()
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    assert not failures, "\n".join(failures)
    assert not page.console_errors, page.console_errors


@pytest.mark.django_db(transaction=True)
def test_a_failed_import_shows_an_accessible_row_report(new_page, make_staff, tmp_path):
    from gelijk.core.services.refdata import refdata_load

    refdata_load()
    page = new_page(make_staff("analist", department="beleid", team="analyse"))
    p = page.page
    bad = tmp_path / "fouten.csv"
    bad.write_text(
        "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
        "hit,age_band,sex\nA1,gisteren,WK034499,THOR,1,misschien,control,x,0,15-24,male\n"
    )
    page.goto("/monitor/imports/")
    p.get_by_label("Bestand").set_input_files(str(bad))
    p.get_by_role("button", name="Importeren").click()
    p.wait_for_load_state()
    assert "1 van de 1 regels" in p.get_by_test_id("import-error").inner_text()
    rows = p.get_by_test_id("row-errors").locator("tbody tr")
    assert rows.count() == 3
    assert "geen CBS-wijkcode van Utrecht" in p.get_by_test_id("row-errors").inner_text()
    _no_violations(page)
    page.goto("/monitor/imports/")
    p.get_by_label("Bestand").set_input_files(
        files=[{"name": "acties.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    p.get_by_role("button", name="Importeren").click()
    p.wait_for_load_state()
    assert "geen bestand dat Gelijk kan lezen" in p.locator(".gelijk-error-summary").inner_text()
    _no_violations(page)
    assert not page.console_errors, page.console_errors
