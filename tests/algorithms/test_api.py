"""The register's staff API and its OpenAPI documentation."""

import pytest
from django.urls import reverse

from gelijk.algorithms.models import Algorithm, AlgorithmVersion
from tests.algorithms.conftest import complete_record
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, people):
    def as_user(key):
        verified_client(client, people[key])
        return client

    return as_user


def post(client, name, payload, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), payload, content_type="application/json")


def test_anonymous_and_roles_without_the_register_are_refused(client, api):
    assert client.get(reverse("algorithms:api-list")).status_code == 403
    assert api("handhaver").get(reverse("algorithms:api-list")).status_code == 403


def test_create_then_list_and_detail(api):
    c = api("owner")
    response = post(c, "algorithms:api-list", {"record": complete_record(), "note": "eerste"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "concept" and body["latest_version"] == 1
    assert body["publication_gaps"] == []
    assert body["record"]["source_id"] == body["slug"]
    listed = c.get(reverse("algorithms:api-list")).json()
    assert [a["slug"] for a in listed] == [body["slug"]]
    detail = c.get(reverse("algorithms:api-detail", kwargs={"pk": body["id"]})).json()
    assert detail["versions"][0]["note"] == "eerste"


def test_bad_record_gets_400_with_errors_per_field(api):
    record = complete_record(status="Bijna", name="x" * 120, considerations="<img src=x>")
    response = post(api("owner"), "algorithms:api-list", {"record": record})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"status", "name", "considerations"}
    assert Algorithm.objects.count() == 0


def test_missing_record_object_is_400(api):
    response = post(api("owner"), "algorithms:api-list", {"name": "zonder record"})
    assert response.status_code == 400
    assert "record" in response.json()["detail"]


def test_auditor_may_read_but_not_write(api):
    c = api("auditor")
    response = post(c, "algorithms:api-list", {"record": complete_record()})
    assert response.status_code == 403
    assert "Alleen een redacteur" in response.json()["detail"]


def test_new_version_with_stale_base_is_409(api, draft):
    c = api("owner")
    pk = draft.algorithm_id
    ok = post(
        c,
        "algorithms:api-versions",
        {"record": complete_record(name="B"), "base_version": 1},
        pk=pk,
    )
    assert ok.status_code == 201 and ok.json()["latest_version"] == 2
    stale = post(
        c,
        "algorithms:api-versions",
        {"record": complete_record(name="C"), "base_version": 1},
        pk=pk,
    )
    assert stale.status_code == 409
    assert "intussen versie 2" in stale.json()["detail"]
    assert AlgorithmVersion.objects.filter(algorithm_id=pk).count() == 2


def test_four_eyes_over_the_api(api, draft):
    pk = draft.algorithm_id
    c = api("privacy")
    assert post(c, "algorithms:api-transition", {"action": "release"}, pk=pk).status_code == 200
    own = post(c, "algorithms:api-transition", {"action": "publish"}, pk=pk)
    assert own.status_code == 409 and "Vier ogen" in own.json()["detail"]
    c = api("owner")
    refused = post(c, "algorithms:api-transition", {"action": "publish"}, pk=pk)
    assert refused.status_code == 403
    c = api("beheerder")
    done = post(c, "algorithms:api-transition", {"action": "publish"}, pk=pk)
    assert done.status_code == 200 and done.json()["published_version"] == 1


def test_unknown_action_is_409(api, draft):
    response = post(
        api("owner"), "algorithms:api-transition", {"action": "vernietig"}, pk=draft.algorithm_id
    )
    assert response.status_code == 409


def test_import_api_with_the_amsterdam_sample(api, amsterdam):
    c = api("owner")
    response = post(c, "algorithms:api-import", amsterdam)
    assert response.status_code == 201
    assert response.json()["created"] == ["gemeente-amsterdam-meldingen-openbare-ruimte"]
    bad = post(c, "algorithms:api-import", [{"name": "x", "category": ["Sport"]}])
    assert bad.status_code == 400
    assert "‘Sport’ staat niet in de lijst" in bad.json()["messages"][0]
    assert post(c, "algorithms:api-import", 7).status_code == 400


def test_openapi_documents_the_register(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/algoritmeregister/export.json",
        "/algoritmeregister/{ref}/export.json",
        "/api/algoritmes/",
        "/api/algoritmes/import/",
        "/api/algoritmes/{id}/publicatie/",
    ):
        assert path in paths, path
    component = schema["components"]["schemas"]["Publicatiestandaard100"]
    assert set(component["required"]) == set(
        __import__("gelijk.algorithms.standard", fromlist=["load"]).load().required_keys
    )
    assert component["properties"]["name"]["maxLength"] == 99
    export = paths["/algoritmeregister/export.json"]["get"]
    assert export["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    docs = client.get(reverse("api-docs")).content.decode()
    assert "Alle gepubliceerde algoritmes (Publicatiestandaard 1.0)" in docs
