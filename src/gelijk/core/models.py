"""Core data: reference areas, organisation, staff, audit and processing logs.

Invariants live here as constraints; every write goes through ``services`` and
every read of personal data through ``selectors`` and the access layer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Reference data ------------------------------------------------------------


class District(models.Model):
    """A CBS wijk (Utrecht has 10)."""

    code = models.CharField(_("CBS-code"), max_length=10, unique=True)  # WK034401
    name = models.CharField(_("naam"), max_length=100)
    year = models.PositiveSmallIntegerField(_("peiljaar"))
    population = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    # Composition by sex, age band and herkomst; None where CBS published "." (unknown).
    composition = models.JSONField(_("samenstelling"), default=dict)
    boundary = models.JSONField(_("grens (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A CBS buurt (Utrecht has 111)."""

    code = models.CharField(_("CBS-code"), max_length=12, unique=True)  # BU03440001
    name = models.CharField(_("naam"), max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="neighbourhoods")
    year = models.PositiveSmallIntegerField(_("peiljaar"))
    population = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    composition = models.JSONField(_("samenstelling"), default=dict)

    class Meta:
        ordering = ["code"]
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")

    def __str__(self) -> str:
        return self.name


# --- Organisation -----------------------------------------------------------------


class Department(models.Model):
    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", _("Handhaving")
        COMPLAINTS = "complaints", _("Onafhankelijke klachtbehandeling")
        POLICY = "policy", _("Beleid en analyse")
        PRIVACY = "privacy", _("Privacy")
        OTHER = "other", _("Overig")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("naam"), max_length=150)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """Where a staff member works. Access rules (independence, team scope) read this."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    # Keyed hash of the officer number used in enforcement data, so that the monitor and
    # complaints can refer to an officer without a name (and a handler is never the subject).
    officer_pseudonym = models.CharField(_("pseudoniem handhaver"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("medewerkersprofiel")
        verbose_name_plural = _("medewerkersprofielen")
        constraints = [
            models.UniqueConstraint(
                fields=["officer_pseudonym"],
                condition=~models.Q(officer_pseudonym=""),
                name="core_staff_unique_officer_pseudonym",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.department or '-'})"


class Capability(models.Model):
    """Holds the core permissions; no rows. Roles are named sets of permissions (roles.py)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_backoffice", "Mag de backoffice gebruiken"),
            ("manage_staff", "Mag medewerkers en rollen beheren"),
            ("view_auditlog", "Mag het auditlog inzien"),
            ("view_processinglog", "Mag het verwerkingenlog inzien"),
            ("manage_reference_data", "Mag referentiedata laden"),
        ]

    def __str__(self) -> str:
        return "capability"


# --- Audit log and processing log -------------------------------------------------


class AuditEntry(models.Model):
    """One event in the audit log (BIO2): who did what to which object, when, from where.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained: ``hash`` is an
    HMAC over this row's content and the previous row's hash, so altering, inserting or
    removing a row breaks the chain at that point (`gelijk auditlog verify`).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("inzien")
        CREATE = "create", _("aanmaken")
        CHANGE = "change", _("wijzigen")
        DELETE = "delete", _("verwijderen")
        EXPORT = "export", _("exporteren")
        LOGIN = "login", _("inloggen")
        LOGIN_FAILED = "login_failed", _("mislukte inlog")
        LOGOUT = "logout", _("uitloggen")
        ACCESS_DENIED = "access_denied", _("toegang geweigerd")
        VERIFY = "verify", _("controleren")
        RETENTION = "retention", _("bewaartermijn uitgevoerd")

    class Result(models.TextChoices):
        SUCCESS = "success", _("gelukt")
        DENIED = "denied", _("geweigerd")
        FAILED = "failed", _("mislukt")

    position = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(editable=False, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, editable=False)
    actor = models.CharField(max_length=150, blank=True, editable=False)  # username or "system"
    action = models.CharField(max_length=20, choices=Action.choices, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=100, blank=True, editable=False)
    result = models.CharField(max_length=10, choices=Result.choices, editable=False)
    origin = models.CharField(max_length=300, blank=True, editable=False)  # ip + method + path
    detail = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["position"]
        default_permissions = ()
        verbose_name = _("auditlogregel")
        verbose_name_plural = _("auditlog")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.position} {self.actor} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """The last verified position and hash, so removing rows from the end is also detected."""

    position = models.PositiveBigIntegerField(editable=False)
    hash = models.CharField(max_length=64, editable=False)
    verified_at = models.DateTimeField(editable=False)
    signature = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-verified_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"checkpoint #{self.position} ({self.verified_at:%Y-%m-%d %H:%M})"


class ProcessingRecord(models.Model):
    """Processing log in the style of Logius' Logboek Dataverwerkingen: which processing
    activity touched which (pseudonymous) data subject, on which legal basis. No user identity
    is stored here; that belongs to the audit log."""

    activity = models.CharField(max_length=80, db_index=True)
    subject = models.CharField(max_length=64, blank=True)  # pseudonym, never a name
    legal_basis = models.CharField(max_length=200)
    occurred_at = models.DateTimeField(db_index=True)
    trace_id = models.CharField(max_length=32)
    status = models.CharField(max_length=10, default="ok")

    class Meta:
        ordering = ["-occurred_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.activity} {self.occurred_at:%Y-%m-%d %H:%M}"


class ScheduledRun(models.Model):
    """One row per (job, time slot): makes the scheduler enqueue each slot exactly once,
    however many scheduler processes run."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-enqueued_at"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_scheduled_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot}"
