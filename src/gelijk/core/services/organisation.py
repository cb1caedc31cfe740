"""Organisation and staff: departments, teams, users with roles."""

from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.core import audit
from gelijk.core.models import Department, StaffProfile, Team
from gelijk.core.roles import ROLES, group_name

ORGANISATION = [
    # (department code, name, kind, [(team code, team name), ...])
    (
        "vth",
        "Vergunningverlening, Toezicht en Handhaving (VTH)",
        Department.Kind.ENFORCEMENT,
        [
            ("thor", "Toezicht en Handhaving Openbare Ruimte (THOR)"),
            ("thbo", "Toezicht en Handhaving Bijzondere Objecten (THBO)"),
        ],
    ),
    (
        "klachten",
        "Onafhankelijke klachtbehandeling",
        Department.Kind.COMPLAINTS,
        [("klachten", "Klachtbehandeling")],
    ),
    (
        "beleid",
        "Beleid en analyse Openbare Orde en Veiligheid",
        Department.Kind.POLICY,
        [("analyse", "Analyse en onderzoek")],
    ),
    (
        "privacy",
        "Privacy en informatiebeveiliging",
        Department.Kind.PRIVACY,
        [("privacy", "Privacy")],
    ),
]


@transaction.atomic
def organisation_ensure() -> dict[str, int]:
    """Create the standard departments and teams when missing. Idempotent."""
    for code, name, kind, teams in ORGANISATION:
        department, _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
        for team_code, team_name in teams:
            Team.objects.update_or_create(
                code=team_code, defaults={"name": team_name, "department": department}
            )
    return {"departments": Department.objects.count(), "teams": Team.objects.count()}


@transaction.atomic
def staff_user_ensure(
    username: str,
    *,
    roles: list[str],
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    department: str | None = None,
    team: str | None = None,
    officer_pseudonym: str = "",
):
    """Create or update a staff user with exactly the given roles."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(ROLES)}")
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email},
    )
    if password is not None and (created or not user.has_usable_password()):
        user.set_password(password)
        user.save()
    user.groups.set([Group.objects.get_or_create(name=group_name(r))[0] for r in roles])
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "department": Department.objects.get(code=department) if department else None,
            "team": Team.objects.get(code=team) if team else None,
            "officer_pseudonym": officer_pseudonym,
        },
    )
    if created:
        audit.record(audit.Action.CREATE, obj=user, detail={"roles": roles})
    return user


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key per demo user, so `gelijk demo code USER` can print the code."""
    return hmac.new(b"gelijk-demo-totp", username.encode(), hashlib.sha1).hexdigest()


def demo_totp_device(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={"key": demo_totp_key(user.get_username()), "confirmed": True},
    )
    return device
