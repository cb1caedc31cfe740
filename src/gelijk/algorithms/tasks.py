"""Background tasks of the algorithms app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="analysis")
def run_bias_audit(audit_id: int) -> dict:
    """Run the fairness engine for one queued bias audit and store its report."""
    from gelijk.algorithms.services.audits import audit_run

    row = audit_run(audit_id)
    return {"audit": row.pk, "status": row.status}


@task(queue_name="maintenance")
def send_reassessment_reminders() -> dict:
    """Daily: remind owners of assessments signed longer ago than their framework allows."""
    from gelijk.algorithms.services.reminders import reassessment_reminders_send

    return reassessment_reminders_send()
