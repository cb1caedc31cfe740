"""The Uthiek pilot of VTH: which enforcement processes and instruments are assessed."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gelijk.algorithms import forms, selectors, workflow
from gelijk.algorithms.models import Algorithm, EnforcementInstrument, EnforcementProcess
from gelijk.algorithms.services import pilot as services
from gelijk.algorithms.views.base import form_errors, status_for
from gelijk.core import access
from gelijk.core.views.base import staff_required

VIEW = "algorithms.view_pilot"
MANAGE = "algorithms.manage_pilot"


@staff_required(VIEW)
def pilot(request):
    return render(
        request,
        "algorithms/office/pilot.html",
        {
            **selectors.pilot_overview(request.user),
            "can_manage": access.has_permission(request.user, MANAGE),
            "can_assess": access.has_permission(request.user, "algorithms.edit_assessment"),
            "can_view_assessments": access.has_permission(request.user, "algorithms.view_register"),
        },
    )


def _save(request, form, save, template, context):
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                obj = save(form.cleaned_data)
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(request, _("‘%(name)s’ is opgeslagen.") % {"name": obj.name})
                return redirect("algorithms:pilot")
    return render(request, template, {"form": form, **context}, status=status)


@staff_required(MANAGE)
def process_edit(request, pk: int | None = None):
    process = (
        get_object_or_404(access.scope(request.user, EnforcementProcess.objects.all()), pk=pk)
        if pk
        else None
    )
    form = forms.ProcessForm(request.POST or None, instance=process)
    return _save(
        request,
        form,
        lambda data: services.process_save(user=request.user, process=process, **data),
        "algorithms/office/pilot_form.html",
        {"object": process, "kind": "process"},
    )


@staff_required(MANAGE)
def instrument_edit(request, pk: int | None = None, process: int | None = None):
    instrument = (
        get_object_or_404(access.scope(request.user, EnforcementInstrument.objects.all()), pk=pk)
        if pk
        else None
    )
    parent = (
        instrument.process
        if instrument
        else get_object_or_404(
            access.scope(request.user, EnforcementProcess.objects.all()), pk=process
        )
    )
    algorithms = access.scope(request.user, Algorithm.objects.select_related("latest_version"))
    form = forms.InstrumentForm(request.POST or None, instance=instrument, algorithms=algorithms)
    return _save(
        request,
        form,
        lambda data: services.instrument_save(
            user=request.user, instrument=instrument, process=parent, **data
        ),
        "algorithms/office/pilot_form.html",
        {"object": instrument, "kind": "instrument", "parent": parent},
    )
