"""Independence (GUIDE §4.1) as a matrix: every role (plus the hard cases: a complaints
handler inside VTH, and a handler who is the officer complained about) × every page, API
endpoint, export and count × a case about VTH and a case about another service. A case must
be visible exactly when the user may see cases and is independent of it; otherwise the
answer is 403/404 or a result without the case — never a row, a file or a count."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gelijk.core.pseudonyms import pseudonym
from tests.conftest import verified_client

from .conftest import png_bytes

OFFICER = "BOA-1001"  # the boa of THOR the VTH case is about
OTHER_OFFICER = "BOA-2002"  # a former officer, now complaints handler, the other case is about
# A third former officer: the resident types the number in small letters with a space at
# the end, the beheerder typed it in mixed case with spaces around. The same officer.
THIRD_OFFICER_REPORTED = "boa-3003 "
THIRD_OFFICER_STAFF = " Boa-3003"
# case key -> (service, department concerned, officer number as the resident typed it)
CASE_FACTS = {
    "vth": ("thor", "vth", OFFICER),
    "other": ("other", "", OTHER_OFFICER),
    "other-small-letters": ("other", "", THIRD_OFFICER_REPORTED),
}

# (label, roles, department, team, officer number)
USERS = [
    ("beheerder", ["beheerder"], "beleid", None, ""),
    ("klachtbehandelaar", ["klachtbehandelaar"], "klachten", "klachten", ""),
    ("teamleider-thor", ["teamleider"], "vth", "thor", ""),
    ("teamleider-thbo", ["teamleider"], "vth", "thbo", ""),
    ("handhaver-thor", ["handhaver"], "vth", "thor", OFFICER),
    ("analist", ["analist"], "beleid", "analyse", ""),
    ("algoritme-eigenaar", ["algoritme-eigenaar"], "beleid", "analyse", ""),
    ("privacy", ["privacy-officer"], "privacy", "privacy", ""),
    ("auditor", ["auditor"], "privacy", "privacy", ""),
    ("klachtbehandelaar-in-vth", ["klachtbehandelaar"], "vth", "thor", ""),
    ("klachtbehandelaar-is-de-boa", ["klachtbehandelaar"], "klachten", "klachten", OTHER_OFFICER),
    (
        "klachtbehandelaar-is-de-boa-anders-getypt",
        ["klachtbehandelaar"],
        "klachten",
        "klachten",
        THIRD_OFFICER_STAFF,
    ),
]


def _independent(label: str, case_key: str) -> bool:
    _label, _roles, department, _team, officer = {u[0]: u for u in USERS}[label]
    _service, case_department, case_officer = CASE_FACTS[case_key]
    same_officer = bool(officer) and officer.strip().upper() == case_officer.strip().upper()
    return department != case_department and not same_officer


def _visible(label: str, case_key: str) -> bool:
    roles = {u[0]: u for u in USERS}[label][1]
    return "klachtbehandelaar" in roles and _independent(label, case_key)


@pytest.fixture
def world(make_staff, settings, submit, handler):
    """Two cases (about VTH with a known officer, about another service), each with an
    attachment, an Art.1 hand-off and history; plus the users of the matrix."""
    from gelijk.core.services.staff import staff_update
    from gelijk.reporting.files import check
    from gelijk.reporting.services import cases as svc
    from gelijk.reporting.services.handoff import case_handoff_art1

    settings.GELIJK_SMALL_CELL_K = 1  # every count would show: a leak cannot hide behind k
    cases = {}
    for key, (service, _department, officer) in CASE_FACTS.items():
        result = submit(
            at=timezone.now() - timedelta(weeks=8),  # overdue: on the deadlines page too
            service=service,
            officer_number=officer,
            files=[check("foto.png", png_bytes())],
            grounds=["origin"],
            consents={"art1": True, "sensitive": True},
        )
        case = result.case
        svc.case_tag(case, handler, team="thor", district=None, themes=["selection"])
        svc.case_note_add(case, handler, "Interne notitie")
        case_handoff_art1(case, handler)
        cases[key] = case
    users = {}
    for label, roles, dept, team, officer in USERS:
        users[label] = make_staff(roles, department=dept, team=team, username=label)
        if officer:  # the boa number as the beheerder types it in staff management
            staff_update(
                users[label],
                first_name="",
                last_name="",
                email="",
                roles=roles,
                department=dept,
                team=team,
                officer_number=officer,
            )
    return cases, users


def _pages(case):
    ref = case.reference
    attachment = case.attachments.get()
    handoff = case.handoffs.get()
    return {
        "list": (reverse("reporting:case-list"), "contains"),
        "list-search": (reverse("reporting:case-list") + f"?zoek={ref}", "contains"),
        "list-open": (reverse("reporting:case-list") + "?status=open", "contains"),
        "deadlines": (reverse("reporting:deadlines"), "contains"),
        "export-csv": (reverse("reporting:case-export"), "contains"),
        "detail": (reverse("reporting:case-detail", args=[ref]), "status"),
        "attachment": (reverse("reporting:attachment", args=[ref, attachment.pk]), "status"),
        "handoff-json": (
            reverse("reporting:handoff-download", args=[ref, handoff.pk, "json"]),
            "status",
        ),
        "handoff-pdf": (
            reverse("reporting:handoff-download", args=[ref, handoff.pk, "pdf"]),
            "status",
        ),
        "api-list": (reverse("reporting:api-case-list"), "contains"),
        "api-list-search": (reverse("reporting:api-case-list") + f"?zoek={ref}", "contains"),
        "api-detail": (reverse("reporting:api-case-detail", args=[ref]), "status"),
        "api-history": (reverse("reporting:api-case-history", args=[ref]), "status"),
    }


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("label", [u[0] for u in USERS])
def test_independence_matrix(world, client, label):
    cases, users = world
    user = users[label]
    verified_client(client, user)
    checked = 0
    for case_key, case in cases.items():
        visible = _visible(label, case_key)
        for name, (url, mode) in _pages(case).items():
            response = client.get(url)
            # The requested address itself is echoed (the language switch returns to it):
            # that is the user's own input, not a leak.
            body = _body(response).replace(url, "")
            for echo in (f'value="{case.reference}"', f"zoek={case.reference}"):
                body = body.replace(echo, "")
            where = f"{label} × {case_key} × {name}"
            assert response.status_code < 500, where
            if mode == "status":
                if visible:
                    assert response.status_code == 200, where
                else:
                    assert response.status_code in (403, 404), where
                    assert case.reference not in body, where
            else:
                if visible:
                    assert case.reference in body, where
                else:
                    assert response.status_code in (200, 403, 404), where
                    assert case.reference not in body, where
            checked += 1
        # Writing is refused the same way: a hidden case does not exist for this user.
        response = client.post(
            reverse("reporting:case-action", args=[case.reference, "note"]),
            {"note-text": "probeer"},
        )
        if visible:
            assert response.status_code == 302, label
        else:
            assert response.status_code in (403, 404), label
        response = client.post(
            reverse("reporting:api-case-transition", args=[case.reference]),
            data=json.dumps({"target": "in_treatment"}),
            content_type="application/json",
        )
        assert response.status_code in ((200,) if visible else (403, 404)), label
        checked += 2
    checked += _counts(client, user, label, cases)
    assert checked >= 30


def _counts(client, user, label, cases) -> int:
    """Counts (dashboard, yearly report, API figures, learning signals) include exactly the
    cases the user may see; users without the permission get 403."""
    from gelijk.core import access
    from gelijk.reporting import interface, selectors

    expected = sum(_independent(label, key) for key in cases)
    if not access.has_permission(user, "reporting.view_statistics"):
        for name in ("reporting:statistics", "reporting:annual-report", "reporting:api-statistics"):
            assert client.get(reverse(name)).status_code == 403, (label, name)
        assert client.get(reverse("reporting:annual-report-pdf")).status_code == 403
        response = client.get(reverse("reporting:api-learning-signals") + "?dimensie=team")
        assert response.status_code == 403
        return 5
    assert selectors.statistics(user)["n_cases"] == expected, label
    figures = client.get(reverse("reporting:api-statistics")).json()
    assert figures["n_cases"] == expected, label
    assert figures["received_by_kind"]["total"] == expected, label
    signals = interface.learning_signals(user, "team")
    assert (signals.grand_total or 0) == expected, label
    api_signals = client.get(reverse("reporting:api-learning-signals") + "?dimensie=team").json()
    assert (api_signals["grand_total"] or 0) == expected, label
    page = client.get(reverse("reporting:statistics"))
    assert page.status_code == 200
    pdf = client.get(reverse("reporting:annual-report-pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    return 6


def test_assignment_to_a_dependent_handler_is_refused(world, handler):
    from gelijk.reporting.services.cases import case_assign
    from gelijk.reporting.workflow import CaseError

    cases, users = world
    with pytest.raises(CaseError, match="9:7"):
        case_assign(cases["vth"], handler, users["klachtbehandelaar-in-vth"])
    with pytest.raises(CaseError, match="9:7"):
        case_assign(cases["other"], handler, users["klachtbehandelaar-is-de-boa"])
    with pytest.raises(CaseError, match="9:7"):
        case_assign(
            cases["other-small-letters"],
            handler,
            users["klachtbehandelaar-is-de-boa-anders-getypt"],
        )
    with pytest.raises(CaseError, match="geen zaken behandelen"):
        case_assign(cases["other"], handler, users["analist"])
    # Each may take the case they are independent of.
    case_assign(cases["other"], handler, users["klachtbehandelaar-in-vth"])
    case_assign(cases["vth"], handler, users["klachtbehandelaar-is-de-boa"])
    cases["other"].refresh_from_db()
    assert cases["other"].handler == users["klachtbehandelaar-in-vth"]


def test_intake_cannot_make_the_handler_dependent(world, handler):
    """Recording the officer or department later must not turn the handler into the
    person complained about or a colleague of the department concerned."""
    from gelijk.reporting.services.cases import case_assign, case_classify
    from gelijk.reporting.workflow import CaseError

    cases, users = world
    vth, other = cases["vth"], cases["other"]
    case_assign(vth, handler, users["klachtbehandelaar-is-de-boa"])
    for typed in (OTHER_OFFICER, "boa-2002", " Boa-2002 "):
        with pytest.raises(CaseError) as err:
            case_classify(vth, handler, kind="melding", department_code="vth", officer_number=typed)
        assert err.value.field == "officer_number"
    case_assign(other, handler, users["klachtbehandelaar-in-vth"])
    with pytest.raises(CaseError) as err:
        case_classify(other, handler, kind="melding", department_code="vth")
    assert err.value.field == "department_code"
    vth.refresh_from_db()
    other.refresh_from_db()
    assert vth.officer_pseudonym == pseudonym(OFFICER) and other.department_code == ""


@pytest.mark.parametrize(
    ("typed_by_staff", "typed_by_resident"),
    [
        ("boa-2002", "BOA-2002"),
        ("BOA-2002", "boa-2002"),
        ("Boa-2002 ", " bOA-2002"),
        ("BOA 2002", "boa2002"),
        ("boa\u00a02002", "BOA 2002"),  # a no-break space, e.g. pasted from a document
        ("ＢＯＡ-２００２", "BOA-2002"),  # full-width letters and digits
    ],
)
def test_officer_number_matches_however_it_is_typed(
    make_staff, submit, typed_by_staff, typed_by_resident
):
    """Staff management and reporting pseudonymise the same normalised number, so the
    officer complained about never handles the case, whichever way either side typed it."""
    from gelijk.core.services.staff import staff_create
    from gelijk.reporting.policies import independent_of
    from gelijk.reporting.selectors import case_get

    make_staff("klachtbehandelaar", department="klachten")  # the organisation exists
    officer = staff_create(
        username="oud.boa",
        first_name="Oud",
        last_name="Boa",
        email="oud.boa@example.nl",
        roles=["klachtbehandelaar"],
        department="klachten",
        team="klachten",
        officer_number=typed_by_staff,
    )
    case = submit(service="other", officer_number=typed_by_resident).case
    assert case.officer_pseudonym == officer.staff_profile.officer_pseudonym
    assert not independent_of(officer, case)
    assert case_get(officer, case.reference) is None
