"""Meldingen and complaints: the case, its append-only history and what hangs off it.

Special-category data (perceived grounds, free text, contact details, file names) live only in
encrypted fields. Reporter contact data sit in their own row so the retention job can blank
them without touching the case. The case's current status is the ``to_state`` of the status
event it points at; events are never edited (database triggers, see migration 0002).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gelijk.core.crypto import EncryptedJSONField, EncryptedTextField
from gelijk.reporting.choices import (
    Channel,
    ConsentKind,
    EventKind,
    Kind,
    Outcome,
    Service,
)
from gelijk.reporting.workflow import State


class Case(models.Model):
    """One melding or formal complaint (``kind``)."""

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=128, blank=True, editable=False)
    # Set by the public form and API: a double submit with the same key stores one case.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices, default=Kind.MELDING)
    requested_complaint = models.BooleanField(_("melder vraagt formele klacht"), default=False)
    channel = models.CharField(_("kanaal"), max_length=12, choices=Channel.choices)
    service = models.CharField(_("dienst"), max_length=10, choices=Service.choices)
    # Department concerned (independence): derived from the service, corrected at intake.
    department_code = models.CharField(_("betrokken afdeling"), max_length=30, blank=True)
    team_code = models.CharField(_("betrokken team"), max_length=30, blank=True)
    officer_pseudonym = models.CharField(
        _("pseudoniem betrokken handhaver"), max_length=64, blank=True
    )
    occurred_on = models.DateField(_("datum van het voorval"))
    occurred_time = models.TimeField(_("tijd van het voorval"), null=True, blank=True)
    district = models.ForeignKey(
        "core.District", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("wijk")
    )
    location = EncryptedTextField(_("plaats of straat"), blank=True)
    contact_kinds = models.JSONField(_("soort contact"), default=list, blank=True)
    description = EncryptedTextField(_("wat er gebeurde"))
    grounds = EncryptedJSONField(_("ervaren gronden"), null=True, blank=True)
    ground_other = EncryptedTextField(_("andere grond"), blank=True)
    received_at = models.DateTimeField(_("ontvangen op"), db_index=True)
    # Awb 9:11 runs from receipt of the complaint (for a promoted melding: the promotion).
    term_start = models.DateTimeField(_("termijn loopt vanaf"))
    advisory_committee = models.BooleanField(_("met klachtadviescommissie"), default=False)
    extension_weeks = models.PositiveSmallIntegerField(_("verdaging (weken)"), default=0)
    due_at = models.DateTimeField(_("uiterste datum"), db_index=True)
    status_event = models.ForeignKey(
        "CaseEvent", on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_cases",
        verbose_name=_("behandelaar"),
    )
    outcome = models.CharField(_("uitkomst"), max_length=12, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True, db_index=True)
    # Learning signals (aggregated for monitor and trainings; never per person).
    tag_team = models.CharField(_("team"), max_length=30, blank=True)
    tag_district = models.ForeignKey(
        "core.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wijk (leersignaal)"),
    )
    tag_themes = models.JSONField(_("thema's"), default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("melding of klacht")
        verbose_name_plural = _("meldingen en klachten")
        default_permissions = ()
        permissions = [
            ("view_case", "Mag meldingen en klachten inzien"),
            ("handle_case", "Mag meldingen en klachten behandelen"),
            ("register_case", "Mag meldingen en klachten registreren"),
            ("handoff_art1", "Mag zaken met toestemming doorsturen naar Art.1 MN"),
            ("export_case", "Mag lijsten met zaken exporteren"),
            ("view_statistics", "Mag de cijfers over meldingen en klachten inzien"),
        ]
        indexes = [models.Index(fields=["department_code"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def status(self) -> str:
        return self.status_event.to_state if self.status_event_id else State.RECEIVED

    @property
    def is_open(self) -> bool:
        return self.status != State.CLOSED


class ReporterContact(models.Model):
    """How to reach the reporter; blanked by the retention job (``anonymised_at``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="contact")
    name = EncryptedTextField(_("naam"), blank=True)
    email = EncryptedTextField(_("e-mailadres"), blank=True)
    phone = EncryptedTextField(_("telefoonnummer"), blank=True)
    address = EncryptedTextField(_("adres"), blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"contact {self.case_id}"

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone or self.address) and self.anonymised_at is None


class Consent(models.Model):
    """One consent as given or refused, with the exact text shown and its version.
    A later row of the same kind (e.g. a withdrawal) supersedes an earlier one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=12, choices=ConsentKind.choices)
    given = models.BooleanField()
    text = models.TextField()
    version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.kind}={'ja' if self.given else 'nee'} ({self.version})"


class CaseEvent(models.Model):
    """One entry of a case's history. Append-only (database triggers)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_state = models.CharField(max_length=24, blank=True, choices=State.choices)
    to_state = models.CharField(max_length=24, blank=True, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Visible to the resident on the status page.
    public = models.BooleanField(default=False)
    text = EncryptedTextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.to_state}"


def _attachment_path(instance, filename: str) -> str:
    return f"reporting/{uuid.uuid4().hex}.bin"


class Attachment(models.Model):
    """A file added by the resident or a handler; its bytes are stored encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = EncryptedTextField()
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    from_resident = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"bijlage {self.pk}"


class Art1Handoff(models.Model):
    """A hand-off of the case file to Art.1 Midden-Nederland, made only with consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs")
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="+")
    payload = EncryptedJSONField()
    pdf_file = models.FileField(upload_to=_attachment_path)  # encrypted bytes
    pdf_sha256 = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Set by the retention job when it took the reporter's contact details out of the
    # payload and the PDF; hand-offs without it are still to be checked.
    contact_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"art1 {self.case_id} {self.created_at:%Y-%m-%d}"


__all__ = [
    "Art1Handoff",
    "Attachment",
    "Case",
    "CaseEvent",
    "Consent",
    "ReporterContact",
]
