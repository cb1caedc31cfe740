"""Scheduled work of the reporting app (django-tasks; scheduled in apps.py)."""

from __future__ import annotations

from django_tasks import task

from gelijk.reporting.services import retention


@task(queue_name="maintenance")
def send_reminders() -> dict:
    """Daily: each handler gets the overdue and due-soon cases they may see and handle."""
    from gelijk.reporting.selectors import reminders_by_handler
    from gelijk.reporting.services import notify

    sent = 0
    for user, overdue, due_soon in reminders_by_handler():
        if user.email and notify.reminder(user, overdue, due_soon):
            sent += 1
    return {"sent": sent}


@task(queue_name="maintenance")
def anonymise_reporters() -> dict:
    return retention.reporters_anonymise()


@task(queue_name="maintenance")
def delete_expired_cases() -> dict:
    return retention.cases_delete_expired()
