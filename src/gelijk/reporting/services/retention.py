"""Retention as code (GUIDE §4.9): reporter contact data are blanked
GELIJK_REPORTING_ANONYMISE_MONTHS after closure; whole cases (history, files, hand-offs)
are deleted GELIJK_REPORTING_DELETE_YEARS after closure. Both log what they did in the audit
log (metadata only: references, counts) and in the processing log."""

from __future__ import annotations

import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gelijk.core import audit, dbguards, processing
from gelijk.reporting.choices import EventKind
from gelijk.reporting.models import Art1Handoff, Attachment, Case, CaseEvent, ReporterContact
from gelijk.reporting.services.cases import _event, _subject
from gelijk.reporting.services.handoff import handoff_remove_contact
from gelijk.reporting.workflow import State

EVENTS_TABLE = CaseEvent._meta.db_table
log = logging.getLogger("gelijk.reporting")


def _log(object_type: str, what: str, references: list[str], cutoff: datetime, **counts) -> None:
    """An audit entry for every run that touched personal data (metadata only); a run that
    found nothing is only logged to the application log."""
    if references:
        audit.record(
            audit.Action.RETENTION,
            object_type=object_type,
            detail={
                what: len(references),
                **counts,
                "cases": references,
                "cutoff": cutoff.isoformat(),
            },
        )
    log.info("retention: %s %s case(s) closed before %s %s", what, len(references), cutoff, counts)


def _closed_before(cutoff: datetime):
    return Case.objects.filter(status_event__to_state=State.CLOSED, closed_at__lt=cutoff)


@transaction.atomic
def reporters_anonymise(now: datetime | None = None) -> dict:
    """Blank the contact row and take the contact details out of every Art.1 hand-off of
    the case (JSON and PDF). Hand-offs are selected on their own mark, so those of cases
    whose contact row was blanked before hand-offs were covered are cleaned too."""
    now = now or timezone.now()
    cutoff = now - relativedelta(months=settings.GELIJK_REPORTING_ANONYMISE_MONTHS)
    closed = _closed_before(cutoff)
    contacts = ReporterContact.objects.select_for_update().filter(
        anonymised_at__isnull=True, case__in=closed
    )
    done: dict[int, dict] = {}
    for contact in contacts.select_related("case"):
        contact.name = contact.email = contact.phone = contact.address = ""
        contact.anonymised_at = now
        contact.save()
        done[contact.case_id] = {"case": contact.case, "contact": True, "handoffs": 0}
    handoffs = Art1Handoff.objects.select_for_update(of=("self",)).filter(
        contact_removed_at__isnull=True, case__in=closed
    )
    for handoff in handoffs.select_related("case").order_by("pk"):
        if handoff_remove_contact(handoff, now):
            entry = done.setdefault(
                handoff.case_id, {"case": handoff.case, "contact": False, "handoffs": 0}
            )
            entry["handoffs"] += 1
    references = []
    for entry in done.values():
        case = entry["case"]
        data = {"months": settings.GELIJK_REPORTING_ANONYMISE_MONTHS}
        if entry["handoffs"]:
            data["handoffs"] = entry["handoffs"]
        _event(case, EventKind.ANONYMISED, at=now, data=data)
        processing.record("reporting_retention", _subject(case))
        references.append(case.reference)
    handoff_count = sum(e["handoffs"] for e in done.values())
    _log(
        "reporting.ReporterContact",
        "anonymised",
        references,
        cutoff,
        art1_handoffs=handoff_count,
    )
    return {"anonymised": len(references), "cases": references, "art1_handoffs": handoff_count}


@transaction.atomic
def cases_delete_expired(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    cutoff = now - relativedelta(years=settings.GELIJK_REPORTING_DELETE_YEARS)
    cases = list(_closed_before(cutoff).select_for_update())
    references = [c.reference for c in cases]
    if cases:
        paths = [a.file.name for a in Attachment.objects.filter(case__in=cases)]
        paths += [h.pdf_file.name for h in Art1Handoff.objects.filter(case__in=cases)]
        for case in cases:
            processing.record("reporting_retention", _subject(case))
        # The one place history may go: lift the append-only guard for this table inside
        # this transaction, delete, and put the guard back before the transaction ends.
        dbguards.remove(connection, EVENTS_TABLE)
        try:
            Case.objects.filter(pk__in=[c.pk for c in cases]).update(status_event=None)
            Case.objects.filter(pk__in=[c.pk for c in cases]).delete()
        finally:
            dbguards.install(connection, EVENTS_TABLE)
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(p) for p in paths])
    _log("reporting.Case", "deleted", references, cutoff)
    return {"deleted": len(references), "cases": references}
