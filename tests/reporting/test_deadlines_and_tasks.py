"""Awb 9:11 deadlines, the one extension with written notice, overdue lists, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gelijk.reporting.choices import Kind
from gelijk.reporting.services import cases as svc
from gelijk.reporting.workflow import CaseError


def _complaint(submit, handler, **kw):
    """A formal complaint as asked for on the form: its term runs from receipt."""
    fields = {
        "name": "A. Melder",
        "address": "Voorbeeldstraat 1, Utrecht",
        "consents": {"contact": True},
        "requested_complaint": True,
        **kw,
    }
    result = submit(**fields)
    department = "" if fields.get("service") == "other" else "vth"
    svc.case_classify(result.case, handler, kind=Kind.COMPLAINT, department_code=department)
    result.case.refresh_from_db()
    return result.case


def test_six_weeks_or_ten_with_an_advisory_committee(submit, handler):
    case = _complaint(submit, handler)
    assert case.due_at - case.term_start == timedelta(weeks=6)
    svc.case_classify(
        case, handler, kind=Kind.COMPLAINT, department_code="vth", advisory_committee=True
    )
    case.refresh_from_db()
    assert case.due_at - case.term_start == timedelta(weeks=10)


def test_term_of_a_requested_complaint_runs_from_receipt(submit, handler):
    received = timezone.now() - timedelta(days=10)
    result = submit(
        at=received,
        name="A. Melder",
        email="a@example.org",
        consents={"contact": True},
        requested_complaint=True,
    )
    svc.case_classify(result.case, handler, kind=Kind.COMPLAINT, department_code="vth")
    result.case.refresh_from_db()
    assert result.case.term_start == received
    melding = submit(at=received).case
    svc.case_classify(melding, handler, kind=Kind.COMPLAINT, department_code="vth")
    melding.refresh_from_db()
    assert melding.term_start > received + timedelta(days=9)  # promoted now: runs from now


def test_one_extension_of_at_most_four_weeks_with_notice(
    submit, handler, mailoutbox, django_capture_on_commit_callbacks
):
    case = _complaint(submit, handler, email="m@example.org")
    due = case.due_at
    with pytest.raises(CaseError) as err:
        svc.case_extend_deadline(case, handler, weeks=5, notice="Meer tijd nodig.")
    assert err.value.field == "weeks"
    with pytest.raises(CaseError) as err:
        svc.case_extend_deadline(case, handler, weeks=2, notice="  ")
    assert err.value.field == "notice"
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_extend_deadline(case, handler, weeks=4, notice="De getuige is op vakantie.")
    case.refresh_from_db()
    assert case.due_at == due + timedelta(weeks=4) and case.extension_weeks == 4
    letter = case.events.get(kind="message_out")
    assert letter.public and "9:11" in letter.text and "De getuige is op vakantie." in letter.text
    assert case.events.filter(kind="extension").get().data["weeks"] == 4
    assert len(mailoutbox) == 1 and "Nieuw bericht" in mailoutbox[0].subject
    with pytest.raises(CaseError, match="al een keer"):
        svc.case_extend_deadline(case, handler, weeks=1, notice="Nog meer tijd.")


def test_extension_after_the_deadline_or_for_a_melding_is_refused(submit, handler):
    late = _complaint(submit, handler, at=timezone.now() - timedelta(weeks=7))
    with pytest.raises(CaseError, match="verlopen"):
        svc.case_extend_deadline(late, handler, weeks=2, notice="Te laat.")
    melding = submit().case
    with pytest.raises(CaseError, match="klacht"):
        svc.case_extend_deadline(melding, handler, weeks=2, notice="Meer tijd.")


def test_overdue_and_due_soon_lists(submit, handler, client):
    from tests.conftest import verified_client

    late = _complaint(submit, handler, at=timezone.now() - timedelta(weeks=7))
    soon = _complaint(submit, handler, at=timezone.now() - timedelta(weeks=5, days=3))
    fresh = _complaint(submit, handler)
    verified_client(client, handler)
    page = client.get("/backoffice/meldingen/termijnen/")
    overdue = [c.reference for c in page.context["overdue"]]
    due_soon = [c.reference for c in page.context["due_soon"]]
    assert overdue == [late.reference] and due_soon == [soon.reference]
    assert fresh.reference not in page.content.decode()
    listed = client.get("/backoffice/meldingen/?termijn=verlopen").context["page"]
    assert [c.reference for c in listed] == [late.reference]


def test_daily_reminders_go_to_handlers_who_may_see_the_case(
    submit, handler, make_staff, mailoutbox
):
    from gelijk.core import scheduler

    other = make_staff("klachtbehandelaar", department="vth", team="thor")
    assigned = _complaint(submit, handler, at=timezone.now() - timedelta(weeks=7))
    svc.case_assign(assigned, handler, handler)
    unassigned = _complaint(
        submit, handler, service="other", at=timezone.now() - timedelta(weeks=7)
    )
    handler.email, other.email = "kb@example.org", "kb-vth@example.org"
    handler.save()
    other.save()
    job = scheduler.JOBS["reporting-reminders"]
    assert job.daily_at == "07:00"
    with time_machine.travel(timezone.localtime().replace(hour=7, minute=30), tick=False):
        assert "reporting-reminders" in scheduler.tick()
    by_person = {m.to[0]: m.body for m in mailoutbox}
    assert assigned.reference in by_person["kb@example.org"]
    assert unassigned.reference in by_person["kb@example.org"]
    # The handler inside VTH is reminded of the case about another service only.
    assert unassigned.reference in by_person["kb-vth@example.org"]
    assert assigned.reference not in by_person["kb-vth@example.org"]
