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


def staff_list(user) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = access.scope(user, get_user_model().objects.all()).order_by("username")
    users = users.select_related("staff_profile__department", "staff_profile__team")
    with_device = set(
        TOTPDevice.objects.filter(confirmed=True, user__in=users).values_list("user_id", flat=True)
    )
    people = []
    for member in users.prefetch_related("groups"):
        profile = getattr(member, "staff_profile", None)
        people.append(
            {
                "user": member,
                "roles": [str(ROLES[k].label) for k in roles_of(member) if k in ROLES],
                "department": profile.department if profile else None,
                "team": profile.team if profile else None,
                "has_second_factor": member.pk in with_device,
            }
        )
    return people


def processing_records(user):
    from gelijk.core.models import ProcessingRecord

    return access.scope(user, ProcessingRecord.objects.all())
