"""Every write of the language app: one transaction, the access check and an audit entry.

Pasted and uploaded texts scanned with ``text_scan`` are never written anywhere: only the
processing log notes that a scan happened (without the text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gelijk.core import access, audit, processing
from gelijk.engines.errors import InputError
from gelijk.engines.language import Document, RuleSet, ScanReport, parse_rules
from gelijk.language import policies, rulesets
from gelijk.language.files import max_text_chars
from gelijk.language.models import Kind, Letter, LetterScan, LetterVersion, RuleFile, ScanBatch

log = logging.getLogger("gelijk.language")

MAX_RULE_FILE_BYTES = 200 * 1024


class LanguageError(Exception):
    """A refused action, with a Dutch message for the user and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None, details: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = list(details)


def _guarded(permission: str, target: Callable | None = None):
    """Check ``permission`` (on the object ``target`` picks from the arguments) before the
    service's transaction opens, so the audit entry of a refusal is not rolled back with it."""

    def decorator(func):
        atomic = transaction.atomic(func)

        @wraps(func)
        def wrapper(*args, user, **kwargs):
            access.require(user, permission, target(*args) if target else None)
            return atomic(*args, user=user, **kwargs)

        return wrapper

    return decorator


# --------------------------------------------------------------------------- scanning


def scan_report(
    text: str, *, kind: str, ruleset: RuleSet, document: Document | None = None
) -> ScanReport:
    """Scan ``text`` (or a ``document`` read from a file, keeping its source positions)."""
    if document is None:
        return ruleset.scanner.scan_text(text, kind=kind)
    return ruleset.scanner.scan_text(
        document.text,
        kind=kind,
        filename=document.path,
        hard_line_breaks=document.hard_line_breaks,
        locate=document.locate,
        encoding=document.encoding,
        notes=document.notes,
    )


def text_scan(*, kind: str, text: str = "", document: Document | None = None) -> ScanReport:
    """Scan a pasted text or an uploaded document for the response only. Nothing is stored."""
    ruleset, _fp = rulesets.active_ruleset()
    report = scan_report(text, kind=kind, ruleset=ruleset, document=document)
    processing.record("language_adhoc_scan")
    return report


def _scan_row(
    version: LetterVersion,
    ruleset: RuleSet,
    fingerprint: str,
    *,
    user=None,
    batch: ScanBatch | None = None,
    at: datetime | None = None,
) -> LetterScan:
    report = ruleset.scanner.scan_text(version.text, kind=version.letter.kind)
    counts = report.counts
    return LetterScan.objects.create(
        version=version,
        batch=batch,
        kind=report.kind,
        result=report.to_dict(),
        errors=counts["error"],
        warnings=counts["warning"],
        suggestions=counts["suggestion"],
        b1_code=report.b1.code,
        b1_and_clean=report.is_b1_and_clean,
        rules_fingerprint=fingerprint,
        scanned_by=user,
        scanned_at=at or timezone.now(),
    )


# --------------------------------------------------------------------------- the library

# Nine digits on their own (not part of an amount such as 1.234.567,89 or a longer number).
_BSN_CANDIDATE = re.compile(r"(?<![\d.,-])(\d{9})(?![\d,-]|\.\d)")


def _looks_like_bsn(digits: str) -> bool:
    """The eleven test of a citizen service number (BSN)."""
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return digits[0] != "0" and (total - int(digits[8])) % 11 == 0


def check_letter_text(text: str) -> str:
    """A library text must be non-empty, within the length limit, and hold no BSN."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise LanguageError(_("De tekst is leeg."), field="text")
    if len(text) > max_text_chars():
        raise LanguageError(
            _("De tekst is te lang (%(n)s tekens). Het maximum is %(max)s tekens.")
            % {"n": len(text), "max": max_text_chars()},
            field="text",
        )
    for m in _BSN_CANDIDATE.finditer(text):
        if _looks_like_bsn(m.group(1)):
            line = text.count("\n", 0, m.start()) + 1
            raise LanguageError(
                _(
                    "Op regel %(line)s staat een getal dat een burgerservicenummer kan zijn. "
                    "Een standaardbrief bevat geen persoonsgegevens: gebruik een plaatshouder "
                    "zoals [BSN]."
                )
                % {"line": line},
                field="text",
            )
    return text


def _check_team(user, team) -> None:
    if team is None or access.has_permission(user, policies.MANAGE_LIBRARY):
        return
    if team.pk != policies.team_id(user):
        raise LanguageError(_("U kunt alleen brieven voor uw eigen team toevoegen."), field="team")


@_guarded(policies.EDIT)
def letter_create(
    *,
    user,
    title: str,
    kind: str,
    text: str,
    team=None,
    note: str = "",
    source_name: str = "",
    at: datetime | None = None,
) -> Letter:
    """A new standard letter with its first version, scanned straight away."""
    title = " ".join((title or "").split())
    if not title:
        raise LanguageError(_("Geef de brief een titel."), field="title")
    if kind not in Kind.values:
        raise LanguageError(_("Kies of het een brief of een vacaturetekst is."), field="kind")
    _check_team(user, team)
    text = check_letter_text(text)
    if Letter.objects.filter(title__iexact=title).exists():
        raise LanguageError(_("Er is al een brief met deze titel."), field="title")
    at = at or timezone.now()
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                title=title, kind=kind, team=team, owner=user, created_at=at
            )
    except IntegrityError:
        raise LanguageError(_("Er is al een brief met deze titel."), field="title") from None
    version = LetterVersion.objects.create(
        letter=letter,
        number=1,
        text=text,
        note=(note or "").strip()[:500],
        source_name=source_name[:200],
        created_by=user,
        created_at=at,
    )
    Letter.objects.filter(pk=letter.pk).update(latest_version=version)
    letter.latest_version = version
    ruleset, fp = rulesets.active_ruleset()
    scan = _scan_row(version, ruleset, fp, user=user, at=at)
    audit.record(
        audit.Action.CREATE,
        obj=letter,
        detail={
            "title": title,
            "kind": kind,
            "team": team.code if team else None,
            "version": 1,
            "characters": len(text),
            "scan": scan.pk,
        },
        actor=user,
    )
    return letter


@_guarded(policies.EDIT, lambda letter: letter)
def letter_add_version(
    letter: Letter,
    *,
    user,
    text: str,
    note: str = "",
    source_name: str = "",
    at: datetime | None = None,
) -> LetterVersion:
    """Save a changed text as the next version and scan it. An unchanged text is refused."""
    text = check_letter_text(text)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    latest = LetterVersion.objects.filter(letter=letter).order_by("-number").first()
    if latest is not None and latest.text == text:
        raise LanguageError(
            _("De tekst is hetzelfde als versie %(n)s. Er is niets om op te slaan.")
            % {"n": latest.number},
            field="text",
        )
    at = at or timezone.now()
    version = LetterVersion.objects.create(
        letter=letter,
        number=(latest.number if latest else 0) + 1,
        text=text,
        note=(note or "").strip()[:500],
        source_name=source_name[:200],
        created_by=user,
        created_at=at,
    )
    Letter.objects.filter(pk=letter.pk).update(latest_version=version)
    ruleset, fp = rulesets.active_ruleset()
    scan = _scan_row(version, ruleset, fp, user=user, at=at)
    audit.record(
        audit.Action.CREATE,
        obj=version,
        detail={
            "letter": letter.pk,
            "title": letter.title,
            "version": version.number,
            "characters": len(text),
            "scan": scan.pk,
        },
        actor=user,
    )
    return version


@_guarded(policies.USE, lambda version: version)
def version_scan(version: LetterVersion, *, user) -> LetterScan:
    """Scan a saved version again with today's rules."""
    ruleset, fp = rulesets.active_ruleset()
    scan = _scan_row(version, ruleset, fp, user=user)
    audit.record(
        audit.Action.CREATE,
        obj=scan,
        detail={"letter": version.letter_id, "version": version.number},
        actor=user,
    )
    return scan


# --------------------------------------------------------------------------- batch scans


@_guarded(policies.RUN_BATCH)
def batch_create(
    *, user, letter_ids: Iterable[int] | None = None, at: datetime | None = None
) -> ScanBatch:
    """Record a batch of the whole library (``letter_ids`` None) or a selection. Refused while
    another batch is queued or running, so a double click starts one batch; a batch whose
    worker stopped without a sign of life for ``GELIJK_LANGUAGE_STALE_MINUTES`` is marked failed
    first, so it cannot block the next one for ever."""
    now = at or timezone.now()
    _release_stale(now)
    if ScanBatch.objects.filter(busy=True).exists():
        raise _already_running()
    letters = access.scope(user, Letter.objects.filter(latest_version__isnull=False))
    if letter_ids is None:
        ids = list(letters.order_by("title").values_list("pk", flat=True))
        if not ids:
            raise LanguageError(_("De bibliotheek is nog leeg. Voeg eerst brieven toe."))
        scope = ScanBatch.Scope.ALL
    else:
        wanted = {int(i) for i in letter_ids}
        if not wanted:
            raise LanguageError(_("Kies minstens één brief om te scannen."), field="letters")
        ids = list(letters.filter(pk__in=wanted).order_by("title").values_list("pk", flat=True))
        if len(ids) != len(wanted):
            raise LanguageError(_("Een of meer gekozen brieven bestaan niet."), field="letters")
        scope = ScanBatch.Scope.SELECTION
    try:
        with transaction.atomic():
            batch = ScanBatch.objects.create(
                scope=scope, letter_ids=ids, total=len(ids), created_by=user, created_at=now
            )
    except IntegrityError:  # another request started one a moment ago (the unique constraint)
        raise _already_running() from None
    audit.record(
        audit.Action.CREATE,
        obj=batch,
        detail={"scope": scope, "letters": len(ids)},
        actor=user,
    )
    return batch


def _already_running() -> LanguageError:
    return LanguageError(
        _("Er loopt al een batchscan. Wacht tot die klaar is en start dan een nieuwe.")
    )


def _release_stale(now: datetime) -> None:
    """Mark failed the batches that hold the lock but gave no sign of life for too long."""
    limit = now - timedelta(minutes=settings.GELIJK_LANGUAGE_STALE_MINUTES)
    for batch in ScanBatch.objects.filter(busy=True):
        last = batch.heartbeat_at or batch.started_at or batch.created_at
        if last < limit:
            _batch_failed(
                batch,
                _(
                    "Gestopt: de batchscan gaf sinds %(when)s geen teken van leven meer "
                    "(het achtergrondproces is waarschijnlijk gestopt). Start een nieuwe."
                )
                % {"when": timezone.localtime(last).strftime("%d-%m-%Y %H:%M")},
                now,
            )


@_guarded(policies.RUN_BATCH)
def batch_start(*, user, letter_ids: Iterable[int] | None = None) -> ScanBatch:
    """Record a batch and queue its background scan."""
    batch = batch_create(user=user, letter_ids=letter_ids)
    from gelijk.language.tasks import run_scan_batch

    # With the database task backend the queued task becomes visible with this commit, so a
    # refused or failed request queues nothing.
    result = run_scan_batch.enqueue(batch.pk)
    ScanBatch.objects.filter(pk=batch.pk, task_id="").update(task_id=str(result.id)[:64])
    batch.refresh_from_db()
    return batch


def batch_run(batch_id: int, *, at: datetime | None = None) -> ScanBatch:
    """Scan the batch's letters one by one, counting progress as it goes (the task)."""
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ScanBatch.Status.QUEUED:
            return batch
        batch.status = ScanBatch.Status.RUNNING
        batch.started_at = batch.heartbeat_at = at or timezone.now()
        batch.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        ruleset, fp = rulesets.active_ruleset()
    except InputError as exc:  # a rule file that loaded before no longer does
        return _batch_failed(batch, rulesets.dutch_rule_error(exc), at)
    ScanBatch.objects.filter(pk=batch.pk).update(rules_fingerprint=fp)
    for letter_id in batch.letter_ids:
        clean = failed = 0
        letter = Letter.objects.filter(pk=letter_id).select_related("latest_version").first()
        try:
            if letter is None or letter.latest_version is None:
                raise LookupError(letter_id)
            version = letter.latest_version
            version.letter = letter
            with transaction.atomic():
                scan = _scan_row(version, ruleset, fp, batch=batch, at=at)
            clean = int(scan.b1_and_clean)
        except Exception:  # one bad letter must not stop the batch; the trace goes to the log
            log.exception("batch %s: letter %s could not be scanned", batch.pk, letter_id)
            failed = 1
        ScanBatch.objects.filter(pk=batch.pk).update(
            done_count=F("done_count") + 1,
            failed_count=F("failed_count") + failed,
            clean_count=F("clean_count") + clean,
            heartbeat_at=at or timezone.now(),
        )
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ScanBatch.Status.RUNNING:  # marked failed as stale meanwhile
            return batch
        batch.status, batch.busy = ScanBatch.Status.DONE, None
        batch.finished_at = at or timezone.now()
        batch.save(update_fields=["status", "busy", "finished_at"])
        audit.record(
            audit.Action.CHANGE,
            obj=batch,
            detail={
                "status": batch.status,
                "scanned": batch.scanned,
                "failed": batch.failed_count,
                "b1_and_clean": batch.clean_count,
            },
        )
    return batch


def _batch_failed(batch: ScanBatch, message: str, at: datetime | None) -> ScanBatch:
    with transaction.atomic():
        batch.status, batch.error, batch.busy = ScanBatch.Status.FAILED, message[:500], None
        batch.finished_at = at or timezone.now()
        batch.save(update_fields=["status", "error", "busy", "finished_at"])
        audit.record(
            audit.Action.CHANGE,
            obj=batch,
            result=audit.Result.FAILED,
            detail={"status": batch.status, "error": batch.error},
        )
    return batch


# --------------------------------------------------------------------------- custom rules

_NAME = re.compile(r"[^a-z0-9_-]+")


def rule_file_name(name: str) -> str:
    """A safe, readable file name: lower case, a-z 0-9 _ -, ending in .yaml."""
    stem = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.ya?ml$", "", stem.lower())
    stem = _NAME.sub("-", stem).strip("-")[:80]
    return f"{stem or 'eigen-regels'}.yaml"


@_guarded(policies.MANAGE_RULES)
def rulefile_upload(*, user, name: str, data: bytes) -> RuleFile:
    """Check a rule file with the built-in and the other active files, run its examples, and
    make it active (replacing an active file with the same name)."""
    shown = rule_file_name(name)
    if not (name or "").lower().endswith((".yaml", ".yml")):
        raise LanguageError(
            _("Een regelbestand is een YAML-bestand: de naam eindigt op .yaml of .yml."),
            field="file",
        )
    if len(data) > MAX_RULE_FILE_BYTES:
        raise LanguageError(
            _("Het regelbestand is te groot. Het maximum is %(kb)s kB.")
            % {"kb": MAX_RULE_FILE_BYTES // 1024},
            field="file",
        )
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LanguageError(
            _("Het regelbestand moet in UTF-8 zijn opgeslagen."), field="file"
        ) from None
    others = [f for f in rulesets.active_files() if f.name != shown]
    candidate = rulesets.CustomFile(shown, content, rulesets.sha256(content))
    try:
        parsed, disable = parse_rules(content, shown)
        ruleset = rulesets.merge([*others, candidate])
    except InputError as exc:
        raise LanguageError(
            rulesets.dutch_rule_error(exc), field="file", details=[str(exc)]
        ) from None
    rule_ids = [r.id for r in parsed]
    problems = rulesets.failed_examples(ruleset, rule_ids)
    if problems:
        raise LanguageError(
            _("De voorbeelden in het regelbestand kloppen niet met de regels."),
            field="file",
            details=problems,
        )
    replaced = list(
        RuleFile.objects.select_for_update()
        .filter(name=shown, active=True)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    RuleFile.objects.filter(pk__in=replaced).update(active=False, deactivated_at=now)
    row = RuleFile.objects.create(
        name=shown,
        content=content,
        sha256=candidate.sha256,
        rule_ids=rule_ids,
        disables=list(disable),
        uploaded_by=user,
        uploaded_at=now,
    )
    audit.record(
        audit.Action.CREATE,
        obj=row,
        detail={"name": shown, "rules": rule_ids, "disables": list(disable), "replaces": replaced},
        actor=user,
    )
    return row


@_guarded(policies.MANAGE_RULES)
def rulefile_deactivate(rule_file: RuleFile, *, user) -> RuleFile:
    row = RuleFile.objects.select_for_update().get(pk=rule_file.pk)
    if not row.active:
        raise LanguageError(_("Dit regelbestand staat al uit."))
    row.active, row.deactivated_at = False, timezone.now()
    row.save(update_fields=["active", "deactivated_at"])
    audit.record(
        audit.Action.CHANGE, obj=row, detail={"name": row.name, "active": False}, actor=user
    )
    return row
