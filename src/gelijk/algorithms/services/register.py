"""Writes to the register: versions, the publication workflow, import and restore.

Every function is one transaction with its audit entry. A refused action raises
``WorkflowError`` (or ``RecordInvalid`` for a record that fails the standard) with messages in
Dutch; nothing is stored then.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gelijk.algorithms import html as register_html
from gelijk.algorithms import records, validation, workflow
from gelijk.algorithms.models import (
    Algorithm,
    AlgorithmVersion,
    Assessment,
    AssessmentTemplate,
    PublicationEvent,
)
from gelijk.algorithms.services import actor_of as _actor
from gelijk.algorithms.services import refusals_audited, require
from gelijk.algorithms.standard import Standard, load
from gelijk.algorithms.workflow import State, WorkflowError
from gelijk.core import audit

Origin = AlgorithmVersion.Origin


class RecordInvalid(WorkflowError):
    """A record that fails the standard; ``checked.errors`` holds the messages per field."""

    def __init__(self, checked: validation.Checked, standard: Standard):
        messages = checked.messages(standard)
        super().__init__(
            ngettext(
                "De beschrijving voldoet niet aan de standaard: %(n)s fout.",
                "De beschrijving voldoet niet aan de standaard: %(n)s fouten.",
                len(messages),
            )
            % {"n": len(messages)},
            messages=messages,
        )
        self.checked = checked


def standard_of(version: AlgorithmVersion | None = None) -> Standard:
    return load(version.standard) if version is not None else load()


# --------------------------------------------------------------------------- states


def version_state(version: AlgorithmVersion) -> str:
    last = (
        PublicationEvent.objects.filter(version=version)
        .order_by("-occurred_at", "-pk")
        .values_list("to_state", flat=True)
        .first()
    )
    return last or State.CONCEPT


def version_states(versions) -> dict[int, str]:
    """version pk -> current state, in one query."""
    states: dict[int, str] = {}
    rows = (
        PublicationEvent.objects.filter(version__in=list(versions))
        .order_by("occurred_at", "pk")
        .values_list("version_id", "to_state")
    )
    for pk, state in rows:
        states[pk] = state
    return states


def _released_by(version: AlgorithmVersion):
    event = (
        PublicationEvent.objects.filter(version=version, action="release")
        .order_by("-occurred_at", "-pk")
        .select_related("actor")
        .first()
    )
    return event.actor if event else None


# --------------------------------------------------------------------------- versions


def _denormalised(record: dict, standard: Standard) -> dict:
    themes = record.get("theme") or []
    text = " ".join(
        register_html.to_plain(str(record.get(k, "")))
        for k in ("name", "description_short", "organization", "search_terms", "supplier")
    )
    return {
        "name": str(record.get("name") or _("(zonder naam)"))[:200],
        "status": record.get("status", ""),
        "publication_category": record.get("publication_category", ""),
        "themes": ("|" + "|".join(themes) + "|") if themes else "",
        "search_text": text.lower(),
        "standard": standard.version,
    }


def _event(algorithm, version, action, source, target, user, reason="") -> PublicationEvent:
    return PublicationEvent.objects.create(
        algorithm=algorithm,
        version=version,
        action=action,
        from_state=source,
        to_state=target,
        actor=user,
        reason=reason,
    )


def _supersede_open(algorithm: Algorithm, user) -> None:
    latest = algorithm.latest_version
    if latest is None:
        return
    state = version_state(latest)
    if state in workflow.OPEN_STATES:
        _event(algorithm, latest, "supersede", state, State.SUPERSEDED, user)


def _append(algorithm, record, standard, *, user, origin, note, based_on) -> AlgorithmVersion:
    number = (algorithm.latest_version.number + 1) if algorithm.latest_version_id else 1
    version = AlgorithmVersion.objects.create(
        algorithm=algorithm,
        number=number,
        record=record,
        origin=origin,
        note=note[:500],
        based_on=based_on,
        created_by=user,
        **_denormalised(record, standard),
    )
    _event(algorithm, version, "create", "", State.CONCEPT, user)
    algorithm.latest_version = version
    algorithm.updated_at = timezone.now()
    algorithm.save(update_fields=["latest_version", "updated_at"])
    return version


def _checked(record: dict, standard: Standard) -> dict:
    checked = validation.clean_record(record, standard)
    if not checked.ok:
        raise RecordInvalid(checked, standard)
    return checked.record


def _unique_slug(hint: str) -> str:
    base = slugify(hint)[:90] or "algoritme"
    slug, n = base, 2
    while Algorithm.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _require(user, permission: str, obj, message: str) -> None:
    require(user, permission, obj, message, object_type="algorithms.Algorithm")


@refusals_audited
@transaction.atomic
def algorithm_create(
    *,
    user,
    record: dict,
    origin: str = Origin.FORM,
    note: str = "",
    slug: str = "",
    owner=None,
    department=None,
) -> AlgorithmVersion:
    """A new algorithm with its first version (a concept)."""
    if user is not None:
        _require(user, workflow.EDIT, None, _("Alleen een redacteur kan algoritmes beschrijven."))
    standard = load()
    cleaned = _checked(record, standard)
    slug = _unique_slug(slug or cleaned.get("name", ""))
    if origin != Origin.IMPORT and not cleaned.get("source_id"):
        # Our own registrations carry our id, so the national register can refer back to it.
        cleaned = _checked({**cleaned, "source_id": slug}, standard)
    algorithm = Algorithm.objects.create(slug=slug, owner=owner, department=department)
    version = _append(
        algorithm, cleaned, standard, user=user, origin=origin, note=note, based_on=None
    )
    audit.record(
        audit.Action.CREATE,
        obj=algorithm,
        detail={"version": version.number, "origin": origin, "name": version.name},
        actor=_actor(user),
    )
    return version


@refusals_audited
@transaction.atomic
def algorithm_owner_set(algorithm: Algorithm, *, user, owner, department) -> Algorithm:
    """Who is responsible (reminders go to the owner). Not part of the register record."""
    _require(user, workflow.EDIT, algorithm, _("Alleen een redacteur kan de eigenaar wijzigen."))
    before = {"owner": algorithm.owner_id, "department": algorithm.department_id}
    algorithm.owner, algorithm.department = owner, department
    algorithm.save(update_fields=["owner", "department"])
    audit.record(
        audit.Action.CHANGE,
        obj=algorithm,
        detail={
            "before": before,
            "after": {
                "owner": getattr(owner, "pk", None),
                "department": getattr(department, "pk", None),
            },
        },
        actor=_actor(user),
    )
    return algorithm


def _changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


@refusals_audited
@transaction.atomic
def algorithm_version_save(
    algorithm: Algorithm,
    *,
    user,
    record: dict,
    origin: str = Origin.FORM,
    note: str = "",
    base_number: int | None = None,
    allow_unchanged: bool = False,
    on_behalf: bool = False,
) -> AlgorithmVersion:
    """Save ``record`` as the next version. ``base_number`` is the version the editor started
    from: when someone saved a newer one meanwhile, the save is refused (no lost update).
    ``on_behalf``: the system writes for ``user`` (a signed assessment fills the register), so
    the user needs no editing right."""
    if user is not None and not on_behalf:
        _require(user, workflow.EDIT, algorithm, _("Alleen een redacteur kan algoritmes wijzigen."))
    algorithm = Algorithm.objects.select_for_update().get(pk=algorithm.pk)
    latest = algorithm.latest_version
    if base_number is not None and latest is not None and base_number != latest.number:
        raise WorkflowError(
            _(
                "Iemand anders heeft intussen versie %(n)s opgeslagen. Uw wijzigingen zijn niet "
                "opgeslagen: open de nieuwste versie en breng ze daar opnieuw aan."
            )
            % {"n": latest.number},
            field="base_number",
        )
    standard = load()
    cleaned = _checked(record, standard)
    if latest is not None and cleaned == latest.record and not allow_unchanged:
        raise WorkflowError(_("Er is niets veranderd, dus er is geen nieuwe versie gemaakt."))
    _supersede_open(algorithm, user)
    version = _append(
        algorithm, cleaned, standard, user=user, origin=origin, note=note, based_on=latest
    )
    audit.record(
        audit.Action.CHANGE,
        obj=algorithm,
        detail={
            "version": version.number,
            "origin": origin,
            "fields": _changed_fields(latest.record if latest else {}, cleaned),
        },
        actor=_actor(user),
    )
    return version


@refusals_audited
@transaction.atomic
def algorithm_version_restore(algorithm: Algorithm, version: AlgorithmVersion, *, user):
    """A new version with the record of an older one (nothing is overwritten)."""
    return algorithm_version_save(
        algorithm,
        user=user,
        record=dict(version.record),
        origin=Origin.RESTORE,
        note=_("Teruggezet naar de inhoud van versie %(n)s.") % {"n": version.number},
        allow_unchanged=True,
    )


# --------------------------------------------------------------------------- publication


def _signed(algorithm: Algorithm) -> dict[str, Assessment]:
    """Latest signed assessment per framework key."""
    latest: dict[str, Assessment] = {}
    rows = (
        Assessment.objects.filter(algorithm=algorithm, status=Assessment.Status.SIGNED)
        .select_related("template")
        .order_by("signed_at", "pk")
    )
    for a in rows:
        latest[a.template.key] = a
    return latest


def publication_gaps(algorithm: Algorithm, version: AlgorithmVersion) -> list[tuple[str, str]]:
    """Everything that blocks publication of ``version``, as (field, message):
    empty required fields and schema faults, then the assessments the register links to
    or the category requires, expired ones, and a signed 'do not use' conclusion."""
    standard = standard_of(version)
    record = version.record
    gaps = validation.publication_gaps(record, standard)
    signed = _signed(algorithm)
    templates = {t.key: t for t in AssessmentTemplate.objects.filter(is_current=True)}
    code = standard.category_code(record.get("publication_category", ""))
    now = timezone.now()
    listed = {t.strip() for t in str(record.get("impact_assessments", "")).split(",") if t.strip()}
    for key, template in sorted(templates.items()):
        fw = template.framework
        assessment = signed.get(key)
        needed = code in fw.required_for_categories or fw.register_title in listed
        if not needed:
            continue
        if assessment is None:
            if code in fw.required_for_categories:
                gaps.append(
                    (
                        "impact_assessments",
                        _(
                            "Er is nog geen ondertekende %(title)s. Een algoritme in categorie "
                            "%(code)s kan pas worden gepubliceerd als die toets is ondertekend."
                        )
                        % {"title": fw.title, "code": code},
                    )
                )
            else:
                gaps.append(
                    (
                        "impact_assessments",
                        _(
                            "Bij ‘Impacttoetsen’ staat ‘%(title)s’, maar er is geen ondertekende "
                            "toets van dat soort aan dit algoritme gekoppeld."
                        )
                        % {"title": fw.register_title},
                    )
                )
            continue
        months = assessment.template.framework.renew_after_months
        if add_months(assessment.signed_at, months) <= now:
            gaps.append(
                (
                    "impact_assessments",
                    _(
                        "De %(title)s is verlopen: ondertekend op %(date)s, en hij moet elke "
                        "%(m)s maanden opnieuw. Doe de toets opnieuw."
                    )
                    % {
                        "title": fw.title,
                        "date": timezone.localtime(assessment.signed_at).strftime("%d-%m-%Y"),
                        "m": months,
                    },
                )
            )
        outcome = assessment.answers.get(assessment.template.framework.outcome)
        if outcome == "niet-inzetten" and record.get("status") == "In gebruik":
            gaps.append(
                (
                    "status",
                    _(
                        "De %(title)s concludeerde ‘niet inzetten’. Dan kan het algoritme niet "
                        "als ‘In gebruik’ worden gepubliceerd."
                    )
                    % {"title": fw.title},
                )
            )
    return gaps


def add_months(moment, months: int):
    """The same moment ``months`` later; the 31st becomes the month's last day when needed."""
    years, month0 = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


@refusals_audited
@transaction.atomic
def publication_transition(
    algorithm: Algorithm, *, user, action: str, reason: str = ""
) -> PublicationEvent:
    """Move the algorithm's latest version (or, for retract, its published version) one step
    through the publication workflow."""
    algorithm = Algorithm.objects.select_for_update().get(pk=algorithm.pk)
    version = algorithm.published_version if action == "retract" else algorithm.latest_version
    if version is None:
        raise WorkflowError(
            _("Er is geen gepubliceerde versie om terug te trekken.")
            if action == "retract"
            else _("Dit algoritme heeft nog geen versie."),
            field="action",
        )
    state = version_state(version)
    t = workflow.find(action, state)
    if t.permission is None:
        raise WorkflowError(_("Deze stap zet het systeem zelf."), field="action")
    who = {
        workflow.EDIT: _("Alleen een redacteur (algoritme-eigenaar of privacy officer) kan dit."),
        workflow.APPROVE: _(
            "Alleen een goedkeurder (privacy officer of beheerder) kan publiceren, afwijzen of "
            "terugtrekken."
        ),
    }[t.permission]
    _require(user, t.permission, algorithm, who)
    reason = (reason or "").strip()
    if t.needs_reason and len(reason) < 10:
        raise WorkflowError(
            _("Schrijf op waarom (minstens 10 tekens). De redacteur leest dit."), field="reason"
        )
    if t.four_eyes:
        releaser = _released_by(version)
        if releaser is not None and releaser.pk == user.pk:
            raise WorkflowError(
                _(
                    "Vier ogen: u heeft deze versie zelf aangeboden. Een andere goedkeurder moet "
                    "haar publiceren of afwijzen."
                ),
                field="action",
            )
    if t.needs_complete:
        gaps = publication_gaps(algorithm, version)
        if gaps:
            standard = standard_of(version)
            messages = []
            for key, message in gaps:
                label = standard.field(key).label if key in standard.keys else ""
                messages.append(f"{label}: {message}" if label else message)
            raise WorkflowError(
                ngettext(
                    "Publiceren kan nog niet: er is nog %(n)s punt open.",
                    "Publiceren kan nog niet: er zijn nog %(n)s punten open.",
                    len(messages),
                )
                % {"n": len(messages)},
                messages=messages,
            )
    event = _event(algorithm, version, action, state, t.target, user, reason)
    if action == "publish":
        previous = algorithm.published_version
        if previous is not None and previous.pk != version.pk:
            _event(algorithm, previous, "supersede", State.PUBLISHED, State.SUPERSEDED, user)
        algorithm.published_version = version
        algorithm.published_at = event.occurred_at
        algorithm.save(update_fields=["published_version", "published_at"])
    elif action == "retract":
        algorithm.published_version = None
        algorithm.published_at = None
        algorithm.save(update_fields=["published_version", "published_at"])
    audit.record(
        audit.Action.CHANGE,
        obj=algorithm,
        detail={
            "workflow": action,
            "version": version.number,
            "from": state,
            "to": t.target,
            "reason": reason,
        },
        actor=_actor(user),
    )
    return event


# --------------------------------------------------------------------------- import


@dataclass
class ImportOutcome:
    created: list[AlgorithmVersion] = field(default_factory=list)
    updated: list[AlgorithmVersion] = field(default_factory=list)
    unchanged: list[Algorithm] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ImportRejected(WorkflowError):
    """At least one record failed; ``items`` carries each record's errors. Nothing stored."""

    def __init__(self, items: list[records.ImportItem], standard: Standard):
        messages = []
        for item in items:
            for message in item.checked.messages(standard):
                name = f" ({item.name})" if item.name else ""
                messages.append(
                    _("Record %(n)s%(name)s – %(m)s")
                    % {"n": item.index, "name": name, "m": message}
                )
        super().__init__(
            _("Niets geïmporteerd: %(bad)s van de %(all)s records hebben fouten.")
            % {"bad": sum(not i.ok for i in items), "all": len(items)},
            messages=messages,
        )
        self.items = items


@refusals_audited
@transaction.atomic
def register_import(*, user, payload, source: str) -> ImportOutcome:
    """Import one or more records (standard or register format), all or nothing. A record
    whose id (slug) or Bron-ID matches an existing algorithm becomes its next version."""
    _require(user, workflow.EDIT, None, _("Alleen een redacteur kan importeren."))
    standard = load()
    items = records.read_payload(payload, standard)
    if not all(i.ok for i in items):
        raise ImportRejected(items, standard)
    outcome = ImportOutcome()
    note = _("Geïmporteerd uit %(source)s.") % {"source": source[:200]}
    for item in items:
        record = item.checked.record
        outcome.warnings += [
            _("Record %(n)s – %(w)s") % {"n": item.index, "w": w} for w in item.warnings
        ]
        existing = None
        if item.slug_hint:
            existing = Algorithm.objects.filter(slug=item.slug_hint).first()
        if existing is None and record.get("source_id"):
            existing = (
                Algorithm.objects.filter(latest_version__record__source_id=record["source_id"])
                .order_by("pk")
                .first()
            )
        if existing is None:
            outcome.created.append(
                algorithm_create(
                    user=user, record=record, origin=Origin.IMPORT, note=note, slug=item.slug_hint
                )
            )
        elif existing.latest_version and existing.latest_version.record == record:
            outcome.unchanged.append(existing)
        else:
            outcome.updated.append(
                algorithm_version_save(
                    existing, user=user, record=record, origin=Origin.IMPORT, note=note
                )
            )
    audit.record(
        audit.Action.CREATE,
        object_type="algorithms.Import",
        object_id=source[:100],
        detail={
            "created": [v.algorithm.slug for v in outcome.created],
            "updated": [v.algorithm.slug for v in outcome.updated],
            "unchanged": [a.slug for a in outcome.unchanged],
        },
        actor=_actor(user),
    )
    return outcome


def default_organisation() -> str:
    return settings.GELIJK_ORGANISATION_NAME
