"""Art.1 MN hand-off: only with consent; JSON in Art.1's registration dimensions and a PDF."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from gelijk.core.models import AuditEntry
from gelijk.reporting.models import Art1Handoff
from gelijk.reporting.services import cases as svc
from gelijk.reporting.services.handoff import case_handoff_art1
from gelijk.reporting.workflow import CaseError
from tests.conftest import verified_client


def test_without_consent_a_clear_refusal_and_nothing_leaves(submit, handler, client):
    case = submit(consents={"art1": False}).case
    with pytest.raises(CaseError, match=r"geen\s+toestemming"):
        case_handoff_art1(case, handler)
    assert not Art1Handoff.objects.exists()
    assert AuditEntry.objects.filter(action="export", result="denied").exists()
    verified_client(client, handler)
    response = client.post(reverse("reporting:case-action", args=[case.reference, "art1"]))
    assert response.status_code == 400
    assert "geen toestemming" in response.content.decode()


def test_with_consent_json_in_art1_dimensions_and_a_pdf(submit, handler, client):
    import io

    case = submit(
        grounds=["origin", "religion"],
        contact_kinds=["stopped", "searched"],
        name="Fatima",
        email="f@example.org",
        consents={"art1": True, "sensitive": True, "contact": True},
    ).case
    svc.case_tag(case, handler, team="thor", district=None, themes=["selection", "conduct"])
    handoff = case_handoff_art1(case, handler)
    p = handoff.payload
    assert p["grond"] == ["godsdienst/levensovertuiging", "herkomst/ras"]
    assert p["terrein"] == "politie/OM/boa's (handhaving)"
    assert p["aard"] == ["ongelijke behandeling", "vijandige bejegening"]
    assert p["toestemming"]["art1"]["versie"] == "2026-1"
    assert p["contact"]["email"] == "f@example.org"
    assert case.events.filter(kind="handoff").exists()
    verified_client(client, handler)
    url = reverse("reporting:handoff-download", args=[case.reference, handoff.pk, "json"])
    assert json.loads(client.get(url).content)["kenmerk"] == case.reference
    pdf = client.get(
        reverse("reporting:handoff-download", args=[case.reference, handoff.pk, "pdf"])
    )
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert case.reference in text and "herkomst/ras" in text


def test_contact_details_travel_only_with_contact_consent(submit, handler):
    case = submit(consents={"art1": True}).case
    assert case_handoff_art1(case, handler).payload["contact"] is None
