"""Background tasks of the core (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from gelijk.core import audit, processing


@task(queue_name="maintenance")
def verify_audit_log() -> dict:
    """Verify the audit log's hash chain and, when intact, checkpoint its end."""
    result = audit.verify_and_checkpoint()
    processing.record("audit_verification", status="ok" if result.ok else "failed")
    if not result.ok:
        import logging

        logging.getLogger("gelijk.audit").error(result.message())
    return {
        "ok": result.ok,
        "checked": result.checked,
        "position": result.position,
        "reason": result.reason,
    }
