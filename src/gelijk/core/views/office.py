"""Back-office pages of the core: the start page and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import audit, selectors, tasks
from gelijk.core.views.base import staff_required


@staff_required()
def dashboard(request):
    return render(
        request,
        "core/office/dashboard.html",
        {
            "profile": selectors.staff_profile(request.user),
            "roles": selectors.role_labels(request.user),
        },
    )


@staff_required("core.view_auditlog")
def auditlog(request):
    entries = selectors.audit_entries(request.user, request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    audit.record(
        audit.Action.VIEW,
        object_type="core.AuditEntry",
        detail={"page": page.number, "filters": dict(request.GET.items())},
    )
    return render(
        request,
        "core/office/auditlog.html",
        {
            "page": page,
            "checkpoint": selectors.latest_checkpoint(request.user),
            "actions": audit.Action.choices,
            "filters": request.GET,
        },
    )


@require_POST
@staff_required("core.view_auditlog")
def auditlog_verify(request):
    result = tasks.verify_audit_log.call()
    if result["ok"]:
        messages.success(
            request,
            _("Het auditlog is intact: %(n)s regels gecontroleerd.") % {"n": result["checked"]},
        )
    else:
        messages.error(
            request,
            _("Het auditlog is aangetast vanaf regel %(pos)s: %(reason)s")
            % {"pos": result["position"], "reason": result["reason"]},
        )
    return redirect("core:auditlog")


@staff_required("core.view_processinglog")
def processing_log(request):
    records = selectors.processing_records(request.user)
    page = Paginator(records, 50).get_page(request.GET.get("pagina"))
    audit.record(
        audit.Action.VIEW, object_type="core.ProcessingRecord", detail={"page": page.number}
    )
    return render(request, "core/office/processing_log.html", {"page": page})
