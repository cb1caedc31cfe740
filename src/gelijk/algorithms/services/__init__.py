"""Every write of the algorithms app: one transaction, the state transition, the audit entry.

A refused action raises ``Refused`` (from ``require``). ``@refusals_audited`` sits outside a
service's transaction and writes the ACCESS_DENIED audit entry after the rollback, so the
refusal stays in the log; nested services log it once, at the outermost call.
"""

from __future__ import annotations

import contextvars
from functools import wraps

from gelijk.algorithms.workflow import Refused
from gelijk.core import access, audit

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("algorithms_service_depth", default=0)


def actor_of(user):
    """Who an audit entry names: the acting staff member, also when a service runs outside a
    request (a task, the demo, the command line)."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def require(user, permission: str, obj, message: str, *, object_type: str = "") -> None:
    """Raise Refused with ``message`` (Dutch) unless the access layer allows the action."""
    if access.can(user, permission, obj):
        return
    raise Refused(
        message,
        field="action",
        permission=permission,
        obj=obj,
        user=user,
        object_type=object_type,
    )


def refusals_audited(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        token = _depth.set(_depth.get() + 1)
        try:
            return func(*args, **kwargs)
        except Refused as exc:
            if _depth.get() == 1 and exc.permission:
                audit.record(
                    audit.Action.ACCESS_DENIED,
                    obj=exc.obj,
                    object_type=exc.object_type,
                    result=audit.Result.DENIED,
                    detail={"permission": exc.permission},
                    actor=actor_of(exc.user),
                )
            raise
        finally:
            _depth.reset(token)

    return wrapper
