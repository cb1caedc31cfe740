"""The resident's status page: code + secret, one generic message for any mismatch,
rate-limited and audit-logged; shows public messages and outcome, never internal notes."""

from __future__ import annotations

import pytest
from django.test import Client

from gelijk.core.models import AuditEntry, ProcessingRecord
from gelijk.reporting.services import cases as svc

from .conftest import png_bytes

URL = "/melden/status/"
GENERIC = "Deze combinatie van kenmerk en geheime code kennen we niet"


@pytest.fixture
def reported(submit):
    return submit()


def test_right_code_and_secret_show_the_status(client, reported, handler):
    svc.case_note_add(reported.case, handler, "INTERN: niet voor de melder")
    svc.case_message_send(reported.case, handler, "We nemen uw melding in behandeling.")
    response = client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    assert response.status_code == 302
    body = client.get(URL).content.decode()
    assert reported.case.reference in body
    assert "We nemen uw melding in behandeling." in body
    assert "INTERN" not in body and handler.username not in body
    assert AuditEntry.objects.filter(
        action="view", object_id=str(reported.case.pk), detail__status_lookup=True
    ).exists()
    assert ProcessingRecord.objects.filter(activity="reporting_status_lookup").count() == 1


def test_code_and_secret_are_forgiving_about_spaces_and_case(client, reported):
    ref = reported.case.reference.lower().replace("-", " ")
    secret = reported.secret.lower().replace("-", "")
    assert client.post(URL, {"reference": ref, "secret": secret}).status_code == 302


@pytest.mark.parametrize("wrong", ["secret", "reference"])
def test_wrong_code_or_secret_gives_one_generic_message(client, reported, wrong):
    data = {"reference": reported.case.reference, "secret": reported.secret}
    data[wrong] = "M-AAAA-AAAA" if wrong == "reference" else "AAAA-AAAA-AAAA-AAAA"
    response = client.post(URL, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert GENERIC in body
    assert 'data-testid="public-status"' not in body
    assert AuditEntry.objects.filter(result="denied", detail__status_lookup=True).count() == 1
    assert client.get(URL).context["form"] is not None  # still not in


def test_lookup_is_rate_limited(client, reported, settings):
    settings.GELIJK_REPORTING_STATUS_RATE = "3/hour"
    for _ in range(3):
        client.post(URL, {"reference": reported.case.reference, "secret": "X"})
    response = client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    assert response.status_code == 429  # even the right secret waits
    assert AuditEntry.objects.filter(detail__reason="rate limit").exists()


def test_resident_adds_information_and_a_file(client, reported):
    client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/melden/status/aanvullen/",
        {
            "text": "Er was ook een getuige.",
            "attachments": [SimpleUploadedFile("g.png", png_bytes())],
        },
    )
    assert response.status_code == 302
    event = reported.case.events.get(kind="message_in")
    assert event.text == "Er was ook een getuige." and event.actor is None
    assert reported.case.attachments.count() == 1
    assert "Er was ook een getuige." in client.get(URL).content.decode()


def test_adding_nothing_is_a_field_error(client, reported):
    client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    response = client.post("/melden/status/aanvullen/", {"text": "  "})
    assert response.status_code == 400
    assert "text" in response.context["add_form"].errors


def test_adding_without_a_session_goes_back_to_the_lookup(reported):
    response = Client().post("/melden/status/aanvullen/", {"text": "x"})
    assert response.status_code == 302 and response.url == URL
    assert not reported.case.events.filter(kind="message_in").exists()


def test_status_shows_outcome_after_a_decision(client, reported, handler):
    from gelijk.reporting.choices import Kind

    case = reported.case
    svc.case_classify(case, handler, kind=Kind.COMPLAINT, department_code="vth")
    for target in ("acknowledged", "in_treatment", "subject_informed"):
        svc.case_transition(case, target, handler)
    svc.case_transition(
        case,
        "decision",
        handler,
        outcome="partly",
        reasons="Wij vinden de klacht deels gegrond: de uitleg ontbrak, de controle mocht wel.",
        hearing_waived="waived",
    )
    client.post(URL, {"reference": case.reference, "secret": reported.secret})
    body = client.get(URL).content.decode()
    assert "Deels gegrond" in body and "Nationale ombudsman" in body


def test_leaving_ends_the_session(client, reported):
    client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    client.post("/melden/status/afmelden/")
    assert "Kenmerk" in client.get(URL).content.decode()
    assert reported.case.reference not in client.get(URL).content.decode()


def test_every_display_of_the_status_page_is_audit_logged(client, reported):
    client.post(URL, {"reference": reported.case.reference, "secret": reported.secret})
    shown = AuditEntry.objects.filter(
        action="view", object_id=str(reported.case.pk), detail__status_page=True
    )
    assert not shown.exists()  # the look-up itself has its own entry
    for n in (1, 2, 3):  # the page after look-up and two reloads
        assert 'data-testid="public-status"' in client.get(URL).content.decode()
        assert shown.count() == n
    entry = shown.latest("position")
    assert entry.object_type == "reporting.Case" and entry.result == "success"
    assert entry.actor_id is None and entry.actor == "anoniem"
    # The page shown again after a refused addition is a display too.
    response = client.post("/melden/status/aanvullen/", {"text": ""})
    assert response.status_code == 400 and shown.count() == 4
