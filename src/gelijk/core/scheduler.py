"""A small scheduler for recurring tasks, so no cron or Celery beat is needed.

Jobs are declared with a cadence (daily at a time, monthly on a day, or every N minutes).
``due_slots`` names the current time slot of each job; ``tick`` enqueues each job once
per slot. A unique (job, slot) row makes that exactly-once even with several scheduler
processes, and a slot missed while the scheduler was down is run at the next tick.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from gelijk.core.models import ScheduledRun

log = logging.getLogger("gelijk.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str  # dotted path of a django-tasks Task
    daily_at: str | None = None  # "HH:MM" local time
    monthly_day: int | None = None  # with daily_at: day of month
    every_minutes: int | None = None

    def slot(self, now: datetime) -> str | None:
        """The slot this moment belongs to, or None when the job is not yet due today."""
        local = timezone.localtime(now)
        if self.every_minutes:
            minute_of_day = local.hour * 60 + local.minute
            block = minute_of_day // self.every_minutes
            return f"{local:%Y-%m-%d}/{block}"
        hour, minute = (int(p) for p in (self.daily_at or "00:00").split(":"))
        start = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if self.monthly_day:
            start = start.replace(day=self.monthly_day)
            if local < start:
                return None
            return f"{local:%Y-%m}"
        if local < start:
            return None
        return f"{local:%Y-%m-%d}"


JOBS: dict[str, Job] = {}


def schedule(job: Job) -> Job:
    JOBS[job.name] = job
    return job


def _task(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet. Returns job names."""
    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = _task(job.task_path).enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # this slot was enqueued already (by us or another scheduler)
        log.info("enqueued %s for slot %s", job.name, slot)
        started.append(job.name)
    return started


def run_forever(interval_seconds: float = 30.0) -> None:
    log.info("scheduler started with jobs: %s", ", ".join(sorted(JOBS)) or "none")
    while True:
        try:
            tick()
        except Exception:  # keep the scheduler alive; the error is logged with its trace
            log.exception("scheduler tick failed")
        time.sleep(interval_seconds)


def next_runs(now: datetime | None = None) -> dict[str, str]:
    """Human-readable overview for the operations page."""
    now = now or timezone.now()
    overview = {}
    for job in JOBS.values():
        last = ScheduledRun.objects.filter(job=job.name).first()
        overview[job.name] = last.enqueued_at.isoformat() if last else "never"
    return overview


schedule(Job("audit-log-verification", "gelijk.core.tasks.verify_audit_log", daily_at="02:30"))
