"""Data of the monitor: imports, the normalised actions they brought in, analysis runs and
their stored results.

Invariants held by the database:

* one import at a time and one analysis at a time: a partial unique constraint on ``busy``
  (True while queued or running, NULL afterwards), so two requests cannot race past a check;
* an import's rows and its "done" status are written in one transaction (services), so a run
  never sees half an import; a run pins the exact imports it read (``AnalysisRun.imports``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gelijk.core.crypto import EncryptedJSONField, EncryptedTextField


class MonitorCapability(models.Model):
    """Holds the monitor's permissions; no rows (roles are named sets of permissions)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("import_data", "Mag handhavingsgegevens en enquêtes importeren"),
            ("run_analysis", "Mag analyses van de monitor starten"),
            ("view_dashboard", "Mag de dashboards van de monitor zien"),
            ("view_team_results", "Mag de vergelijking van alle teams zien"),
            (
                "view_officer_results",
                "Mag uitkomsten per (gepseudonimiseerde) handhaver zien",
            ),
        ]

    def __str__(self) -> str:
        return "monitor capability"


class Progress(models.Model):
    """Stage and counts of background work, polled by the progress pages."""

    stage = models.CharField(_("stap"), max_length=40, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class DataImport(Progress):
    """One delivered file (enforcement actions or survey microdata) and what became of it."""

    class Kind(models.TextChoices):
        ACTIONS = "actions", _("handhavingsacties")
        SURVEY = "survey", _("ervaringsenquête")

    class Status(models.TextChoices):
        QUEUED = "queued", _("wacht op start")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")
        REPLACED = "replaced", _("vervangen door een nieuwere levering")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("upload in de backoffice")
        API = "api", _("API (automatische levering)")
        DEMO = "demo", _("demonstratiegegevens")

    kind = models.CharField(_("soort gegevens"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # True while queued or running; NULL afterwards. Unique where True: one import at a time.
    busy = models.BooleanField(null=True, default=True, editable=False)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_format = models.CharField(max_length=10)
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(_("controlegetal (SHA-256)"), max_length=64, db_index=True)
    replace_overlapping = models.BooleanField(_("vervangt eerdere leveringen"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.BigIntegerField(null=True, blank=True)
    rows_stored = models.BigIntegerField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    stopform_pilot = models.BooleanField(default=False)
    error_message = models.TextField(blank=True)
    # Row-level report in Dutch: {"summary", "problems": [...], "rows": [...], "listed", ...}.
    error_report = models.JSONField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced"
    )
    # Where the uploaded file waits for the task; emptied (and the file removed) afterwards.
    upload_path = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(
                fields=["busy"], condition=Q(busy=True), name="monitor_one_import_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(busy__isnull=True) | Q(status__in=["queued", "running"]),
                name="monitor_import_busy_only_while_working",
            ),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.file_name}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class Action(models.Model):
    """One normalised enforcement action (contract: docs/data-contracts/enforcement-actions.md).

    ``officer_id`` holds the keyed-hash pseudonym, never the number from the source system.
    ``perceived_origin`` is stored only in the stop-form pilot, and then encrypted (special
    category data, GUIDE §4.5); it is never grouped on in SQL.
    """

    # NULL means "missing" in the data contract (the engine's quality gate counts it), which
    # an empty string cannot express: hence null=True on text fields (DJ001).
    data_import = models.ForeignKey(
        DataImport, on_delete=models.CASCADE, related_name="actions", db_index=False
    )
    action_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    local_date = models.DateField()
    local_minute = models.SmallIntegerField()
    district_code = models.CharField(max_length=10)
    neighbourhood_code = models.CharField(max_length=12, null=True, blank=True)  # noqa: DJ001
    team = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    officer_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    initiative = models.CharField(max_length=10)
    action_type = models.CharField(max_length=10)
    outcome = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    hit = models.SmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=5, null=True, blank=True)  # noqa: DJ001
    sex = models.CharField(max_length=6, null=True, blank=True)  # noqa: DJ001
    nationality_group = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    resident = models.SmallIntegerField(null=True, blank=True)
    perceived_origin = EncryptedTextField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["data_import", "local_date"], name="monitor_action_import_date"),
            models.Index(fields=["action_id"], name="monitor_action_id"),
        ]

    def __str__(self) -> str:
        return f"action {self.action_id}"


class SurveyResponses(models.Model):
    """Validated survey microdata of one import, encrypted: the self-reported group is
    special-category data (GUIDE §4.5)."""

    data_import = models.OneToOneField(
        DataImport, on_delete=models.CASCADE, related_name="survey_responses"
    )
    rows = EncryptedJSONField()
    answers = models.JSONField(default=list)
    waves = models.JSONField(default=list)
    respondents = models.IntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"survey of import {self.data_import_id}"


class AnalysisRun(Progress):
    """One run of the monitor engine over a period, on the exact imports it pins."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wacht op start")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("op verzoek")
        SCHEDULED = "scheduled", _("maandelijks (automatisch)")
        DEMO = "demo", _("demonstratie")

    period_start = models.DateField(_("van"))
    period_end = models.DateField(_("tot en met"))
    group = models.CharField(_("groepskenmerk"), max_length=30)
    reference = models.CharField(_("referentiegroep (gevraagd)"), max_length=200, blank=True)
    reference_used = models.CharField(max_length=200, blank=True)
    levels = models.JSONField(default=list, blank=True)
    imports = models.ManyToManyField(DataImport, related_name="runs", blank=True)
    survey_import = models.ForeignKey(
        DataImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_runs",
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    busy = models.BooleanField(null=True, default=True, editable=False)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    n_actions = models.BigIntegerField(null=True, blank=True)
    data_start = models.DateField(null=True, blank=True)
    data_end = models.DateField(null=True, blank=True)
    # The engine's report.json without its "analyses" (those are RunAnalysis rows).
    report_meta = models.JSONField(null=True, blank=True)
    report_html = models.TextField(blank=True)
    # Pseudonym -> team (most of the officer's actions), for the officer-level view.
    officer_teams = models.JSONField(default=dict, blank=True)
    # Officers with a signal (q < 0.05), counted per scope and team: {"proactive": {"THOR": 1}}.
    officer_signals = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        verbose_name = _("analyse")
        verbose_name_plural = _("analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["busy"], condition=Q(busy=True), name="monitor_one_run_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="monitor_run_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(busy__isnull=True) | Q(status__in=["queued", "running"]),
                name="monitor_run_busy_only_while_working",
            ),
        ]

    def __str__(self) -> str:
        return f"analyse {self.pk} ({self.period_start}–{self.period_end}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class RunAnalysis(models.Model):
    """One analysis of a run's report, exactly as the engine's ``report.json`` holds it."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="analyses")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=40)
    status = models.CharField(max_length=20)
    payload = models.JSONField()
    # The same without results per officer: what the dashboards read (a fraction of the size;
    # officer rows are read, and logged, only for the role allowed to see them).
    payload_light = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "position"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="monitor_one_analysis_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.name} of run {self.run_id}"


class RunCell(models.Model):
    """Pre-aggregated counts of a run for the dashboards: month × initiative × wijk × group.

    Raw counts (not yet small-cell protected): every view passes them through
    ``gelijk.engines.disclosure`` before showing them.
    """

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="cells")
    month = models.DateField()
    initiative = models.CharField(max_length=10)
    district_code = models.CharField(max_length=10)
    group_value = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    n = models.BigIntegerField()
    # Actions of the outcome types (searches, seizures), those with a known result, and hits.
    n_outcome = models.BigIntegerField(default=0)
    n_outcome_known = models.BigIntegerField(default=0)
    n_outcome_hit = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["run", "month"], name="monitor_cell_run_month")]

    def __str__(self) -> str:
        return f"cell {self.run_id} {self.month} {self.district_code} {self.group_value}"
