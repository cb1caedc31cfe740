"""Reads of the core, always through the access layer."""

from __future__ import annotations

from gelijk.core import access
from gelijk.core.models import AuditCheckpoint, AuditEntry, StaffProfile
from gelijk.core.roles import ROLES, roles_of


def staff_profile(user) -> StaffProfile | None:
    return StaffProfile.objects.select_related("department", "team").filter(user=user).first()


def role_labels(user) -> list[str]:
    return [str(ROLES[key].label) for key in roles_of(user) if key in ROLES]


def audit_entries(user, filters):
    qs = access.scope(user, AuditEntry.objects.all()).order_by("-position")
    if filters.get("actie"):
        qs = qs.filter(action=filters["actie"])
    if filters.get("gebruiker"):
        qs = qs.filter(actor__iexact=filters["gebruiker"].strip())
    if filters.get("object"):
        qs = qs.filter(object_type__icontains=filters["object"].strip())
    return qs


def latest_checkpoint(user) -> AuditCheckpoint | None:
    return access.scope(user, AuditCheckpoint.objects.all()).first()
