"""The one object-level access layer (GUIDE §4.1).

Every queryset, page, API call, export and count that shows data goes through
``scope(user, queryset)``; every action through ``can``/``require``. Each model that
holds data a user may or may not see registers a ``Policy``. A model without a policy
is invisible (fail closed). Role names are never checked here or in views: roles are
sets of permissions (roles.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models


class Policy:
    """What one user may see and do for one model. Subclasses override both methods.

    ``scope`` filters a queryset to the rows the user may see; ``can`` answers for one
    object. They must agree: ``can(user, 'view', obj)`` iff obj is in ``scope``.
    """

    def scope(self, user, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.none()

    def can(self, user, permission: str, obj) -> bool:
        return False


class ScopeByPermission(Policy):
    """Rows are visible to everyone holding ``permission``; no further object rule."""

    def __init__(self, permission: str):
        self.permission = permission

    def scope(self, user, queryset):
        return queryset if has_permission(user, self.permission) else queryset.none()

    def can(self, user, permission, obj):
        return has_permission(user, self.permission)


_policies: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model], policy: Policy) -> None:
    if model in _policies and _policies[model] is not policy:
        raise ImproperlyConfigured(f"an access policy for {model.__name__} is already registered")
    _policies[model] = policy


def policy_for(model: type[models.Model]) -> Policy:
    model = model._meta.concrete_model
    try:
        return _policies[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"no access policy registered for {model._meta.label}; register one in its app"
        ) from None


def registered_models() -> Iterable[type[models.Model]]:
    return tuple(_policies)


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_permission(user, permission: str) -> bool:
    """True when the user's roles grant the permission ('app_label.codename')."""
    return is_staff_user(user) and user.has_perm(permission)


def scope(user, queryset: models.QuerySet) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see. Anonymous users see nothing."""
    if not is_staff_user(user):
        return queryset.none()
    return policy_for(queryset.model).scope(user, queryset)


def can(user, permission: str, obj: models.Model | None = None) -> bool:
    """May ``user`` exercise ``permission``, on ``obj`` when given?"""
    if not has_permission(user, permission):
        return False
    if obj is None:
        return True
    return policy_for(type(obj)).can(user, permission, obj)


class Refusal(PermissionDenied):
    """A refused action. Its audit entry must survive the rollback of the transaction it was
    raised in, so inside a transaction it is written at the boundary instead: the request
    (AuditContextMiddleware / the 403 handler) or ``refusals_audited`` around a service."""

    def __init__(self, permission: str, obj=None, message: str = ""):
        super().__init__(message or permission)
        self.permission = permission
        self.obj = obj
        self.message = message
        self.audit_pending = True


def _in_transaction() -> bool:
    from django.db import connection

    # The test suite wraps each test in transactions of its own (marked _from_testcase);
    # only the application's own transactions can roll an entry back.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def record_refusal(exc: Refusal) -> None:
    """Write the audit entry of a refusal once (idempotent)."""
    if not exc.audit_pending:
        return
    from gelijk.core import audit

    exc.audit_pending = False
    audit.record(
        audit.Action.ACCESS_DENIED,
        obj=exc.obj if isinstance(exc.obj, models.Model) and exc.obj.pk else None,
        object_type=type(exc.obj)._meta.label if isinstance(exc.obj, models.Model) else "",
        result=audit.Result.DENIED,
        detail={"permission": exc.permission},
    )


def require(user, permission: str, obj: models.Model | None = None, message: str = "") -> None:
    """Raise :class:`Refusal` when ``can`` says no; the refusal is always audit-logged."""
    if can(user, permission, obj):
        return
    exc = Refusal(permission, obj, message)
    if not _in_transaction():
        record_refusal(exc)
    raise exc


def refusals_audited(func):
    """Decorate a service called outside a request (task, command line) whose transaction
    may roll back a refusal's audit entry: the entry is written after the rollback."""
    from functools import wraps

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Refusal as exc:
            if not _in_transaction():
                record_refusal(exc)
            raise

    return wrapper
