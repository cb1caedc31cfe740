"""Standard letters, their versions, scans and batch scans, and custom rule files.

- ``Letter`` is the stable identity of a standard letter or vacancy text (title, kind, team,
  owner). Every save of its text is a new ``LetterVersion``; versions are append-only
  (database triggers, ``gelijk.core.dbguards``). ``Letter.latest_version`` points at the newest.
- ``LetterScan`` is one scan of one version: the engine's report as JSON (without the text,
  which the version holds) and the figures the library and the trend need. A version's
  current result is its newest scan; older scans stay for the trend.
- ``ScanBatch`` scans many letters in the background and counts its progress.
- ``RuleFile`` is a rule file (YAML, docs/language/rule-format.md) uploaded by a rule
  manager; the active ones are used alongside the built-in rules.

Pasted or uploaded texts that are scanned without saving them to the library are never
stored. Writes go through ``services``; reads through ``selectors`` and the access layer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    LETTER = "letter", _("brief")
    VACANCY = "vacancy", _("vacaturetekst")


class Letter(models.Model):
    title = models.CharField(_("titel"), max_length=200, unique=True)
    kind = models.CharField(_("soort tekst"), max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        "core.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        USER,
        verbose_name=_("eigenaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    latest_version = models.ForeignKey(
        "LetterVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        default_permissions = ()
        verbose_name = _("standaardbrief")
        verbose_name_plural = _("standaardbrieven")
        permissions = [
            ("use_scanner", "Mag teksten scannen en de bibliotheek met standaardbrieven inzien"),
            ("edit_letters", "Mag standaardbrieven van het eigen team toevoegen en wijzigen"),
            ("manage_library", "Mag alle standaardbrieven wijzigen"),
            ("run_batch", "Mag de hele bibliotheek of een selectie in één keer laten scannen"),
            ("manage_rules", "Mag eigen regelbestanden toevoegen en uitzetten"),
        ]

    def __str__(self) -> str:
        return self.title


class LetterVersion(models.Model):
    """One saved text of a letter. Append-only: a change is a new version."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    text = models.TextField(_("tekst"))
    note = models.CharField(_("wat is er veranderd"), max_length=500, blank=True)
    source_name = models.CharField(_("bestand"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["letter", "-number"]
        default_permissions = ()
        verbose_name = _("versie van een standaardbrief")
        verbose_name_plural = _("versies van standaardbrieven")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number"], name="language_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} v{self.number}"


class ScanBatch(models.Model):
    """A background scan of many letters, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wacht op de start")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    class Scope(models.TextChoices):
        ALL = "all", _("hele bibliotheek")
        SELECTION = "selection", _("selectie")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    # The letters to scan, fixed when the batch is started (a letter added later waits for
    # the next batch); the newest version at the time of the run is scanned.
    letter_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    clean_count = models.PositiveIntegerField(default=0)
    rules_fingerprint = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of a running batch: a batch whose worker died is found by it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # True while queued or running, NULL afterwards: the partial unique constraint makes "one
    # batch at a time" hold even when two requests pass the check at the same moment.
    busy = models.BooleanField(null=True, default=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_count__lte=models.F("total"))
                & models.Q(failed_count__lte=models.F("done_count"))
                & models.Q(clean_count__lte=models.F("done_count")),
                name="language_batch_counts_consistent",
            ),
            models.UniqueConstraint(
                fields=["busy"],
                condition=models.Q(busy=True),
                name="language_one_batch_at_a_time",
            ),
            models.CheckConstraint(
                condition=models.Q(busy__isnull=True) | models.Q(status__in=["queued", "running"]),
                name="language_batch_busy_only_while_working",
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def scanned(self) -> int:
        """Letters scanned without a problem."""
        return self.done_count - self.failed_count

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 100


class LetterScan(models.Model):
    """One scan of one version, by a person or as part of a batch."""

    version = models.ForeignKey(LetterVersion, on_delete=models.PROTECT, related_name="scans")
    batch = models.ForeignKey(
        ScanBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # report.to_dict() of the engine (all severities, without the text)
    result = models.JSONField(default=dict)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    suggestions = models.PositiveIntegerField(default=0)
    b1_code = models.CharField(max_length=30, blank=True)
    b1_and_clean = models.BooleanField(default=False)
    problem = models.CharField(max_length=500, blank=True)
    rules_fingerprint = models.CharField(max_length=64, blank=True)
    scanned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "version"],
                condition=models.Q(batch__isnull=False),
                name="language_scan_once_per_batch",
            )
        ]

    def __str__(self) -> str:
        return f"scan {self.pk} of version {self.version_id}"


class RuleFile(models.Model):
    """A custom rule file; only active files are used. Replacing a file keeps the old one
    (inactive), so what was used for earlier scans stays visible."""

    name = models.CharField(_("bestandsnaam"), max_length=100)
    content = models.TextField(_("inhoud"))
    sha256 = models.CharField(max_length=64)
    rule_ids = models.JSONField(default=list)
    disables = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(active=True),
                name="language_rulefile_one_active_per_name",
            )
        ]

    def __str__(self) -> str:
        return self.name
