"""Art.1 Midden-Nederland hand-off: only with the resident's consent, as JSON in Art.1's
registration dimensions (grond, maatschappelijk terrein, aard) plus a PDF.

The dimension values follow the ADV registration used for the national report
"Discriminatiecijfers" (CBS, Registratie discriminatieklachten bij ADV's). They must be checked
against Art.1 MN's current codebook before production use (docs/reporting.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from gelijk.core import access, audit, processing
from gelijk.reporting import files
from gelijk.reporting.choices import ConsentKind, ContactKind, EventKind, Ground, Service, Theme
from gelijk.reporting.models import Art1Handoff, Case, ReporterContact
from gelijk.reporting.services.cases import _event, _subject, consent_given
from gelijk.reporting.workflow import CaseError

SCHEMA = "gelijk-art1-handoff/1"

GROUND_TO_ART1 = {
    Ground.ORIGIN: "herkomst/ras",
    Ground.RELIGION: "godsdienst/levensovertuiging",
    Ground.NATIONALITY: "nationaliteit",
    Ground.SEX: "geslacht",
    Ground.ORIENTATION: "seksuele gerichtheid",
    Ground.DISABILITY: "handicap/chronische ziekte",
    Ground.AGE: "leeftijd",
    Ground.OTHER: "overig",
}
SERVICE_TO_TERREIN = {
    Service.THOR: "politie/OM/boa's (handhaving)",
    Service.THBO: "politie/OM/boa's (handhaving)",
    Service.OTHER: "collectieve voorzieningen/overheid",
}
THEME_TO_AARD = {
    Theme.FORCE: "geweld",
    Theme.CONDUCT: "vijandige bejegening",
    Theme.LANGUAGE: "vijandige bejegening",
    Theme.SELECTION: "ongelijke behandeling",
    Theme.ID_CHECK: "ongelijke behandeling",
    Theme.SEARCH: "ongelijke behandeling",
    Theme.FINE: "ongelijke behandeling",
}
CONTACT_TO_AARD = {
    ContactKind.STOPPED: "ongelijke behandeling",
    ContactKind.ID: "ongelijke behandeling",
    ContactKind.SEARCHED: "ongelijke behandeling",
    ContactKind.FINED: "ongelijke behandeling",
    ContactKind.SPOKEN: "vijandige bejegening",
}


def payload_for(case: Case) -> dict:
    """The case file in Art.1's registration dimensions (JSON-safe)."""
    aard = sorted({THEME_TO_AARD.get(t, "overig") for t in case.tag_themes}) or sorted(
        {CONTACT_TO_AARD.get(c, "overig") for c in case.contact_kinds}
    )
    payload = {
        "schema": SCHEMA,
        "afzender": settings.GELIJK_ORGANISATION_NAME,
        "kenmerk": case.reference,
        "soort": case.kind,
        "kanaal": case.channel,
        "ontvangen_op": case.received_at.date().isoformat(),
        "datum_voorval": case.occurred_on.isoformat(),
        "wijk": {"code": case.district.code, "naam": case.district.name} if case.district else None,
        "grond": sorted({GROUND_TO_ART1[Ground(g)] for g in case.grounds or []}),
        "grond_toelichting": case.ground_other,
        "terrein": SERVICE_TO_TERREIN[Service(case.service)],
        "aard": aard or ["overig"],
        "omschrijving": case.description,
        "afhandeling": {"status": case.status, "uitkomst": case.outcome or None},
        "toestemming": {},
        "contact": None,
    }
    for kind in ConsentKind:
        consent = consent_given(case, kind)
        payload["toestemming"][kind.value] = (
            {"versie": consent.version, "gegeven_op": consent.recorded_at.isoformat()}
            if consent
            else None
        )
    if consent_given(case, ConsentKind.CONTACT):
        contact = ReporterContact.objects.filter(case=case, anonymised_at__isnull=True).first()
        if contact:
            payload["contact"] = {
                "naam": contact.name,
                "email": contact.email,
                "telefoon": contact.phone,
                "adres": contact.address,
            }
    return payload


def render_pdf(payload: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reporting/pdf/handoff.html", {"p": payload})
    return HTML(string=html).write_pdf()


def handoff_remove_contact(handoff: Art1Handoff, at) -> bool:
    """Take the reporter's contact details out of a stored hand-off (retention job): the
    JSON loses them and the PDF is made again from that JSON; the old PDF file is deleted
    once the transaction commits. True when there were contact details to remove."""
    payload = dict(handoff.payload)
    had_contact = payload.get("contact") is not None
    if had_contact:
        payload["contact"] = None
        payload["contact_verwijderd_op"] = at.date().isoformat()
        pdf = render_pdf(payload)
        old_path = handoff.pdf_file.name
        storage = handoff.pdf_file.storage
        handoff.payload = payload
        handoff.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        handoff.pdf_file.save("x", files.encrypted(pdf), save=False)
        transaction.on_commit(lambda: storage.delete(old_path))
    handoff.contact_removed_at = at
    handoff.save(update_fields=["payload", "pdf_file", "pdf_sha256", "contact_removed_at"])
    return had_contact


def case_handoff_art1(case: Case, actor, *, at=None) -> Art1Handoff:
    """Export the case file to Art.1 MN and record it; refused (and the refusal logged)
    without the resident's consent."""
    access.require(actor, "reporting.handoff_art1", case)
    at = at or timezone.now()
    if consent_given(case, ConsentKind.ART1) is None:
        audit.record(
            audit.Action.EXPORT,
            obj=case,
            result=audit.Result.DENIED,
            detail={"art1": "no consent"},
        )
        raise CaseError(
            _(
                "Doorsturen naar Art.1 Midden-Nederland kan niet: de melder heeft daar geen "
                "toestemming voor gegeven."
            )
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        consent = consent_given(case, ConsentKind.ART1)
        payload = payload_for(case)
        pdf = render_pdf(payload)
        handoff = Art1Handoff(
            case=case,
            consent=consent,
            payload=payload,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            actor=actor,
            created_at=at,
        )
        handoff.pdf_file.save("x", files.encrypted(pdf), save=False)
        handoff.save()
        _event(
            case,
            EventKind.HANDOFF,
            actor=actor,
            at=at,
            data={"handoff": handoff.pk, "consent_version": consent.version},
        )
        audit.record(audit.Action.EXPORT, obj=case, detail={"art1_handoff": handoff.pk})
        processing.record("reporting_art1_handoff", _subject(case))
    return handoff
