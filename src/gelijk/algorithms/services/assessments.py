"""Writes for assessments: frameworks from files, answers, evidence, reviewers, the
submit/return/sign workflow, and the register fields a signed assessment fills."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gelijk.algorithms import files, frameworks, validation, workflow
from gelijk.algorithms.frameworks import Framework, FrameworkError
from gelijk.algorithms.models import (
    Algorithm,
    Assessment,
    AssessmentEvent,
    AssessmentTemplate,
    EnforcementInstrument,
    EnforcementProcess,
    EvidenceAttachment,
)
from gelijk.algorithms.services import actor_of as _actor
from gelijk.algorithms.services import refusals_audited, register, require
from gelijk.algorithms.workflow import AssessmentStatus, WorkflowError
from gelijk.core import access, audit

MIN_SUMMARY = 40


class AnswersInvalid(WorkflowError):
    """Answers that fail the framework; ``errors`` maps question id -> messages."""

    def __init__(self, errors: dict[str, list[str]], fw: Framework):
        messages = []
        for qid, texts in errors.items():
            label = fw.question(qid).label if qid != frameworks.NON_FIELD else ""
            messages += [f"{label}: {t}" if label else t for t in texts]
        super().__init__(
            ngettext(
                "De toets is nog niet compleet of klopt niet: %(n)s punt.",
                "De toets is nog niet compleet of klopt niet: %(n)s punten.",
                len(messages),
            )
            % {"n": len(messages)},
            messages=messages,
        )
        self.errors = errors


# --------------------------------------------------------------------------- templates


@transaction.atomic
def assessment_templates_sync() -> dict[str, int]:
    """Load every framework file into AssessmentTemplate rows. A new file (or a new version
    in a file) adds a row; the highest version per key is current. A file changed without a
    new version number updates its row only while no assessment uses it."""
    found = frameworks.discover()
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for fw in found:
        row = AssessmentTemplate.objects.filter(key=fw.key, version=fw.version).first()
        values = {
            "title": fw.title,
            "register_title": fw.register_title,
            "definition": fw.definition,
            "content_hash": fw.content_hash,
            "source_file": fw.source_file,
        }
        if row is None:
            AssessmentTemplate.objects.create(key=fw.key, version=fw.version, **values)
            counts["added"] += 1
        elif row.content_hash == fw.content_hash:
            counts["unchanged"] += 1
        elif Assessment.objects.filter(template=row).exists():
            raise FrameworkError(
                f"{fw.source_file}: version {fw.version} of {fw.key!r} changed but assessments "
                "already use it; give the changed file a new version number"
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.loaded_at = timezone.now()
            row.save()
            counts["updated"] += 1
    newest: dict[str, int] = {}
    for fw in found:
        newest[fw.key] = max(newest.get(fw.key, 0), fw.version)
    for row in AssessmentTemplate.objects.all():
        current = newest.get(row.key) == row.version
        if row.is_current != current:
            row.is_current = current
            row.save(update_fields=["is_current"])
    return counts


# --------------------------------------------------------------------------- create & answer


def _subject_kind(subject) -> str:
    if isinstance(subject, Algorithm):
        return "algorithm"
    if isinstance(subject, EnforcementProcess):
        return "process"
    if isinstance(subject, EnforcementInstrument):
        return "instrument"
    raise TypeError(f"cannot assess {type(subject).__name__}")


def _event(assessment, action, source, target, user, reason="") -> None:
    AssessmentEvent.objects.create(
        assessment=assessment,
        action=action,
        from_status=source,
        to_status=target,
        actor=user,
        reason=reason,
    )


def _refuse(user, permission, obj, message) -> None:
    require(user, permission, obj, message, object_type="algorithms.Assessment")


@refusals_audited
@transaction.atomic
def assessment_create(
    *, user, template: AssessmentTemplate, subject, previous: Assessment | None = None
) -> Assessment:
    """A new assessment in concept. With ``previous`` (a re-assessment), its answers are
    copied as the starting point."""
    _refuse(
        user,
        workflow.FILL,
        None,
        _("Alleen een algoritme-eigenaar of privacy officer kan toetsen invullen."),
    )
    fw = template.framework
    kind = _subject_kind(subject)
    if kind not in fw.applies_to:
        raise WorkflowError(
            _("%(title)s is niet bedoeld voor dit soort onderwerp.") % {"title": fw.title},
            field="template",
        )
    if not template.is_current:
        raise WorkflowError(
            _("Er is een nieuwere versie van %(title)s. Gebruik die.") % {"title": fw.title},
            field="template",
        )
    answers = {}
    if previous is not None:
        answers, _errors = frameworks.clean_answers(
            fw, {k: v for k, v in previous.answers.items() if k in {q.id for q in fw.questions}}
        )
    assessment = Assessment.objects.create(
        template=template,
        created_by=user,
        answers=answers,
        previous=previous,
        **{kind: subject},
    )
    _event(assessment, "create", "", AssessmentStatus.CONCEPT, user)
    audit.record(
        audit.Action.CREATE,
        obj=assessment,
        detail={"template": f"{template.key} v{template.version}", "subject": str(subject)},
        actor=_actor(user),
    )
    return assessment


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("template").get(pk=assessment.pk)


@refusals_audited
@transaction.atomic
def assessment_answers_save(assessment: Assessment, *, user, answers: dict) -> Assessment:
    """Store (part of) the answers of a concept. Unanswered questions in ``answers`` are
    cleared; questions not in ``answers`` keep their answer."""
    _refuse(
        user,
        workflow.FILL,
        assessment,
        _("Alleen een algoritme-eigenaar of privacy officer kan toetsen invullen."),
    )
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.CONCEPT:
        raise WorkflowError(
            _("Deze toets is %(status)s; antwoorden kunnen alleen in een concept veranderen.")
            % {"status": assessment.get_status_display().lower()}
        )
    fw = assessment.template.framework
    cleaned, errors = frameworks.clean_answers(fw, answers)
    if errors:
        raise AnswersInvalid(errors, fw)
    merged = {k: v for k, v in assessment.answers.items() if k not in answers}
    merged.update(cleaned)
    changed = sorted(
        k
        for k in set(merged) | set(assessment.answers)
        if merged.get(k) != assessment.answers.get(k)
    )
    if changed:
        assessment.answers = merged
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=["answers", "updated_at"])
        audit.record(
            audit.Action.CHANGE, obj=assessment, detail={"questions": changed}, actor=_actor(user)
        )
    return assessment


@refusals_audited
@transaction.atomic
def assessment_reviewers_set(assessment: Assessment, *, user, reviewers) -> Assessment:
    _refuse(
        user,
        workflow.FILL,
        assessment,
        _("Alleen een algoritme-eigenaar of privacy officer kan beoordelaars kiezen."),
    )
    assessment = _locked(assessment)
    if assessment.status == AssessmentStatus.SIGNED:
        raise WorkflowError(_("Deze toets is al ondertekend."))
    reviewers = list(reviewers)
    unfit = [r.get_username() for r in reviewers if not access.has_permission(r, workflow.SIGN)]
    if unfit:
        raise WorkflowError(
            _("%(names)s mag geen toetsen ondertekenen en kan dus geen beoordelaar zijn.")
            % {"names": ", ".join(unfit)},
            field="reviewers",
        )
    assessment.reviewers.set(reviewers)
    audit.record(
        audit.Action.CHANGE,
        obj=assessment,
        detail={"reviewers": sorted(r.get_username() for r in reviewers)},
        actor=_actor(user),
    )
    return assessment


# --------------------------------------------------------------------------- workflow


@refusals_audited
@transaction.atomic
def assessment_transition(
    assessment: Assessment,
    *,
    user,
    action: str,
    reason: str = "",
    public_summary: str = "",
    public_link: str = "",
) -> Assessment:
    """submit / withdraw / return / sign. Signing an algorithm's assessment also writes its
    title and ``public_link`` into the register's impact-assessment fields (a new version)."""
    assessment = _locked(assessment)
    source = assessment.status
    t = workflow.find_assessment(action, source)
    who = {
        workflow.FILL: _("Alleen een algoritme-eigenaar of privacy officer kan dit."),
        workflow.SIGN: _("Alleen een beoordelaar (privacy officer of auditor) kan dit."),
    }[t.permission]
    _refuse(user, t.permission, assessment, who)
    fw = assessment.template.framework
    reason = (reason or "").strip()
    if t.needs_reason and len(reason) < 10:
        raise WorkflowError(_("Schrijf op wat er beter moet (minstens 10 tekens)."), field="reason")
    if t.four_eyes:
        if assessment.submitted_by_id == user.pk:
            raise WorkflowError(
                _(
                    "Vier ogen: u heeft deze toets zelf ingediend. Een andere beoordelaar moet "
                    "hem beoordelen."
                ),
                field="action",
            )
        reviewers = list(assessment.reviewers.all())
        if reviewers and user not in reviewers:
            raise WorkflowError(
                _("Alleen de gekozen beoordelaars kunnen deze toets beoordelen: %(names)s.")
                % {"names": ", ".join(r.get_full_name() or r.get_username() for r in reviewers)},
                field="action",
            )
    if t.needs_complete:
        errors = frameworks.completeness_errors(fw, assessment.answers)
        if errors:
            raise AnswersInvalid(errors, fw)
    now = timezone.now()
    if action == "submit":
        assessment.submitted_by, assessment.submitted_at = user, now
    if action == "sign":
        summary = (public_summary or "").strip()
        if len(summary) < MIN_SUMMARY:
            raise WorkflowError(
                _(
                    "Schrijf een publieke samenvatting in gewone taal (minstens %(n)s tekens). "
                    "Die komt in het algoritmeregister."
                )
                % {"n": MIN_SUMMARY},
                field="public_summary",
            )
        assessment.public_summary = summary
        assessment.signed_by, assessment.signed_at = user, now
        if assessment.algorithm_id:
            assessment.algorithm_version = assessment.algorithm.latest_version
    assessment.status = t.target
    assessment.updated_at = now
    assessment.save()
    _event(assessment, action, source, t.target, user, reason)
    audit.record(
        audit.Action.CHANGE,
        obj=assessment,
        detail={"workflow": action, "from": source, "to": t.target, "reason": reason},
        actor=_actor(user),
    )
    if action == "sign" and assessment.algorithm_id:
        _fill_register(assessment, user, public_link)
    return assessment


def _fill_register(assessment: Assessment, user, public_link: str) -> None:
    """Write the signed assessment into the algorithm's next version: its register title in
    ``impact_assessments`` and, when empty, the link to the public assessment page."""
    algorithm = assessment.algorithm
    latest = algorithm.latest_version
    if latest is None:
        return
    record = dict(latest.record)
    title = assessment.template.register_title
    listed = [t.strip() for t in str(record.get("impact_assessments", "")).split(",") if t.strip()]
    if title not in listed:
        listed.append(title)
    record["impact_assessments"] = ", ".join(listed)
    # The standard wants https; on a development server without it the link is left out
    # rather than failing the signature.
    if validation.is_https(public_link) and not record.get("impact_assessment_link"):
        record["impact_assessment_link"] = public_link
    if record == latest.record:
        return
    register.algorithm_version_save(
        algorithm,
        user=user,
        on_behalf=True,
        record=record,
        origin=register.Origin.ASSESSMENT,
        note=_("%(title)s ondertekend: de velden over impacttoetsen zijn bijgewerkt.")
        % {"title": assessment.template.title},
    )


# --------------------------------------------------------------------------- evidence


@refusals_audited
@transaction.atomic
def evidence_add(
    assessment: Assessment,
    *,
    user,
    name: str,
    data: bytes,
    question: str = "",
    description: str = "",
) -> EvidenceAttachment:
    _refuse(
        user,
        workflow.FILL,
        assessment,
        _("Alleen een algoritme-eigenaar of privacy officer kan bewijs toevoegen."),
    )
    assessment = _locked(assessment)
    if assessment.status != AssessmentStatus.CONCEPT:
        raise WorkflowError(
            _("Bewijs toevoegen kan alleen zolang de toets een concept is."), field="file"
        )
    if question and question not in {q.id for q in assessment.template.framework.questions}:
        raise WorkflowError(_("Die vraag hoort niet bij deze toets."), field="question")
    try:
        checked = files.check_evidence(name, data)
    except files.FileRefused as exc:
        raise WorkflowError(str(exc), field="file") from None
    attachment = EvidenceAttachment(
        assessment=assessment,
        question=question,
        description=description.strip()[:300],
        name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=user,
    )
    attachment.file.save(f"{checked.sha256[:16]}.bin", files.encrypted(checked.data), save=False)
    attachment.save()
    audit.record(
        audit.Action.CREATE,
        obj=attachment,
        detail={"assessment": assessment.pk, "name": checked.name, "type": checked.content_type},
        actor=_actor(user),
    )
    return attachment


@refusals_audited
@transaction.atomic
def evidence_remove(attachment: EvidenceAttachment, *, user) -> None:
    assessment = _locked(attachment.assessment)
    _refuse(
        user,
        workflow.FILL,
        assessment,
        _("Alleen een algoritme-eigenaar of privacy officer kan bewijs verwijderen."),
    )
    if assessment.status != AssessmentStatus.CONCEPT:
        raise WorkflowError(_("Bewijs verwijderen kan alleen zolang de toets een concept is."))
    storage, path = attachment.file.storage, attachment.file.name
    audit.record(
        audit.Action.DELETE,
        obj=attachment,
        detail={"assessment": assessment.pk, "name": attachment.name},
        actor=_actor(user),
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))
