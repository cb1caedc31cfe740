"""Submitting, registering and handling cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gelijk.core import access, audit, processing
from gelijk.core.pseudonyms import officer_pseudonym, pseudonym
from gelijk.reporting import codes, files, texts
from gelijk.reporting.choices import (
    SERVICE_DEPARTMENT,
    Channel,
    ConsentKind,
    EventKind,
    HearingWaived,
    Kind,
    NotHandledGround,
    Outcome,
    Service,
    Theme,
)
from gelijk.reporting.models import Attachment, Case, CaseEvent, Consent, ReporterContact
from gelijk.reporting.policies import independent_of
from gelijk.reporting.services import notify
from gelijk.reporting.workflow import CaseError, State, check

TERM_WEEKS = 6  # Awb 9:11 lid 1
TERM_WEEKS_COMMITTEE = 10  # Awb 9:11 lid 1 with an advisory committee (afdeling 9.1.3)
MAX_EXTENSION_WEEKS = 4  # Awb 9:11 lid 2
MAX_DESCRIPTION = 5000
MAX_MESSAGE = 5000


@dataclass
class Submission:
    """A report as entered by a resident (form or API) or by staff at intake."""

    description: str
    occurred_on: date
    service: str
    occurred_time: time | None = None
    district: object | None = None  # core.District
    location: str = ""
    contact_kinds: list[str] = field(default_factory=list)
    officer_number: str = ""
    grounds: list[str] = field(default_factory=list)
    ground_other: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    consents: dict[str, bool] = field(default_factory=dict)
    consent_texts: dict[str, str] = field(default_factory=dict)
    requested_complaint: bool = False
    files: list[files.CheckedFile] = field(default_factory=list)


@dataclass(frozen=True)
class SubmitResult:
    case: Case
    created: bool
    secret: str | None  # only when created: shown once, never stored in clear


def _subject(case: Case) -> str:
    return pseudonym(f"reporting-case:{case.reference}")


def due_for(term_start: datetime, committee: bool, extension_weeks: int) -> datetime:
    weeks = (TERM_WEEKS_COMMITTEE if committee else TERM_WEEKS) + extension_weeks
    return term_start + timedelta(weeks=weeks)


def _event(case, kind, *, actor=None, at=None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, created_at=at or timezone.now(), **fields
    )


def validate_submission(sub: Submission, *, today: date | None = None) -> None:
    """Rules that hold for every channel; raise CaseError on the first field that breaks one."""
    today = today or timezone.localdate()
    if not sub.description.strip():
        raise CaseError(_("Beschrijf wat er gebeurde."), field="description")
    if len(sub.description) > MAX_DESCRIPTION:
        raise CaseError(
            _("Uw tekst is %(n)s tekens. Het maximum is %(max)s tekens.")
            % {"n": len(sub.description), "max": MAX_DESCRIPTION},
            field="description",
        )
    if sub.occurred_on > today:
        raise CaseError(
            _("Deze datum ligt in de toekomst. Vul de datum in waarop het gebeurde."),
            field="occurred_on",
        )
    if sub.service not in Service.values:
        raise CaseError(_("Kies de dienst waar het over gaat."), field="service")
    if (sub.grounds or sub.ground_other.strip()) and not sub.consents.get(ConsentKind.SENSITIVE):
        raise CaseError(
            _(
                "U heeft ingevuld waarom u denkt dat u anders werd behandeld. Dat zijn gevoelige "
                "gegevens. Geef daarvoor toestemming, of laat die vragen leeg."
            ),
            field="consent_sensitive",
        )
    has_contact = bool(sub.email or sub.phone or sub.address)
    if has_contact and not sub.consents.get(ConsentKind.CONTACT):
        raise CaseError(
            _(
                "U heeft contactgegevens ingevuld. Geef toestemming voor contact, of laat uw "
                "contactgegevens leeg."
            ),
            field="consent_contact",
        )
    if sub.consents.get(ConsentKind.CONTACT) and not has_contact:
        raise CaseError(
            _("U wilt dat we contact opnemen. Vul uw e-mailadres, telefoonnummer of adres in."),
            field="email",
        )
    if sub.requested_complaint and not (sub.name.strip() and has_contact):
        raise CaseError(
            _(
                "Voor een formele klacht hebben we uw naam nodig en uw adres, e-mailadres of "
                "telefoonnummer (artikel 9:4 Awb). U kunt ook anoniem melden: kies dan ‘Ik wil "
                "het melden’."
            ),
            field="name",
        )
    if len(sub.files) > files.MAX_FILES:
        raise CaseError(
            _("U kunt maximaal %(n)s bestanden meesturen.") % {"n": files.MAX_FILES},
            field="attachments",
        )


def _create_case(sub: Submission, *, channel: str, kind: str, key, at: datetime, actor):
    department, team = SERVICE_DEPARTMENT[Service(sub.service)]
    secret = codes.new_secret()
    case = Case.objects.create(
        reference=codes.new_reference(),
        secret_hash=codes.hash_secret(secret),
        submission_key=key,
        kind=kind,
        requested_complaint=sub.requested_complaint,
        channel=channel,
        service=sub.service,
        department_code=department,
        team_code=team,
        officer_pseudonym=officer_pseudonym(sub.officer_number),
        occurred_on=sub.occurred_on,
        occurred_time=sub.occurred_time,
        district=sub.district,
        location=sub.location.strip(),
        contact_kinds=sorted(set(sub.contact_kinds)),
        description=sub.description.strip(),
        grounds=sorted(set(sub.grounds)) or None,
        ground_other=sub.ground_other.strip(),
        received_at=at,
        term_start=at,
        due_at=due_for(at, False, 0),
        tag_team=team,
        tag_district=sub.district,
    )
    ReporterContact.objects.create(
        case=case,
        name=sub.name.strip(),
        email=sub.email.strip(),
        phone=sub.phone.strip(),
        address=sub.address.strip(),
    )
    for consent_kind in ConsentKind:
        Consent.objects.create(
            case=case,
            kind=consent_kind,
            given=bool(sub.consents.get(consent_kind)),
            text=str(sub.consent_texts.get(consent_kind) or texts.CONSENT_TEXTS[consent_kind]),
            version=texts.CONSENT_VERSION,
            recorded_at=at,
        )
    for checked in sub.files:
        _store_attachment(case, checked, from_resident=True, at=at)
    event = _event(
        case,
        EventKind.STATUS,
        actor=actor,
        at=at,
        to_state=State.RECEIVED,
        public=True,
        data={"channel": channel},
    )
    case.status_event = event
    case.save(update_fields=["status_event"])
    return case, secret


def _store_attachment(case, checked: files.CheckedFile, *, from_resident: bool, at) -> Attachment:
    attachment = Attachment(
        case=case,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        from_resident=from_resident,
        uploaded_at=at,
    )
    attachment.file.save("x", files.encrypted(checked.data), save=False)
    attachment.save()
    return attachment


def case_submit(
    sub: Submission,
    *,
    submission_key: uuid.UUID,
    channel: str = Channel.WEB,
    at: datetime | None = None,
    notify_reporter: bool = True,
) -> SubmitResult:
    """Store a resident's report exactly once per submission key (GUIDE §4.7).

    A repeated key (double click, retry, concurrent duplicate) returns the stored case with
    ``created=False`` and no secret. The whole report — case, contact, consents, files, first
    event, audit entry — is written in one transaction or not at all.
    """
    validate_submission(sub)
    at = at or timezone.now()
    for _attempt in range(5):
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return SubmitResult(existing, False, None)
        try:
            with transaction.atomic():
                case, secret = _create_case(
                    sub, channel=channel, kind=Kind.MELDING, key=submission_key, at=at, actor=None
                )
                audit.record(
                    audit.Action.CREATE,
                    obj=case,
                    detail={"channel": channel, "attachments": len(sub.files)},
                )
                processing.record("reporting_intake", _subject(case))
        except IntegrityError:
            # Either a concurrent duplicate committed first (found on the next round) or the
            # random code collided (a new one is drawn on the next round).
            continue
        if notify_reporter and sub.email and sub.consents.get(ConsentKind.CONTACT):
            email = sub.email.strip()
            transaction.on_commit(lambda c=case, e=email: notify.receipt(c, e))
        return SubmitResult(case, True, secret)
    raise IntegrityError("could not store the report after 5 attempts")


@transaction.atomic
def case_register(
    sub: Submission, *, actor, channel: str, kind: str, received_on: date | None = None
) -> SubmitResult:
    """Staff register a report that came by phone, letter, desk or referral (Awb 9:2)."""
    access.require(actor, "reporting.register_case")
    if channel not in Channel.values or channel in (Channel.WEB, Channel.API):
        raise CaseError(_("Kies hoe de melding binnenkwam."), field="channel")
    validate_submission(sub)
    now = timezone.now()
    at = now
    if received_on:
        if received_on > timezone.localdate():
            raise CaseError(_("De datum van ontvangst ligt in de toekomst."), field="received_on")
        at = timezone.make_aware(datetime.combine(received_on, time(12, 0)))
    case, secret = _create_case(sub, channel=channel, kind=kind, key=None, at=at, actor=actor)
    audit.record(audit.Action.CREATE, obj=case, detail={"channel": channel, "kind": kind})
    processing.record("reporting_intake", _subject(case))
    return SubmitResult(case, True, secret)


def _locked(case: Case, actor, permission: str = "reporting.handle_case") -> Case:
    access.require(actor, permission, case)
    return (
        Case.objects.select_for_update(of=("self",)).select_related("status_event").get(pk=case.pk)
    )


def contactable(case: Case) -> bool:
    """The reporter agreed to contact and left a way to be reached."""
    consent = case.consents.filter(kind=ConsentKind.CONTACT).order_by("-recorded_at", "-pk").first()
    contact = ReporterContact.objects.filter(case=case).first()
    return bool(consent and consent.given and contact and contact.reachable)


def consent_given(case: Case, kind: str) -> Consent | None:
    consent = case.consents.filter(kind=kind).order_by("-recorded_at", "-pk").first()
    return consent if consent and consent.given else None


def _notify_message(case: Case) -> None:
    if not contactable(case):
        return
    email = ReporterContact.objects.get(case=case).email
    if email:
        transaction.on_commit(lambda: notify.new_message(case, email))


def _done(case, actor, action_detail: dict) -> None:
    audit.record(audit.Action.CHANGE, obj=case, detail=action_detail)
    processing.record("reporting_handling", _subject(case))


@transaction.atomic
def case_transition(
    case: Case,
    target: str,
    actor,
    *,
    text: str = "",
    reasons: str = "",
    outcome: str = "",
    not_handled_ground: str = "",
    hearing_waived: str = "",
    resident_satisfied: bool = False,
    at: datetime | None = None,
    notify_reporter: bool = True,
) -> CaseEvent:
    """Move a case along its state machine (workflow.py), appending the status event."""
    case = _locked(case, actor)
    at = at or timezone.now()
    source = case.status
    inputs = {
        "text": text,
        "reasons": reasons,
        "outcome": outcome,
        "not_handled_ground": not_handled_ground,
        "hearing_waived": hearing_waived,
        "resident_satisfied": resident_satisfied,
    }
    if case.kind == Kind.MELDING and target == State.CLOSED and contactable(case):
        since = case.events.filter(kind=EventKind.STATUS, to_state=State.FOLLOWED_UP).last()
        inputs["resident_informed"] = case.events.filter(
            kind=EventKind.MESSAGE_OUT, created_at__gte=since.created_at if since else at
        ).exists()
    check(case.kind, source, target, inputs)
    if outcome and outcome not in Outcome.values:
        raise CaseError(_("Kies een bestaande uitkomst."), field="outcome")
    if not_handled_ground and not_handled_ground not in NotHandledGround.values:
        raise CaseError(_("Kies een grond uit art. 9:8 Awb."), field="not_handled_ground")
    if hearing_waived and hearing_waived not in HearingWaived.values:
        raise CaseError(_("Kies een reden uit art. 9:10 lid 2 Awb."), field="hearing_waived")
    public = False
    letter = text.strip()
    data: dict = {}
    if target == State.ACKNOWLEDGED:
        letter, public = texts.acknowledgement_letter(case), True
    elif target == State.NOT_HANDLED:
        case.outcome = Outcome.NOT_HANDLED
        ground = NotHandledGround(not_handled_ground)
        letter, public = texts.not_handled_letter(case, str(ground.label), text), True
        data["ground"] = ground.value
    elif target == State.INFORMAL_RESOLUTION:
        case.outcome, public = Outcome.INFORMAL, True
    elif target == State.DECISION:
        case.outcome = outcome
        letter = texts.decision_letter(case, str(Outcome(outcome).label), reasons)
        public = True
        data["outcome"] = outcome
        if hearing_waived:
            data["hearing_waived"] = hearing_waived
    elif target == State.FOLLOWED_UP:
        case.outcome = Outcome.FOLLOWED_UP
    elif target == State.CLOSED:
        case.closed_at = at
    if source == State.CLOSED:  # reopened
        case.closed_at = None
        if case.kind == Kind.COMPLAINT:
            case.outcome = ""
    event = _event(
        case,
        EventKind.STATUS,
        actor=actor,
        at=at,
        from_state=source,
        to_state=target,
        text=letter,
        public=public,
        data=data,
    )
    case.status_event = event
    case.save(update_fields=["status_event", "outcome", "closed_at"])
    _done(case, actor, {"transition": f"{source}->{target}"})
    if public and notify_reporter:
        _notify_message(case)
    return event


@transaction.atomic
def case_classify(
    case: Case,
    actor,
    *,
    kind: str,
    department_code: str,
    officer_number: str = "",
    advisory_committee: bool = False,
    at: datetime | None = None,
) -> CaseEvent:
    """Intake: melding or complaint (promotion), department concerned, officer, committee."""
    from gelijk.core.models import Department, StaffProfile

    case = _locked(case, actor)
    at = at or timezone.now()
    changes: dict = {}
    if kind not in Kind.values:
        raise CaseError(_("Kies melding of klacht."), field="kind")
    if case.kind == Kind.COMPLAINT and kind == Kind.MELDING:
        raise CaseError(
            _("Een klacht blijft een klacht. Sluit haar af als ze niet behandeld wordt (9:8)."),
            field="kind",
        )
    if department_code and not Department.objects.filter(code=department_code).exists():
        raise CaseError(_("Deze afdeling bestaat niet."), field="department_code")
    pseudo = officer_pseudonym(officer_number)
    if case.handler_id:
        profile = StaffProfile.objects.filter(user_id=case.handler_id).first()
        if pseudo and profile and profile.officer_pseudonym == pseudo:
            raise CaseError(
                _(
                    "De behandelaar is de medewerker over wie de klacht gaat. Wijs eerst een "
                    "andere behandelaar toe."
                ),
                field="officer_number",
            )
        if (
            department_code
            and profile
            and profile.department_id
            and profile.department.code == department_code
        ):
            raise CaseError(
                _(
                    "De behandelaar werkt bij deze afdeling. Wijs eerst een behandelaar van "
                    "buiten de afdeling toe."
                ),
                field="department_code",
            )
    if advisory_committee and kind != Kind.COMPLAINT:
        raise CaseError(
            _("Een klachtadviescommissie is er alleen voor klachten."), field="advisory_committee"
        )
    if department_code != case.department_code:
        changes["department"] = [case.department_code, department_code]
        case.department_code = department_code
    if pseudo and pseudo != case.officer_pseudonym:
        changes["officer"] = "recorded"
        case.officer_pseudonym = pseudo
    if advisory_committee != case.advisory_committee:
        changes["advisory_committee"] = advisory_committee
        case.advisory_committee = advisory_committee
    promoted = case.kind == Kind.MELDING and kind == Kind.COMPLAINT
    if promoted:
        if not case.is_open:
            raise CaseError(_("Heropen de melding eerst."), field="kind")
        changes["kind"] = [case.kind, kind]
        case.kind = kind
        # A complaint asked for on the form runs from receipt; a melding that intake turns
        # into a complaint runs from that moment.
        case.term_start = case.received_at if case.requested_complaint else at
    case.due_at = due_for(case.term_start, case.advisory_committee, case.extension_weeks)
    event = _event(case, EventKind.CLASSIFIED, actor=actor, at=at, data=changes)
    if promoted:
        status = _event(
            case,
            EventKind.STATUS,
            actor=actor,
            at=at,
            from_state=case.status,
            to_state=State.RECEIVED,
            data={"promoted": True},
            public=True,
        )
        case.status_event = status
        case.closed_at = None
    case.save()
    _done(case, actor, {"intake": sorted(changes)})
    return event


@transaction.atomic
def case_tag(case: Case, actor, *, team: str, district, themes: list[str], at=None) -> CaseEvent:
    """Learning signals: team, wijk and themes (aggregated only, via interface.py)."""
    from gelijk.core.models import Team

    case = _locked(case, actor)
    if team and not Team.objects.filter(code=team).exists():
        raise CaseError(_("Dit team bestaat niet."), field="team")
    unknown = [t for t in themes if t not in Theme.values]
    if unknown:
        raise CaseError(_("Onbekend thema."), field="themes")
    case.tag_team = team
    case.tag_district = district
    case.tag_themes = sorted(set(themes))
    case.save(update_fields=["tag_team", "tag_district", "tag_themes"])
    event = _event(
        case,
        EventKind.TAGGED,
        actor=actor,
        at=at,
        data={
            "team": team,
            "district": district.code if district else "",
            "themes": case.tag_themes,
        },
    )
    _done(case, actor, {"tagged": True})
    return event


@transaction.atomic
def case_assign(case: Case, actor, handler, *, at=None) -> CaseEvent:
    """Assign a handler: one who may handle cases and is independent of this case (9:7)."""
    case = _locked(case, actor)
    if not access.has_permission(handler, "reporting.handle_case"):
        raise CaseError(_("Deze medewerker mag geen zaken behandelen."), field="handler")
    if not independent_of(handler, case):
        raise CaseError(
            _(
                "Deze medewerker kan de zaak niet behandelen: de melding gaat over de eigen "
                "afdeling of over deze medewerker zelf (art. 9:7 Awb)."
            ),
            field="handler",
        )
    case.handler = handler
    case.save(update_fields=["handler"])
    event = _event(
        case, EventKind.ASSIGNED, actor=actor, at=at, data={"handler": handler.get_username()}
    )
    _done(case, actor, {"assigned": handler.pk})
    return event


def _check_text(text: str, field_name: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise CaseError(_("Schrijf een tekst."), field=field_name)
    if len(text) > MAX_MESSAGE:
        raise CaseError(
            _("De tekst is %(n)s tekens. Het maximum is %(max)s.")
            % {"n": len(text), "max": MAX_MESSAGE},
            field=field_name,
        )
    return text


@transaction.atomic
def case_message_send(case: Case, actor, text: str, *, at=None, notify_reporter=True):
    """A message to the resident: shown on the status page, e-mail notice when contactable."""
    case = _locked(case, actor)
    event = _event(
        case, EventKind.MESSAGE_OUT, actor=actor, at=at, text=_check_text(text), public=True
    )
    _done(case, actor, {"message": "to resident"})
    if notify_reporter:
        _notify_message(case)
    return event


@transaction.atomic
def case_note_add(case: Case, actor, text: str, *, at=None) -> CaseEvent:
    case = _locked(case, actor)
    event = _event(case, EventKind.NOTE, actor=actor, at=at, text=_check_text(text))
    _done(case, actor, {"note": True})
    return event


@transaction.atomic
def case_extend_deadline(
    case: Case, actor, *, weeks: int, notice: str, at=None, notify_reporter=True
) -> CaseEvent:
    """Awb 9:11 lid 2: one extension of at most four weeks, with written notice."""
    case = _locked(case, actor)
    at = at or timezone.now()
    if case.kind != Kind.COMPLAINT:
        raise CaseError(_("Alleen de termijn van een klacht kan worden verdaagd."), field="weeks")
    if not case.is_open:
        raise CaseError(_("Deze klacht is afgesloten."), field="weeks")
    if case.extension_weeks:
        raise CaseError(
            _("De termijn is al een keer verdaagd. Dat kan maar één keer (art. 9:11 lid 2 Awb)."),
            field="weeks",
        )
    if not 1 <= int(weeks) <= MAX_EXTENSION_WEEKS:
        raise CaseError(
            _("Verdagen kan met 1 tot en met %(max)s weken.") % {"max": MAX_EXTENSION_WEEKS},
            field="weeks",
        )
    if at > case.due_at:
        raise CaseError(
            _("De termijn is al verlopen. Verdagen moet vóór het einde van de termijn."),
            field="weeks",
        )
    notice = _check_text(notice, "notice")
    old_due = case.due_at
    case.extension_weeks = int(weeks)
    case.due_at = due_for(case.term_start, case.advisory_committee, case.extension_weeks)
    case.save(update_fields=["extension_weeks", "due_at"])
    event = _event(
        case,
        EventKind.EXTENSION,
        actor=actor,
        at=at,
        data={
            "weeks": int(weeks),
            "old_due": old_due.isoformat(),
            "new_due": case.due_at.isoformat(),
        },
    )
    _event(
        case,
        EventKind.MESSAGE_OUT,
        actor=actor,
        at=at,
        public=True,
        text=texts.extension_letter(case, int(weeks), case.due_at, notice),
        data={"extension": True},
    )
    _done(case, actor, {"extension_weeks": int(weeks)})
    if notify_reporter:
        _notify_message(case)
    return event


@transaction.atomic
def case_add_information(case: Case, text: str, checked: list[files.CheckedFile], *, at=None):
    """The resident adds information on the status page (after code + secret)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    at = at or timezone.now()
    text = (text or "").strip()
    if not text and not checked:
        raise CaseError(_("Schrijf wat u wilt toevoegen, of kies een bestand."), field="text")
    if len(text) > MAX_MESSAGE:
        raise CaseError(
            _("Uw tekst is %(n)s tekens. Het maximum is %(max)s tekens.")
            % {"n": len(text), "max": MAX_MESSAGE},
            field="text",
        )
    if len(checked) + case.attachments.count() > files.MAX_FILES * 3:
        raise CaseError(_("Er kunnen geen bestanden meer bij deze melding."), field="attachments")
    for item in checked:
        _store_attachment(case, item, from_resident=True, at=at)
    event = _event(
        case,
        EventKind.MESSAGE_IN,
        at=at,
        text=text,
        public=True,
        data={"attachments": len(checked)},
    )
    audit.record(audit.Action.CHANGE, obj=case, detail={"resident": "added information"})
    processing.record("reporting_handling", _subject(case))
    return event
