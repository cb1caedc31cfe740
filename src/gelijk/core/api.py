"""API permission class shared by every app."""

from __future__ import annotations

from rest_framework import permissions

from gelijk.core import access


class HasPermission(permissions.BasePermission):
    """Checks ``view.required_permission`` with the access layer, per object too.

    Session users must have passed the second factor; token users are service accounts
    whose token is the credential.
    """

    message = "U heeft geen toegang tot deze gegevens."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.auth is None and not user.is_verified():
            return False
        perm = getattr(view, "required_permission", None)
        return perm is None or access.has_permission(user, perm)

    def has_object_permission(self, request, view, obj):
        perm = getattr(view, "required_permission", None) or "core.use_backoffice"
        return access.can(request.user, perm, obj)
