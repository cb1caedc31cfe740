"""Downloads of a run: PDF report, CSV of counts and of results, and (analist only) the
engine's own report.json and HTML. Each is audit-logged by the export service."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from gelijk.core.views.base import staff_required
from gelijk.monitor import policies, selectors
from gelijk.monitor.services import exports
from gelijk.monitor.views.common import run_sources
from gelijk.monitor.views.dashboards import map_data, overview_data, trend_data


def _done_run(request, pk: int):
    run = selectors.run_get(request.user, pk)
    if run is None or run.status != run.Status.DONE:
        raise Http404
    return run


def _attachment(data, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required(policies.VIEW)
def export_csv(request, pk: int):
    run = _done_run(request, pk)
    if request.GET.get("tabel") == "uitkomsten":
        data = exports.csv_results(request.user, run)
        name = f"monitor-analyse-{run.pk}-uitkomsten.csv"
    else:
        data = exports.csv_counts(request.user, run)
        name = f"monitor-analyse-{run.pk}-aantallen.csv"
    return _attachment("\ufeff" + data, "text/csv; charset=utf-8", name)


@staff_required(policies.VIEW)
def export_pdf(request, pk: int):
    from gelijk.monitor import present
    from gelijk.monitor.forms import group_label

    run = _done_run(request, pk)
    context = {
        "run": run,
        "group_label": group_label(run.group),
        "reference_label": present.label(run.group, run.reference_used),
        **run_sources(run),
        "notes": (run.report_meta or {}).get("notes", []),
        **overview_data(request.user, run, "proactive"),
    }
    wijken = map_data(request.user, run, "proactive", "rate", "")
    quarters = trend_data(request.user, run, "proactive", "quarter")
    context.update(
        {
            "k": present.k(),
            "map_spec": wijken["map_spec"],
            "table": wijken["table"],
            "trend_spec": quarters["trend_spec"],
            "trend_rows": quarters["table"]["rows"],
            "trend_columns": quarters["table"]["columns"],
        }
    )
    data = exports.pdf(request.user, run, context)
    return _attachment(data, "application/pdf", f"monitor-analyse-{run.pk}.pdf")


@staff_required(policies.VIEW_OFFICERS)
def export_engine(request, pk: int, fmt: str):
    if fmt not in ("html", "json"):
        raise Http404
    run = _done_run(request, pk)
    if fmt == "html":
        data = exports.engine_report(request.user, run, "html")
        return _attachment(data, "text/html; charset=utf-8", f"monitor-analyse-{run.pk}.html")
    data = exports.engine_report(request.user, run, "json")
    return _attachment(data, "application/json", f"monitor-analyse-{run.pk}-report.json")
