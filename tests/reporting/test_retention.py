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
    assert result == {"anonymised": 1, "cases": [closed.reference], "art1_handoffs": 0}
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


def _handed_off_and_closed(submit, handler, *, closed_at):
    from gelijk.reporting.services.handoff import case_handoff_art1

    case = submit(
        at=closed_at - timedelta(days=20),
        name="Fatima el Amrani",
        email="fatima@example.org",
        phone="0612345678",
        address="Voorbeeldstraat 12, Utrecht",
        consents={"contact": True, "art1": True},
    ).case
    with time_machine.travel(closed_at - timedelta(days=15), tick=False):
        handoff = case_handoff_art1(case, handler)
    assert handoff.payload["contact"]["telefoon"] == "0612345678"
    svc.case_transition(case, "in_treatment", handler, at=closed_at - timedelta(days=10))
    svc.case_transition(
        case, "followed_up", handler, text="Besproken.", at=closed_at - timedelta(days=2)
    )
    svc.case_message_send(
        case, handler, "Dank u.", at=closed_at - timedelta(days=1), notify_reporter=False
    )
    svc.case_transition(case, "closed", handler, at=closed_at)
    return case, handoff


CONTACT_VALUES = ("Fatima", "el Amrani", "fatima@example.org", "0612345678", "Voorbeeldstraat")


def _assert_no_contact_left(handoff):
    import io
    import json

    from pypdf import PdfReader

    from gelijk.reporting import files

    handoff.refresh_from_db()
    text = json.dumps(handoff.payload, ensure_ascii=False)
    pdf = PdfReader(io.BytesIO(files.decrypted(handoff.pdf_file)))
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    for value in CONTACT_VALUES:
        assert value not in text and value not in pdf_text, value
    assert handoff.payload["contact"] is None and handoff.contact_removed_at is not None
    assert handoff.case.reference in pdf_text and "verwijderd" in pdf_text


def test_anonymising_takes_contact_details_out_of_art1_handoffs(
    submit, handler, django_capture_on_commit_callbacks
):
    import hashlib
    import os

    from gelijk.reporting import files

    case, handoff = _handed_off_and_closed(submit, handler, closed_at=START)
    old_path = handoff.pdf_file.path
    with (
        time_machine.travel(START + timedelta(days=366), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = reporters_anonymise()
    assert result == {"anonymised": 1, "cases": [case.reference], "art1_handoffs": 1}
    _assert_no_contact_left(handoff)
    assert not os.path.exists(old_path)  # the PDF with contact details is gone
    assert handoff.pdf_sha256 == hashlib.sha256(files.decrypted(handoff.pdf_file)).hexdigest()
    event = case.events.get(kind="anonymised")
    assert event.data["handoffs"] == 1
    entry = AuditEntry.objects.filter(action="retention").latest("position")
    assert entry.detail["art1_handoffs"] == 1 and entry.detail["cases"] == [case.reference]
    with time_machine.travel(START + timedelta(days=400), tick=False):
        assert reporters_anonymise()["anonymised"] == 0  # idempotent


def test_handoffs_of_cases_anonymised_earlier_are_cleaned_too(submit, handler):
    case, handoff = _handed_off_and_closed(submit, handler, closed_at=START)
    # A contact row blanked by an earlier version of the job, which left the hand-off alone.
    ReporterContact.objects.filter(case=case).update(
        name="", email="", phone="", address="", anonymised_at=START + timedelta(days=366)
    )
    with time_machine.travel(START + timedelta(days=367), tick=False):
        result = reporters_anonymise()
    assert result == {"anonymised": 1, "cases": [case.reference], "art1_handoffs": 1}
    _assert_no_contact_left(handoff)
