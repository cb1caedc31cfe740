"""Imports and analysis runs in the back office: start them, follow their progress (htmx
polling with a reload link), read their outcome."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gelijk.core import access
from gelijk.core.views.base import staff_required
from gelijk.monitor import policies, present, selectors
from gelijk.monitor.forms import RunForm, UploadForm, group_label
from gelijk.monitor.models import DataImport
from gelijk.monitor.services import runs as run_services
from gelijk.monitor.services.imports import MonitorError, Upload, import_start
from gelijk.monitor.views.common import SECTIONS, run_sources

STAGES = {
    "validate": _("Bestand lezen en controleren"),
    "store": _("Opslaan"),
    "snapshot": _("Gegevens ophalen"),
    "data_quality": _("Kwaliteit van de gegevens"),
    "population_rates": _("Acties per inwoner"),
    "action_rates": _("Wat volgt op een actie"),
    "outcome_test": _("Uitkomstentoets"),
    "veil_of_darkness": _("Licht en donker"),
    "poisson_offset": _("Poissonmodel"),
    "officer_benchmark": _("Vergelijking met collega's"),
    "threshold_test": _("Drempeltoets"),
    "bias_scan": _("Bias scan"),
    "survey": _("Enquête"),
    "done": _("Klaar"),
    "failed": _("Mislukt"),
}


def _base(section: str, request) -> dict:
    return {
        "section": section,
        "sections": SECTIONS,
        "can_import": access.has_permission(request.user, policies.IMPORT),
        "can_run": access.has_permission(request.user, policies.RUN),
    }


# --------------------------------------------------------------------------- imports


@staff_required(policies.VIEW)
def imports(request):
    ctx = _base("imports", request)
    form = UploadForm()
    if request.method == "POST":
        if not ctx["can_import"]:
            access.require(request.user, policies.IMPORT)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imp = import_start(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=Upload(upload.name, upload, upload.size),
                    replace_overlapping=form.cleaned_data["replace_overlapping"],
                    survey_period=form.survey_period(),
                )
            except MonitorError as exc:
                form.add_error("file" if exc.field in (None, "file") else exc.field, exc.message)
            else:
                return redirect("monitor:import", pk=imp.pk)
        status = 400
    else:
        status = 200
    page = Paginator(selectors.imports(request.user), 25).get_page(request.GET.get("pagina"))
    ctx.update({"form": form, "page": page, "busy": selectors.busy_import(request.user)})
    return render(request, "monitor/imports.html", ctx, status=status)


@staff_required(policies.VIEW)
def import_detail(request, pk: int):
    imp = selectors.import_get(request.user, pk)
    if imp is None:
        raise Http404
    ctx = _base("imports", request)
    ctx.update({"imp": imp, "stage_label": STAGES.get(imp.stage, imp.stage)})
    return render(request, "monitor/import_detail.html", ctx)


# --------------------------------------------------------------------------- runs


def _default_period(user) -> tuple:
    latest = (
        selectors.imports(user)
        .filter(kind=DataImport.Kind.ACTIONS, status=DataImport.Status.DONE)
        .order_by("-period_end")
        .values_list("period_start", "period_end")
        .first()
    )
    if latest:
        return latest
    today = timezone.localdate()
    return run_services.previous_months(today, 12)


@staff_required(policies.VIEW)
def runs(request):
    ctx = _base("runs", request)
    groups = run_services.available_groups()
    if request.method == "POST":
        if not ctx["can_run"]:
            access.require(request.user, policies.RUN)
        form = RunForm(request.POST, groups=groups)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = run_services.run_request(
                    user=request.user,
                    start=data["start"],
                    end=data["end"],
                    group=data["group"],
                    reference=data["reference"],
                )
            except MonitorError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("monitor:run", pk=run.pk)
        status = 400
    else:
        start, end = _default_period(request.user)
        form = RunForm(initial={"start": start, "end": end, "group": "age_band"}, groups=groups)
        status = 200
    page = Paginator(selectors.runs(request.user), 25).get_page(request.GET.get("pagina"))
    ctx.update(
        {
            "form": form,
            "page": page,
            "busy": selectors.busy_run(request.user),
            "busy_import": selectors.busy_import(request.user),
        }
    )
    return render(request, "monitor/runs.html", ctx, status=status)


@staff_required(policies.VIEW)
def run_detail(request, pk: int):
    run = selectors.run_get(request.user, pk)
    if run is None:
        raise Http404
    ctx = _base("runs", request)
    ctx.update(
        {
            "run": run,
            "stage_label": STAGES.get(run.stage, run.stage),
            "group_label": group_label(run.group),
            **run_sources(run),
            "may_see_officers": selectors.may_see_officers(request.user),
        }
    )
    if run.status == run.Status.DONE:
        analyses = selectors.analyses(request.user, run)
        quality = analyses.get("data_quality", {})
        ctx.update(
            {
                "analyses": [
                    {
                        "name": name,
                        "title": a["title"],
                        "status": a["status"],
                        "summary": a["summary"],
                    }
                    for name, a in analyses.items()
                ],
                "quality": quality,
                "excluded": (quality.get("parameters") or {}).get("excluded_months", {}),
                "gaps": (quality.get("parameters") or {}).get("months_without_data", []),
                "notes": (run.report_meta or {}).get("notes", []),
                "reference_label": present.label(run.group, run.reference_used),
                "partial": bool(
                    run.data_start
                    and (run.data_start > run.period_start or run.data_end < run.period_end)
                ),
            }
        )
    return render(request, "monitor/run_detail.html", ctx)
