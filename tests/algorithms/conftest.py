"""Fixtures for the algorithms app: the people of the four-eyes flows and complete records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "algoritmeregister"
AMSTERDAM = DATA / "sample-template-gemeente-amsterdam-v1_0.json"


def complete_record(**overrides) -> dict:
    """A record with every required field, category C (needs no signed assessment)."""
    record = {
        "name": "Testalgoritme voor afvalroutes",
        "description_short": "Een algoritme dat de route van de vuilniswagen plant.",
        "organization": "Gemeente Utrecht",
        "theme": ["Natuur en milieu"],
        "status": "In gebruik",
        "start_date": "2024-01",
        "contact": "algoritmes@utrecht.example",
        "publication_category": "Overige algoritmes (Categorie C)",
        "purpose_and_impact": "<p>Kortere routes, minder uitstoot.</p>",
        "considerations": "<p>Sneller dan met de hand plannen.</p>",
        "human_intervention": "<p>Een planner past de route aan.</p>",
        "risk_management": "<p>De planner controleert elke route.</p>",
        "impact_assessments": "Data Protection Impact Assessment (DPIA)",
        "data": "<p>Adressen van containers.</p>",
        "technical_operation": "<p>Een kortste-routealgoritme, niet zelflerend.</p>",
        "supplier": "Intern ontwikkeld",
    }
    record.update(overrides)
    return record


@pytest.fixture
def people(make_staff):
    """One user per part of the flows; 'privacy' holds both Redacteur and Goedkeurder."""
    return {
        "owner": make_staff("algoritme-eigenaar", department="beleid", username="eigenaar"),
        "owner2": make_staff("algoritme-eigenaar", department="beleid", username="eigenaar2"),
        "privacy": make_staff("privacy-officer", department="privacy", username="privacy1"),
        "privacy2": make_staff("privacy-officer", department="privacy", username="privacy2"),
        "beheerder": make_staff("beheerder", department="beleid", username="beheer1"),
        "auditor": make_staff("auditor", department="privacy", username="auditor1"),
        "analist": make_staff("analist", department="beleid", username="analist1"),
        "handhaver": make_staff("handhaver", department="vth", team="thor", username="boa1"),
    }


@pytest.fixture
def amsterdam() -> list[dict]:
    return json.loads(AMSTERDAM.read_text(encoding="utf-8"))


@pytest.fixture
def draft(people):
    from gelijk.algorithms.services import register

    return register.algorithm_create(user=people["owner"], record=complete_record())


@pytest.fixture
def demo_data(organisation):
    """The core and algorithms demo (users, algorithms, assessments, audits, pilot)."""
    from gelijk.core.demo import seed_all

    return seed_all(2026, only=["core", "algorithms"])
