"""Retention with frozen time: contact data blanked 12 months after closure, cases deleted
5 years after closure (both configurable), each run logged; open cases are never touched."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from gelijk.core import dbguards
from gelijk.core.models import AuditEntry, ProcessingRecord
from gelijk.reporting.models import Attachment, Case, CaseEvent, ReporterContact
from gelijk.reporting.services import cases as svc
from gelijk.reporting.services.retention import cases_delete_expired, reporters_anonymise

from .conftest import png_bytes

AMS = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 1, 10, 10, 0, tzinfo=AMS)


def _closed_melding(submit, handler, *, closed_at, **kw):
    from gelijk.reporting.files import check

    result = submit(
        at=closed_at - timedelta(days=20),
        name="Fatima",
        email="fatima@example.org",
        consents={"contact": True},
        files=[check("foto.png", png_bytes())],
        **kw,
    )
    case = result.case
    svc.case_transition(case, "in_treatment", handler, at=closed_at - timedelta(days=10))
    svc.case_transition(
        case, "followed_up", handler, text="Besproken.", at=closed_at - timedelta(days=2)
    )
    svc.case_message_send(
        case, handler, "Dank u.", at=closed_at - timedelta(days=1), notify_reporter=False
    )
    svc.case_transition(case, "closed", handler, at=closed_at)
    return case


def test_contact_data_are_blanked_twelve_months_after_closure(submit, handler):
    closed = _closed_melding(submit, handler, closed_at=START)
    still_open = submit(name="Open", email="open@example.org", consents={"contact": True}).case
    with time_machine.travel(START + timedelta(days=364), tick=False):
        assert reporters_anonymise()["anonymised"] == 0
    with time_machine.travel(START + timedelta(days=366), tick=False):
        result = reporters_anonymise()
    assert result == {"anonymised": 1, "cases": [closed.reference]}
    contact = ReporterContact.objects.get(case=closed)
    assert (contact.name, contact.email, contact.phone, contact.address) == ("", "", "", "")
    assert contact.anonymised_at is not None
    assert ReporterContact.objects.get(case=still_open).email == "open@example.org"
    assert closed.events.filter(kind="anonymised").exists()
    entry = AuditEntry.objects.filter(action="retention").latest("position")
    assert entry.detail["cases"] == [closed.reference] and entry.actor == "system"
    assert ProcessingRecord.objects.filter(activity="reporting_retention").count() == 1
    # The case itself, its history and its description stay.
    closed.refresh_from_db()
    assert closed.description and closed.events.count() > 3
    with time_machine.travel(START + timedelta(days=400), tick=False):
        assert reporters_anonymise()["anonymised"] == 0  # idempotent


def test_anonymise_term_is_configurable(submit, handler, settings):
    settings.GELIJK_REPORTING_ANONYMISE_MONTHS = 1
    _closed_melding(submit, handler, closed_at=START)
    with time_machine.travel(START + timedelta(days=32), tick=False):
        assert reporters_anonymise()["anonymised"] == 1


def test_cases_are_deleted_five_years_after_closure_with_their_files(
    submit, handler, django_capture_on_commit_callbacks
):
    old = _closed_melding(submit, handler, closed_at=START)
    younger = _closed_melding(submit, handler, closed_at=START + timedelta(days=30))
    open_case = submit(at=START).case
    path = Attachment.objects.get(case=old).file.path
    with (
        time_machine.travel(START + timedelta(days=5 * 365 + 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = cases_delete_expired()
    assert result == {"deleted": 1, "cases": [old.reference]}
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not CaseEvent.objects.filter(case_id=old.pk).exists()
    assert not Attachment.objects.filter(case_id=old.pk).exists()
    import os

    assert not os.path.exists(path)
    assert Case.objects.filter(pk__in=[younger.pk, open_case.pk]).count() == 2
    entry = AuditEntry.objects.filter(action="retention", object_type="reporting.Case").latest(
        "position"
    )
    assert entry.detail["deleted"] == 1 and entry.detail["cases"] == [old.reference]
    # The append-only guard is back in place after the job.
    assert dbguards.installed(connection, "reporting_caseevent")
    event = CaseEvent.objects.filter(case=younger).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_delete_term_is_configurable_and_scheduled(submit, handler, settings):
    from gelijk.core import scheduler

    settings.GELIJK_REPORTING_DELETE_YEARS = 1
    _closed_melding(submit, handler, closed_at=START)
    assert scheduler.JOBS["reporting-delete"].task_path.endswith("delete_expired_cases")
    assert scheduler.JOBS["reporting-anonymise"].task_path.endswith("anonymise_reporters")
    with time_machine.travel(START + timedelta(days=367, hours=8), tick=False):
        ran = scheduler.tick()
    assert {"reporting-anonymise", "reporting-delete"} <= set(ran)
    assert Case.objects.count() == 0
