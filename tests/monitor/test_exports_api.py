"""Exports (CSV with suppressed cells blank, PDF, the engine's report for the analist only) and
the API for automated delivery (token, same validation, 202/400/409)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gelijk.core.models import AuditEntry
from gelijk.monitor.models import Action, DataImport
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_exports_are_suppressed_and_scoped(finished_run, client, analist, make_staff, settings):
    run = finished_run()
    settings.GELIJK_SMALL_CELL_K = 15
    response = verified_client(client, analist).get(reverse("monitor:export-csv", args=[run.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    header = rows[1]
    assert header[:5] == ["aanleiding", "maand", "wijk", "leeftijdsgroep", "acties"]
    data = rows[2:]
    values = [r[4] for r in data]
    published = [int(v) for v in values if v]
    assert all(v == 0 or v >= 15 for v in published)
    blanks = [r for r in data if not r[4]]
    assert blanks and all(r[5].startswith("onderdrukt") for r in blanks)
    grand = {r[0]: r[4] for r in data if r[1] == r[2] == r[3] == "totaal"}
    proactive = Action.objects.filter(initiative="proactive").count()
    assert grand["proactief"] == str(proactive)
    assert AuditEntry.objects.filter(action="export", detail__export="csv_counts").exists()
    # The results: no officer, and a team leader's own team only.
    client.logout()
    leader = make_staff("teamleider", department="vth", team="thor")
    response = verified_client(client, leader).get(
        reverse("monitor:export-csv", args=[run.pk]) + "?tabel=uitkomsten"
    )
    rows = _rows(response)
    measures = {r[1] for r in rows[1:]}
    assert "officer_difference" not in measures and "team_difference" in measures
    teams = {r[6] for r in rows[1:] if r[1] == "team_difference"}
    assert teams == {"THOR"}
    for pseudonym in run.officer_teams:
        assert pseudonym not in response.content.decode()
    suppressed = [r for r in rows[1:] if r[-1]]
    assert all(r[7] == "" for r in suppressed)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def test_pdf_report_from_the_export_view(finished_run, client, analist, settings):
    import datetime as dt

    from django.utils import formats

    from gelijk.monitor import present, selectors

    settings.GELIJK_SMALL_CELL_K = 10
    run = finished_run(survey_period=(dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
    response = verified_client(client, analist).get(reverse("monitor:export-pdf", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"monitor-analyse-{run.pk}.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", detail__export="pdf").exists()
    text = _pdf_text(response.content)

    # The run: its period and the imports it read (actions and survey).
    start = formats.date_format(run.period_start, "j F Y")
    end = formats.date_format(run.period_end, "j F Y")
    assert f"Analyse {run.pk}, van {start} tot en met {end}: 3.000 acties." in text
    (actions,) = run.imports.all()
    assert f"Gebruikte leveringen: {actions.file_name} (" in text
    assert f"SHA-256 {actions.sha256[:16]}" in text
    assert "De enquêtecijfers komen uit enquete.csv (rondes 1, 2; veldwerk" in text

    # Headline figures with their interval and n, as the engine stored them (proactive).
    stored = selectors.analyses(analist, run, ("population_rates",))["population_rates"]
    measure = {name: m for name, m, _title in present.HEADLINES}["population_rates"]
    ratio = present.strongest(present.pick(stored["results"], measure, "proactive"))
    assert ratio["group"] == "15-24"  # the injected disparity
    shown = present.row(ratio, "age_band")
    assert f"{shown['estimate']} (95%-interval {shown['ci']}; n = {shown['n']};" in text
    assert "mensen van 15-24 jaar kregen per inwoner" in text
    assert text.count("95%-interval") >= 4

    # Small-cell rule: one biased officer, so the count of officers with a signal is hidden.
    assert "Handhavers met een signaal: minder dan 10." in text
    assert "Aantallen onder 10 en cijfers die daarvan zijn afgeleid staan er niet in." in text
    for pseudonym in run.officer_teams:
        assert pseudonym not in text


def test_engine_report_only_for_the_analist_and_audited(finished_run, client, analist, make_staff):
    run = finished_run()
    auditor = make_staff("auditor", department="privacy", team="privacy")
    url = reverse("monitor:export-engine", args=[run.pk, "json"])
    assert verified_client(client, auditor).get(url).status_code == 403
    client.logout()
    response = verified_client(client, analist).get(url)
    report = json.loads(response.content)
    assert report["analyses"][0]["name"] == "data_quality"
    bench = next(a for a in report["analyses"] if a["name"] == "officer_benchmark")
    assert any(r["measure"] == "officer_difference" for r in bench["results"])
    html = client.get(reverse("monitor:export-engine", args=[run.pk, "html"]))
    assert html.status_code == 200 and b"<html" in html.content.lower()
    assert client.get(reverse("monitor:export-engine", args=[run.pk, "exe"])).status_code == 404
    exports = AuditEntry.objects.filter(action="export", detail__officer_results=True)
    assert exports.count() == 2


def test_downloads_of_an_unfinished_run_are_404(imported, client, analist):
    from django.utils import timezone

    from gelijk.monitor.models import AnalysisRun

    imp = imported()
    run = AnalysisRun.objects.create(
        period_start=imp.period_start,
        period_end=imp.period_end,
        group="age_band",
        trigger="manual",
        created_at=timezone.now(),
    )
    client = verified_client(client, analist)
    assert client.get(reverse("monitor:export-csv", args=[run.pk])).status_code == 404
    assert client.get(reverse("monitor:export-pdf", args=[run.pk])).status_code == 404


# --------------------------------------------------------------------------- API


@pytest.fixture
def api(analist):
    token, _ = Token.objects.get_or_create(user=analist)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_api_delivery_is_validated_like_an_upload(refdata, api, actions_file):
    path = actions_file(150)
    with path.open("rb") as fh:
        response = api.post(
            reverse("monitor:api-imports"), {"kind": "actions", "file": fh}, format="multipart"
        )
    assert response.status_code == 202
    body = response.json()
    assert body["source"] == "api" and body["status"] == "done" and body["rows_stored"] == 150
    status = api.get(body["status_url"]).json()
    assert status["sha256"] == body["sha256"]
    listed = api.get(reverse("monitor:api-imports")).json()
    assert [i["id"] for i in listed] == [body["id"]]


def test_api_takes_the_fieldwork_period_of_a_survey(refdata, api, survey_file):
    url = reverse("monitor:api-imports")
    with survey_file().open("rb") as fh:
        half = api.post(
            url,
            {"kind": "survey", "file": fh, "survey_period_start": "2025-03-01"},
            format="multipart",
        )
    assert half.status_code == 400
    assert "zowel het begin als het einde van het veldwerk" in json.dumps(
        half.json(), ensure_ascii=False
    )
    with survey_file().open("rb") as fh:
        reversed_ = api.post(
            url,
            {
                "kind": "survey",
                "file": fh,
                "survey_period_start": "2025-03-01",
                "survey_period_end": "2025-02-01",
            },
            format="multipart",
        )
    assert reversed_.status_code == 400
    assert "ligt voor de begindatum" in reversed_.json()["detail"]
    assert not DataImport.objects.exists()
    with survey_file().open("rb") as fh:
        done = api.post(
            url,
            {
                "kind": "survey",
                "file": fh,
                "survey_period_start": "2025-02-01",
                "survey_period_end": "2025-03-15",
            },
            format="multipart",
        )
    assert done.status_code == 202
    body = done.json()
    assert (body["period_start"], body["period_end"]) == ("2025-02-01", "2025-03-15")


def test_api_reports_invalid_rows_and_wrong_types(refdata, api, tmp_path):
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
        "hit,age_band,sex\nA1,nu,WK034401,THOR,1,proactive,control,x,0,15-24,male\n"
    )
    with bad.open("rb") as fh:
        response = api.post(
            reverse("monitor:api-imports"), {"kind": "actions", "file": fh}, format="multipart"
        )
    assert response.status_code == 202
    failed = response.json()
    assert failed["status"] == "failed"
    assert failed["error_report"]["rows"][0]["column"] == "occurred_at"
    docx = io.BytesIO(b"PK\x03\x04")
    docx.name = "acties.docx"
    response = api.post(
        reverse("monitor:api-imports"), {"kind": "actions", "file": docx}, format="multipart"
    )
    assert response.status_code == 400 and "geen bestand dat Gelijk" in response.json()["detail"]
    response = api.post(
        reverse("monitor:api-imports"), {"kind": "boetes", "file": io.BytesIO(b"x")}
    )
    assert response.status_code == 400


def test_api_answers_409_while_an_import_runs(refdata, api, actions_file):
    from django.utils import timezone

    DataImport.objects.create(
        kind="actions",
        source="api",
        file_name="bezig.csv",
        file_format="csv",
        sha256="4" * 64,
        created_at=timezone.now(),
        heartbeat_at=timezone.now(),
        status="running",
    )
    with actions_file(20).open("rb") as fh:
        response = api.post(
            reverse("monitor:api-imports"), {"kind": "actions", "file": fh}, format="multipart"
        )
    assert response.status_code == 409 and "bezig.csv" in response.json()["detail"]


def test_api_needs_the_import_permission(refdata, make_staff):
    leader = make_staff("teamleider", department="vth", team="thor")
    token, _ = Token.objects.get_or_create(user=leader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("monitor:api-imports")).status_code == 403
    assert APIClient().get(reverse("monitor:api-imports")).status_code in (401, 403)


def test_api_is_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema") + "?format=json")
    paths = json.loads(response.content)["paths"]
    assert "/api/monitor/imports/" in paths and "post" in paths["/api/monitor/imports/"]
    assert "/api/monitor/imports/{id}/" in paths
