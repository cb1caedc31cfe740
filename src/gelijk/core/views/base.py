"""Guards for staff pages: logged in, second factor verified, permission granted.

Use ``@staff_required("app.permission")`` on function views or ``StaffPermissionMixin``
with ``permission = "app.permission"`` on class views. Object rules are applied by the
selectors through the access layer; these guards only open the door.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from gelijk.core import access, audit


def _gate(request, permission: str | None):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.is_verified():
        return redirect("core:login-verify")
    if permission and not access.has_permission(user, permission):
        audit.record(
            audit.Action.ACCESS_DENIED,
            object_type="page",
            object_id=request.path,
            result=audit.Result.DENIED,
            detail={"permission": permission},
        )
        raise PermissionDenied(permission)
    return None


def staff_required(permission: str | None = "core.use_backoffice"):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = _gate(request, permission)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.staff_permission = permission
        return wrapped

    return decorator


class StaffPermissionMixin:
    permission: str | None = "core.use_backoffice"

    def dispatch(self, request, *args, **kwargs):
        refusal = _gate(request, self.permission)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)
