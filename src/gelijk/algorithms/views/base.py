"""Shared helpers of the back-office views: refused actions become form errors or messages,
with the HTTP status that fits (400 bad input, 403 not allowed, 409 not now)."""

from __future__ import annotations

from django.contrib import messages

from gelijk.algorithms import workflow


def status_for(exc: workflow.WorkflowError) -> int:
    if isinstance(exc, workflow.Refused):
        return 403
    if exc.field in (None, "action", "base_number"):
        return 409
    return 400


def form_errors(form, exc: workflow.WorkflowError) -> None:
    """Put the refusal on the form: on its field when the form has it, else at the top."""
    fields = getattr(form, "fields", {})
    visible = exc.field in fields and not fields[exc.field].widget.is_hidden
    field = exc.field if visible else None
    if len(exc.messages) > 1 or exc.messages[0] != exc.message:
        form.add_error(field, exc.message)
        for message in exc.messages:
            form.add_error(field, message)
    else:
        form.add_error(field, exc.message)


def flash(request, exc: workflow.WorkflowError) -> None:
    messages.error(request, exc.message)
    if len(exc.messages) > 1 or exc.messages[0] != exc.message:
        for message in exc.messages:
            messages.error(request, message)
