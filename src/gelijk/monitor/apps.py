from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "gelijk.monitor"
    label = "monitor"
    verbose_name = _("Monitor gelijke behandeling")

    def ready(self) -> None:
        from gelijk.core import navigation, roles, scheduler
        from gelijk.monitor import demo, policies, processing  # noqa: F401

        policies.register()
        for role, permissions in policies.GRANTS.items():
            roles.grant(role, *permissions)
        navigation.add_office(
            navigation.NavItem(_("Monitor"), "monitor:overview", policies.VIEW, order=20)
        )
        scheduler.schedule(
            scheduler.Job(
                "monitor-monthly-analysis",
                "gelijk.monitor.tasks.monthly_analysis",
                daily_at="05:00",
                monthly_day=1,
            )
        )
