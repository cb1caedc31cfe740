"""Scan a pasted or uploaded text. The text lives only in this request and its response."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters

from gelijk.core.views.base import staff_required
from gelijk.language import policies, services
from gelijk.language.forms import ScanForm
from gelijk.language.presenters import present


@sensitive_post_parameters("text")
@staff_required(policies.USE)
def scan(request):
    form = ScanForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            report = services.text_scan(
                kind=data["kind"], text=data["text"], document=form.document
            )
            result = present(report.to_dict(), report.text, min_severity=data["min_severity"])
            result["file"] = form.document.path if form.document else None
        else:
            status = 400
    return render(
        request,
        "language/scan.html",
        {"form": form, "result": result, "section": "scan"},
        status=status,
    )
