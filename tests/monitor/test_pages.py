"""Pages: who may see what, the figures shown with interval and n, small cells hidden, the
team rule of the internal benchmark, forms with Dutch messages, progress pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gelijk.core.models import AuditEntry
from gelijk.monitor.models import DataImport
from tests.conftest import verified_client
from tests.monitor.conftest import upload

pytestmark = pytest.mark.django_db

DASHBOARDS = [
    "overview",
    "map",
    "trends",
    "outcome",
    "darkness",
    "threshold",
    "scan",
    "benchmark",
    "signals",
    "detect",
    "compare",
    "methods",
    "imports",
    "runs",
]


def _island(html: str, island: str) -> dict:
    m = re.search(rf'<script id="{island}" type="application/json">(.*?)</script>', html, re.S)
    assert m, f"no data island {island}"
    return json.loads(m.group(1))


@pytest.mark.parametrize(
    ("role", "department", "team", "allowed"),
    [
        ("analist", "beleid", "analyse", True),
        ("beheerder", "beleid", None, True),
        ("teamleider", "vth", "thor", True),
        ("privacy-officer", "privacy", "privacy", True),
        ("auditor", "privacy", "privacy", True),
        ("handhaver", "vth", "thor", False),
        ("klachtbehandelaar", "klachten", "klachten", False),
        ("algoritme-eigenaar", "beleid", "analyse", False),
    ],
)
def test_dashboard_access_per_role(staff_client, role, department, team, allowed):
    client = staff_client(role, department=department, team=team)
    for name in DASHBOARDS:
        response = client.get(reverse(f"monitor:{name}"))
        assert response.status_code == (200 if allowed else 403), (role, name)


def test_login_and_second_factor_are_required(client, make_staff):
    response = client.get(reverse("monitor:overview"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
    user = make_staff("analist", department="beleid")
    client.force_login(user)
    response = client.get(reverse("monitor:overview"))
    assert response.status_code == 302 and reverse("core:login-verify") in response["Location"]


def test_overview_without_a_run_says_what_to_do(staff_client):
    body = staff_client("analist", department="beleid").get(reverse("monitor:overview"))
    assert "nog geen afgeronde analyse" in body.content.decode()


def test_overview_shows_the_injected_disparity_with_interval_and_n(finished_run, client, analist):
    run = finished_run()
    body = verified_client(client, analist).get(reverse("monitor:overview")).content.decode()
    assert f"{run.n_actions:,}".replace(",", ".") in body
    assert "mensen van 15-24 jaar kregen per inwoner" in body
    cards = body.split('data-testid="headlines"')[1].split("</ul>")[0]
    first = cards.split("</li>")[0]
    assert "Acties per inwoner" in first and "95%-interval" in first and "n = " in first
    assert "Signaal" in first
    forest = _island(body, "forest-spec")
    labels = [v["label"] for v in forest["data"]["values"]]
    assert any("15-24" in label for label in labels)
    assert "signals-table" in body


def test_team_leader_sees_only_their_own_team_and_no_officers(finished_run, client, make_staff):
    run = finished_run()
    leader = make_staff("teamleider", department="vth", team="thbo")
    response = verified_client(client, leader).get(reverse("monitor:benchmark"))
    body = response.content.decode()
    assert response.status_code == 200
    rows = response.context["team_rows"]
    assert rows and {r["unit"] for r in rows} == {"THBO"}
    assert response.context["officers"] is None
    assert "officer-table" not in body
    for pseudonym in run.officer_teams:
        assert pseudonym not in body
    assert "team THOR" not in body
    # A team leader whose profile names no team sees no team at all.
    client.logout()
    lost = make_staff("teamleider", department="vth")
    response = verified_client(client, lost).get(reverse("monitor:benchmark"))
    assert response.context["no_team"] and not response.context["team_rows"]


def test_team_leader_sees_no_other_team_in_signals_pdf_or_csv(finished_run, client, make_staff):
    # Every read of the benchmark goes through selectors.analyses, so the team rule holds on the
    # overview's signal list, the PDF and the CSV too, not only on the benchmark page. THOR's
    # team result is made a signal here so that it would be listed if the rule leaked.
    from pypdf import PdfReader

    from gelijk.monitor.models import RunAnalysis

    run = finished_run()
    bench = RunAnalysis.objects.get(run=run, name="officer_benchmark")
    payload = bench.payload_light
    thor = [
        r for r in payload["results"] if r["measure"] == "team_difference" and r["unit"] == "THOR"
    ]
    assert thor
    for r in thor:
        r.update(p_value=1e-6, q_value=1e-5)
    bench.payload_light = payload
    bench.save(update_fields=["payload_light"])

    def thor_rows(rows):
        return [r for r in rows if r.get("unit") == "THOR"]

    analist = make_staff("analist", department="beleid", team="analyse")
    verified_client(client, analist)
    assert thor_rows(client.get(reverse("monitor:overview")).context["signals"])
    client.logout()

    leader = make_staff("teamleider", department="vth", team="thbo")
    verified_client(client, leader)
    overview = client.get(reverse("monitor:overview"))
    assert overview.status_code == 200
    assert not thor_rows(overview.context["signals"])
    assert "team THOR" not in overview.content.decode()
    pdf = client.get(reverse("monitor:export-pdf", args=[run.pk]))
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "THBO" in text and "THOR" not in text
    results = client.get(reverse("monitor:export-csv", args=[run.pk]) + "?tabel=uitkomsten")
    body = results.content.decode("utf-8-sig")
    assert "THBO" in body and "THOR" not in body


def test_analist_sees_officers_and_every_view_is_audited(finished_run, client, analist):
    run = finished_run()
    verified_client(client, analist)
    before = AuditEntry.objects.filter(action="view", detail__officer_results=True).count()
    response = client.get(reverse("monitor:benchmark") + "?groep=15-24")
    officers = response.context["officers"]
    assert officers and all(o["unit"] in run.officer_teams for o in officers)
    assert {o["team"] for o in officers} <= {"THOR", "THBO"}
    assert {r["unit"] for r in response.context["team_rows"]} == {"THOR", "THBO"}
    after = AuditEntry.objects.filter(action="view", detail__officer_results=True).count()
    assert after == before + 1
    # The biased officer (three times the selection of 15-24) tops the list with a signal.
    assert officers[0]["signal"]


def test_officer_selector_refuses_and_logs_without_the_permission(imported, make_staff):
    from django.core.exceptions import PermissionDenied

    from gelijk.monitor import selectors
    from gelijk.monitor.models import AnalysisRun

    imp = imported()
    run = AnalysisRun.objects.create(
        period_start=imp.period_start,
        period_end=imp.period_end,
        group="age_band",
        trigger="manual",
        created_at=timezone.now(),
        status="done",
        busy=None,
    )
    auditor = make_staff("auditor", department="privacy", team="privacy")
    with pytest.raises(PermissionDenied):
        selectors.officer_results(auditor, run)
    assert AuditEntry.objects.filter(
        action="access_denied", detail__permission="monitor.view_officer_results"
    ).exists()


def test_small_cells_are_never_shown_in_the_trend_table(finished_run, client, analist, settings):
    finished_run()
    settings.GELIJK_SMALL_CELL_K = 25
    verified_client(client, analist)
    response = client.get(reverse("monitor:trends") + "?scope=all")
    table = response.context["table"]
    published = [c["n"] for r in table["rows"] for c in r["cells"] if c["n"] is not None]
    assert published and all(n == 0 or n >= 25 for n in published)
    assert any(c["n"] is None for r in table["rows"] for c in r["cells"])
    assert all(t is None or t == 0 or t >= 25 for t in table["column_totals"])
    quarters = client.get(reverse("monitor:trends") + "?periode=kwartaal")
    assert [r["label"] for r in quarters.context["table"]["rows"]] == [
        "2025 K1",
        "2025 K2",
        "2025 K3",
        "2025 K4",
    ]


def test_dashboard_pages_show_their_results(finished_run, client, analist):
    finished_run()
    verified_client(client, analist)
    outcome = client.get(reverse("monitor:outcome"))
    assert outcome.context["pooled"] and outcome.context["comparisons"]
    assert "Vondstpercentage per wijk" in outcome.content.decode()
    dark = client.get(reverse("monitor:darkness"))
    assert dark.context["rows"]
    # 3,000 actions leave most half-hour cells below k: those are dropped, never shown.
    assert all(r["n"] >= 10 for r in dark.context["by_time"])
    if not dark.context["by_time"]:
        assert "Geen cijfers per kloktijd" in dark.content.decode()
    scan = client.get(reverse("monitor:scan"))
    assert len(scan.context["clusters"]) == 3
    assert any(c["features"] for c in scan.context["clusters"])
    detect = client.get(reverse("monitor:detect"))
    assert "met 80% kans" in detect.content.decode()
    threshold = client.get(reverse("monitor:threshold"))
    assert "niet" in threshold.content.decode()  # not part of the fast test runs: says so
    response = client.get(reverse("monitor:map"))
    assert len(response.context["table"]) == 10
    spec = _island(response.content.decode(), "map-spec")
    shapes = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "geoshape"]
    assert sum(len(layer["data"]["values"]) for layer in shapes) == 10
    ratio = client.get(reverse("monitor:map") + "?maat=ratio&groep=15-24&scope=proactive")
    assert ratio.context["measure"] == "ratio" and ratio.context["level"] == "15-24"
    shown = [w for w in ratio.context["table"] if not w.get("suppressed") and w["value"]]
    assert shown and all(" tot " in w["ci"] for w in shown)
    hits = client.get(reverse("monitor:map") + "?maat=hits")
    assert hits.context["measure"] == "hits"


@pytest.mark.parametrize(
    ("language", "caption"),
    [
        ("nl", "Vondstpercentage per groep, heel Utrecht, met 95%-interval."),
        ("en", "Hit rate per group, all of Utrecht, with 95% interval."),
    ],
)
def test_chart_captions_show_one_percent_sign_in_both_languages(
    finished_run, client, analist, settings, language, caption
):
    # A caption with a percent sign passed as _("…") inside a template tag is looked up with the
    # sign doubled and was shown untranslated as "95%%"; {% translate … as %} is right.
    finished_run()
    verified_client(client, analist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = ["monitor:outcome", "monitor:trends", "monitor:benchmark"]
    bodies = [client.get(reverse(name)).content.decode() for name in pages]
    assert caption in bodies[0]
    assert not any("%%" in body for body in bodies)


def test_combined_view_brings_reports_and_survey_together(
    imported, actions_file, analist, client, survey_file
):
    from gelijk.monitor.services.imports import import_start
    from gelijk.monitor.services.runs import run_request
    from gelijk.reporting.services.cases import Submission, case_submit

    today = timezone.localdate()
    start = today.replace(day=1) - dt.timedelta(days=59)
    imp = imported(actions_file(1500, seed=5, start=start, days=(today - start).days + 1))
    import_start(user=analist, kind="survey", upload=upload(survey_file()))
    import uuid

    for _ in range(12):
        case_submit(
            Submission(
                description="Ik werd zonder reden gecontroleerd.",
                occurred_on=today,
                service="thor",
                contact_kinds=["stopped"],
                grounds=["origin"],
                consents={"sensitive": True},
            ),
            submission_key=uuid.uuid4(),
            notify_reporter=False,
        )
    run = run_request(user=analist, start=imp.period_start, end=imp.period_end, group="age_band")
    assert run.status == "done", run.error_message
    response = verified_client(client, analist).get(reverse("monitor:signals"))
    combined = response.context["combined"]
    this_month = today.strftime("%Y-%m")
    assert {c["label"]: c["reports"] for c in combined}.get(this_month) == 12
    assert response.context["survey_rows"]
    assert all(c["actions"] is None or c["actions"] >= 10 for c in combined)


def test_compare_two_runs(imported, actions_file, analist, client):
    from gelijk.monitor.services.runs import run_request

    imp = imported(actions_file(2000, seed=6, stop_rate_ratio=2.0))
    first = run_request(
        user=analist, start=imp.period_start, end=dt.date(2025, 6, 30), group="age_band"
    )
    second = run_request(
        user=analist, start=dt.date(2025, 7, 1), end=imp.period_end, group="age_band"
    )
    verified_client(client, analist)
    response = client.get(reverse("monitor:compare") + f"?a={first.pk}&b={second.pk}")
    rows = response.context["rows"]
    assert rows and any(r["a"] and r["b"] for r in rows)
    assert response.context["same_group"]


def test_run_page_names_its_imports_and_a_partial_period(imported, actions_file, analist, client):
    from gelijk.monitor.services.runs import run_request

    imp = imported(actions_file(800, seed=2, start=dt.date(2025, 3, 1), days=90))
    run = run_request(
        user=analist, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), group="age_band"
    )
    body = verified_client(client, analist).get(reverse("monitor:run", args=[run.pk]))
    text = body.content.decode()
    assert imp.file_name in text and "één levering" in text
    assert 'data-testid="partial-period"' in text
    assert "hx-get" not in text  # finished: no polling


def test_upload_form_imports_and_redirects_to_progress(refdata, analist, client, actions_file):
    path = actions_file(200)
    verified_client(client, analist)
    with path.open("rb") as fh:
        response = client.post(reverse("monitor:imports"), {"kind": "actions", "file": fh})
    imp = DataImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "monitor:import", args=[imp.pk]
    )
    body = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-done"' in body and "200 regels" in body


def test_upload_form_shows_a_dutch_error_for_a_wrong_type(refdata, analist, client):
    verified_client(client, analist)
    fake = io.BytesIO(b"%PDF-1.4 nonsense")
    fake.name = "acties.pdf"
    response = client.post(reverse("monitor:imports"), {"kind": "actions", "file": fake})
    assert response.status_code == 400
    assert "geen bestand dat Gelijk kan lezen" in response.content.decode()
    assert not DataImport.objects.exists()


def test_failed_import_page_shows_the_row_table(imported, client, analist, tmp_path):
    path = tmp_path / "kapot.csv"
    path.write_text(
        "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
        "hit,age_band,sex\nA1,2025-01-01T10:00:00+01:00,WK034499,THOR,1,proactive,control,"
        "x,0,15-24,male\n"
    )
    imp = imported(path)
    body = verified_client(client, analist).get(reverse("monitor:import", args=[imp.pk]))
    text = body.content.decode()
    assert 'data-testid="row-errors"' in text and "WK034499" in text
    assert "geen CBS-wijkcode van Utrecht" in text


def test_progress_page_polls_while_queued(refdata, analist, client, actions_file):
    from gelijk.monitor.services.imports import import_start

    imp = import_start(user=analist, kind="actions", upload=upload(actions_file(50)), enqueue=False)
    text = (
        verified_client(client, analist)
        .get(reverse("monitor:import", args=[imp.pk]))
        .content.decode()
    )
    assert 'hx-get="' in text and 'hx-trigger="every 2s"' in text
    assert "Vernieuw de pagina" in text and "htmx.min.js" in text
    assert "<script>" not in text  # no inline script under the CSP


def test_run_form_refuses_a_period_without_data(imported, analist, client):
    imported()
    response = verified_client(client, analist).post(
        reverse("monitor:runs"),
        {"start": "2022-01-01", "end": "2022-12-31", "group": "age_band", "reference": ""},
    )
    assert response.status_code == 400
    assert "geen handhavingsacties" in response.content.decode()


def test_run_form_starts_a_run(imported, analist, client):
    imp = imported()
    response = verified_client(client, analist).post(
        reverse("monitor:runs"),
        {
            "start": imp.period_start.isoformat(),
            "end": imp.period_end.isoformat(),
            "group": "age_band",
            "reference": "25-44",
        },
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Naar de uitkomsten van deze analyse" in body


def test_team_leader_cannot_start_or_import(staff_client):
    client = staff_client("teamleider", department="vth", team="thor")
    assert client.post(reverse("monitor:runs"), {}).status_code == 403
    assert client.post(reverse("monitor:imports"), {}).status_code == 403
    body = client.get(reverse("monitor:imports")).content.decode()
    assert "Alleen de analist kan gegevens importeren" in body


@pytest.mark.parametrize(
    "slug",
    [
        "werkwijze",
        "acties-per-inwoner",
        "vervolg",
        "uitkomstentoets",
        "licht-en-donker",
        "poissonmodel",
        "teams-en-handhavers",
        "drempeltoets",
        "bias-scan",
        "enquete",
        "kanttekeningen",
    ],
)
def test_method_pages(staff_client, slug):
    response = staff_client("auditor", department="privacy").get(
        reverse("monitor:method", args=[slug])
    )
    assert response.status_code == 200


def test_unknown_method_page_is_404(staff_client):
    client = staff_client("analist", department="beleid")
    assert client.get(reverse("monitor:method", args=["geheim"])).status_code == 404


def test_caveats_page_explains_the_ecological_fallacy_and_visitors(staff_client):
    body = (
        staff_client("analist", department="beleid")
        .get(reverse("monitor:method", args=["kanttekeningen"]))
        .content.decode()
    )
    assert "ecologische fout" in body and "Binnenstad" in body and "vondstpercentage" in body


def _header(body: str) -> str:
    m = re.search(r'<p[^>]*data-testid="run-header"[^>]*>(.*?)</p>', body, re.S)
    assert m, "no run header"
    # Lower case: month abbreviations are capitalised or not depending on the locale data.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).lower()


def test_run_header_names_the_survey_and_says_when_it_is_older(finished_run, client, analist):
    # The run covers 2025; the only survey is of 2024, so the header must say it is older.
    run = finished_run(survey_period=(dt.date(2024, 2, 1), dt.date(2024, 11, 30)))
    survey = run.survey_import
    assert survey is not None and survey.period_end == dt.date(2024, 11, 30)
    client = verified_client(client, analist)
    for name in ("monitor:overview", "monitor:signals"):
        body = client.get(reverse(name), {"run": run.pk}).content.decode()
        header = _header(body)
        assert "de enquêtecijfers komen uit enquete.csv (rondes 1, 2; veldwerk 1 feb 2024" in (
            header
        ), name
        assert "30 nov 2024)" in header, name
        assert "er is geen enquête uit de periode van deze analyse" in header, name
        assert reverse("monitor:import", args=[survey.pk]) in body
    run_page = client.get(reverse("monitor:run", args=[run.pk])).content.decode()
    assert "veldwerk 1 feb 2024" in run_page.lower()


def test_run_header_names_a_survey_of_the_same_period_without_a_warning(
    finished_run, client, analist
):
    run = finished_run(survey_period=(dt.date(2025, 4, 1), dt.date(2025, 6, 30)))
    client = verified_client(client, analist)
    for name in ("monitor:overview", "monitor:signals"):
        header = _header(client.get(reverse(name), {"run": run.pk}).content.decode())
        assert "enquete.csv (rondes 1, 2; veldwerk 1 apr 2025 – 30 jun 2025)." in header, name
        assert "er is geen enquête" not in header, name


def test_survey_upload_asks_for_the_fieldwork_period(client, analist, survey_file, refdata):
    client = verified_client(client, analist)
    with survey_file().open("rb") as fh:
        response = client.post(reverse("monitor:imports"), {"kind": "survey", "file": fh})
    assert response.status_code == 400
    assert "Vul in op welke dag het veldwerk van de enquête begon." in response.content.decode()
    assert not DataImport.objects.exists()
    with survey_file().open("rb") as fh:
        response = client.post(
            reverse("monitor:imports"),
            {
                "kind": "survey",
                "file": fh,
                "survey_start": "2025-03-01",
                "survey_end": "2025-02-01",
            },
        )
    assert response.status_code == 400
    assert "De einddatum van het veldwerk ligt voor de begindatum." in response.content.decode()
    with survey_file().open("rb") as fh:
        response = client.post(
            reverse("monitor:imports"),
            {
                "kind": "survey",
                "file": fh,
                "survey_start": "2025-02-01",
                "survey_end": "2025-03-15",
            },
        )
    assert response.status_code == 302
    imp = DataImport.objects.get()
    assert (imp.period_start, imp.period_end) == (dt.date(2025, 2, 1), dt.date(2025, 3, 15))


def _table_rows(body: str, table_id: str) -> list[list[str]]:
    m = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', body, re.S)
    assert m, f"no table {table_id}"
    tbody = m.group(1).split("<tbody", 1)[1]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S)
        )
    ]


def test_threshold_page_shows_the_engines_averages_differences_and_chart(
    imported, actions_file, analist, client, settings, monitor_fast_sampler
):
    from gelijk.monitor import present
    from gelijk.monitor.models import RunAnalysis
    from gelijk.monitor.services.runs import run_request

    settings.GELIJK_MONITOR_ANALYSES = ["data_quality", "threshold_test"]
    imp = imported(actions_file(1500, seed=12, stop_rate_ratio=2.0))
    run = run_request(
        user=analist,
        start=imp.period_start,
        end=imp.period_end,
        group="age_band",
        reference="25-44",
    )
    assert run.status == "done", run.error_message
    stored = RunAnalysis.objects.get(run=run, name="threshold_test").payload
    assert stored["status"] == "ok", stored.get("summary")
    body = verified_client(client, analist).get(reverse("monitor:threshold")).content.decode()

    def expected(measure: str) -> list[dict]:
        return [
            r for r in stored["results"] if r["measure"] == measure and r["scope"] == "proactive"
        ]

    averages, differences = expected("threshold_average"), expected("threshold_difference")
    assert averages and differences
    for table_id, results in (
        ("threshold-averages", averages),
        ("threshold-differences", differences),
    ):
        shown = {cells[0]: cells for cells in _table_rows(body, table_id)}
        assert len(shown) == len(results), table_id
        for r in results:
            cells = shown[present.label("age_band", r["group"]).strip()]
            if r.get("suppressed"):
                assert "niet getoond" in cells[1], (table_id, r["group"])
                continue
            ci = f"{present.fmt(r, r['ci_low'])} tot {present.fmt(r, r['ci_high'])}"
            assert cells[1:4] == [present.fmt(r, r["estimate"]), ci, present.nl.num(r["n"], 0)]
    # The differences are against the reference group the run asked for.
    assert {r["reference"] for r in differences} == {"25-44"}
    assert "25-44" not in {r["group"] for r in differences}
    spec = _island(body, "threshold-spec")
    points = {v["label"]: v for v in spec["data"]["values"]}
    shown_averages = [r for r in averages if not r.get("suppressed")]
    assert len(points) == len(shown_averages)
    for r in shown_averages:
        point = points[present.label("age_band", r["group"])]
        assert (point["estimate"], point["low"], point["high"]) == (
            r["estimate"],
            r["ci_low"],
            r["ci_high"],
        )


def test_import_history_shows_who_when_rows_and_checksum(
    imported, actions_file, analist, client, make_staff, survey_file
):
    from django.utils.formats import date_format

    from gelijk.monitor.services.imports import import_start

    actions = imported(actions_file(1234, seed=4, name="levering-maart.csv"))
    survey = import_start(
        user=analist,
        kind="survey",
        upload=upload(survey_file(250, name="enquete-2025.csv")),
        survey_period=(dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    )
    assert actions.status == survey.status == "done"
    # Read-only history for a team leader too: the same columns, the same figures.
    leader = make_staff("teamleider", department="vth", team="thor")
    body = verified_client(client, leader).get(reverse("monitor:imports")).content.decode()
    rows = {cells[1]: cells for cells in _table_rows(body, "import-history")}
    assert set(rows) == {"levering-maart.csv", "enquete-2025.csv"}
    uploader = analist.get_full_name() or analist.username
    for imp, n in ((actions, "1.234"), (survey, "500")):  # two waves of 250
        when, _name, kind, who, stored, _period, checksum, status = rows[imp.file_name]
        assert when == date_format(timezone.localtime(imp.created_at), "j M Y H:i")
        assert who == f"{uploader} (upload in de backoffice)"
        assert stored == n
        assert checksum == f"{imp.sha256[:12]}…"
        assert f'title="{imp.sha256}"' in body
        assert status == "klaar"
    assert rows["levering-maart.csv"][2] == "handhavingsacties"
    assert rows["enquete-2025.csv"][2] == "ervaringsenquête"
    assert rows["enquete-2025.csv"][5].lower() == "1 jan 2025 – 30 jun 2025"
