"""Back office of bias audits: upload data for an algorithm, choose the columns, follow the
background run, read the report (metrics with verdicts, or scan clusters with their
composition), and the audit history per algorithm."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gelijk.algorithms import forms, selectors, workflow
from gelijk.algorithms.models import BiasAudit
from gelijk.algorithms.services import audits as services
from gelijk.algorithms.views.base import form_errors, status_for
from gelijk.core import access, audit
from gelijk.core.views.base import staff_required

VIEW = "algorithms.view_audit"
RUN = "algorithms.run_audit"


@staff_required(VIEW)
def audit_history(request, pk: int):
    algorithm = selectors.algorithm_get(request.user, pk)
    return render(
        request,
        "algorithms/office/audits.html",
        {
            "algorithm": algorithm,
            "audits": selectors.algorithm_audits(request.user, algorithm),
            "datasets": selectors.algorithm_datasets(request.user, algorithm)
            if access.has_permission(request.user, RUN)
            else [],
            "can_run": access.can(request.user, RUN, algorithm),
        },
    )


@staff_required(RUN)
def dataset_upload(request, pk: int):
    algorithm = selectors.algorithm_get(request.user, pk)
    form = forms.DatasetForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                dataset = services.dataset_upload(
                    algorithm,
                    user=request.user,
                    name=upload.name,
                    data=upload.read(),
                    description=form.cleaned_data.get("description", ""),
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request,
                    _(
                        "‘%(name)s’ is ingelezen: %(rows)s regels, %(cols)s kolommen. Kies nu "
                        "de kolommen."
                    )
                    % {"name": dataset.name, "rows": dataset.n_rows, "cols": len(dataset.columns)},
                )
                return redirect("algorithms:audit-create", dataset.pk)
    return render(
        request,
        "algorithms/office/dataset_upload.html",
        {"form": form, "algorithm": algorithm},
        status=status,
    )


def _assessments(user, algorithm):
    return [a for a, _state in selectors.algorithm_assessments(user, algorithm)]


@staff_required(RUN)
def audit_create(request, dataset: int):
    data = selectors.dataset_get(request.user, dataset)
    kind = request.GET.get("soort") or request.POST.get("soort") or BiasAudit.Kind.METRICS
    if kind not in BiasAudit.Kind.values:
        kind = BiasAudit.Kind.METRICS
    assessments = _assessments(request.user, data.algorithm)
    form = forms.AUDIT_FORMS[kind](data, request.POST or None, assessments=assessments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = form.cleaned_data.get("assessment")
            assessment = next((a for a in assessments if str(a.pk) == chosen), None)
            try:
                row = services.audit_create(
                    data,
                    user=request.user,
                    kind=kind,
                    params=form.parameters(),
                    title=form.cleaned_data.get("title", ""),
                    assessment=assessment,
                )
            except services.AuditInputError as exc:
                for key, texts in exc.errors.items():
                    target = {"reference": None}.get(key, key)
                    for text in texts:
                        form.add_error(target if target in form.fields else None, text)
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request, _("De audit is gestart. De uitkomst verschijnt op deze pagina.")
                )
                return redirect("algorithms:audit-detail", row.pk)
    return render(
        request,
        "algorithms/office/audit_create.html",
        {"form": form, "dataset": data, "kind": kind, "kinds": BiasAudit.Kind.choices},
        status=status,
    )


def _metrics_view(report: dict) -> dict:
    """Rows for the templates: per attribute the groups, and the disparities with verdicts."""
    attributes: dict[str, dict] = {}
    for g in report["groups"]:
        attributes.setdefault(g["attribute"], {"groups": [], "disparities": []})["groups"].append(g)
    for d in report["disparities"]:
        attributes.setdefault(d["attribute"], {"groups": [], "disparities": []})[
            "disparities"
        ].append(d)
    return {"attributes": attributes}


@staff_required(VIEW)
def audit_detail(request, pk: int):
    row = selectors.audit_get(request.user, pk)
    audit.record(audit.Action.VIEW, obj=row)
    context = {
        "audit": row,
        "algorithm": row.algorithm,
        "can_run": access.can(request.user, RUN, row.algorithm),
        "metric_labels": METRIC_LABELS,
    }
    if row.status == BiasAudit.Status.DONE and row.kind == BiasAudit.Kind.METRICS:
        context.update(_metrics_view(row.report))
    return render(request, "algorithms/office/audit_detail.html", context)


@staff_required(VIEW)
def audit_report_html(request, pk: int):
    row = selectors.audit_get(request.user, pk)
    audit.record(audit.Action.EXPORT, obj=row, detail={"format": "html"})
    response = HttpResponse(row.report_html or "", content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bias-audit-{row.pk}.html"'
    return response


@staff_required(VIEW)
def audit_report_json(request, pk: int):
    row = selectors.audit_get(request.user, pk)
    audit.record(audit.Action.EXPORT, obj=row, detail={"format": "json"})
    response = HttpResponse(
        json.dumps(row.report, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="bias-audit-{row.pk}.json"'
    return response


@require_POST
@staff_required(RUN)
def audit_retry(request, pk: int):
    row = selectors.audit_get(request.user, pk)
    try:
        services.audit_retry(row, user=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De audit is opnieuw gestart."))
    return redirect("algorithms:audit-detail", row.pk)


METRIC_LABELS = {
    "selection_rate": gettext_lazy("Selectiekans"),
    "prevalence": gettext_lazy("Aandeel met overtreding"),
    "tpr": gettext_lazy("Terecht geselecteerd (van wie een overtreding had)"),
    "fnr": gettext_lazy("Gemist (van wie een overtreding had)"),
    "fpr": gettext_lazy("Onterecht geselecteerd (van wie geen overtreding had)"),
    "tnr": gettext_lazy("Terecht niet geselecteerd"),
    "precision": gettext_lazy("Trefkans bij geselecteerden"),
    "fdr": gettext_lazy("Geselecteerd zonder overtreding"),
    "for": gettext_lazy("Niet geselecteerd maar wel overtreding"),
    "npv": gettext_lazy("Niet geselecteerd en geen overtreding"),
}
