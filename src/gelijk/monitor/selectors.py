"""Every read of the monitor, through the access layer (``access.scope``).

The internal benchmark is filtered here, in one place: team results for the user's own team
unless they may see all teams; officer results only with ``monitor.view_officer_results``, and
each such read is written to the audit log and the processing log.
"""

from __future__ import annotations

from django.db.models import Prefetch

from gelijk.core import access, audit, processing
from gelijk.monitor import policies
from gelijk.monitor.models import (
    AnalysisRun,
    DataImport,
    RunAnalysis,
    RunCell,
    SurveyResponses,
)

_LIGHT = ("report_html",)


def imports(user):
    return access.scope(user, DataImport.objects.select_related("uploaded_by", "replaced_by"))


def import_get(user, pk: int) -> DataImport | None:
    return imports(user).filter(pk=pk).first()


def busy_import(user) -> DataImport | None:
    return imports(user).filter(busy=True).first()


def runs(user):
    return (
        access.scope(user, AnalysisRun.objects.all())
        .defer(*_LIGHT)
        .select_related("requested_by", "survey_import")
        .prefetch_related(Prefetch("imports", queryset=DataImport.objects.order_by("pk")))
    )


def done_runs(user):
    return runs(user).filter(status=AnalysisRun.Status.DONE)


def run_get(user, pk: int) -> AnalysisRun | None:
    return runs(user).filter(pk=pk).first()


def busy_run(user) -> AnalysisRun | None:
    return runs(user).filter(busy=True).first()


def run_choices(user):
    """Finished runs for the pickers: only what a label needs."""
    return (
        access.scope(user, AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE))
        .only("pk", "period_start", "period_end", "group", "finished_at")
        .order_by("-finished_at", "-pk")
    )


def run_for_dashboard(user, requested: str | None) -> AnalysisRun | None:
    """The run a dashboard shows: the one asked for (when finished), else the newest."""
    qs = done_runs(user).defer("report_meta")
    if requested and str(requested).isdigit():
        chosen = qs.filter(pk=int(requested)).first()
        if chosen is not None:
            return chosen
    return qs.order_by("-finished_at", "-pk").first()


def survey_source(run: AnalysisRun) -> dict | None:
    """Which survey import a run used, for its header: the import, its wave numbers and how its
    fieldwork relates to the run's period (``older``: ended before it; ``undated``: unknown)."""
    survey = run.survey_import
    if survey is None:
        return None
    # Only the wave numbers: the responses themselves stay out of reach (policy: nobody).
    waves = (
        SurveyResponses.objects.filter(data_import_id=survey.pk)
        .values_list("waves", flat=True)
        .first()
    )
    return {
        "imp": survey,
        "waves": waves or [],
        "undated": survey.period_start is None,
        "older": survey.period_end is not None and survey.period_end < run.period_start,
    }


def run_html(user, run: AnalysisRun) -> str:
    row = access.scope(user, AnalysisRun.objects.filter(pk=run.pk)).values("report_html").first()
    return row["report_html"] if row else ""


def analyses(user, run: AnalysisRun, names: tuple[str, ...] | None = None) -> dict[str, dict]:
    """The stored analyses of a run (the engine's dicts), by name, as this user may see them:
    never officer rows, and team rows of the user's own team only unless they may see all
    teams — here, so that every page, chart, signal list and export built on it obeys it."""
    qs = access.scope(user, RunAnalysis.objects.filter(run=run))
    if names is not None:
        qs = qs.filter(name__in=names)
    found = dict(qs.order_by("position").values_list("name", "payload_light"))
    bench = found.get("officer_benchmark")
    allowed = team_scope(user)
    if bench is not None and allowed is not None:
        found["officer_benchmark"] = {
            **bench,
            "results": [
                r
                for r in bench.get("results", [])
                if r["measure"] != "team_difference"
                or (allowed and str(r["unit"]).lower() == allowed)
            ],
        }
    return found


def cells(user, run: AnalysisRun) -> list[dict]:
    return list(
        access.scope(user, RunCell.objects.filter(run=run)).values(
            "month",
            "initiative",
            "district_code",
            "group_value",
            "n",
            "n_outcome",
            "n_outcome_known",
            "n_outcome_hit",
        )
    )


def team_scope(user) -> str | None:
    """None: every team; otherwise the one team code (lower case) the user may see, or ''."""
    if access.has_permission(user, policies.VIEW_TEAMS):
        return None
    return policies.own_team_code(user)


def team_results(user, run: AnalysisRun) -> list[dict]:
    """``team_difference`` results the user may see (own team only for a team leader)."""
    bench = analyses(user, run, ("officer_benchmark",)).get("officer_benchmark")
    if not bench:
        return []
    return [r for r in bench["results"] if r["measure"] == "team_difference"]


def may_see_officers(user) -> bool:
    return access.has_permission(user, policies.VIEW_OFFICERS)


def officer_results(user, run: AnalysisRun) -> list[dict]:
    """Results per pseudonymous officer; refused (and logged) without the permission, and
    every granted read is audit-logged as a view of personal data."""
    access.require(user, policies.VIEW_OFFICERS)
    row = (
        access.scope(user, RunAnalysis.objects.filter(run=run, name="officer_benchmark"))
        .values("payload")
        .first()
    )
    if row is None:
        return []
    results = [r for r in row["payload"]["results"] if r["measure"] == "officer_difference"]
    audit.record(
        audit.Action.VIEW,
        obj=run,
        detail={"officer_results": True, "officers": len({r["unit"] for r in results})},
    )
    processing.record("monitor_officer_results", trace_id=f"monitor-run-{run.pk}")
    return results


def officer_signal_count(user, run: AnalysisRun, scope: str) -> dict:
    """How many officers (in the teams the user may see) have a signal at q < 0.05. A count of
    people, so it passes the small-cell rule; no officer is named."""
    from gelijk.monitor import present

    if not access.scope(user, AnalysisRun.objects.filter(pk=run.pk)).exists():
        return present.small_count(0)
    allowed = team_scope(user)
    per_team = (run.officer_signals or {}).get(scope, {})
    return present.small_count(
        sum(
            n
            for team, n in per_team.items()
            if allowed is None or (allowed and str(team).lower() == allowed)
        )
    )
