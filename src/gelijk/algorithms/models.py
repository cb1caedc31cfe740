"""Algorithm register, assessments, bias audits and the Uthiek pilot.

- ``Algorithm`` is the stable identity; every save is a new ``AlgorithmVersion`` holding the
  whole register record (Publicatiestandaard field names, JSON). Versions are append-only
  (database triggers), and so are ``PublicationEvent`` and ``AssessmentEvent``: a version's
  publication state is the last event about it (workflow.py). ``Algorithm`` points at its
  latest and its published version.
- ``AssessmentTemplate`` rows come from the framework files (frameworks/); an ``Assessment``
  answers one template for an algorithm, an enforcement process or an instrument.
- ``AuditDataset`` is an uploaded data file (stored encrypted); a ``BiasAudit`` runs the
  fairness engine on it with chosen columns and keeps the report.

Writes go through ``services``; reads through ``selectors`` and the access layer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gelijk.algorithms.workflow import AssessmentStatus

USER = settings.AUTH_USER_MODEL


class Algorithm(models.Model):
    slug = models.SlugField(_("korte naam in de link"), max_length=100, unique=True)
    owner = models.ForeignKey(
        USER,
        verbose_name=_("eigenaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("afdeling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    latest_version = models.ForeignKey(
        "AlgorithmVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_version = models.ForeignKey(
        "AlgorithmVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slug"]
        default_permissions = ()
        verbose_name = _("algoritme")
        verbose_name_plural = _("algoritmes")
        permissions = [
            ("view_register", "Mag het algoritmeregister in de backoffice inzien, ook concepten"),
            ("edit_algorithm", "Redacteur: mag algoritmes beschrijven, importeren en aanbieden"),
            ("approve_publication", "Goedkeurder: mag publiceren, afwijzen en terugtrekken"),
            ("edit_assessment", "Mag toetsen invullen en indienen"),
            ("sign_assessment", "Mag toetsen beoordelen en ondertekenen"),
            ("view_audit", "Mag bias-audits en hun rapporten inzien"),
            ("run_audit", "Mag gegevens uploaden en bias-audits starten"),
            ("view_pilot", "Mag de Uthiek-pilot van VTH inzien"),
            ("manage_pilot", "Mag processen en instrumenten van de pilot beheren"),
        ]

    def __str__(self) -> str:
        return self.latest_version.name if self.latest_version_id else self.slug


class AlgorithmVersion(models.Model):
    """One saved state of the register record. Append-only."""

    class Origin(models.TextChoices):
        FORM = "form", _("formulier")
        IMPORT = "import", _("import")
        API = "api", _("API")
        ASSESSMENT = "assessment", _("ondertekende toets")
        RESTORE = "restore", _("terugzetten van een oudere versie")
        DEMO = "demo", _("demonstratiegegevens")

    algorithm = models.ForeignKey(Algorithm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    standard = models.CharField(_("standaard"), max_length=20)
    record = models.JSONField(_("beschrijving"))
    # Copies of record fields for lists, filters and search (set by the service that writes).
    name = models.CharField(_("naam"), max_length=200)
    status = models.CharField(_("status"), max_length=60, blank=True)
    publication_category = models.CharField(_("publicatiecategorie"), max_length=80, blank=True)
    themes = models.CharField(_("thema's"), max_length=600, blank=True)  # "|A|B|"
    search_text = models.TextField(blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    note = models.CharField(_("toelichting op de wijziging"), max_length=500, blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["algorithm", "-number"]
        default_permissions = ()
        verbose_name = _("versie van een algoritme")
        verbose_name_plural = _("versies van algoritmes")
        constraints = [
            models.UniqueConstraint(
                fields=["algorithm", "number"], name="algorithms_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (versie {self.number})"


class PublicationEvent(models.Model):
    """A step of a version through the publication workflow. Append-only."""

    algorithm = models.ForeignKey(Algorithm, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(AlgorithmVersion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.version} {self.from_state}→{self.to_state}"


class AssessmentTemplate(models.Model):
    """A framework file loaded into the database (frameworks/*.yaml)."""

    key = models.SlugField(max_length=50)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=150)
    register_title = models.CharField(max_length=150)
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=200)
    is_current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "-version"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="algorithms_template_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} (versie {self.version})"

    @property
    def framework(self):
        from gelijk.algorithms.frameworks import from_definition

        return from_definition(self.definition, self.source_file)


class EnforcementProcess(models.Model):
    """A VTH enforcement process in the Uthiek pilot (e.g. horecacontroles)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("omschrijving"), blank=True)
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "core.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        default_permissions = ()
        verbose_name = _("handhavingsproces")
        verbose_name_plural = _("handhavingsprocessen")

    def __str__(self) -> str:
        return self.name


class EnforcementInstrument(models.Model):
    """An instrument used in a process: a control method, a sanction, a selection method."""

    class Kind(models.TextChoices):
        SUPERVISION = "toezicht", _("Toezicht")
        SELECTION = "selectie", _("Selectie van controles")
        SANCTION = "sanctie", _("Sanctie")
        TECHNOLOGY = "techniek", _("Techniek")

    process = models.ForeignKey(
        EnforcementProcess, on_delete=models.PROTECT, related_name="instruments"
    )
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    algorithm = models.ForeignKey(
        Algorithm,
        verbose_name=_("algoritme in het register"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["process", "position", "name"]
        default_permissions = ()
        verbose_name = _("instrument")
        verbose_name_plural = _("instrumenten")

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One filled-in framework for one subject: an algorithm, a process or an instrument."""

    Status = AssessmentStatus

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="+")
    algorithm = models.ForeignKey(
        Algorithm, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    process = models.ForeignKey(
        EnforcementProcess,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    instrument = models.ForeignKey(
        EnforcementInstrument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONCEPT)
    answers = models.JSONField(default=dict, blank=True)
    public_summary = models.TextField(_("publieke samenvatting"), blank=True)
    reviewers = models.ManyToManyField(USER, blank=True, related_name="+")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    algorithm_version = models.ForeignKey(
        AlgorithmVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("toets")
        verbose_name_plural = _("toetsen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(algorithm__isnull=False, process__isnull=True, instrument__isnull=True)
                    | Q(algorithm__isnull=True, process__isnull=False, instrument__isnull=True)
                    | Q(algorithm__isnull=True, process__isnull=True, instrument__isnull=False)
                ),
                name="algorithms_assessment_one_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="ondertekend") | Q(signed_at__isnull=False),
                name="algorithms_assessment_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.title} – {self.subject}"

    @property
    def subject(self):
        return self.algorithm or self.process or self.instrument


class AssessmentEvent(models.Model):
    """A step of an assessment (created, submitted, returned, signed, ...). Append-only."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.action}"


class EvidenceAttachment(models.Model):
    """A file that supports an answer; content-type checked, stored encrypted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
    question = models.CharField(max_length=50, blank=True)
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    file = models.FileField(upload_to="algorithms/evidence/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name


class ReassessmentReminder(models.Model):
    """One reminder per assessment and due date, so the daily job notifies once."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "due_on"], name="algorithms_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.due_on}"


class AuditDataset(models.Model):
    """An uploaded decision file for a bias audit (CSV, Parquet or Excel), stored encrypted."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"
        EXCEL = "xlsx", "Excel"

    algorithm = models.ForeignKey(Algorithm, on_delete=models.PROTECT, related_name="datasets")
    file = models.FileField(upload_to="algorithms/datasets/%Y/%m/")
    name = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    n_rows = models.PositiveIntegerField()
    columns = models.JSONField()  # [{name, kind, distinct, examples}]
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name


class BiasAudit(models.Model):
    class Kind(models.TextChoices):
        METRICS = "metrics", _("Groepsmaten (met uitkomst per groep)")
        SCAN = "scan", _("Biasscan zonder groepskenmerk (clusters)")

    class Status(models.TextChoices):
        QUEUED = "wachtrij", _("In de wachtrij")
        RUNNING = "bezig", _("Bezig")
        DONE = "klaar", _("Klaar")
        FAILED = "mislukt", _("Mislukt")

    algorithm = models.ForeignKey(Algorithm, on_delete=models.PROTECT, related_name="audits")
    dataset = models.ForeignKey(AuditDataset, on_delete=models.PROTECT, related_name="audits")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    parameters = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    report = models.JSONField(null=True, blank=True)
    report_html = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("bias-audit")
        verbose_name_plural = _("bias-audits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="klaar") | Q(report__isnull=False),
                name="algorithms_audit_done_has_report",
            )
        ]

    def __str__(self) -> str:
        return self.title
