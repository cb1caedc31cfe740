"""Batch scans: start one, follow its progress (htmx polling, or a reload link), see the
results per letter, and the trend of letters that are B1 and clean."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import access
from gelijk.core.views.base import staff_required
from gelijk.language import policies, selectors, services
from gelijk.language.presenters import B1_LABELS, trend_spec


@staff_required(policies.USE)
def batches(request):
    points = selectors.trend(request.user)
    page = Paginator(selectors.batches(request.user), 20).get_page(request.GET.get("pagina"))
    return render(
        request,
        "language/batches.html",
        {
            "section": "batches",
            "points": points,
            "spec": trend_spec(points) if points else None,
            "page": page,
            "running": selectors.running_batch(request.user),
            "can_run": access.has_permission(request.user, policies.RUN_BATCH),
        },
    )


@require_POST
@staff_required(policies.RUN_BATCH)
def batch_start(request):
    selection = request.POST.get("scope") == "selection"
    try:
        ids = [int(i) for i in request.POST.getlist("letters")] if selection else None
    except ValueError:
        messages.error(request, _("De keuze van brieven klopt niet. Kies de brieven opnieuw."))
        return redirect("language:library")
    try:
        batch = services.batch_start(user=request.user, letter_ids=ids)
    except services.LanguageError as exc:
        messages.error(request, exc.message)
        return redirect("language:library" if selection else "language:batches")
    return redirect("language:batch", pk=batch.pk)


@staff_required(policies.USE)
def batch_detail(request, pk):
    batch = selectors.batch_get(request.user, pk)
    if batch is None:
        raise Http404
    results = selectors.batch_results(request.user, batch) if batch.finished else []
    return render(
        request,
        "language/batch_detail.html",
        {
            "section": "batches",
            "batch": batch,
            "results": results,
            "b1_labels": B1_LABELS,
            "share": batch.clean_count / batch.scanned
            if batch.finished and batch.scanned
            else None,
        },
    )
