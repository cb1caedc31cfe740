"""Back-office pages of the independent complaints function. Every read goes through the
selectors (access.scope), every write through the services; a case outside the user's scope
is a 404, never a hint that it exists."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import audit
from gelijk.core.views.base import staff_required
from gelijk.reporting import files, selectors, workflow
from gelijk.reporting.choices import ContactKind, Ground, Kind
from gelijk.reporting.forms import (
    AssignForm,
    ExtensionForm,
    IntakeForm,
    MessageForm,
    RegisterForm,
    TagForm,
    TransitionForm,
    add_case_error,
)
from gelijk.reporting.models import ReporterContact
from gelijk.reporting.services import cases as svc
from gelijk.reporting.services.handoff import case_handoff_art1
from gelijk.reporting.workflow import CaseError, State


def _case_or_404(request, reference):
    case = selectors.case_get(request.user, reference)
    if case is None:
        raise Http404
    return case


@staff_required("reporting.view_case")
def case_list(request):
    qs = selectors.case_list(request.user, request.GET)
    page = Paginator(qs, 25).get_page(request.GET.get("pagina"))
    audit.record(
        audit.Action.VIEW,
        object_type="reporting.Case",
        detail={"list": True, "filters": dict(request.GET.items()), "page": page.number},
    )
    return render(
        request,
        "reporting/office/case_list.html",
        {
            "page": page,
            "filters": request.GET,
            "states": State.choices,
            "kinds": Kind.choices,
            "now": timezone.now(),
        },
    )


@staff_required("reporting.export_case")
def case_export(request):
    """CSV of the list (no special-category data): reference, kind, status, dates."""
    qs = selectors.case_list(request.user, request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meldingen.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "kenmerk",
            "soort",
            "kanaal",
            "status",
            "ontvangen",
            "uiterste_datum",
            "afgesloten",
            "uitkomst",
        ]
    )
    n = 0
    for case in qs:
        writer.writerow(
            [
                case.reference,
                case.kind,
                case.channel,
                case.status,
                case.received_at.date().isoformat(),
                case.due_at.date().isoformat(),
                case.closed_at.date().isoformat() if case.closed_at else "",
                case.outcome,
            ]
        )
        n += 1
    audit.record(audit.Action.EXPORT, object_type="reporting.Case", detail={"csv_rows": n})
    return response


@staff_required("reporting.register_case")
def case_new(request):
    form = RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = svc.case_register(
                form.submission,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                kind=form.cleaned_data["kind"],
                received_on=form.cleaned_data.get("received_on"),
            )
        except CaseError as exc:
            add_case_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "De melding is geregistreerd met kenmerk %(ref)s. Geef de melder dit kenmerk "
                    "en de geheime code %(secret)s. De code is hierna niet meer te zien."
                )
                % {"ref": result.case.reference, "secret": result.secret},
            )
            return redirect("reporting:case-detail", reference=result.case.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/office/case_new.html", {"form": form}, status=status)


def _forms(case, user, bound: dict | None = None) -> dict:
    bound = bound or {}
    handlers = selectors.possible_handlers(case)
    forms = {
        "intake": IntakeForm(
            prefix="intake",
            initial={
                "kind": case.kind,
                "department_code": case.department_code,
                "advisory_committee": case.advisory_committee,
            },
        ),
        "tags": TagForm(
            prefix="tags",
            initial={
                "team": case.tag_team,
                "district": case.tag_district,
                "themes": case.tag_themes,
            },
        ),
        "assign": AssignForm(prefix="assign", handlers=handlers),
        "message": MessageForm(prefix="message"),
        "note": MessageForm(prefix="note"),
        "extend": ExtensionForm(prefix="extend"),
    }
    forms.update({k: v for k, v in bound.items() if k != "transition"})
    transitions = []
    for t in workflow.allowed(case.kind, case.status):
        form = TransitionForm(prefix=f"t-{t.target}", transition=t)
        if bound.get("transition") is not None and bound["transition"].transition == t:
            form = bound["transition"]
        transitions.append((t, form))
    forms["transitions"] = transitions
    return forms


def _detail(request, case, bound=None, status=200, form_error: str | None = None):
    user = request.user
    contact = ReporterContact.objects.filter(case=case).first()
    consents = {c.kind: c for c in case.consents.order_by("recorded_at", "pk")}
    return render(
        request,
        "reporting/office/case_detail.html",
        {
            "case": case,
            "contact": contact,
            "consents": consents.values(),
            "contactable": svc.contactable(case),
            "history": selectors.case_history(user, case),
            "attachments": selectors.case_attachments(user, case),
            "handoffs": selectors.case_handoffs(user, case),
            "forms": _forms(case, user, bound),
            "form_error": form_error,
            "now": timezone.now(),
            "status_label": State(case.status).label,
            "contact_kinds": [ContactKind(c).label for c in case.contact_kinds],
            "grounds": [Ground(g).label for g in case.grounds or []],
        },
        status=status,
    )


@staff_required("reporting.view_case")
def case_detail(request, reference):
    return _detail(request, _case_or_404(request, reference))


ACTIONS = ("intake", "tags", "assign", "transition", "message", "note", "extend", "art1")


@require_POST
@staff_required("reporting.handle_case")
def case_action(request, reference, action):
    if action not in ACTIONS:
        raise Http404
    case = _case_or_404(request, reference)
    user = request.user
    bound: dict = {}
    form = None
    try:
        if action == "intake":
            form = bound["intake"] = IntakeForm(request.POST, prefix="intake")
            if form.is_valid():
                d = form.cleaned_data
                svc.case_classify(
                    case,
                    user,
                    kind=d["kind"],
                    department_code=d["department_code"],
                    officer_number=d["officer_number"],
                    advisory_committee=d["advisory_committee"],
                )
        elif action == "tags":
            form = bound["tags"] = TagForm(request.POST, prefix="tags")
            if form.is_valid():
                d = form.cleaned_data
                svc.case_tag(case, user, team=d["team"], district=d["district"], themes=d["themes"])
        elif action == "assign":
            form = bound["assign"] = AssignForm(
                request.POST, prefix="assign", handlers=get_user_model().objects.all()
            )
            if form.is_valid():
                handler = get_user_model().objects.get(pk=form.cleaned_data["handler"])
                svc.case_assign(case, user, handler)
        elif action == "transition":
            target = request.POST.get("target", "")
            try:
                transition = workflow.find(case.kind, case.status, target)
            except CaseError as exc:
                return _detail(request, case, status=400, form_error=exc.message)
            form = bound["transition"] = TransitionForm(
                request.POST, prefix=f"t-{target}", transition=transition
            )
            if form.is_valid():
                d = form.cleaned_data
                svc.case_transition(
                    case,
                    target,
                    user,
                    **{
                        k: d.get(k) or ("" if k != "resident_satisfied" else False)
                        for k in TransitionForm.INPUTS
                    },
                )
        elif action in ("message", "note"):
            form = bound[action] = MessageForm(request.POST, prefix=action)
            if form.is_valid():
                if action == "message":
                    svc.case_message_send(case, user, form.cleaned_data["text"])
                else:
                    svc.case_note_add(case, user, form.cleaned_data["text"])
        elif action == "extend":
            form = bound["extend"] = ExtensionForm(request.POST, prefix="extend")
            if form.is_valid():
                svc.case_extend_deadline(
                    case, user, weeks=form.cleaned_data["weeks"], notice=form.cleaned_data["notice"]
                )
        elif action == "art1":
            case_handoff_art1(case, user)
            messages.success(request, _("De zaak is doorgestuurd naar Art.1 Midden-Nederland."))
            return redirect("reporting:case-detail", reference=case.reference)
    except CaseError as exc:
        if form is None:
            return _detail(request, case, status=400, form_error=exc.message)
        add_case_error(form, exc)
    if form is not None and form.errors:
        return _detail(request, selectors.cases(user).get(pk=case.pk), bound=bound, status=400)
    messages.success(request, _("Opgeslagen."))
    return redirect("reporting:case-detail", reference=case.reference)


@staff_required("reporting.view_case")
def attachment_download(request, reference, pk):
    case = _case_or_404(request, reference)
    attachment = selectors.attachment_get(request.user, case, pk)
    if attachment is None:
        raise Http404
    data = files.decrypted(attachment.file)
    audit.record(audit.Action.EXPORT, obj=attachment, detail={"case": case.reference})
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[
        attachment.content_type
    ]
    response = HttpResponse(data, content_type=attachment.content_type)
    # A neutral file name: the original name may itself be personal data.
    response["Content-Disposition"] = (
        f'attachment; filename="{case.reference}-{attachment.pk}.{extension}"'
    )
    return response


@staff_required("reporting.handoff_art1")
def handoff_download(request, reference, pk, fmt):
    case = _case_or_404(request, reference)
    if fmt not in ("json", "pdf"):
        raise Http404
    handoff = selectors.handoff_get(request.user, case, pk)
    if handoff is None:
        raise Http404
    audit.record(audit.Action.EXPORT, obj=handoff, detail={"format": fmt, "case": case.reference})
    if fmt == "json":
        body = json.dumps(handoff.payload, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(files.decrypted(handoff.pdf_file), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="art1-{case.reference}.{fmt}"'
    return response


@staff_required("reporting.view_case")
def deadlines(request):
    now = timezone.now()
    mine = selectors.cases(request.user)
    audit.record(audit.Action.VIEW, object_type="reporting.Case", detail={"deadlines": True})
    return render(
        request,
        "reporting/office/deadlines.html",
        {
            "overdue": selectors.overdue(mine, now).order_by("due_at"),
            "due_soon": selectors.due_soon(mine, now).order_by("due_at"),
            "now": now,
        },
    )


def _year(request) -> int:
    try:
        return int(request.GET.get("jaar") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@staff_required("reporting.view_statistics")
def statistics(request):
    figures = selectors.statistics(request.user)
    audit.record(audit.Action.VIEW, object_type="reporting.Statistics", detail={"dashboard": True})
    return render(request, "reporting/office/statistics.html", {"s": figures})


def _annual_context(request):
    year = _year(request)
    return {
        "s": selectors.statistics(request.user, year=year),
        "year": year,
        "years": selectors.years_available(request.user),
        "generated": timezone.now(),
    }


@staff_required("reporting.view_statistics")
def annual_report(request):
    context = _annual_context(request)
    audit.record(
        audit.Action.VIEW, object_type="reporting.AnnualReport", detail={"year": context["year"]}
    )
    return render(request, "reporting/office/annual_report.html", context)


@staff_required("reporting.view_statistics")
def annual_report_pdf(request):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    context = _annual_context(request)
    html = render_to_string("reporting/pdf/annual_report.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(
        audit.Action.EXPORT,
        object_type="reporting.AnnualReport",
        detail={"year": context["year"], "pdf": True},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="klachtenjaarverslag-{context["year"]}.pdf"'
    )
    return response
