"""Recurring jobs are enqueued exactly once per time slot."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gelijk.core import scheduler
from gelijk.core.models import AuditCheckpoint, AuditEntry, ScheduledRun

AMS = ZoneInfo("Europe/Amsterdam")


def test_daily_job_slots():
    job = scheduler.Job("x", "gelijk.core.tasks.verify_audit_log", daily_at="02:30")
    assert job.slot(datetime(2026, 3, 1, 2, 29, tzinfo=AMS)) is None
    assert job.slot(datetime(2026, 3, 1, 2, 30, tzinfo=AMS)) == "2026-03-01"
    assert job.slot(datetime(2026, 3, 1, 23, 0, tzinfo=AMS)) == "2026-03-01"


def test_monthly_and_interval_slots():
    monthly = scheduler.Job("m", "t", daily_at="03:00", monthly_day=2)
    assert monthly.slot(datetime(2026, 5, 1, 12, 0, tzinfo=AMS)) is None
    assert monthly.slot(datetime(2026, 5, 20, 12, 0, tzinfo=AMS)) == "2026-05"
    every = scheduler.Job("e", "t", every_minutes=15)
    assert every.slot(datetime(2026, 5, 1, 0, 14, tzinfo=AMS)) == "2026-05-01/0"
    assert every.slot(datetime(2026, 5, 1, 0, 15, tzinfo=AMS)) == "2026-05-01/1"


@pytest.mark.django_db
def test_nightly_audit_verification_runs_once_per_night():
    night = datetime(2026, 11, 28, 3, 0, tzinfo=AMS)
    assert "audit-log-verification" in scheduler.tick(night)
    assert "audit-log-verification" not in scheduler.tick(night)  # same slot: not again
    assert ScheduledRun.objects.filter(job="audit-log-verification").count() == 1
    # The test settings run tasks immediately. The first night the log was empty, so the
    # check itself is the first entry; the second night checkpoints that entry.
    first = AuditEntry.objects.get(action="verify")
    assert first.result == "success"
    assert AuditCheckpoint.objects.count() == 0
    next_night = datetime(2026, 11, 29, 3, 0, tzinfo=AMS)
    assert "audit-log-verification" in scheduler.tick(next_night)
    assert AuditCheckpoint.objects.get().position == first.position
