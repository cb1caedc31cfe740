"""Back office of the register: list, describe, edit (every save a version), the four-eyes
publication workflow, version history with differences, restore, import and staff export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.algorithms import forms, records, selectors, workflow
from gelijk.algorithms.models import Algorithm
from gelijk.algorithms.services import register
from gelijk.algorithms.standard import load
from gelijk.algorithms.views.base import form_errors, status_for
from gelijk.core import access, audit
from gelijk.core.views.base import staff_required

VIEW = "algorithms.view_register"
EDIT = "algorithms.edit_algorithm"


@staff_required(VIEW)
def algorithm_list(request):
    filters = {k: request.GET.get(k, "") for k in ("q", "stand")}
    rows = selectors.algorithms_list(request.user, filters)
    return render(
        request,
        "algorithms/office/list.html",
        {
            "rows": rows,
            "filters": filters,
            "states": workflow.State.choices,
            "can_edit": access.has_permission(request.user, EDIT),
        },
    )


@staff_required(EDIT)
def algorithm_create(request):
    standard = load()
    initial = {"organization": register.default_organisation(), "supplier": _("Intern ontwikkeld")}
    form = forms.RecordForm(standard, request.POST or None, initial=initial)
    meta = forms.AlgorithmOwnerForm(
        request.POST or None, prefix="meta", initial={"owner": request.user}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and meta.is_valid():
            try:
                version = register.algorithm_create(
                    user=request.user,
                    record=form.record,
                    note=form.cleaned_data.get("note", ""),
                    owner=meta.cleaned_data.get("owner"),
                    department=meta.cleaned_data.get("department"),
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request,
                    _("‘%(name)s’ is opgeslagen als concept (versie 1).") % {"name": version.name},
                )
                return redirect("algorithms:detail", version.algorithm_id)
        else:
            status = 400
    return render(
        request,
        "algorithms/office/edit.html",
        {"form": form, "meta": meta, "creating": True, "error_forms": [form, meta]},
        status=status,
    )


def _algorithm(request, pk: int) -> Algorithm:
    return selectors.algorithm_get(request.user, pk)


def _detail_context(request, algorithm: Algorithm, **extra) -> dict:
    latest = algorithm.latest_version
    standard = register.standard_of(latest)
    return {
        "algorithm": algorithm,
        "latest": latest,
        "groups": selectors.record_fields(latest.record, standard, include_hidden=True),
        "panel": selectors.publication_panel(request.user, algorithm),
        "versions": selectors.algorithm_versions(request.user, algorithm)[:10],
        "events": list(selectors.algorithm_events(request.user, algorithm)[:15]),
        "assessments": selectors.algorithm_assessments(request.user, algorithm),
        "audits": list(selectors.algorithm_audits(request.user, algorithm)[:5])
        if access.has_permission(request.user, "algorithms.view_audit")
        else [],
        "can_edit": access.can(request.user, EDIT, algorithm),
        "can_audit": access.can(request.user, "algorithms.run_audit", algorithm),
        "can_assess": access.can(request.user, "algorithms.edit_assessment", algorithm),
        "transition_form": forms.TransitionForm(),
        **extra,
    }


@staff_required(VIEW)
def algorithm_detail(request, pk: int):
    algorithm = _algorithm(request, pk)
    audit.record(audit.Action.VIEW, obj=algorithm)
    return render(request, "algorithms/office/detail.html", _detail_context(request, algorithm))


@staff_required(EDIT)
def algorithm_edit(request, pk: int):
    algorithm = _algorithm(request, pk)
    latest = algorithm.latest_version
    standard = load()
    form = forms.RecordForm(
        standard,
        request.POST or None,
        initial=forms.record_initial(latest.record, standard),
        base_number=latest.number,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = register.algorithm_version_save(
                    algorithm,
                    user=request.user,
                    record=form.record,
                    note=form.cleaned_data.get("note", ""),
                    base_number=form.cleaned_data.get("base_number"),
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request,
                    _("Opgeslagen als versie %(n)s (concept).") % {"n": version.number},
                )
                return redirect("algorithms:detail", algorithm.pk)
        else:
            status = 400
    return render(
        request,
        "algorithms/office/edit.html",
        {
            "form": form,
            "algorithm": algorithm,
            "latest": latest,
            "creating": False,
            "error_forms": [form],
        },
        status=status,
    )


@staff_required(EDIT)
def algorithm_owner(request, pk: int):
    algorithm = _algorithm(request, pk)
    form = forms.AlgorithmOwnerForm(
        request.POST or None,
        initial={"owner": algorithm.owner, "department": algorithm.department},
    )
    if request.method == "POST" and form.is_valid():
        register.algorithm_owner_set(
            algorithm,
            user=request.user,
            owner=form.cleaned_data["owner"],
            department=form.cleaned_data["department"],
        )
        messages.success(request, _("Eigenaar en afdeling zijn opgeslagen."))
        return redirect("algorithms:detail", algorithm.pk)
    return render(
        request,
        "algorithms/office/owner.html",
        {"form": form, "algorithm": algorithm},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required(VIEW)
def algorithm_transition(request, pk: int):
    algorithm = _algorithm(request, pk)
    form = forms.TransitionForm(request.POST)
    action = request.POST.get("action", "")
    try:
        register.publication_transition(
            algorithm, user=request.user, action=action, reason=request.POST.get("reason", "")
        )
    except workflow.WorkflowError as exc:
        algorithm.refresh_from_db()
        context = _detail_context(
            request,
            algorithm,
            transition_error=exc,
            transition_form=form,
            failed_action=action,
        )
        return render(request, "algorithms/office/detail.html", context, status=status_for(exc))
    done = {
        "release": _("De versie is aangeboden voor publicatie. Een goedkeurder kijkt ernaar."),
        "withdraw": _("De aanbieding is teruggenomen; de versie is weer een concept."),
        "publish": _("Gepubliceerd. De beschrijving staat nu in het openbare register."),
        "reject": _("Afgewezen. De redacteur ziet uw toelichting."),
        "retract": _("Teruggetrokken uit het openbare register."),
    }
    messages.success(request, done.get(action, _("Gelukt.")))
    return redirect("algorithms:detail", algorithm.pk)


@staff_required(VIEW)
def version_detail(request, pk: int, number: int):
    algorithm = _algorithm(request, pk)
    version = selectors.version_get(request.user, algorithm, number)
    standard = register.standard_of(version)
    before = version.based_on.record if version.based_on_id else {}
    audit.record(audit.Action.VIEW, obj=version)
    return render(
        request,
        "algorithms/office/version.html",
        {
            "algorithm": algorithm,
            "version": version,
            "state": workflow.State(register.version_state(version)).label,
            "groups": selectors.record_fields(version.record, standard, include_hidden=True),
            "diff": selectors.version_diff(before, version.record, standard),
            "events": version.events.select_related("actor").order_by("occurred_at", "pk"),
            "can_restore": access.can(request.user, EDIT, algorithm)
            and version.pk != algorithm.latest_version_id,
        },
    )


@require_POST
@staff_required(EDIT)
def version_restore(request, pk: int, number: int):
    algorithm = _algorithm(request, pk)
    version = selectors.version_get(request.user, algorithm, number)
    try:
        new = register.algorithm_version_restore(algorithm, version, user=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("algorithms:version", algorithm.pk, number)
    messages.success(
        request,
        _("Versie %(new)s is gemaakt met de inhoud van versie %(old)s.")
        % {"new": new.number, "old": number},
    )
    return redirect("algorithms:detail", algorithm.pk)


@staff_required(VIEW)
def version_export(request, pk: int, number: int):
    algorithm = _algorithm(request, pk)
    version = selectors.version_get(request.user, algorithm, number)
    audit.record(audit.Action.EXPORT, obj=version, detail={"format": "publicatiestandaard"})
    response = JsonResponse(
        records.export_record(version.record, register.standard_of(version)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{algorithm.slug}-versie-{version.number}.json"'
    )
    return response


@staff_required(EDIT)
def register_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    problem = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            source = upload.name if upload else _("geplakte tekst")
            raw = upload.read() if upload else form.cleaned_data["text"].encode()
            try:
                payload = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                form.add_error(
                    "file" if upload else "text",
                    _("Dit is geen geldige JSON (%(why)s).") % {"why": exc},
                )
            else:
                try:
                    outcome = register.register_import(
                        user=request.user, payload=payload, source=source
                    )
                    status = 200
                except records.ImportFormatError as exc:
                    form.add_error(None, str(exc))
                except workflow.WorkflowError as exc:
                    problem = exc
                    status = status_for(exc) if isinstance(exc, workflow.Refused) else 400
    return render(
        request,
        "algorithms/office/import.html",
        {"form": form, "outcome": outcome, "problem": problem},
        status=status,
    )
