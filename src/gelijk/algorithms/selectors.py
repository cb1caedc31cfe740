"""Every read of the algorithms app.

Staff reads go through ``gelijk.core.access.scope``. The ``public_*`` functions serve the
public register and return only what is published: the published version of each algorithm
(never a concept), and signed assessments with their public summary and public answers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gelijk.algorithms import frameworks, records, workflow
from gelijk.algorithms.models import (
    Algorithm,
    AlgorithmVersion,
    Assessment,
    AssessmentTemplate,
    AuditDataset,
    BiasAudit,
    EnforcementInstrument,
    EnforcementProcess,
    EvidenceAttachment,
    PublicationEvent,
)
from gelijk.algorithms.services.register import (
    add_months,
    publication_gaps,
    standard_of,
    version_state,
    version_states,
)
from gelijk.algorithms.standard import Standard, load
from gelijk.core import access

# --------------------------------------------------------------------------- public


def _public_base():
    return Algorithm.objects.filter(published_version__isnull=False).select_related(
        "published_version"
    )


def public_algorithms(filters) -> list[Algorithm]:
    qs = _public_base()
    q = (filters.get("q") or "").strip().lower()
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(published_version__search_text__contains=word)
    if filters.get("thema"):
        qs = qs.filter(published_version__themes__contains=f"|{filters['thema']}|")
    if filters.get("status"):
        qs = qs.filter(published_version__status=filters["status"])
    if filters.get("categorie"):
        full = load().category_codes.get(filters["categorie"], filters["categorie"])
        qs = qs.filter(published_version__publication_category=full)
    return list(qs.order_by("published_version__name", "pk"))


def public_algorithm(ref: str) -> Algorithm:
    """By slug, or by numeric id; 404 unless published."""
    qs = _public_base()
    found = qs.filter(slug=ref).first()
    if found is None and ref.isdigit():
        found = qs.filter(pk=int(ref)).first()
    if found is None:
        raise Http404(ref)
    return found


def public_record(algorithm: Algorithm) -> dict:
    version = algorithm.published_version
    return records.export_record(version.record, standard_of(version))


def public_records() -> list[dict]:
    return [public_record(a) for a in _public_base().order_by("published_version__name", "pk")]


@dataclass(frozen=True)
class PublicAssessment:
    assessment: Assessment
    framework: frameworks.Framework
    outcome: str
    public_answers: list[tuple[str, str]]
    expired: bool


def _latest_signed(assessments) -> list[Assessment]:
    latest: dict[str, Assessment] = {}
    for a in sorted(assessments, key=lambda a: (a.signed_at, a.pk)):
        latest[a.template.key] = a
    return sorted(latest.values(), key=lambda a: a.template.title)


def public_assessments(algorithm: Algorithm) -> list[PublicAssessment]:
    rows = Assessment.objects.filter(
        algorithm=algorithm, status=Assessment.Status.SIGNED
    ).select_related("template")
    out = []
    now = timezone.now()
    for a in _latest_signed(rows):
        fw = a.template.framework
        answers = [
            (q.label, q.display(a.answers.get(q.id)))
            for q in fw.questions
            if q.public and q.id != fw.outcome and a.answers.get(q.id)
        ]
        out.append(
            PublicAssessment(
                a,
                fw,
                frameworks.outcome_label(fw, a.answers),
                answers,
                add_months(a.signed_at, fw.renew_after_months) <= now,
            )
        )
    return out


def public_filter_options() -> dict:
    standard = load()
    return {
        "themes": standard.field("theme").choices,
        "statuses": standard.field("status").choices,
        "categories": [(code, value) for code, value in sorted(standard.category_codes.items())],
    }


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    explain: str
    value: object
    kind: str
    category: str


def record_fields(record: dict, standard: Standard, *, include_hidden: bool = False):
    """Fields with a value, grouped by the standard's category, for display."""
    groups: list[tuple[str, list[FieldView]]] = []
    for category in standard.categories:
        items = [
            FieldView(f.key, f.label, f.explain, record.get(f.key), f.kind, f.category)
            for f in standard.fields
            if f.category == category
            and record.get(f.key)
            and (include_hidden or f.display != "hidden")
        ]
        if items:
            groups.append((category, items))
    return groups


# --------------------------------------------------------------------------- staff: register


def _scope(user, qs):
    return access.scope(user, qs)


def algorithm_get(user, pk: int) -> Algorithm:
    found = (
        _scope(user, Algorithm.objects.all())
        .select_related("latest_version", "published_version", "owner", "department")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return found


@dataclass
class AlgorithmRow:
    algorithm: Algorithm
    state: str
    state_label: str
    assessments_signed: int
    assessments_open: int
    audits: int


def algorithms_list(user, filters) -> list[AlgorithmRow]:
    qs = (
        _scope(user, Algorithm.objects.all())
        .select_related("latest_version", "published_version")
        .annotate(
            n_signed=Count(
                "assessments", filter=Q(assessments__status="ondertekend"), distinct=True
            ),
            n_open=Count(
                "assessments", filter=~Q(assessments__status="ondertekend"), distinct=True
            ),
            n_audits=Count("audits", distinct=True),
        )
    )
    q = (filters.get("q") or "").strip().lower()
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(latest_version__search_text__contains=word)
    algorithms = list(qs.order_by("latest_version__name", "pk"))
    states = version_states([a.latest_version_id for a in algorithms if a.latest_version_id])
    rows = []
    for a in algorithms:
        state = states.get(a.latest_version_id, workflow.State.CONCEPT)
        rows.append(
            AlgorithmRow(
                a,
                state,
                workflow.State(state).label,
                a.n_signed,
                a.n_open,
                a.n_audits,
            )
        )
    wanted = filters.get("stand")
    if wanted:
        rows = [r for r in rows if r.state == wanted]
    return rows


def algorithm_versions(user, algorithm: Algorithm) -> list[dict]:
    versions = list(
        _scope(user, AlgorithmVersion.objects.filter(algorithm=algorithm)).select_related(
            "created_by"
        )
    )
    states = version_states([v.pk for v in versions])
    return [
        {
            "version": v,
            "state": states.get(v.pk, workflow.State.CONCEPT),
            "state_label": workflow.State(states.get(v.pk, workflow.State.CONCEPT)).label,
        }
        for v in versions
    ]


def algorithm_events(user, algorithm: Algorithm):
    return (
        _scope(user, PublicationEvent.objects.filter(algorithm=algorithm))
        .select_related("actor", "version")
        .order_by("-occurred_at", "-pk")
    )


def version_get(user, algorithm: Algorithm, number: int) -> AlgorithmVersion:
    found = (
        _scope(user, AlgorithmVersion.objects.filter(algorithm=algorithm, number=number))
        .select_related("created_by", "based_on")
        .first()
    )
    if found is None:
        raise Http404(number)
    return found


def version_diff(before: dict, after: dict, standard: Standard) -> list[dict]:
    """Changed fields between two records, in the standard's order."""
    out = []
    for f in standard.fields:
        a, b = before.get(f.key), after.get(f.key)
        if a != b:
            out.append({"label": f.label, "kind": f.kind, "before": a, "after": b})
    return out


def publication_panel(user, algorithm: Algorithm) -> dict:
    """State of the latest version, what blocks publication, and the steps this user may take."""
    latest = algorithm.latest_version
    state = version_state(latest) if latest else workflow.State.CONCEPT
    gaps = publication_gaps(algorithm, latest) if latest else []
    standard = standard_of(latest)
    labelled = [
        {"label": standard.field(k).label if k in standard.keys else "", "message": m}
        for k, m in gaps
    ]
    actions = []
    for t in workflow.user_actions(state):
        if access.can(user, t.permission, algorithm):
            actions.append(t)
    if algorithm.published_version_id and access.can(user, workflow.APPROVE, algorithm):
        published_state = version_state(algorithm.published_version)
        if (
            published_state == workflow.State.PUBLISHED
            and latest.pk != algorithm.published_version_id
        ):
            actions += list(workflow.user_actions(published_state))
    return {
        "state": state,
        "state_label": workflow.State(state).label,
        "gaps": labelled,
        "actions": actions,
    }


# --------------------------------------------------------------------------- staff: assessments


@dataclass
class AssessmentState:
    key: str  # none | concept | ingediend | ondertekend | verlopen
    label: str
    assessment: Assessment | None = None
    due: object = None


def assessment_state(a: Assessment | None, now=None) -> AssessmentState:
    if a is None:
        return AssessmentState("none", _("Niet getoetst"))
    if a.status == Assessment.Status.SIGNED:
        due = add_months(a.signed_at, a.template.framework.renew_after_months)
        if due <= (now or timezone.now()):
            return AssessmentState("verlopen", _("Herbeoordeling nodig"), a, due)
        return AssessmentState("ondertekend", _("Ondertekend"), a, due)
    return AssessmentState(a.status, a.get_status_display(), a)


def assessments_list(user, filters):
    qs = _scope(user, Assessment.objects.all()).select_related(
        "template", "algorithm__latest_version", "process", "instrument", "created_by"
    )
    if filters.get("toetskader"):
        qs = qs.filter(template__key=filters["toetskader"])
    if filters.get("status") in Assessment.Status.values:
        qs = qs.filter(status=filters["status"])
    return [(a, assessment_state(a)) for a in qs]


def assessment_get(user, pk: int) -> Assessment:
    found = (
        _scope(user, Assessment.objects.all())
        .select_related(
            "template",
            "algorithm__latest_version",
            "process",
            "instrument",
            "created_by",
            "submitted_by",
            "signed_by",
            "algorithm_version",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return found


def assessment_actions(user, assessment: Assessment) -> list[workflow.Transition]:
    return [
        t
        for t in workflow.assessment_actions(assessment.status)
        if access.can(user, t.permission, assessment)
    ]


def evidence_get(user, pk: int) -> EvidenceAttachment:
    found = (
        _scope(user, EvidenceAttachment.objects.select_related("assessment")).filter(pk=pk).first()
    )
    if found is None:
        raise Http404(pk)
    return found


def templates_current(user, applies_to: str | None = None) -> list[AssessmentTemplate]:
    rows = list(_scope(user, AssessmentTemplate.objects.filter(is_current=True)))
    if applies_to:
        rows = [t for t in rows if applies_to in t.framework.applies_to]
    return rows


def assessment_subjects(user) -> dict:
    """What can be assessed: algorithms, enforcement processes and their instruments."""
    return {
        "algorithms": list(
            _scope(user, Algorithm.objects.select_related("latest_version")).order_by(
                "latest_version__name"
            )
        ),
        "processes": list(_scope(user, EnforcementProcess.objects.prefetch_related("instruments"))),
    }


def algorithm_assessments(user, algorithm: Algorithm):
    rows = _scope(user, Assessment.objects.filter(algorithm=algorithm)).select_related(
        "template", "signed_by"
    )
    return [(a, assessment_state(a)) for a in rows]


# --------------------------------------------------------------------------- staff: audits


def algorithm_audits(user, algorithm: Algorithm):
    return _scope(user, BiasAudit.objects.filter(algorithm=algorithm)).select_related(
        "dataset", "created_by", "assessment__template"
    )


def algorithm_datasets(user, algorithm: Algorithm):
    return _scope(user, AuditDataset.objects.filter(algorithm=algorithm)).select_related(
        "uploaded_by"
    )


def audit_get(user, pk: int) -> BiasAudit:
    found = (
        _scope(user, BiasAudit.objects.all())
        .select_related(
            "algorithm__latest_version", "dataset", "assessment__template", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return found


def dataset_get(user, pk: int) -> AuditDataset:
    found = (
        _scope(user, AuditDataset.objects.all())
        .select_related("algorithm__latest_version", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(pk)
    return found


# --------------------------------------------------------------------------- pilot


@dataclass
class PilotRow:
    subject: object
    kind: str
    states: list[AssessmentState]


def _latest_by_template(assessments) -> dict[str, Assessment]:
    """The newest assessment per framework (a re-assessment in progress shows as such)."""
    latest: dict[str, Assessment] = {}
    for a in sorted(assessments, key=lambda a: (a.created_at, a.pk)):
        latest[a.template.key] = a
    return latest


def pilot_overview(user) -> dict:
    """Processes and their instruments, each with its status per framework that applies.
    An instrument that is an algorithm in the register also shows that algorithm's
    assessments. ``counts`` says how many processes and instruments have a signed Uthiek."""
    processes = list(
        _scope(user, EnforcementProcess.objects.all()).select_related("department", "team")
    )
    instruments = list(
        _scope(user, EnforcementInstrument.objects.all()).select_related(
            "algorithm__latest_version", "process"
        )
    )
    # Deliberately not scoped by view_register: pilot viewers (teamleiders, handhavers) see
    # only the status and date of each assessment here, never its answers.
    assessments = list(
        Assessment.objects.filter(
            Q(process__in=processes)
            | Q(instrument__in=instruments)
            | Q(algorithm__in=[i.algorithm_id for i in instruments if i.algorithm_id])
        ).select_related("template")
    )
    columns = list(AssessmentTemplate.objects.filter(is_current=True))
    counts = {"total": 0, "assessed": 0}

    def cells(latest: dict, kinds: set[str]) -> list[AssessmentState | None]:
        return [
            assessment_state(latest.get(t.key)) if kinds & set(t.framework.applies_to) else None
            for t in columns
        ]

    def count(latest: dict) -> None:
        counts["total"] += 1
        uthiek = latest.get("uthiek")
        if uthiek is not None and uthiek.status == Assessment.Status.SIGNED:
            counts["assessed"] += 1

    rows = []
    for p in processes:
        latest = _latest_by_template(a for a in assessments if a.process_id == p.pk)
        count(latest)
        row = {"process": p, "cells": cells(latest, {"process"}), "instruments": []}
        for i in (i for i in instruments if i.process_id == p.pk):
            latest_i = _latest_by_template(
                a
                for a in assessments
                if a.instrument_id == i.pk or (i.algorithm_id and a.algorithm_id == i.algorithm_id)
            )
            count(latest_i)
            kinds = {"instrument", "algorithm"} if i.algorithm_id else {"instrument"}
            row["instruments"].append({"instrument": i, "cells": cells(latest_i, kinds)})
        rows.append(row)
    return {"columns": columns, "rows": rows, "counts": counts}
