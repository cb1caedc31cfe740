"""The public register: only published versions, search and filters, B1 detail pages, and the
open-data export that validates against the Publicatiestandaard 1.0 schema."""

import pytest
from django.urls import reverse
from jsonschema import Draft7Validator

from gelijk.algorithms.services import register
from gelijk.algorithms.standard import load
from tests.algorithms.conftest import complete_record

pytestmark = pytest.mark.django_db
VALIDATOR = Draft7Validator(load().schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def publish(version, people):
    register.publication_transition(version.algorithm, user=people["owner"], action="release")
    register.publication_transition(version.algorithm, user=people["privacy"], action="publish")
    version.algorithm.refresh_from_db()
    return version.algorithm


@pytest.fixture
def published(people):
    one = register.algorithm_create(
        user=people["owner"],
        record=complete_record(name="Routeplanner afval", theme=["Natuur en milieu"]),
    )
    two = register.algorithm_create(
        user=people["owner"],
        record=complete_record(
            name="Parkeerscan",
            description_short="Een auto met camera's controleert of parkeergeld is betaald.",
            theme=["Verkeer"],
            status="Buiten gebruik",
            end_date="2025-01",
            search_terms="kenteken",
        ),
    )
    return publish(one, people), publish(two, people)


def test_concepts_are_not_public(client, draft):
    assert client.get(reverse("algorithms:public-list")).context["page"].paginator.count == 0
    for name in ("algorithms:public-detail", "algorithms:public-detail-export"):
        assert client.get(reverse(name, args=[draft.algorithm.slug])).status_code == 404
    assert client.get(reverse("algorithms:public-export")).json() == []


def test_public_page_shows_the_published_version_not_a_newer_concept(client, published, people):
    routes, _parking = published
    register.algorithm_version_save(
        routes, user=people["owner"], record=complete_record(name="Geheime nieuwe naam")
    )
    page = client.get(reverse("algorithms:public-detail", args=[routes.slug])).content.decode()
    assert "Routeplanner afval" in page and "Geheime nieuwe naam" not in page
    exported = client.get(reverse("algorithms:public-detail-export", args=[routes.slug])).json()
    assert exported["name"] == "Routeplanner afval"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "route"}, ["Routeplanner afval"]),
        ({"q": "kenteken"}, ["Parkeerscan"]),  # search terms are searched, not shown
        ({"thema": "Verkeer"}, ["Parkeerscan"]),
        ({"status": "In gebruik"}, ["Routeplanner afval"]),
        ({"categorie": "C"}, ["Parkeerscan", "Routeplanner afval"]),
        ({"categorie": "B"}, []),
        ({}, ["Parkeerscan", "Routeplanner afval"]),
    ],
)
def test_search_and_filters(client, published, query, expected):
    page = client.get(reverse("algorithms:public-list"), query).context["page"]
    assert [a.published_version.name for a in page] == expected


def test_detail_page_in_b1_with_explanations_and_contact(client, published):
    routes, parking = published
    html = client.get(reverse("algorithms:public-detail", args=[routes.slug])).content.decode()
    assert "Vragen over dit algoritme?" in html
    assert 'href="mailto:algoritmes@utrecht.example"' in html
    assert load().field("human_intervention").explain in html
    assert "<p>Een planner past de route aan.</p>" in html  # stored HTML rendered
    parking_html = client.get(reverse("algorithms:public-detail", args=[parking.pk])).content
    assert b"Niet meer in gebruik sinds" in parking_html  # by id as well as by slug
    assert b"kenteken" not in parking_html  # hidden field


def test_export_is_a_list_of_records_valid_against_the_schema(client, published):
    response = client.get(reverse("algorithms:public-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    records = response.json()
    assert [r["name"] for r in records] == ["Parkeerscan", "Routeplanner afval"]
    for record in records:
        assert list(VALIDATOR.iter_errors(record)) == []
        assert record["schema"] == "1.0.0" and record["language"] == "nld"


def test_export_by_id_and_slug_are_equal(client, published):
    routes, _ = published
    by_slug = client.get(reverse("algorithms:public-detail-export", args=[routes.slug])).json()
    by_id = client.get(reverse("algorithms:public-detail-export", args=[str(routes.pk)])).json()
    assert by_slug == by_id


def test_export_of_the_demo_validates_against_the_schema(client, demo_data):
    """How the issue will be checked: the demo's export.json validates."""
    records = client.get(reverse("algorithms:public-export")).json()
    assert len(records) == 4  # published demo algorithms; concept and released ones are not
    for record in records:
        assert list(VALIDATOR.iter_errors(record)) == [], record["name"]
    names = {r["name"] for r in records}
    assert "Prioritering van afvalhandhaving" not in names  # concept
    assert "Drukte meten met camerabeelden" not in names  # waiting for approval


def test_public_assessments_show_signed_summaries_only(client, demo_data):
    from gelijk.algorithms.models import Algorithm

    horeca = Algorithm.objects.get(slug="risicogestuurde-selectie-horecacontroles")
    page = client.get(reverse("algorithms:public-assessments", args=[horeca.slug]))
    html = page.content.decode()
    assert "Biastoets (Algoritmekader)" in html and "Niet inzetten" in html
    assert "Het onderscheid is niet gerechtvaardigd" in html  # a public answer
    assert "Koninklijke Horeca Nederland" not in html  # a non-public answer
    detail = client.get(reverse("algorithms:public-detail", args=[horeca.slug])).content.decode()
    assert "Utrecht Uthiek Assessment" in detail  # filled in by the signed assessment
