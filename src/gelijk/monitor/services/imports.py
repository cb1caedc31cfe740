"""Imports of enforcement actions and survey microdata (GUIDE §4.7: all or nothing).

Flow: ``import_start`` checks the upload (type, contents, duplicate), records a
``DataImport`` that holds the one-import-at-a-time lock, and queues ``run_import``. The task
(``import_run``) validates the whole file with the engine first — any invalid row fails the
import with a row-level report in Dutch — and then stores every row and the "done" status in ONE
transaction. Officer ids are pseudonymised by the engine with the configured key; perceived
origin is read only when ``GELIJK_STOPFORM_PILOT`` names a legal basis.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gelijk.core import access, audit, processing
from gelijk.engines.errors import InputError
from gelijk.monitor import files, policies, texts
from gelijk.monitor.models import Action, DataImport, SurveyResponses
from gelijk.monitor.services.progress import ProgressWriter
from gelijk.monitor.services.store import store_actions

log = logging.getLogger("gelijk.monitor")

UPLOAD_DIR = "monitor/uploads"


class MonitorError(Exception):
    """A refusal with a Dutch message for the user (4xx, never a stack trace)."""

    def __init__(self, message: str, *, field: str | None = None, busy: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.busy = busy  # refused because other work holds the lock (HTTP 409)


@dataclass(frozen=True)
class Upload:
    """What the web form or the API hands over: a name and a readable file object."""

    name: str
    file: object  # has .chunks() (Django UploadedFile) or .read()
    size: int


def _chunks(upload: Upload):
    if hasattr(upload.file, "chunks"):
        yield from upload.file.chunks()
        return
    while chunk := upload.file.read(1 << 20):
        yield chunk


def _safe_name(name: str) -> str:
    stem = Path(name.replace("\\", "/")).name.strip() or "bestand"
    keep = "".join(c if c.isalnum() or c in "._- " else "_" for c in stem)
    return keep[:150]


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def _release_stale(now) -> None:
    """Fail imports whose worker stopped (no heartbeat for a long time), freeing the lock."""
    limit = now - timedelta(minutes=settings.GELIJK_MONITOR_STALE_MINUTES)
    stale = DataImport.objects.filter(
        busy=True, heartbeat_at__lt=limit
    ) | DataImport.objects.filter(busy=True, heartbeat_at__isnull=True, created_at__lt=limit)
    for imp in stale:
        DataImport.objects.filter(pk=imp.pk, busy=True).update(
            status=DataImport.Status.FAILED,
            busy=None,
            finished_at=now,
            error_message=_(
                "De import is afgebroken: de achtergrondverwerking gaf lange tijd geen teken "
                "van leven. Er is niets opgeslagen. Start de import opnieuw."
            ),
        )
        audit.record(
            audit.Action.CHANGE,
            obj=imp,
            result=audit.Result.FAILED,
            detail={"status": "failed", "reason": "stale"},
        )


def import_start(
    *,
    user,
    kind: str,
    upload: Upload,
    replace_overlapping: bool = False,
    source: str = "upload",
    enqueue: bool = True,
    survey_period: tuple[date, date] | None = None,
) -> DataImport:
    """Check and record an upload, then queue its import (the lock is taken here). With
    ``enqueue=False`` the caller runs ``import_run`` itself (the demo seeder).

    ``survey_period`` (first and last day of a survey's fieldwork) is what lets a run pick the
    survey of its own period: the survey contract holds wave numbers, no dates."""
    access.require(user, policies.IMPORT)
    if kind not in DataImport.Kind.values:
        raise MonitorError(_("Kies welke soort gegevens u aanlevert."), field="kind")
    if kind != DataImport.Kind.SURVEY:
        survey_period = None
    if survey_period is not None and survey_period[0] > survey_period[1]:
        raise MonitorError(
            _("De einddatum van het veldwerk ligt voor de begindatum."), field="survey_end"
        )
    limit_mb = settings.GELIJK_MONITOR_MAX_UPLOAD_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise MonitorError(
            _("Het bestand is groter dan %(mb)s MB. Lever het in delen aan.") % {"mb": limit_mb},
            field="file",
        )
    name = _safe_name(upload.name)
    folder = f"{UPLOAD_DIR}/{uuid.uuid4().hex}"
    target = Path(default_storage.path(f"{folder}/{name}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    head = b""
    size = 0
    with target.open("wb") as out:
        for chunk in _chunks(upload):
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    try:
        fmt = files.file_format(name, head)
        sha = digest.hexdigest()
        earlier = (
            DataImport.objects.filter(sha256=sha, kind=kind, status=DataImport.Status.DONE)
            .order_by("created_at")
            .first()
        )
        if earlier is not None:
            raise MonitorError(
                _(
                    "Dit bestand is al geïmporteerd op %(when)s (import %(pk)s, %(name)s). "
                    "Er is niets opnieuw ingelezen."
                )
                % {"when": _when(earlier.created_at), "pk": earlier.pk, "name": earlier.file_name},
                field="file",
            )
        now = timezone.now()
        _release_stale(now)
        try:
            with transaction.atomic():
                imp = DataImport.objects.create(
                    kind=kind,
                    source=source,
                    file_name=name,
                    file_format=fmt,
                    size_bytes=size,
                    sha256=sha,
                    replace_overlapping=bool(replace_overlapping) and kind == "actions",
                    uploaded_by=user if user.is_authenticated else None,
                    created_at=now,
                    upload_path=f"{folder}/{name}",
                    stopform_pilot=bool(settings.GELIJK_STOPFORM_PILOT) and kind == "actions",
                    period_start=survey_period[0] if survey_period else None,
                    period_end=survey_period[1] if survey_period else None,
                )
                audit.record(
                    audit.Action.CREATE,
                    obj=imp,
                    detail={"kind": kind, "file": name, "sha256": sha, "source": source},
                )
        except IntegrityError:
            busy = DataImport.objects.filter(busy=True).first()
            raise MonitorError(
                _(
                    "Er loopt al een import (%(what)s, gestart op %(when)s). Er kan één import "
                    "tegelijk lopen. Probeer het opnieuw als die klaar is."
                )
                % {
                    "what": busy.file_name if busy else _("onbekend"),
                    "when": _when(busy.created_at) if busy else "",
                },
                busy=True,
            ) from None
    except (MonitorError, files.UploadRefused) as exc:
        shutil.rmtree(target.parent, ignore_errors=True)
        audit.record(
            audit.Action.CREATE,
            object_type=DataImport._meta.label,
            result=audit.Result.FAILED,
            detail={"kind": kind, "file": name, "refused": exc.message},
        )
        if isinstance(exc, files.UploadRefused):
            raise MonitorError(exc.message, field="file") from None
        raise
    if not enqueue:
        return imp
    from gelijk.monitor.tasks import run_import

    # The database backend makes the queued task visible with this commit; the test settings
    # run it at once.
    result = run_import.enqueue(imp.pk)
    DataImport.objects.filter(pk=imp.pk, task_id="").update(task_id=str(result.id)[:64])
    imp.refresh_from_db()
    return imp


# --------------------------------------------------------------------------- the task


class _Refused(Exception):
    def __init__(self, message: str, report: dict | None = None):
        super().__init__(message)
        self.message = message
        self.report = report


def import_run(import_id: int) -> DataImport:
    """Validate and store one queued import (the background task's body)."""
    with transaction.atomic():
        imp = DataImport.objects.select_for_update().get(pk=import_id)
        if imp.status != DataImport.Status.QUEUED:
            return imp
        imp.status = DataImport.Status.RUNNING
        imp.started_at = timezone.now()
        imp.heartbeat_at = imp.started_at
        imp.stage = "validate"
        imp.save(update_fields=["status", "started_at", "heartbeat_at", "stage"])
    progress = ProgressWriter(DataImport, imp.pk)
    path = Path(default_storage.path(imp.upload_path)) if imp.upload_path else None
    try:
        if path is None or not path.is_file():
            raise _Refused(
                _("Het aangeleverde bestand is niet meer aanwezig. Lever het opnieuw aan.")
            )
        if imp.kind == DataImport.Kind.ACTIONS:
            _import_actions(imp, path, progress)
        else:
            _import_survey(imp, path, progress)
    except _Refused as exc:
        _failed(imp, exc.message, exc.report)
    except InputError as exc:
        _failed(imp, _input_message(imp, path, exc), _report_of(exc))
    except Exception:  # the trace goes to the log; the user gets a plain message
        log.exception("monitor import %s failed", imp.pk)
        _failed(
            imp,
            _(
                "De import is mislukt door een fout in Gelijk. Er is niets opgeslagen. Meld dit "
                "bij de beheerder (import %(pk)s)."
            )
            % {"pk": imp.pk},
        )
    finally:
        progress.close()
        if path is not None:
            shutil.rmtree(path.parent, ignore_errors=True)
        DataImport.objects.filter(pk=imp.pk).update(upload_path="")
    imp.refresh_from_db()
    return imp


def _report_of(exc: InputError) -> dict | None:
    report = getattr(exc, "report", None)
    return texts.report(report.to_dict()) if report is not None else None


def _input_message(imp: DataImport, path: Path | None, exc: InputError) -> str:
    report = getattr(exc, "report", None)
    if report is not None:
        return _(
            "%(bad)s van de %(read)s regels in %(name)s kloppen niet. Er is niets opgeslagen. "
            "Verbeter het bestand en lever het opnieuw aan; hieronder staat per regel wat er "
            "niet klopt."
        ) % {"bad": report.invalid_rows, "read": report.rows_read, "name": imp.file_name}
    return texts.input_error(str(exc))


def _check_contract(imp: DataImport, path: Path) -> None:
    try:
        names = files.columns(path, imp.file_format)
    except Exception:  # unreadable headers are reported by the engine's own reader
        return
    other = files.other_contract(imp.kind, names)
    if other:
        raise _Refused(other)


def _import_actions(imp: DataImport, path: Path, progress: ProgressWriter) -> None:
    from gelijk.engines.monitor import load_actions

    _check_contract(imp, path)
    legal_basis = (settings.GELIJK_STOPFORM_PILOT or "").strip()
    loaded = load_actions(
        str(path),
        pseudonymisation_key=settings.GELIJK_PSEUDONYMISATION_KEY,
        stopform_pilot=bool(legal_basis),
        stopform_legal_basis=legal_basis or None,
    )
    try:
        n = loaded.n_rows
        if n == 0:
            raise _Refused(
                _("%(name)s bevat geen acties, alleen een kopregel.") % {"name": imp.file_name}
            )
        first, last = loaded.connection.execute(
            "SELECT min(local_date), max(local_date) FROM actions"
        ).fetchone()
        officers = [
            r[0]
            for r in loaded.connection.execute(
                "SELECT DISTINCT officer_id FROM actions WHERE officer_id IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        notes = [texts.note(x) for x in loaded.validation.notes]
        progress.update(stage="store", done=0, total=n)
        with transaction.atomic():
            stored = store_actions(imp.pk, loaded, progress=lambda d: progress.update(done=d))
            overlap = _overlapping(imp)
            if overlap and not imp.replace_overlapping:
                raise _Refused(_overlap_message(overlap))
            imp = DataImport.objects.select_for_update().get(pk=imp.pk)
            if overlap:
                DataImport.objects.filter(pk__in=[o["pk"] for o in overlap]).update(
                    status=DataImport.Status.REPLACED, replaced_by=imp
                )
                notes.append(
                    _("Deze levering vervangt import(s) %(pks)s.")
                    % {"pks": ", ".join(str(o["pk"]) for o in overlap)}
                )
            _finish(imp, rows_read=loaded.validation.rows_read, rows_stored=stored, notes=notes)
            imp.period_start, imp.period_end = first, last
            imp.save(update_fields=["period_start", "period_end"])
            trace = f"monitor-import-{imp.pk}"
            for pseudonym in officers:
                processing.record("monitor_import_actions", subject=pseudonym, trace_id=trace)
            if not officers:
                processing.record("monitor_import_actions", trace_id=trace)
    finally:
        loaded.connection.close()


def _overlapping(imp: DataImport) -> list[dict]:
    """Other live imports holding action ids of this one (a re-delivery or a mistake)."""
    mine = Action.objects.filter(data_import=imp).values("action_id")
    rows = (
        Action.objects.filter(
            data_import__status=DataImport.Status.DONE,
            data_import__kind=DataImport.Kind.ACTIONS,
            action_id__in=mine,
        )
        .exclude(data_import=imp)
        .values("data_import")
        .annotate(n=Count("id"))
        .order_by("data_import")
    )
    found = {r["data_import"]: r["n"] for r in rows}
    return [
        {"pk": d.pk, "name": d.file_name, "n": found[d.pk], "created_at": d.created_at}
        for d in DataImport.objects.filter(pk__in=found).order_by("pk")
    ]


def _overlap_message(overlap: list[dict]) -> str:
    parts = [
        _("%(n)s acties zitten al in import %(pk)s (%(name)s, %(when)s)")
        % {"n": o["n"], "pk": o["pk"], "name": o["name"], "when": _when(o["created_at"])}
        for o in overlap
    ]
    return _(
        "Dit bestand bevat acties die al zijn geïmporteerd: %(parts)s. Er is niets opgeslagen, "
        "zodat geen actie dubbel telt. Is dit een nieuwe versie van die levering? Kies dan "
        "'Vervangt eerdere levering' en importeer het opnieuw."
    ) % {"parts": "; ".join(parts)}


def _import_survey(imp: DataImport, path: Path, progress: ProgressWriter) -> None:
    from gelijk.engines.monitor import load_survey

    _check_contract(imp, path)
    loaded = load_survey(str(path))
    frame = loaded.frame
    if frame.empty:
        raise _Refused(
            _("%(name)s bevat geen antwoorden, alleen een kopregel.") % {"name": imp.file_name}
        )
    progress.update(stage="store", done=0, total=len(frame))
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    rows = [{k: _plain(v) for k, v in r.items()} for r in records]
    with transaction.atomic():
        imp = DataImport.objects.select_for_update().get(pk=imp.pk)
        SurveyResponses.objects.create(
            data_import=imp,
            rows=rows,
            answers=list(loaded.answers),
            waves=sorted({int(w) for w in frame["wave"]}),
            respondents=len(rows),
        )
        _finish(
            imp,
            rows_read=loaded.validation.rows_read,
            rows_stored=len(rows),
            notes=[texts.note(x) for x in loaded.validation.notes],
        )
        processing.record("monitor_import_survey", trace_id=f"monitor-import-{imp.pk}")


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    return value


def _finish(imp: DataImport, *, rows_read: int, rows_stored: int, notes: list[str]) -> None:
    imp.status = DataImport.Status.DONE
    imp.busy = None
    imp.finished_at = timezone.now()
    imp.rows_read = rows_read
    imp.rows_stored = rows_stored
    imp.progress_done = imp.progress_total = rows_stored
    imp.stage = "done"
    imp.notes = notes
    imp.save()
    audit.record(
        audit.Action.CREATE,
        obj=imp,
        actor=imp.uploaded_by,
        detail={
            "status": "done",
            "kind": imp.kind,
            "rows": rows_stored,
            "sha256": imp.sha256,
            "replaces": [d.pk for d in imp.replaced.all()],
        },
    )


def _failed(imp: DataImport, message: str, report: dict | None = None) -> None:
    with transaction.atomic():
        DataImport.objects.filter(pk=imp.pk).update(
            status=DataImport.Status.FAILED,
            busy=None,
            finished_at=timezone.now(),
            stage="failed",
            error_message=message,
            error_report=report,
        )
        audit.record(
            audit.Action.CREATE,
            obj=imp,
            actor=imp.uploaded_by,
            result=audit.Result.FAILED,
            detail={"status": "failed", "kind": imp.kind, "message": message[:300]},
        )
