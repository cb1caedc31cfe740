from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gelijk.core"
    label = "core"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from gelijk.core import access, navigation, roles, scheduler  # noqa: F401
        from gelijk.core.models import AuditCheckpoint, AuditEntry, ProcessingRecord
        from gelijk.core.services import demo_seed  # noqa: F401  (registers the seeder)

        access.register(AuditEntry, access.ScopeByPermission("core.view_auditlog"))
        access.register(AuditCheckpoint, access.ScopeByPermission("core.view_auditlog"))
        access.register(ProcessingRecord, access.ScopeByPermission("core.view_processinglog"))
        access.register(get_user_model(), access.ScopeByPermission("core.manage_staff"))

        navigation.add_public(navigation.NavItem(_("Home"), "core:home", order=0))
        navigation.add_office(navigation.NavItem(_("Start"), "core:dashboard", order=0))
        navigation.add_office(
            navigation.NavItem(_("Auditlog"), "core:auditlog", "core.view_auditlog", order=900)
        )
        navigation.add_office(
            navigation.NavItem(
                _("Verwerkingenlog"), "core:processing-log", "core.view_processinglog", order=910
            )
        )
        navigation.add_office(
            navigation.NavItem(_("Medewerkers"), "core:staff-list", "core.manage_staff", order=920)
        )
