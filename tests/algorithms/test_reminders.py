"""Yearly re-assessment: a daily scheduled job reminds the owner once per due date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from gelijk.algorithms.models import AssessmentTemplate, ReassessmentReminder
from gelijk.algorithms.services import assessments as services
from gelijk.algorithms.services import register
from gelijk.algorithms.services.reminders import reassessment_due
from gelijk.core import scheduler
from gelijk.core.models import ScheduledRun
from tests.algorithms.test_assessments import answers_for

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
SIGNED = datetime(2026, 1, 31, 10, 0, tzinfo=AMS)


@pytest.fixture
def signed(people, draft):
    algorithm = draft.algorithm
    register.algorithm_owner_set(
        algorithm, user=people["owner"], owner=people["owner2"], department=None
    )
    people["owner2"].email = "eigenaar2@utrecht.example"
    people["owner2"].save()
    template = AssessmentTemplate.objects.get(key="uthiek", is_current=True)
    with time_machine.travel(SIGNED, tick=False):
        a = services.assessment_create(user=people["owner"], template=template, subject=algorithm)
        services.assessment_answers_save(a, user=people["owner"], answers=answers_for("uthiek"))
        services.assessment_transition(a, user=people["owner"], action="submit")
        return services.assessment_transition(
            a,
            user=people["auditor"],
            action="sign",
            public_summary="Getoetst met de eigenaar; inzetten met maatregelen voor privacy.",
        )


def tick(moment):
    with time_machine.travel(moment, tick=False):
        return scheduler.tick(moment)


def test_job_is_scheduled_daily():
    job = scheduler.JOBS["algorithms-reassessment-reminders"]
    assert job.daily_at == "06:30"
    assert job.task_path == "gelijk.algorithms.tasks.send_reassessment_reminders"


def test_no_reminder_within_twelve_months(signed):
    assert "algorithms-reassessment-reminders" in tick(datetime(2027, 1, 30, 7, 0, tzinfo=AMS))
    assert mail.outbox == [] and ReassessmentReminder.objects.count() == 0


def test_owner_is_reminded_once_after_twelve_months(signed):
    # 31 January + 12 months = 31 January next year; on the 31st at 06:30 the job runs.
    tick(datetime(2027, 1, 31, 7, 0, tzinfo=AMS))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eigenaar2@utrecht.example"]
    assert "Herbeoordeling nodig: Uthiek-toets" in message.subject
    assert f"/backoffice/toetsen/{signed.pk}/" in message.body
    reminder = ReassessmentReminder.objects.get()
    assert reminder.due_on.isoformat() == "2027-01-31" and reminder.recipients == ["eigenaar2"]
    # The next days: the job runs, the reminder is not sent again.
    tick(datetime(2027, 2, 1, 7, 0, tzinfo=AMS))
    tick(datetime(2027, 2, 2, 7, 0, tzinfo=AMS))
    assert len(mail.outbox) == 1
    assert ScheduledRun.objects.filter(job="algorithms-reassessment-reminders").count() == 3


def test_a_started_reassessment_stops_the_reminders(signed, people):
    with time_machine.travel(datetime(2027, 1, 15, 9, 0, tzinfo=AMS), tick=False):
        services.assessment_create(
            user=people["owner"],
            template=signed.template,
            subject=signed.algorithm,
            previous=signed,
        )
    tick(datetime(2027, 2, 5, 7, 0, tzinfo=AMS))
    assert mail.outbox == []


def test_an_expired_assessment_blocks_publication(signed, people):
    algorithm = signed.algorithm
    algorithm.refresh_from_db()
    with time_machine.travel(datetime(2027, 2, 1, 9, 0, tzinfo=AMS), tick=False):
        assert [a.pk for a, _due in reassessment_due()] == [signed.pk]
        gaps = register.publication_gaps(algorithm, algorithm.latest_version)
    assert any("De Uthiek-toets is verlopen: ondertekend op 31-01-2026" in m for _k, m in gaps)


def test_reassessment_copies_the_answers(signed, people):
    again = services.assessment_create(
        user=people["owner"], template=signed.template, subject=signed.algorithm, previous=signed
    )
    assert again.answers == signed.answers and again.status == "concept"
    assert again.previous == signed
