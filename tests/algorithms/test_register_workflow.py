"""Versions and the four-eyes publication workflow (services)."""

import pytest
from django.db import DatabaseError, connection, transaction

from gelijk.algorithms.models import Algorithm, AlgorithmVersion, PublicationEvent
from gelijk.algorithms.services import register
from gelijk.algorithms.workflow import Refused, State, WorkflowError
from gelijk.core.models import AuditEntry
from tests.algorithms.conftest import complete_record

pytestmark = pytest.mark.django_db


def state(version):
    return register.version_state(version)


def release_and_publish(algorithm, releaser, approver):
    register.publication_transition(algorithm, user=releaser, action="release")
    return register.publication_transition(algorithm, user=approver, action="publish")


def test_every_save_is_a_new_version(draft, people):
    algorithm = draft.algorithm
    second = register.algorithm_version_save(
        algorithm, user=people["owner"], record=complete_record(name="Nieuwe naam"), note="naam"
    )
    assert second.number == 2 and second.based_on == draft
    assert AlgorithmVersion.objects.filter(algorithm=algorithm).count() == 2
    algorithm.refresh_from_db()
    assert algorithm.latest_version == second
    assert state(draft) == State.SUPERSEDED and state(second) == State.CONCEPT
    # The first version keeps its content.
    draft.refresh_from_db()
    assert draft.record["name"] == "Testalgoritme voor afvalroutes"


def _raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_versions_and_their_history_are_append_only_in_the_database(draft):
    for statement in (
        lambda: AlgorithmVersion.objects.filter(pk=draft.pk).update(name="vervalst"),
        lambda: _raw("DELETE FROM algorithms_algorithmversion WHERE id = %s", draft.pk),
        lambda: PublicationEvent.objects.filter(version=draft).update(to_state="gepubliceerd"),
        lambda: _raw("DELETE FROM algorithms_publicationevent WHERE version_id = %s", draft.pk),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()


def test_saving_without_change_makes_no_version(draft, people):
    with pytest.raises(WorkflowError, match="Er is niets veranderd"):
        register.algorithm_version_save(draft.algorithm, user=people["owner"], record=draft.record)


def test_a_stale_edit_is_refused(draft, people):
    register.algorithm_version_save(
        draft.algorithm, user=people["owner"], record=complete_record(name="Eerst")
    )
    with pytest.raises(WorkflowError, match="intussen versie 2 opgeslagen") as exc:
        register.algorithm_version_save(
            draft.algorithm,
            user=people["owner2"],
            record=complete_record(name="Later"),
            base_number=1,
        )
    assert exc.value.field == "base_number"
    assert draft.algorithm.versions.count() == 2


def test_invalid_record_is_not_stored(people):
    with pytest.raises(register.RecordInvalid) as exc:
        register.algorithm_create(
            user=people["owner"], record=complete_record(status="Soms", theme=["Sport"])
        )
    assert {"status", "theme"} <= set(exc.value.checked.errors)
    assert Algorithm.objects.count() == 0 and AlgorithmVersion.objects.count() == 0


def test_four_eyes_releaser_cannot_publish_own_release(draft, people):
    algorithm = draft.algorithm
    privacy = people["privacy"]  # Redacteur and Goedkeurder at once
    register.publication_transition(algorithm, user=privacy, action="release")
    with pytest.raises(WorkflowError, match="Vier ogen: u heeft deze versie zelf aangeboden"):
        register.publication_transition(algorithm, user=privacy, action="publish")
    with pytest.raises(WorkflowError, match="Vier ogen"):
        register.publication_transition(algorithm, user=privacy, action="reject", reason="x" * 20)
    assert state(draft) == State.RELEASED
    register.publication_transition(algorithm, user=people["privacy2"], action="publish")
    algorithm.refresh_from_db()
    assert state(draft) == State.PUBLISHED
    assert algorithm.published_version == draft and algorithm.published_at is not None


def test_redacteur_cannot_publish_and_the_refusal_is_audited(draft, people):
    algorithm = draft.algorithm
    register.publication_transition(algorithm, user=people["owner"], action="release")
    with pytest.raises(Refused, match="Alleen een goedkeurder"):
        register.publication_transition(algorithm, user=people["owner2"], action="publish")
    denied = AuditEntry.objects.filter(action="access_denied").last()
    assert denied.detail == {"permission": "algorithms.approve_publication"}
    assert denied.actor == "eigenaar2"


def test_publishing_a_concept_without_release_is_refused(draft, people):
    with pytest.raises(
        WorkflowError, match="‘Publiceren’ kan niet bij een versie met de status ‘Concept’"
    ):
        register.publication_transition(draft.algorithm, user=people["beheerder"], action="publish")


def test_release_is_blocked_with_a_message_per_missing_field(people):
    version = register.algorithm_create(
        user=people["owner"],
        record={"name": "Half af", "publication_category": "Overige algoritmes (Categorie C)"},
    )
    with pytest.raises(WorkflowError) as exc:
        register.publication_transition(version.algorithm, user=people["owner"], action="release")
    assert "Publiceren kan nog niet" in exc.value.message
    assert "Contactgegevens: ‘Contactgegevens’ is nog leeg." in " ".join(exc.value.messages)
    assert len(exc.value.messages) == 14  # 18 required - name, category, language, schema
    assert state(version) == State.CONCEPT


def test_category_b_needs_signed_assessments_before_publication(people):
    version = register.algorithm_create(
        user=people["owner"],
        record=complete_record(publication_category="Impactvolle algoritmes (Categorie B)"),
    )
    with pytest.raises(WorkflowError) as exc:
        register.publication_transition(version.algorithm, user=people["owner"], action="release")
    text = " ".join(exc.value.messages)
    assert "Er is nog geen ondertekende Uthiek-toets" in text
    assert "Er is nog geen ondertekende Privacy-prescan en DPIA-check" in text


def test_a_listed_assessment_must_be_linked(people):
    version = register.algorithm_create(
        user=people["owner"],
        record=complete_record(impact_assessments="Utrecht Uthiek Assessment"),
    )
    gaps = register.publication_gaps(version.algorithm, version)
    assert any("staat ‘Utrecht Uthiek Assessment’" in m for _k, m in gaps)


def test_reject_needs_a_reason_and_ends_the_version(draft, people):
    algorithm = draft.algorithm
    register.publication_transition(algorithm, user=people["owner"], action="release")
    with pytest.raises(WorkflowError, match="Schrijf op waarom") as exc:
        register.publication_transition(algorithm, user=people["beheerder"], action="reject")
    assert exc.value.field == "reason"
    register.publication_transition(
        algorithm, user=people["beheerder"], action="reject", reason="Risico's te vaag beschreven."
    )
    assert state(draft) == State.REJECTED
    event = draft.events.order_by("pk").last()
    assert event.reason == "Risico's te vaag beschreven." and event.actor == people["beheerder"]


def test_withdraw_brings_a_release_back_to_concept(draft, people):
    register.publication_transition(draft.algorithm, user=people["owner"], action="release")
    register.publication_transition(draft.algorithm, user=people["owner2"], action="withdraw")
    assert state(draft) == State.CONCEPT


def test_publishing_a_new_version_supersedes_the_old_one(draft, people):
    algorithm = draft.algorithm
    release_and_publish(algorithm, people["owner"], people["privacy"])
    second = register.algorithm_version_save(
        algorithm, user=people["owner"], record=complete_record(name="Versie twee")
    )
    algorithm.refresh_from_db()
    assert algorithm.published_version == draft  # the public still sees version 1
    release_and_publish(algorithm, people["owner"], people["beheerder"])
    algorithm.refresh_from_db()
    assert algorithm.published_version == second
    assert state(draft) == State.SUPERSEDED and state(second) == State.PUBLISHED


def test_retract_removes_the_algorithm_from_the_public_register(draft, people):
    algorithm = draft.algorithm
    release_and_publish(algorithm, people["owner"], people["privacy"])
    with pytest.raises(Refused):
        register.publication_transition(
            algorithm, user=people["owner"], action="retract", reason="x" * 12
        )
    register.publication_transition(
        algorithm, user=people["privacy2"], action="retract", reason="Niet meer in gebruik."
    )
    algorithm.refresh_from_db()
    assert algorithm.published_version is None
    assert state(draft) == State.RETRACTED


def test_restore_makes_a_new_version_with_old_content(draft, people):
    algorithm = draft.algorithm
    register.algorithm_version_save(
        algorithm, user=people["owner"], record=complete_record(name="Fout")
    )
    restored = register.algorithm_version_restore(algorithm, draft, user=people["owner"])
    assert restored.number == 3 and restored.record == draft.record
    assert restored.origin == AlgorithmVersion.Origin.RESTORE


def test_changes_are_audit_logged_with_the_changed_fields(draft, people):
    register.algorithm_version_save(
        draft.algorithm,
        user=people["owner"],
        record=dict(draft.record, supplier="Leverancier B.V."),
    )
    change = AuditEntry.objects.filter(action="change", object_type="algorithms.Algorithm").last()
    assert change.actor == "eigenaar"
    assert change.detail["fields"] == ["supplier"] and change.detail["version"] == 2


def test_only_redacteurs_create(people):
    with pytest.raises(Refused):
        register.algorithm_create(user=people["auditor"], record=complete_record())
    with pytest.raises(Refused):
        register.algorithm_create(user=people["beheerder"], record=complete_record())


def test_import_is_all_or_nothing(people, amsterdam):
    bad = {**amsterdam[0], "id": "tweede", "status": "Weet niet"}
    with pytest.raises(register.ImportRejected) as exc:
        register.register_import(user=people["owner"], payload=[amsterdam[0], bad], source="x.json")
    assert exc.value.messages == [
        "Record 2 (Meldingen openbare ruimte) – Status: ‘Weet niet’ is geen toegestane waarde. "
        "Kies uit: In ontwikkeling; In gebruik; Buiten gebruik."
    ]
    assert Algorithm.objects.count() == 0


def test_reimport_becomes_the_next_version_or_nothing(people, amsterdam):
    first = register.register_import(user=people["owner"], payload=amsterdam, source="a.json")
    [version] = first.created
    assert version.algorithm.slug == "gemeente-amsterdam-meldingen-openbare-ruimte"
    assert version.origin == AlgorithmVersion.Origin.IMPORT
    again = register.register_import(user=people["owner"], payload=amsterdam, source="a.json")
    assert again.unchanged == [version.algorithm] and not again.created and not again.updated
    changed = [{**amsterdam[0], "organization": "Gemeente Amsterdam"}]
    third = register.register_import(user=people["owner"], payload=changed, source="b.json")
    assert [v.number for v in third.updated] == [2]
    assert third.updated[0].record["organization"] == "Gemeente Amsterdam"
