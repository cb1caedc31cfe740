"""Background work of the language app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="analysis")
def run_scan_batch(batch_id: int) -> dict:
    """Scan the letters of one queued batch, counting progress as it goes."""
    from gelijk.language.services import batch_run

    batch = batch_run(batch_id)
    return {"batch": batch.pk, "status": batch.status, "done": batch.done_count}
