from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Roles and what they may do here (docs/algorithms.md, "Roles"). Redacteur = edit_algorithm;
# Goedkeurder = approve_publication, a separate permission so that the four-eyes rule can be
# checked per person: the privacy officer holds both, but never approves their own release.
GRANTS = {
    "algoritme-eigenaar": (
        "view_register",
        "edit_algorithm",
        "edit_assessment",
        "view_audit",
        "run_audit",
        "view_pilot",
        "manage_pilot",
    ),
    "privacy-officer": (
        "view_register",
        "edit_algorithm",
        "approve_publication",
        "edit_assessment",
        "sign_assessment",
        "view_audit",
        "run_audit",
        "view_pilot",
        "manage_pilot",
    ),
    "beheerder": ("view_register", "approve_publication", "view_pilot"),
    "auditor": ("view_register", "sign_assessment", "view_audit", "view_pilot"),
    "analist": ("view_register", "view_audit", "run_audit", "view_pilot"),
    "teamleider": ("view_pilot",),
    "handhaver": ("view_pilot",),
}


def _sync_frameworks(sender, **kwargs) -> None:
    """Load new or changed framework files after every migrate (so `gelijk setup` does it)."""
    import logging

    from gelijk.algorithms.frameworks import FrameworkError
    from gelijk.algorithms.services.assessments import assessment_templates_sync

    try:
        assessment_templates_sync()
    except FrameworkError as exc:
        logging.getLogger("gelijk.algorithms").error("assessment frameworks not loaded: %s", exc)


class AlgorithmsConfig(AppConfig):
    name = "gelijk.algorithms"
    label = "algorithms"
    verbose_name = _("Algoritmes")

    def ready(self) -> None:
        from gelijk.algorithms import demo, policies, processing  # noqa: F401
        from gelijk.core import navigation, roles, scheduler, uploads

        policies.register()
        # Stored encrypted (files.encrypted): key rotation must rewrite them.
        uploads.register_encrypted_files("algorithms.EvidenceAttachment", "file")
        uploads.register_encrypted_files("algorithms.AuditDataset", "file")
        for role, codenames in GRANTS.items():
            roles.grant(role, *(f"algorithms.{c}" for c in codenames))

        navigation.add_public(
            navigation.NavItem(_("Algoritmeregister"), "algorithms:public-list", order=20)
        )
        navigation.add_office(
            navigation.NavItem(
                _("Algoritmes"), "algorithms:list", "algorithms.view_register", order=30
            )
        )
        navigation.add_office(
            navigation.NavItem(
                _("Toetsen"), "algorithms:assessment-list", "algorithms.view_register", order=31
            )
        )
        navigation.add_office(
            navigation.NavItem(
                _("Uthiek-pilot VTH"), "algorithms:pilot", "algorithms.view_pilot", order=32
            )
        )
        scheduler.schedule(
            scheduler.Job(
                "algorithms-reassessment-reminders",
                "gelijk.algorithms.tasks.send_reassessment_reminders",
                daily_at="06:30",
            )
        )
        post_migrate.connect(_sync_frameworks, sender=self, dispatch_uid="algorithms-frameworks")
