"""Core demo data: the organisation and one staff user per role, with 2FA already set up."""

from __future__ import annotations

from gelijk.core import demo
from gelijk.core.services.organisation import (
    demo_totp_device,
    organisation_ensure,
    staff_user_ensure,
)

DEMO_PASSWORD = "gelijk-demo-2026"  # noqa: S105 - printed by `make run`; demo only

# (username, first, last, roles, department, team, officer number or "")
DEMO_STAFF = [
    ("beheerder", "Bea", "Beheer", ["beheerder"], "beleid", None, ""),
    ("klachtbehandelaar", "Karim", "Klacht", ["klachtbehandelaar"], "klachten", "klachten", ""),
    ("teamleider-thor", "Tessa", "Thor", ["teamleider"], "vth", "thor", ""),
    ("teamleider-thbo", "Tom", "Thbo", ["teamleider"], "vth", "thbo", ""),
    ("handhaver-thor", "Hamza", "Handhaver", ["handhaver"], "vth", "thor", "BOA-1001"),
    ("analist", "Anouk", "Analist", ["analist"], "beleid", "analyse", ""),
    ("algoritme-eigenaar", "Ali", "Algoritme", ["algoritme-eigenaar"], "beleid", "analyse", ""),
    ("privacy", "Priya", "Privacy", ["privacy-officer"], "privacy", "privacy", ""),
    ("auditor", "Aart", "Audit", ["auditor"], "privacy", "privacy", ""),
]


@demo.register("core", order=0)
def seed(seed: int) -> dict:
    from gelijk.core.pseudonyms import officer_pseudonym

    organisation_ensure()
    for username, first, last, roles, department, team, officer in DEMO_STAFF:
        user = staff_user_ensure(
            username,
            roles=roles,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@gelijk.invalid",
            department=department,
            team=team,
            officer_pseudonym=officer_pseudonym(officer),
        )
        demo_totp_device(user)
    return {"staff": len(DEMO_STAFF)}
