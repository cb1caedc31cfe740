"""Roles are named sets of permissions. Each app grants its own permissions to roles in
its AppConfig.ready(); `sync_roles()` writes them to Django groups. Views never check a
role or group name: they ask the access layer for a permission (``access.can``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class Role:
    key: str
    label: str
    description: str
    permissions: set[str] = field(default_factory=set)


ROLES: dict[str, Role] = {
    role.key: role
    for role in [
        Role("beheerder", _("Beheerder"), _("Beheert medewerkers, rollen en referentiedata.")),
        Role(
            "klachtbehandelaar",
            _("Klachtbehandelaar"),
            _("Behandelt meldingen en klachten, onafhankelijk van de betrokken afdeling."),
        ),
        Role("teamleider", _("Teamleider"), _("Ziet de cijfers van het eigen team.")),
        Role("handhaver", _("Handhaver"), _("Boa van THOR of THBO.")),
        Role("analist", _("Analist"), _("Importeert gegevens en voert analyses uit.")),
        Role(
            "algoritme-eigenaar",
            _("Algoritme-eigenaar"),
            _("Beheert algoritmes in het register en hun toetsen."),
        ),
        Role("privacy-officer", _("Privacy officer"), _("Toetst privacy en bewaartermijnen.")),
        Role("auditor", _("Auditor"), _("Controleert het auditlog en de werking van het systeem.")),
    ]
}


def grant(role: str, *permissions: str) -> None:
    """Add permissions ('app_label.codename') to a role. Called from AppConfig.ready()."""
    if role not in ROLES:
        raise KeyError(f"unknown role {role!r}; known roles: {', '.join(ROLES)}")
    ROLES[role].permissions.update(permissions)


def group_name(role: str) -> str:
    return f"rol:{role}"


def sync_roles() -> dict[str, int]:
    """Make each role's group hold exactly its permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    counts = {}
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=group_name(role.key))
        perms = []
        for dotted in sorted(role.permissions):
            app_label, codename = dotted.split(".", 1)
            try:
                perms.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist:
                raise LookupError(
                    f"role {role.key!r} grants {dotted!r}, which does not exist; run migrations"
                ) from None
        group.permissions.set(perms)
        counts[role.key] = len(perms)
    return counts


def roles_of(user) -> list[str]:
    prefix = group_name("")
    return sorted(
        name.removeprefix(prefix)
        for name in user.groups.values_list("name", flat=True)
        if name.startswith(prefix)
    )


# Core's own grants. Every staff role may use the back office.
for _key in ROLES:
    grant(_key, "core.use_backoffice")
grant("beheerder", "core.manage_staff", "core.manage_reference_data")
grant("auditor", "core.view_auditlog", "core.view_processinglog")
grant("privacy-officer", "core.view_processinglog")
