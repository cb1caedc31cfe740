"""Property test of the publication workflow: whatever people do in whatever order, the
register's invariants hold (hypothesis state machine over the real services)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gelijk.algorithms import workflow
from gelijk.algorithms.models import PublicationEvent
from gelijk.algorithms.services import register
from gelijk.algorithms.workflow import State, WorkflowError
from tests.algorithms.conftest import complete_record

pytestmark = pytest.mark.django_db
ACTIONS = ["release", "withdraw", "publish", "reject", "retract"]
ACTORS = ["owner", "privacy", "privacy2", "beheerder", "auditor"]


def test_publication_invariants(people):
    class Register(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.savepoint()
            self.algorithm = register.algorithm_create(
                user=people["owner"], record=complete_record()
            ).algorithm
            self.saves = 0

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        @rule(actor=st.sampled_from(["owner", "privacy"]))
        def save(self, actor):
            self.saves += 1
            register.algorithm_version_save(
                self.algorithm,
                user=people[actor],
                record=complete_record(name=f"Versie {self.saves}"),
            )

        @rule(
            action=st.sampled_from(ACTIONS),
            actor=st.sampled_from(ACTORS),
            reason=st.sampled_from(["", "Een reden die lang genoeg is."]),
        )
        def step(self, action, actor, reason):
            self.algorithm.refresh_from_db()
            version = (
                self.algorithm.published_version
                if action == "retract"
                else self.algorithm.latest_version
            )
            before = register.version_state(version) if version else None
            try:
                register.publication_transition(
                    self.algorithm, user=people[actor], action=action, reason=reason
                )
            except WorkflowError:
                if version is not None:
                    assert register.version_state(version) == before  # nothing half done
                return
            t = workflow.find(action, before)
            assert register.version_state(version) == t.target
            assert t.permission and people[actor].has_perm(t.permission)

        @invariant()
        def one_public_version_and_it_is_published(self):
            self.algorithm.refresh_from_db()
            versions = list(self.algorithm.versions.all())
            states = register.version_states([v.pk for v in versions])
            published = [pk for pk, s in states.items() if s == State.PUBLISHED]
            assert len(published) <= 1
            assert published == (
                [self.algorithm.published_version_id] if self.algorithm.published_version_id else []
            )

        @invariant()
        def only_the_latest_version_is_open(self):
            self.algorithm.refresh_from_db()
            states = register.version_states([v.pk for v in self.algorithm.versions.all()])
            open_ = [pk for pk, s in states.items() if s in workflow.OPEN_STATES]
            assert set(open_) <= {self.algorithm.latest_version_id}

        @invariant()
        def nobody_approved_their_own_release(self):
            for event in PublicationEvent.objects.filter(
                algorithm=self.algorithm, action__in=["publish", "reject"]
            ):
                release = (
                    PublicationEvent.objects.filter(
                        version=event.version, action="release", pk__lt=event.pk
                    )
                    .order_by("-pk")
                    .first()
                )
                assert release is not None and release.actor_id != event.actor_id

    run_state_machine_as_test(
        Register,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
