"""Staff management by the beheerder: create, change roles and place, reset 2FA, deactivate."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.core import audit
from gelijk.core.models import StaffProfile
from gelijk.core.pseudonyms import officer_pseudonym
from gelijk.core.roles import roles_of
from gelijk.core.services.organisation import staff_user_ensure


class StaffConflict(ValueError):
    """The new data clash with another staff member; ``field`` is the form field concerned."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def _officer_pseudonym_free(pseudonym: str, user=None) -> str:
    # One person per boa number: the independence rule matches complaints to staff by it.
    clash = StaffProfile.objects.filter(officer_pseudonym=pseudonym).exclude(officer_pseudonym="")
    if user is not None:
        clash = clash.exclude(user=user)
    if pseudonym and clash.exists():
        raise StaffConflict("officer_number")
    return pseudonym


@transaction.atomic
def staff_create(
    *, username, first_name, last_name, email, roles, department, team, officer_number=""
):
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise StaffConflict("username")
    pseudonym = _officer_pseudonym_free(officer_pseudonym(officer_number))
    user = staff_user_ensure(
        username,
        roles=roles,
        first_name=first_name,
        last_name=last_name,
        email=email,
        department=department,
        team=team,
        officer_pseudonym=pseudonym,
    )
    user.set_unusable_password()  # the person sets it through the password-reset link
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def staff_update(user, *, first_name, last_name, email, roles, department, team, officer_number=""):
    before = {"roles": roles_of(user), "department": _place(user)}
    profile = getattr(user, "staff_profile", None)
    profile_pseudonym = profile.officer_pseudonym if profile else ""
    pseudonym = (
        _officer_pseudonym_free(officer_pseudonym(officer_number), user) or profile_pseudonym
    )
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    staff_user_ensure(
        user.username,
        roles=roles,
        department=department,
        team=team,
        officer_pseudonym=pseudonym,
    )
    audit.record(
        audit.Action.CHANGE,
        obj=user,
        detail={
            "before": before,
            "after": {"roles": roles, "department": department, "team": team},
        },
    )
    return user


def _place(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.department.code if profile and profile.department else ""


@transaction.atomic
def staff_reset_second_factor(user) -> int:
    """Remove the user's TOTP devices; the next login enrols a new one."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        audit.Action.CHANGE,
        obj=user,
        detail={"what": "second factor reset", "devices_removed": count},
    )
    return count


@transaction.atomic
def staff_set_active(user, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(audit.Action.CHANGE, obj=user, detail={"active": active})
