"""The two state machines of the reporting app, each one declared transition table
(after Signalen's ``workflow.py``). History is appended as ``CaseEvent`` rows; a case points
at its latest status event. ``check`` is the only judge of a move: services call it and turn
its ``TransitionError`` into a field- or form-level message.

Complaint (Awb chapter 9)::

    received → acknowledged (9:6) → in_treatment ─┬→ informal_resolution (9:5) → closed
                              └→ not_handled (9:8) ├→ subject_informed (9:9) → hearing (9:10)
                                                   │      → hearing_report → decision (9:12)
                                                   │      (or → decision when the hearing is waived)
                                                   └→ not_handled → closed;  decision → closed
    closed → in_treatment (reopen)

Melding (signal; Utrecht's promise "every report is followed up")::

    received → in_treatment → followed_up → closed;  closed → in_treatment (reopen)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from gelijk.reporting.choices import DECISION_OUTCOMES, HearingWaived, Kind, Outcome


class State(models.TextChoices):
    RECEIVED = "received", _("Ontvangen")
    ACKNOWLEDGED = "acknowledged", _("Ontvangst bevestigd")
    IN_TREATMENT = "in_treatment", _("In behandeling")
    INFORMAL_RESOLUTION = "informal_resolution", _("Informeel opgelost")
    NOT_HANDLED = "not_handled", _("Niet in behandeling genomen")
    SUBJECT_INFORMED = "subject_informed", _("Betrokkene geïnformeerd")
    HEARING = "hearing", _("Hoorzitting")
    HEARING_REPORT = "hearing_report", _("Verslag van het horen")
    DECISION = "decision", _("Besluit verstuurd")
    FOLLOWED_UP = "followed_up", _("Opgevolgd")
    CLOSED = "closed", _("Afgesloten")


S = State

# What a resident reads on the status page (plain words, no internal steps).
PUBLIC_LABELS = {
    S.RECEIVED: _("Ontvangen"),
    S.ACKNOWLEDGED: _("Ontvangen, de behandeling begint"),
    S.IN_TREATMENT: _("In behandeling"),
    S.INFORMAL_RESOLUTION: _("Samen opgelost"),
    S.NOT_HANDLED: _("Niet in behandeling genomen"),
    S.SUBJECT_INFORMED: _("In behandeling: de medewerker is op de hoogte gebracht"),
    S.HEARING: _("In behandeling: u en de medewerker worden gehoord"),
    S.HEARING_REPORT: _("In behandeling: het verslag van het horen is klaar"),
    S.DECISION: _("Afgehandeld: u heeft onze beslissing gekregen"),
    S.FOLLOWED_UP: _("Opgevolgd"),
    S.CLOSED: _("Afgesloten"),
}


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``needs`` names the inputs it requires (checked by ``check``)."""

    source: str
    target: str
    label: str
    needs: tuple[str, ...] = ()


COMPLAINT_TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.RECEIVED, S.ACKNOWLEDGED, _("Ontvangst bevestigen (art. 9:6 Awb)")),
    Transition(S.ACKNOWLEDGED, S.IN_TREATMENT, _("In behandeling nemen")),
    Transition(
        S.ACKNOWLEDGED,
        S.NOT_HANDLED,
        _("Niet in behandeling nemen (art. 9:8 Awb)"),
        ("not_handled_ground", "text"),
    ),
    Transition(
        S.IN_TREATMENT,
        S.INFORMAL_RESOLUTION,
        _("Informeel oplossen (art. 9:5 Awb)"),
        ("text", "resident_satisfied"),
    ),
    Transition(
        S.IN_TREATMENT,
        S.SUBJECT_INFORMED,
        _("Betrokkene informeren en stukken sturen (art. 9:9 Awb)"),
    ),
    Transition(
        S.IN_TREATMENT,
        S.NOT_HANDLED,
        _("Niet in behandeling nemen (art. 9:8 Awb)"),
        ("not_handled_ground", "text"),
    ),
    Transition(S.INFORMAL_RESOLUTION, S.CLOSED, _("Afsluiten")),
    Transition(
        S.INFORMAL_RESOLUTION,
        S.IN_TREATMENT,
        _("Toch formeel behandelen (melder niet tevreden)"),
        ("text",),
    ),
    Transition(S.SUBJECT_INFORMED, S.HEARING, _("Hoorzitting plannen (art. 9:10 Awb)")),
    Transition(
        S.SUBJECT_INFORMED,
        S.DECISION,
        _("Beslissen zonder horen (art. 9:10 lid 2 Awb)"),
        ("outcome", "reasons", "hearing_waived"),
    ),
    Transition(S.HEARING, S.HEARING_REPORT, _("Verslag van het horen vastleggen"), ("text",)),
    Transition(
        S.HEARING_REPORT,
        S.DECISION,
        _("Beslissing versturen (art. 9:12 Awb)"),
        ("outcome", "reasons"),
    ),
    Transition(S.DECISION, S.CLOSED, _("Afsluiten")),
    Transition(S.NOT_HANDLED, S.CLOSED, _("Afsluiten")),
    Transition(S.CLOSED, S.IN_TREATMENT, _("Heropenen"), ("text",)),
)

MELDING_TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.RECEIVED, S.IN_TREATMENT, _("In behandeling nemen")),
    Transition(S.IN_TREATMENT, S.FOLLOWED_UP, _("Opvolging vastleggen"), ("text",)),
    Transition(S.FOLLOWED_UP, S.CLOSED, _("Afsluiten"), ("resident_informed",)),
    Transition(S.FOLLOWED_UP, S.IN_TREATMENT, _("Verder behandelen"), ("text",)),
    Transition(S.CLOSED, S.IN_TREATMENT, _("Heropenen"), ("text",)),
)

TABLES = {Kind.MELDING: MELDING_TRANSITIONS, Kind.COMPLAINT: COMPLAINT_TRANSITIONS}

OPEN_STATES = frozenset(s for s in State if s != S.CLOSED)
# States in which the substance is settled (for handling time and outcomes).
FINAL_STATES = frozenset({S.CLOSED})


class CaseError(Exception):
    """A refused action on a case, in the user's language. ``field`` names the form field
    the message belongs to (None: a form-level message). Views answer it with 400 or 409."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class TransitionError(CaseError):
    """An illegal or incomplete state transition."""


def allowed(kind: str, state: str) -> list[Transition]:
    return [t for t in TABLES[kind] if t.source == state]


def find(kind: str, source: str, target: str) -> Transition:
    for t in TABLES[kind]:
        if t.source == source and t.target == target:
            return t
    raise TransitionError(
        _("Van ‘%(source)s’ naar ‘%(target)s’ kan niet bij een %(kind)s. Mogelijk: %(options)s.")
        % {
            "source": State(source).label if source in State.values else source,
            "target": State(target).label if target in State.values else target,
            "kind": Kind(kind).label.lower(),
            "options": ", ".join(str(State(t.target).label) for t in allowed(kind, source))
            or _("geen"),
        },
        field="target",
    )


MIN_REASONS = 40
DECISION_OUTCOME_REFUSED = _(
    "Een beslissing op een klacht is gegrond, deels gegrond, ongegrond of geen oordeel "
    "(art. 9:12 Awb). Kies een van die vier."
)


def check(kind: str, source: str, target: str, inputs: dict) -> Transition:
    """Return the transition when the move is allowed and complete; raise TransitionError."""
    t = find(kind, source, target)
    text = (inputs.get("text") or "").strip()
    if "text" in t.needs and not text:
        raise TransitionError(_("Schrijf een toelichting bij deze stap."), field="text")
    if "not_handled_ground" in t.needs and not inputs.get("not_handled_ground"):
        raise TransitionError(
            _("Kies de grond uit art. 9:8 Awb waarom de klacht niet wordt behandeld."),
            field="not_handled_ground",
        )
    if "resident_satisfied" in t.needs and not inputs.get("resident_satisfied"):
        raise TransitionError(
            _(
                "Informeel oplossen kan alleen als de melder tevreden is (art. 9:5 Awb). "
                "Anders behandelt u de klacht formeel."
            ),
            field="resident_satisfied",
        )
    outcome = inputs.get("outcome") or ""
    if "outcome" in t.needs and not outcome:
        raise TransitionError(_("Kies de uitkomst van de beslissing."), field="outcome")
    if "outcome" in t.needs and outcome not in DECISION_OUTCOMES:
        raise TransitionError(DECISION_OUTCOME_REFUSED, field="outcome")
    if "reasons" in t.needs:
        reasons = (inputs.get("reasons") or "").strip()
        if len(reasons) < MIN_REASONS:
            raise TransitionError(
                _(
                    "Een beslissing zonder motivering kan niet (art. 9:12 Awb). Schrijf de "
                    "bevindingen, het oordeel en de conclusies op (minstens %(n)s tekens)."
                )
                % {"n": MIN_REASONS},
                field="reasons",
            )
    if "hearing_waived" in t.needs and not inputs.get("hearing_waived"):
        raise TransitionError(
            _(
                "Zonder hoorzitting beslissen mag alleen als de klacht kennelijk ongegrond is, "
                "de melder niet gehoord wil worden, of de melder niet reageerde op de "
                "uitnodiging om gehoord te worden (art. 9:10 lid 2 Awb). Kies de reden."
            ),
            field="hearing_waived",
        )
    if (
        "hearing_waived" in t.needs
        and inputs.get("hearing_waived") == HearingWaived.UNFOUNDED
        and outcome != Outcome.UNFOUNDED
    ):
        raise TransitionError(
            _(
                "U beslist zonder horen omdat de klacht kennelijk ongegrond is (art. 9:10 lid 2 "
                "onder a Awb). Dan kan de beslissing alleen ‘ongegrond’ zijn. Vindt u de klacht "
                "(deels) gegrond, of geeft u geen oordeel? Hoor dan eerst de melder en de "
                "medewerker."
            ),
            field="outcome",
        )
    if "resident_informed" in t.needs and inputs.get("resident_informed") is False:
        raise TransitionError(
            _(
                "De melder wil contact. Stuur eerst een bericht over de opvolging; daarna kunt "
                "u de melding afsluiten."
            ),
            field="target",
        )
    return t
