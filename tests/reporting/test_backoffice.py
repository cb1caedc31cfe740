"""Back-office pages: intake, the whole flow through the forms, errors as 400 with the
message on the field, staff registration of phone/letter/referral reports, exports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gelijk.core.models import AuditEntry
from gelijk.reporting.models import Case
from tests.conftest import verified_client


@pytest.fixture
def office(client, handler):
    verified_client(client, handler)
    return client


def act(client, case, action, data):
    return client.post(reverse("reporting:case-action", args=[case.reference, action]), data)


def test_detail_view_is_audit_logged(office, submit):
    case = submit().case
    response = office.get(reverse("reporting:case-detail", args=[case.reference]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="view", object_id=str(case.pk)).exists()


def test_whole_complaint_flow_through_the_forms(office, submit):
    case = submit().case
    assert (
        act(
            office, case, "intake", {"intake-kind": "complaint", "intake-department_code": "vth"}
        ).status_code
        == 302
    )
    for target in ("acknowledged", "in_treatment", "subject_informed", "hearing"):
        response = act(office, case, "transition", {"target": target})
        assert response.status_code == 302, target
    response = act(
        office,
        case,
        "transition",
        {"target": "hearing_report", "t-hearing_report-text": "Verslag."},
    )
    assert response.status_code == 302
    response = act(
        office,
        case,
        "transition",
        {"target": "decision", "t-decision-outcome": "unfounded", "t-decision-reasons": "te kort"},
    )
    assert response.status_code == 400
    form = next(f for t, f in response.context["forms"]["transitions"] if t.target == "decision")
    assert "motivering" in " ".join(form.errors["reasons"])
    assert 'aria-invalid="true"' in response.content.decode()
    reasons = "Wij hebben de beelden bekeken en beide kanten gehoord. De controle had een reden."
    response = act(
        office,
        case,
        "transition",
        {"target": "decision", "t-decision-outcome": "unfounded", "t-decision-reasons": reasons},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "decision" and case.outcome == "unfounded"


def test_decision_form_refuses_a_founded_outcome_after_skipping_as_unfounded(office, submit):
    case = submit().case
    act(office, case, "intake", {"intake-kind": "complaint", "intake-department_code": "vth"})
    for target in ("acknowledged", "in_treatment", "subject_informed"):
        assert act(office, case, "transition", {"target": target}).status_code == 302
    reasons = "Wij hebben de beelden bekeken en de stukken gelezen. De controle was fout."
    data = {
        "target": "decision",
        "t-decision-reasons": reasons,
        "t-decision-hearing_waived": "unfounded",
    }
    response = act(office, case, "transition", {**data, "t-decision-outcome": "founded"})
    assert response.status_code == 400
    form = next(f for t, f in response.context["forms"]["transitions"] if t.target == "decision")
    assert "kennelijk ongegrond" in " ".join(form.errors["outcome"])
    response = act(office, case, "transition", {**data, "t-decision-outcome": "followed_up"})
    assert response.status_code == 400
    form = next(f for t, f in response.context["forms"]["transitions"] if t.target == "decision")
    assert "geen oordeel" in " ".join(form.errors["outcome"])
    case.refresh_from_db()
    assert case.status == "subject_informed" and case.outcome == ""
    response = act(office, case, "transition", {**data, "t-decision-outcome": "unfounded"})
    assert response.status_code == 302


def test_illegal_transition_is_a_400_with_a_message(office, submit):
    case = submit().case
    response = act(office, case, "transition", {"target": "closed"})
    assert response.status_code == 400
    assert "kan niet bij een melding" in response.content.decode()
    response = act(office, case, "transition", {"target": "bestaat-niet"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "received"


def test_extension_form_errors_and_success(office, submit):
    case = submit(
        name="A", email="a@example.org", consents={"contact": True}, requested_complaint=True
    ).case
    act(office, case, "intake", {"intake-kind": "complaint", "intake-department_code": "vth"})
    response = act(office, case, "extend", {"extend-weeks": "4", "extend-notice": ""})
    assert response.status_code == 400
    assert (
        act(
            office, case, "extend", {"extend-weeks": "4", "extend-notice": "Getuige afwezig."}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.extension_weeks == 4


def test_assign_message_note_and_tags(office, submit, handler):
    case = submit().case
    assert act(office, case, "assign", {"assign-handler": str(handler.pk)}).status_code == 302
    assert act(office, case, "message", {"message-text": "Wij bellen u."}).status_code == 302
    assert act(office, case, "note", {"note-text": "Intern."}).status_code == 302
    assert (
        act(office, case, "tags", {"tags-team": "thor", "tags-themes": ["selection"]}).status_code
        == 302
    )
    assert act(office, case, "message", {"message-text": ""}).status_code == 400
    case.refresh_from_db()
    assert case.handler == handler and case.tag_themes == ["selection"]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("message_out") == 1 and "note" in kinds and "tagged" in kinds


def test_staff_register_a_phone_report(office):
    response = office.post(
        reverse("reporting:case-new"),
        {
            "channel": "phone",
            "kind": "complaint",
            "received_on": (date.today() - timedelta(days=3)).isoformat(),
            "description": "Mevrouw belde: haar zoon werd gefouilleerd zonder uitleg.",
            "occurred_on": (date.today() - timedelta(days=5)).isoformat(),
            "service": "thor",
            "name": "Mevrouw B.",
            "phone": "06-12345678",
            "consent_contact": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "phone" and case.kind == "complaint" and case.submission_key is None
    assert (date.today() - case.received_at.date()).days == 3
    detail = office.get(response.url).content.decode()
    assert case.reference in detail and "geheime code" in detail


def test_staff_registration_refuses_web_channel_and_future_dates(office):
    response = office.post(
        reverse("reporting:case-new"),
        {
            "channel": "web",
            "kind": "melding",
            "description": "x",
            "occurred_on": (date.today() + timedelta(days=5)).isoformat(),
            "service": "thor",
        },
    )
    assert response.status_code == 400
    assert "channel" in response.context["form"].errors
    assert not Case.objects.exists()


def test_csv_export_has_no_special_category_data(office, submit):
    case = submit(
        description="Geheim verhaal", grounds=["religion"], consents={"sensitive": True}
    ).case
    response = office.get(reverse("reporting:case-export"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert case.reference in body and "Geheim verhaal" not in body and "religion" not in body
    assert AuditEntry.objects.filter(action="export", object_type="reporting.Case").exists()


def test_list_filters(office, submit):
    a = submit().case
    b = submit(service="other").case
    body = office.get(
        reverse("reporting:case-list") + f"?zoek={b.reference.lower()}"
    ).content.decode()
    assert b.reference in body and a.reference not in body


def test_demo_data_are_idempotent_and_cover_every_state(organisation):
    from gelijk.core.demo import seed_all
    from gelijk.reporting.workflow import State

    seed_all(2026)
    count = Case.objects.count()
    assert count >= 80
    seed_all(2026)
    assert Case.objects.count() == count
    states = set(Case.objects.values_list("status_event__to_state", flat=True))
    assert states == set(State.values)
    assert {"melding", "complaint"} == set(Case.objects.values_list("kind", flat=True))
