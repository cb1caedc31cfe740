from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Staff who write or check letters to residents, entrepreneurs or applicants. The auditor
# checks the system, not letters, and reads the library's changes in the audit log.
WRITERS = (
    "beheerder",
    "klachtbehandelaar",
    "teamleider",
    "handhaver",
    "analist",
    "algoritme-eigenaar",
    "privacy-officer",
)


class LanguageConfig(AppConfig):
    name = "gelijk.language"
    label = "language"
    verbose_name = _("Taalscan")

    def ready(self) -> None:
        from gelijk.core import navigation, roles
        from gelijk.language import demo, policies, processing  # noqa: F401

        policies.register()
        for role in WRITERS:
            roles.grant(role, policies.USE, policies.EDIT)
        roles.grant("beheerder", policies.MANAGE_LIBRARY, policies.RUN_BATCH, policies.MANAGE_RULES)
        roles.grant("analist", policies.MANAGE_LIBRARY, policies.RUN_BATCH, policies.MANAGE_RULES)
        roles.grant("teamleider", policies.RUN_BATCH)

        navigation.add_office(
            navigation.NavItem(_("Taalscan"), "language:scan", policies.USE, order=40)
        )
