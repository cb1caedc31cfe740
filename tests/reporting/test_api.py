"""REST API: the throttled, idempotent public submit endpoint and the staff endpoints."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client

from gelijk.reporting.models import Case
from tests.conftest import verified_client


def payload(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "description": "Bij de markt werd alleen ik gecontroleerd.",
        "occurred_on": (date.today() - timedelta(days=1)).isoformat(),
        "service": "thbo",
        "contact_kinds": ["stopped"],
    }
    data.update(overrides)
    return data


def post(client, data):
    return client.post("/api/meldingen/", data=json.dumps(data), content_type="application/json")


@pytest.fixture
def api(db):
    return Client(enforce_csrf_checks=True)  # the public endpoint needs no CSRF token


def test_submit_is_idempotent_per_key(api):
    data = payload()
    first = post(api, data)
    assert first.status_code == 201
    body = first.json()
    assert body["secret"] and not body["duplicate"] and "ontvangen" in body["receipt"]
    again = post(api, data)
    assert again.status_code == 200
    assert again.json() == {**body, "secret": None, "duplicate": True}
    assert Case.objects.count() == 1 and Case.objects.get().channel == "api"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_on": (date.today() + timedelta(days=3)).isoformat()}, "occurred_on"),
        ({"description": "x" * 5001}, "description"),
        ({"grounds": ["origin"]}, "consent_sensitive"),
        ({"service": "politie"}, "service"),
        ({"submission_key": "geen-uuid"}, "submission_key"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, overrides, field):
    response = post(api, payload(**overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert Case.objects.count() == 0


def test_submit_is_throttled(api, settings):
    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/minute"
    assert post(api, payload()).status_code == 201
    assert post(api, payload()).status_code == 201
    assert post(api, payload()).status_code == 429


def test_staff_endpoints_need_login_and_second_factor(submit, handler, client):
    case = submit().case
    assert client.get("/api/meldingen/zaken/").status_code == 403
    client.force_login(handler)  # password only
    assert client.get("/api/meldingen/zaken/").status_code == 403
    verified_client(client, handler)
    listed = client.get("/api/meldingen/zaken/").json()
    assert [c["reference"] for c in listed["results"]] == [case.reference]
    detail = client.get(f"/api/meldingen/zaken/{case.reference}/").json()
    assert detail["description"] == case.description and detail["status"] == "received"
    history = client.get(f"/api/meldingen/zaken/{case.reference}/geschiedenis/").json()
    assert [e["to_state"] for e in history] == ["received"]


def test_transition_over_the_api(submit, handler, client):
    case = submit().case
    verified_client(client, handler)
    url = f"/api/meldingen/zaken/{case.reference}/overgang/"
    bad = client.post(url, data=json.dumps({"target": "closed"}), content_type="application/json")
    assert bad.status_code == 400 and "target" in bad.json()
    ok = client.post(
        url, data=json.dumps({"target": "in_treatment"}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "in_treatment"
    missing = client.post(
        url, data=json.dumps({"target": "followed_up"}), content_type="application/json"
    )
    assert missing.status_code == 400 and "text" in missing.json()


def test_schema_documents_the_endpoints(db, client):
    schema = client.get("/api/schema/?format=json").json()
    submit_op = schema["paths"]["/api/meldingen/"]["post"]
    assert submit_op["summary"] == "Submit a report (public)"
    assert "submission_key" in json.dumps(schema["components"])
    assert "/api/meldingen/zaken/{reference}/overgang/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "Submit a report (public)" in docs


def test_a_melding_outcome_is_refused_for_a_complaint_decision(submit, handler, client):
    """The API takes any text as outcome; the service refuses one that is no judgement, so
    no decision letter with 'Opgevolgd (melding)' can be sent."""
    from gelijk.reporting.services import cases as svc

    case = submit().case
    svc.case_classify(case, handler, kind="complaint", department_code="vth")
    for target in ("acknowledged", "in_treatment", "subject_informed", "hearing"):
        svc.case_transition(case, target, handler)
    svc.case_transition(case, "hearing_report", handler, text="Verslag.")
    verified_client(client, handler)
    url = f"/api/meldingen/zaken/{case.reference}/overgang/"
    reasons = "Wij hebben de beelden bekeken en beide kanten gehoord; de controle was fout."
    response = client.post(
        url,
        data=json.dumps({"target": "decision", "outcome": "followed_up", "reasons": reasons}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "gegrond, deels gegrond, ongegrond of geen oordeel" in response.json()["outcome"][0]
    case.refresh_from_db()
    assert case.status == "hearing_report" and not case.events.filter(to_state="decision")
