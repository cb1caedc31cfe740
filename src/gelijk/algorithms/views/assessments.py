"""Back office of assessments: start one for an algorithm, process or instrument; answer it per
section; add evidence; choose reviewers; submit, return or sign (four eyes); re-assess."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.algorithms import files, forms, frameworks, selectors, workflow
from gelijk.algorithms.models import Algorithm, EnforcementInstrument, EnforcementProcess
from gelijk.algorithms.services import assessments as services
from gelijk.algorithms.views.base import form_errors, status_for
from gelijk.core import access, audit
from gelijk.core.views.base import staff_required

VIEW = "algorithms.view_register"
FILL = "algorithms.edit_assessment"
SIGN = "algorithms.sign_assessment"


@staff_required(VIEW)
def assessment_list(request):
    filters = {k: request.GET.get(k, "") for k in ("toetskader", "status")}
    return render(
        request,
        "algorithms/office/assessment_list.html",
        {
            "rows": selectors.assessments_list(request.user, filters),
            "filters": filters,
            "templates": selectors.templates_current(request.user),
            "statuses": workflow.AssessmentStatus.choices,
        },
    )


@staff_required(VIEW)
def framework_list(request):
    return render(
        request,
        "algorithms/office/frameworks.html",
        {"templates": selectors.templates_current(request.user)},
    )


_SUBJECTS = {
    "algoritme": (Algorithm, "algorithm"),
    "proces": (EnforcementProcess, "process"),
    "instrument": (EnforcementInstrument, "instrument"),
}


def _subject(request):
    for param, (model, kind) in _SUBJECTS.items():
        value = request.GET.get(param) or request.POST.get(param)
        if value and value.isdigit():
            found = access.scope(request.user, model.objects.all()).filter(pk=int(value)).first()
            if found is None:
                raise Http404(value)
            return param, kind, found
    return None


@staff_required(FILL)
def assessment_create(request):
    chosen = _subject(request)
    if chosen is None:
        return render(
            request,
            "algorithms/office/assessment_subject.html",
            selectors.assessment_subjects(request.user),
        )
    param, kind, subject = chosen
    templates = selectors.templates_current(request.user, applies_to=kind)
    form = forms.AssessmentCreateForm(request.POST or None, templates=templates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assessment = services.assessment_create(
                    user=request.user, template=form.cleaned_data["template"], subject=subject
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(request, _("De toets is aangemaakt. Vul hem deel voor deel in."))
                return redirect("algorithms:assessment-detail", assessment.pk)
    return render(
        request,
        "algorithms/office/assessment_create.html",
        {"form": form, "subject": subject, "param": param, "kind": kind},
        status=status,
    )


def _assessment(request, pk: int):
    return selectors.assessment_get(request.user, pk)


def _public_link(request, assessment) -> str:
    if not assessment.algorithm_id:
        return ""
    return request.build_absolute_uri(
        reverse("algorithms:public-assessments", args=[assessment.algorithm.slug])
    )


def _detail_context(request, assessment, **extra):
    fw = assessment.template.framework
    missing = frameworks.completeness_errors(fw, assessment.answers)
    sections = []
    for s in fw.sections:
        sections.append(
            {
                "section": s,
                "rows": [
                    {
                        "question": q,
                        "answer": q.display(assessment.answers.get(q.id)),
                        "required": frameworks.is_required(q, assessment.answers),
                        "problems": missing.get(q.id, []),
                    }
                    for q in s.questions
                ],
                "open": sum(1 for q in s.questions if q.id in missing),
            }
        )
    evidence = list(assessment.evidence.select_related("uploaded_by"))
    return {
        "assessment": assessment,
        "framework": fw,
        "state": selectors.assessment_state(assessment),
        "sections": sections,
        "missing": sum(len(v) for v in missing.values()),
        "evidence": evidence,
        "events": assessment.events.select_related("actor").order_by("occurred_at", "pk"),
        "reviewers": list(assessment.reviewers.all()),
        "actions": selectors.assessment_actions(request.user, assessment),
        "audits": list(assessment.audits.all())
        if access.has_permission(request.user, "algorithms.view_audit")
        else [],
        "can_fill": access.can(request.user, FILL, assessment)
        and assessment.status == workflow.AssessmentStatus.CONCEPT,
        "can_renew": access.can(request.user, FILL, assessment)
        and assessment.status == workflow.AssessmentStatus.SIGNED,
        "outcome": frameworks.outcome_label(fw, assessment.answers),
        **extra,
    }


@staff_required(VIEW)
def assessment_detail(request, pk: int):
    assessment = _assessment(request, pk)
    audit.record(audit.Action.VIEW, obj=assessment)
    return render(
        request, "algorithms/office/assessment_detail.html", _detail_context(request, assessment)
    )


@staff_required(FILL)
def assessment_section(request, pk: int, section: str):
    assessment = _assessment(request, pk)
    fw = assessment.template.framework
    try:
        part = fw.section(section)
    except KeyError:
        raise Http404(section) from None
    form = forms.SectionForm(
        part,
        request.POST or None,
        initial={q.id: assessment.answers.get(q.id) for q in part.questions},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assessment_answers_save(
                    assessment, user=request.user, answers=form.answers()
                )
            except services.AnswersInvalid as exc:
                for qid, texts in exc.errors.items():
                    for text in texts:
                        form.add_error(qid if qid in form.fields else None, text)
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request, _("De antwoorden bij ‘%(s)s’ zijn opgeslagen.") % {"s": part.title}
                )
                sections = [s.id for s in fw.sections]
                index = sections.index(part.id)
                if "volgende" in request.POST and index + 1 < len(sections):
                    return redirect(
                        "algorithms:assessment-section", assessment.pk, sections[index + 1]
                    )
                return redirect("algorithms:assessment-detail", assessment.pk)
    return render(
        request,
        "algorithms/office/assessment_section.html",
        {"form": form, "assessment": assessment, "framework": fw, "part": part},
        status=status,
    )


@require_POST
@staff_required(VIEW)
def assessment_transition(request, pk: int):
    assessment = _assessment(request, pk)
    action = request.POST.get("action", "")
    try:
        services.assessment_transition(
            assessment,
            user=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
            public_summary=request.POST.get("public_summary", ""),
            public_link=_public_link(request, assessment),
        )
    except workflow.WorkflowError as exc:
        assessment.refresh_from_db()
        context = _detail_context(request, assessment, transition_error=exc)
        return render(
            request, "algorithms/office/assessment_detail.html", context, status=status_for(exc)
        )
    done = {
        "submit": _("De toets is ingediend. Een beoordelaar kijkt ernaar."),
        "withdraw": _("De toets is teruggenomen en is weer een concept."),
        "return": _("De toets is teruggestuurd met uw opmerkingen."),
        "sign": _("De toets is ondertekend. Het algoritmeregister is bijgewerkt."),
    }
    messages.success(request, done.get(action, _("Gelukt.")))
    return redirect("algorithms:assessment-detail", assessment.pk)


@staff_required(SIGN)
def assessment_sign(request, pk: int):
    """The sign-off page: the public summary, then the four-eyes sign step."""
    assessment = _assessment(request, pk)
    form = forms.SignForm(
        request.POST or None, initial={"public_summary": assessment.public_summary}
    )
    return_form = forms.ReturnForm(prefix="terug")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assessment_transition(
                    assessment,
                    user=request.user,
                    action="sign",
                    public_summary=form.cleaned_data["public_summary"],
                    public_link=_public_link(request, assessment),
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(
                    request, _("De toets is ondertekend. Het algoritmeregister is bijgewerkt.")
                )
                return redirect("algorithms:assessment-detail", assessment.pk)
    return render(
        request,
        "algorithms/office/assessment_sign.html",
        {
            "form": form,
            "return_form": return_form,
            "assessment": assessment,
            **_detail_context(request, assessment),
        },
        status=status,
    )


@staff_required(FILL)
def assessment_reviewers(request, pk: int):
    assessment = _assessment(request, pk)
    form = forms.ReviewersForm(
        request.POST or None, initial={"reviewers": list(assessment.reviewers.all())}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assessment_reviewers_set(
                    assessment, user=request.user, reviewers=form.cleaned_data["reviewers"]
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(request, _("De beoordelaars zijn opgeslagen."))
                return redirect("algorithms:assessment-detail", assessment.pk)
    return render(
        request,
        "algorithms/office/assessment_reviewers.html",
        {"form": form, "assessment": assessment},
        status=status,
    )


@require_POST
@staff_required(FILL)
def assessment_renew(request, pk: int):
    previous = _assessment(request, pk)
    current = [
        t for t in selectors.templates_current(request.user) if t.key == previous.template.key
    ]
    try:
        if not current:
            raise workflow.WorkflowError(_("Dit toetskader wordt niet meer gebruikt."))
        assessment = services.assessment_create(
            user=request.user, template=current[0], subject=previous.subject, previous=previous
        )
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("algorithms:assessment-detail", previous.pk)
    messages.success(
        request, _("Een nieuwe toets is aangemaakt met de antwoorden van de vorige als begin.")
    )
    return redirect("algorithms:assessment-detail", assessment.pk)


@staff_required(FILL)
def evidence_add(request, pk: int):
    assessment = _assessment(request, pk)
    fw = assessment.template.framework
    form = forms.EvidenceForm(
        fw,
        request.POST or None,
        request.FILES or None,
        initial={"question": request.GET.get("vraag", "")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.evidence_add(
                    assessment,
                    user=request.user,
                    name=upload.name,
                    data=upload.read(),
                    question=form.cleaned_data.get("question", ""),
                    description=form.cleaned_data.get("description", ""),
                )
            except workflow.WorkflowError as exc:
                form_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(request, _("Het bewijsstuk is toegevoegd."))
                return redirect("algorithms:assessment-detail", assessment.pk)
    return render(
        request,
        "algorithms/office/evidence_add.html",
        {"form": form, "assessment": assessment},
        status=status,
    )


@staff_required(VIEW)
def evidence_download(request, pk: int):
    attachment = selectors.evidence_get(request.user, pk)
    data = files.decrypted(attachment.file)
    audit.record(audit.Action.EXPORT, obj=attachment, detail={"name": attachment.name})
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.name}"'
    return response


@require_POST
@staff_required(FILL)
def evidence_remove(request, pk: int):
    attachment = selectors.evidence_get(request.user, pk)
    assessment_pk = attachment.assessment_id
    try:
        services.evidence_remove(attachment, user=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Het bewijsstuk is verwijderd."))
    return redirect("algorithms:assessment-detail", assessment_pk)
