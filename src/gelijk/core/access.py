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


def require(user, permission: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied (and write an audit entry) when ``can`` says no."""
    if can(user, permission, obj):
        return
    from gelijk.core import audit

    audit.record(
        audit.Action.ACCESS_DENIED,
        obj=obj,
        result=audit.Result.DENIED,
        detail={"permission": permission},
    )
    raise PermissionDenied(permission)
