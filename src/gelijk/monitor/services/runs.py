"""Analysis runs: on demand (``run_request``) and monthly (``run_scheduled``); the task body
(``run_execute``) runs the engine and stores its report.

A run pins the exact imports it reads: every finished, not replaced import of actions whose
period overlaps the run's period. Imports never share an action id (the import refuses that),
so pinning several imports counts each action once; the run page names them all. A run is
refused when no action falls in the period, and while an import is still running (it would
miss that import). The report is stored as the engine wrote it (report.json split into its
analyses, and the engine's HTML), plus small pre-aggregated tables for the dashboards.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gelijk.core import access, audit, processing
from gelijk.engines.errors import InputError
from gelijk.monitor import policies, texts
from gelijk.monitor.models import Action, AnalysisRun, DataImport, RunAnalysis, RunCell
from gelijk.monitor.services.imports import MonitorError
from gelijk.monitor.services.progress import ProgressWriter
from gelijk.monitor.services.snapshot import duckdb_actions, read_actions

log = logging.getLogger("gelijk.monitor")

GROUPS = ("age_band", "sex", "nationality_group", "resident", "perceived_origin")


def _day(d: dt.date) -> str:
    return formats.date_format(d, "j F Y")


def available_groups() -> tuple[str, ...]:
    """Group columns a run may compare; perceived origin only in the stop-form pilot."""
    if (settings.GELIJK_STOPFORM_PILOT or "").strip():
        return GROUPS
    return tuple(g for g in GROUPS if g != "perceived_origin")


def imports_for(start: dt.date, end: dt.date):
    """The live imports of actions with rows in [start, end] (what a run would pin)."""
    return DataImport.objects.filter(
        kind=DataImport.Kind.ACTIONS,
        status=DataImport.Status.DONE,
        period_start__lte=end,
        period_end__gte=start,
    ).order_by("period_start", "pk")


def survey_for(start: dt.date, end: dt.date) -> DataImport | None:
    """The survey import a run over [start, end] uses: the newest whose fieldwork period
    overlaps the run's period; else the newest that ended before it (the run header says the
    survey is older); else the newest without a known period (imported before surveys had
    one). A survey from after the period is never used: it cannot describe that period."""
    done = DataImport.objects.filter(kind=DataImport.Kind.SURVEY, status=DataImport.Status.DONE)
    newest = ("-period_end", "-period_start", "-finished_at", "-pk")
    return (
        done.filter(period_start__lte=end, period_end__gte=start).order_by(*newest).first()
        or done.filter(period_end__lt=start).order_by(*newest).first()
        or done.filter(period_start__isnull=True).order_by("-finished_at", "-pk").first()
    )


def _no_data(start: dt.date, end: dt.date) -> str:
    return _(
        "Er zijn geen handhavingsacties van %(start)s tot en met %(end)s. Importeer eerst de "
        "acties van die periode, of kies een andere periode."
    ) % {"start": _day(start), "end": _day(end)}


def run_create(
    *,
    user,
    start: dt.date,
    end: dt.date,
    group: str,
    reference: str = "",
    trigger: str = AnalysisRun.Trigger.MANUAL,
    wait_for_imports: bool = True,
    full_period: bool = False,
) -> AnalysisRun:
    """Record a run with its pinned imports (takes the one-run-at-a-time lock). With
    ``full_period`` the imports must cover the whole period (the monthly run)."""
    if start > end:
        raise MonitorError(
            _("De begindatum ligt na de einddatum. Kies een periode die klopt."), field="start"
        )
    if group not in available_groups():
        raise MonitorError(_("Kies een groepskenmerk uit de lijst."), field="group")
    if wait_for_imports:
        busy = DataImport.objects.filter(busy=True).first()
        if busy is not None:
            raise MonitorError(
                _(
                    "Er loopt nog een import (%(name)s). Start de analyse als die klaar is; "
                    "anders mist de analyse die gegevens."
                )
                % {"name": busy.file_name},
                busy=True,
            )
    pinned = list(imports_for(start, end))
    if (
        not pinned
        or not Action.objects.filter(
            data_import__in=pinned, local_date__range=(start, end)
        ).exists()
    ):
        raise MonitorError(_no_data(start, end))
    if full_period:
        gap = _coverage_gap(pinned, start, end)
        if gap:
            raise MonitorError(gap)
    survey = survey_for(start, end)
    try:
        with transaction.atomic():
            run = AnalysisRun.objects.create(
                period_start=start,
                period_end=end,
                group=group,
                reference=(reference or "").strip(),
                trigger=trigger,
                requested_by=user if user is not None and user.is_authenticated else None,
                survey_import=survey,
                created_at=timezone.now(),
            )
            run.imports.set(pinned)
            audit.record(
                audit.Action.CREATE,
                obj=run,
                actor=user if user is not None and user.is_authenticated else None,
                detail={
                    "period": [start.isoformat(), end.isoformat()],
                    "group": group,
                    "imports": [d.pk for d in pinned],
                    "survey": survey.pk if survey else None,
                    "trigger": trigger,
                },
            )
    except IntegrityError:
        raise MonitorError(
            _(
                "Er loopt al een analyse. Er kan één analyse tegelijk lopen. Probeer het opnieuw "
                "als die klaar is."
            ),
            busy=True,
        ) from None
    return run


# Deliveries may start or end a few days inside a month (the last days not yet exported).
_SLACK = dt.timedelta(days=7)


def _coverage_gap(pinned: list[DataImport], start: dt.date, end: dt.date) -> str | None:
    """Why the imports do not cover [start, end], or None when they do (within a week)."""
    covered_until = start - dt.timedelta(days=1)
    for imp in sorted(pinned, key=lambda d: d.period_start):
        if imp.period_start - covered_until > _SLACK:
            break
        covered_until = max(covered_until, imp.period_end)
    if covered_until + _SLACK >= end:
        return None
    first = min(d.period_start for d in pinned)
    last = max(d.period_end for d in pinned)
    return _(
        "De analyse van %(start)s tot en met %(end)s is niet uitgevoerd: de geïmporteerde "
        "acties dekken maar een deel van die periode (%(first)s tot en met %(last)s). Een "
        "automatische analyse draait alleen op een volledige periode; start zo nodig zelf een "
        "analyse over de periode met gegevens."
    ) % {"start": _day(start), "end": _day(end), "first": _day(first), "last": _day(last)}


def run_request(*, user, start, end, group: str, reference: str = "") -> AnalysisRun:
    """Start an analysis on demand: record it and queue the task."""
    access.require(user, policies.RUN)
    run = run_create(user=user, start=start, end=end, group=group, reference=reference)
    return _enqueue(run)


def _enqueue(run: AnalysisRun) -> AnalysisRun:
    from gelijk.monitor.tasks import run_analysis

    result = run_analysis.enqueue(run.pk)
    AnalysisRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def previous_months(today: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The ``months`` full calendar months before the month of ``today``."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    y, m = end.year, end.month - months + 1
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1), end


def run_scheduled(today: dt.date | None = None) -> AnalysisRun:
    """The monthly run over the last full months. A period without data, or with data for only
    part of it (no run on half data), is recorded as a failed run with the reason, so the gap
    shows in the run history."""
    today = today or timezone.localdate()
    start, end = previous_months(today, settings.GELIJK_MONITOR_SCHEDULED_MONTHS)
    group = settings.GELIJK_MONITOR_DEFAULT_GROUP
    try:
        run = run_create(
            user=None,
            start=start,
            end=end,
            group=group,
            trigger=AnalysisRun.Trigger.SCHEDULED,
            wait_for_imports=False,
            full_period=True,
        )
    except MonitorError as exc:
        now = timezone.now()
        run = AnalysisRun.objects.create(
            period_start=start,
            period_end=end,
            group=group,
            trigger=AnalysisRun.Trigger.SCHEDULED,
            status=AnalysisRun.Status.FAILED,
            busy=None,
            created_at=now,
            finished_at=now,
            error_message=exc.message,
        )
        # No personal data was read, so no audit entry: the failed run itself is the record.
        return run
    return run_execute(run.pk)


# --------------------------------------------------------------------------- the task


def run_execute(run_id: int) -> AnalysisRun:
    """Run the engine for one queued run and store the report (the task's body)."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if run.status != AnalysisRun.Status.QUEUED:
            return run
        run.status = AnalysisRun.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.stage = "snapshot"
        run.save(update_fields=["status", "started_at", "heartbeat_at", "stage"])
    progress = ProgressWriter(AnalysisRun, run.pk)
    try:
        _execute(run, progress)
    except InputError as exc:
        _run_failed(run, texts.input_error(str(exc)))
    except MonitorError as exc:
        _run_failed(run, exc.message)
    except Exception:  # the trace goes to the log; the user gets a plain message
        log.exception("monitor run %s failed", run.pk)
        _run_failed(
            run,
            _(
                "De analyse is mislukt door een fout in Gelijk. Er is geen uitkomst bewaard. "
                "Meld dit bij de beheerder (analyse %(pk)s)."
            )
            % {"pk": run.pk},
        )
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def _survey_of(run: AnalysisRun):
    if run.survey_import_id is None:
        return None
    import pandas as pd

    from gelijk.engines.monitor import load_survey

    rows = run.survey_import.survey_responses.rows
    return load_survey(pd.DataFrame(rows))


def _execute(run: AnalysisRun, progress: ProgressWriter) -> None:
    from gelijk.engines.monitor import (
        ANALYSES,
        DuckDBAggregator,
        MonitorConfig,
        render_html,
        run_report,
    )

    import_ids = list(run.imports.values_list("pk", flat=True))
    with_origin = run.group == "perceived_origin"
    if with_origin and not (settings.GELIJK_STOPFORM_PILOT or "").strip():
        raise MonitorError(_("De pilot met het stopformulier staat uit."))
    table = read_actions(import_ids, run.period_start, run.period_end, with_origin=with_origin)
    if table.num_rows == 0:
        raise MonitorError(_no_data(run.period_start, run.period_end))
    con = duckdb_actions(table)
    del table
    try:
        agg = DuckDBAggregator(con, "actions")
        config = MonitorConfig(
            group=run.group,
            reference=run.reference or None,
            k=settings.GELIJK_SMALL_CELL_K,
            analyses=tuple(settings.GELIJK_MONITOR_ANALYSES or ANALYSES),
        )

        def tick(step: str, done: int, total: int) -> None:
            progress.update(stage=step, done=done, total=total + 1)

        report = run_report(agg, config, survey=_survey_of(run), progress=tick)
        progress.update(stage="store")
        data = report.to_dict()
        html = render_html(report)
        first, last, n = con.execute(
            "SELECT min(local_date), max(local_date), count(*) FROM actions"
        ).fetchone()
        cells = _cells(agg, run.group, config.outcome_action_types)
        teams = _officer_teams(agg)
    finally:
        con.close()
    analyses = data.pop("analyses")
    data["input"] = {
        **data.get("input", {}),
        "imports": import_ids,
        "survey_import": run.survey_import_id,
        "pseudonymisation": "keyed_hash",
        "stopform_pilot": with_origin,
    }
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
        RunAnalysis.objects.bulk_create(
            RunAnalysis(
                run=run,
                position=i,
                name=a["name"],
                status=a["status"],
                payload=a,
                payload_light=_light(a),
            )
            for i, a in enumerate(analyses)
        )
        RunCell.objects.bulk_create((RunCell(run=run, **c) for c in cells), batch_size=2000)
        run.report_meta = data
        run.report_html = html
        run.reference_used = data["config"]["reference"]
        run.levels = data["config"]["levels"]
        run.officer_teams = teams
        run.officer_signals = _officer_signals(analyses, teams)
        run.n_actions, run.data_start, run.data_end = int(n), first, last
        run.status = AnalysisRun.Status.DONE
        run.busy = None
        run.finished_at = timezone.now()
        run.stage = "done"
        run.progress_done = run.progress_total
        run.save()
        audit.record(
            audit.Action.CHANGE,
            obj=run,
            actor=run.requested_by,
            detail={"status": "done", "actions": int(n), "imports": import_ids},
        )
        trace = f"monitor-run-{run.pk}"
        for pseudonym in sorted(teams):
            processing.record("monitor_analysis", subject=pseudonym, trace_id=trace)


def _cells(agg, group: str, outcome_types) -> list[dict]:
    from gelijk.engines.monitor import Filter

    keys = ["month", "initiative", "district_code", group]
    base = agg.grouped_counts(keys)
    searched = agg.grouped_counts(
        [*keys, "hit"], [Filter("action_type", "in", tuple(outcome_types))]
    )
    cells: dict[tuple, dict] = {}

    def key_of(row) -> tuple:
        value = getattr(row, group)
        value = None if value is None or value != value else str(value)
        return (row.month.date(), row.initiative, row.district_code, value)

    for row in base.itertuples(index=False):
        k = key_of(row)
        cells[k] = {
            "month": k[0],
            "initiative": k[1],
            "district_code": k[2],
            "group_value": k[3],
            "n": int(row.n),
            "n_outcome": 0,
            "n_outcome_known": 0,
            "n_outcome_hit": 0,
        }
    for row in searched.itertuples(index=False):
        cell = cells[key_of(row)]
        cell["n_outcome"] += int(row.n)
        if row.hit == row.hit and row.hit is not None:
            cell["n_outcome_known"] += int(row.n)
            if int(row.hit) == 1:
                cell["n_outcome_hit"] += int(row.n)
    return list(cells.values())


def _light(analysis: dict) -> dict:
    if analysis["name"] != "officer_benchmark":
        return analysis
    return {
        **analysis,
        "results": [r for r in analysis["results"] if r["measure"] != "officer_difference"],
    }


def _officer_signals(analyses: list[dict], teams: dict[str, str]) -> dict:
    """Distinct officers with a signal (q < 0.05) per scope and team; no officer named."""
    flagged: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for a in analyses:
        if a["name"] != "officer_benchmark":
            continue
        for r in a["results"]:
            q = r.get("q_value")
            if r["measure"] == "officer_difference" and q is not None and q < 0.05:
                flagged[r["scope"]][teams.get(r["unit"], "")].add(r["unit"])
    return {scope: {t: len(units) for t, units in per.items()} for scope, per in flagged.items()}


def _officer_teams(agg) -> dict[str, str]:
    from gelijk.engines.monitor import Filter

    frame = agg.grouped_counts(
        ["officer_id", "team"], [Filter("officer_id", "not_null"), Filter("team", "not_null")]
    )
    best: dict[str, tuple[int, str]] = defaultdict(lambda: (-1, ""))
    for row in frame.itertuples(index=False):
        if int(row.n) > best[row.officer_id][0]:
            best[row.officer_id] = (int(row.n), str(row.team))
    return {officer: team for officer, (_, team) in best.items()}


def _run_failed(run: AnalysisRun, message: str) -> None:
    with transaction.atomic():
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            busy=None,
            finished_at=timezone.now(),
            stage="failed",
            error_message=message,
        )
        audit.record(
            audit.Action.CHANGE,
            obj=run,
            actor=run.requested_by,
            result=audit.Result.FAILED,
            detail={"status": "failed", "message": message[:300]},
        )
