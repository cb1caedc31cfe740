"""Background work of the monitor (django-tasks; queues "imports" and "analysis")."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="imports")
def run_import(import_id: int) -> dict:
    """Validate and store one queued import."""
    from gelijk.monitor.services.imports import import_run

    imp = import_run(import_id)
    return {"import": imp.pk, "status": imp.status, "rows": imp.rows_stored}


@task(queue_name="analysis")
def run_analysis(run_id: int) -> dict:
    """Run the monitor engine for one queued analysis run."""
    from gelijk.monitor.services.runs import run_execute

    run = run_execute(run_id)
    return {"run": run.pk, "status": run.status}


@task(queue_name="analysis")
def monthly_analysis() -> dict:
    """The scheduled monthly run over the last full months (GELIJK_MONITOR_SCHEDULED_MONTHS)."""
    from gelijk.monitor.services.runs import run_scheduled

    run = run_scheduled()
    return {"run": run.pk, "status": run.status}
