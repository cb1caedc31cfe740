"""The state machines: one declared table, illegal moves refused with a field-level error,
history appended and never edited, the Awb steps' requirements enforced."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.reporting import workflow
from gelijk.reporting.choices import Kind
from gelijk.reporting.models import CaseEvent
from gelijk.reporting.services import cases as svc
from gelijk.reporting.workflow import State, TransitionError

COMPLETE = {
    "text": "Toelichting bij deze stap.",
    "reasons": "Wij hebben beide partijen gehoord en de beelden bekeken; de controle was fout.",
    "outcome": "founded",
    "not_handled_ground": "9:8-1b",
    "hearing_waived": "waived",
    "resident_satisfied": True,
}


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(Kind)),
    moves=st.lists(st.sampled_from(list(State)), max_size=12),
)
def test_check_accepts_exactly_the_declared_table(kind, moves):
    state = State.RECEIVED
    table = {(t.source, t.target) for t in workflow.TABLES[kind]}
    for target in moves:
        if (state, target) in table:
            workflow.check(kind, state, target, COMPLETE)
            state = target
        else:
            with pytest.raises(TransitionError) as err:
                workflow.check(kind, state, target, COMPLETE)
            assert err.value.field == "target"


def test_every_state_is_reachable_and_every_open_state_can_move():
    for kind in workflow.TABLES:
        reachable, frontier = {State.RECEIVED}, [State.RECEIVED]
        while frontier:
            state = frontier.pop()
            for t in workflow.allowed(kind, state):
                if t.target not in reachable:
                    reachable.add(t.target)
                    frontier.append(t.target)
        assert State.CLOSED in reachable, kind
        for state in reachable:
            assert workflow.allowed(kind, state), (kind, state)  # no dead end


def _complaint(submit, handler):
    case = submit().case
    svc.case_classify(case, handler, kind=Kind.COMPLAINT, department_code="vth")
    return case


def test_full_awb_flow_appends_history(submit, handler):
    case = _complaint(submit, handler)
    for target in ("acknowledged", "in_treatment", "subject_informed", "hearing"):
        svc.case_transition(case, target, handler)
    svc.case_transition(case, "hearing_report", handler, text="Verslag van het horen.")
    svc.case_transition(case, "decision", handler, **COMPLETE)
    svc.case_transition(case, "closed", handler)
    case.refresh_from_db()
    assert case.status == State.CLOSED and case.outcome == "founded" and case.closed_at
    states = list(case.events.filter(kind="status").values_list("to_state", flat=True))
    assert states == [
        "received",
        "received",  # promoted to a complaint at intake
        "acknowledged",
        "in_treatment",
        "subject_informed",
        "hearing",
        "hearing_report",
        "decision",
        "closed",
    ]
    decision = case.events.get(to_state="decision")
    assert decision.public and "Nationale ombudsman" in decision.text
    assert COMPLETE["reasons"] in decision.text
    ack = case.events.get(to_state="acknowledged")
    assert "Bevestiging van ontvangst" in ack.text and "9:7" in ack.text and ack.public


def test_decision_without_reasons_is_refused_and_nothing_is_stored(submit, handler):
    case = _complaint(submit, handler)
    for target in ("acknowledged", "in_treatment", "subject_informed", "hearing"):
        svc.case_transition(case, target, handler)
    svc.case_transition(case, "hearing_report", handler, text="Verslag.")
    before = case.events.count()
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "decision", handler, outcome="unfounded", reasons="  kort ")
    assert err.value.field == "reasons"
    assert "motivering" in err.value.message
    case.refresh_from_db()
    assert case.status == "hearing_report" and case.events.count() == before


def test_illegal_transition_names_the_options(submit, handler):
    case = _complaint(submit, handler)
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "decision", handler, **COMPLETE)
    assert err.value.field == "target"
    assert "Ontvangst bevestigd" in err.value.message


def test_skipping_the_hearing_needs_a_9_10_reason(submit, handler):
    case = _complaint(submit, handler)
    for target in ("acknowledged", "in_treatment", "subject_informed"):
        svc.case_transition(case, target, handler)
    with pytest.raises(TransitionError) as err:
        svc.case_transition(
            case, "decision", handler, outcome="unfounded", reasons=COMPLETE["reasons"]
        )
    assert err.value.field == "hearing_waived"


def test_informal_resolution_needs_a_satisfied_resident(submit, handler):
    case = _complaint(submit, handler)
    svc.case_transition(case, "acknowledged", handler)
    svc.case_transition(case, "in_treatment", handler)
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "informal_resolution", handler, text="Gesprek gehad.")
    assert err.value.field == "resident_satisfied"
    svc.case_transition(
        case, "informal_resolution", handler, text="Gesprek gehad.", resident_satisfied=True
    )
    svc.case_transition(case, "closed", handler)
    case.refresh_from_db()
    assert case.outcome == "informal"


def test_not_handled_names_the_9_8_ground_in_the_letter(submit, handler):
    case = _complaint(submit, handler)
    svc.case_transition(case, "acknowledged", handler)
    with pytest.raises(TransitionError):
        svc.case_transition(case, "not_handled", handler, text="Te oud.")
    event = svc.case_transition(
        case, "not_handled", handler, text="Het voorval was in 2024.", not_handled_ground="9:8-1b"
    )
    assert "meer dan een jaar" in event.text and event.public


def test_reopen_needs_a_reason_and_clears_closure(submit, handler):
    case = submit().case
    svc.case_transition(case, "in_treatment", handler)
    svc.case_transition(case, "followed_up", handler, text="Besproken met het team.")
    svc.case_transition(case, "closed", handler)
    with pytest.raises(TransitionError):
        svc.case_transition(case, "in_treatment", handler)
    svc.case_transition(case, "in_treatment", handler, text="Melder kwam met nieuwe informatie.")
    case.refresh_from_db()
    assert case.is_open and case.closed_at is None


def test_melding_cannot_close_without_follow_up(submit, handler):
    case = submit().case
    svc.case_transition(case, "in_treatment", handler)
    with pytest.raises(TransitionError):
        svc.case_transition(case, "closed", handler)
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "followed_up", handler)
    assert err.value.field == "text"


def test_contactable_melding_needs_a_message_before_closing(submit, handler, mailoutbox):
    case = submit(email="melder@example.org", consents={"contact": True}).case
    svc.case_transition(case, "in_treatment", handler)
    svc.case_transition(case, "followed_up", handler, text="Besproken met het team.")
    with pytest.raises(TransitionError, match="Stuur eerst een bericht"):
        svc.case_transition(case, "closed", handler)
    svc.case_message_send(case, handler, "We hebben uw melding besproken met het team.")
    svc.case_transition(case, "closed", handler)
    case.refresh_from_db()
    assert case.status == "closed"


def test_anonymous_melding_closes_after_follow_up(submit, handler):
    case = submit().case
    svc.case_transition(case, "in_treatment", handler)
    svc.case_transition(case, "followed_up", handler, text="Besproken met het team.")
    svc.case_transition(case, "closed", handler)
    case.refresh_from_db()
    assert case.outcome == "followed_up"


def test_history_rows_cannot_be_edited_or_deleted(submit):
    event = submit().case.events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(text="anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_a_complaint_is_never_demoted(submit, handler):
    case = _complaint(submit, handler)
    with pytest.raises(svc.CaseError) as err:
        svc.case_classify(case, handler, kind=Kind.MELDING, department_code="vth")
    assert err.value.field == "kind"


@pytest.mark.parametrize("role", ["analist", "teamleider", "auditor"])
def test_only_handlers_can_act(submit, make_staff, role):
    from django.core.exceptions import PermissionDenied

    case = submit().case
    with pytest.raises(PermissionDenied):
        svc.case_transition(case, "in_treatment", make_staff(role, department="beleid"))


def _at(case, handler, state):
    path = {
        "subject_informed": ("acknowledged", "in_treatment", "subject_informed"),
        "hearing_report": ("acknowledged", "in_treatment", "subject_informed", "hearing"),
    }[state]
    for target in path:
        svc.case_transition(case, target, handler)
    if state == "hearing_report":
        svc.case_transition(case, "hearing_report", handler, text="Verslag van het horen.")


@pytest.mark.parametrize("outcome", ["followed_up", "informal", "not_handled", "bestaat-niet"])
def test_a_complaint_decision_gives_one_of_the_four_judgements(submit, handler, outcome):
    case = _complaint(submit, handler)
    _at(case, handler, "hearing_report")
    before = case.events.count()
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "decision", handler, outcome=outcome, reasons=COMPLETE["reasons"])
    assert err.value.field == "outcome"
    assert "gegrond, deels gegrond, ongegrond of geen oordeel" in err.value.message
    case.refresh_from_db()
    assert case.status == "hearing_report" and case.outcome == ""
    assert case.events.count() == before


@pytest.mark.parametrize("outcome", ["founded", "partly", "unfounded", "no_judgement"])
def test_each_judgement_is_a_valid_decision(submit, handler, outcome):
    case = _complaint(submit, handler)
    _at(case, handler, "hearing_report")
    svc.case_transition(case, "decision", handler, outcome=outcome, reasons=COMPLETE["reasons"])
    case.refresh_from_db()
    assert case.status == "decision" and case.outcome == outcome


@pytest.mark.parametrize(
    ("waived", "outcome", "allowed"),
    [
        ("unfounded", "unfounded", True),
        ("unfounded", "founded", False),
        ("unfounded", "partly", False),
        ("unfounded", "no_judgement", False),
        ("waived", "founded", True),
        ("no_response", "partly", True),
    ],
)
def test_skipping_the_hearing_as_manifestly_unfounded_needs_an_unfounded_decision(
    submit, handler, waived, outcome, allowed
):
    case = _complaint(submit, handler)
    _at(case, handler, "subject_informed")
    kwargs = {"outcome": outcome, "reasons": COMPLETE["reasons"], "hearing_waived": waived}
    if allowed:
        svc.case_transition(case, "decision", handler, **kwargs)
        case.refresh_from_db()
        assert case.status == "decision" and case.outcome == outcome
        return
    with pytest.raises(TransitionError) as err:
        svc.case_transition(case, "decision", handler, **kwargs)
    assert err.value.field == "outcome"
    assert "kennelijk ongegrond" in err.value.message and "9:10" in err.value.message
    case.refresh_from_db()
    assert case.status == "subject_informed" and case.outcome == ""
