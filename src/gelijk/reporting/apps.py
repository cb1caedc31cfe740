from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "gelijk.reporting"
    label = "reporting"
    verbose_name = _("Meldingen en klachten")

    def ready(self) -> None:
        from gelijk.core import navigation, roles, scheduler, uploads
        from gelijk.reporting import demo, policies, processing  # noqa: F401

        policies.register()
        # Stored encrypted (files.encrypted): key rotation must rewrite them.
        uploads.register_encrypted_files("reporting.Attachment", "file")
        uploads.register_encrypted_files("reporting.Art1Handoff", "pdf_file")
        roles.grant(
            "klachtbehandelaar",
            "reporting.view_case",
            "reporting.handle_case",
            "reporting.register_case",
            "reporting.handoff_art1",
            "reporting.export_case",
            "reporting.view_statistics",
        )
        # Aggregates only (small-cell rule), and still without the cases about their own
        # department: the access policy applies to counts too.
        for role in ("analist", "privacy-officer", "auditor"):
            roles.grant(role, "reporting.view_statistics")

        navigation.add_public(navigation.NavItem(_("Melden"), "reporting:report", order=10))
        navigation.add_public(
            navigation.NavItem(_("Status van uw melding"), "reporting:status", order=11)
        )
        navigation.add_office(
            navigation.NavItem(
                _("Meldingen en klachten"), "reporting:case-list", "reporting.view_case", order=10
            )
        )
        navigation.add_office(
            navigation.NavItem(
                _("Cijfers meldingen"),
                "reporting:statistics",
                "reporting.view_statistics",
                order=11,
            )
        )
        for job in (
            scheduler.Job(
                "reporting-reminders", "gelijk.reporting.tasks.send_reminders", daily_at="07:00"
            ),
            scheduler.Job(
                "reporting-anonymise",
                "gelijk.reporting.tasks.anonymise_reporters",
                daily_at="03:00",
            ),
            scheduler.Job(
                "reporting-delete", "gelijk.reporting.tasks.delete_expired_cases", daily_at="03:15"
            ),
        ):
            scheduler.schedule(job)
