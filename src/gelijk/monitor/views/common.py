"""What every dashboard page shares: the run it shows, its imports, the scope choice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gelijk.core import access
from gelijk.engines.monitor import nl
from gelijk.monitor import policies, present, selectors
from gelijk.monitor.forms import group_label

SECTIONS = (
    ("overview", "monitor:overview", _("Overzicht")),
    ("map", "monitor:map", _("Kaart")),
    ("trends", "monitor:trends", _("Trends")),
    ("outcome", "monitor:outcome", _("Uitkomstentoets")),
    ("darkness", "monitor:darkness", _("Licht en donker")),
    ("threshold", "monitor:threshold", _("Drempeltoets")),
    ("scan", "monitor:scan", _("Bias scan")),
    ("benchmark", "monitor:benchmark", _("Teams en handhavers")),
    ("signals", "monitor:signals", _("Signalen samen")),
    ("detect", "monitor:detect", _("Wat kan de monitor zien")),
    ("compare", "monitor:compare", _("Vergelijken")),
    ("methods", "monitor:methods", _("Methoden")),
    ("runs", "monitor:runs", _("Analyses")),
    ("imports", "monitor:imports", _("Imports")),
)


def scope_of(request, default: str = "proactive") -> str:
    scope = request.GET.get("scope", default)
    return scope if scope in present.SCOPES else default


def run_context(request, section: str) -> dict:
    """Context of a dashboard page: the run (or None), its labels and choices."""
    user = request.user
    run = selectors.run_for_dashboard(user, request.GET.get("run"))
    context = {
        "section": section,
        "sections": SECTIONS,
        "run": run,
        "runs": list(selectors.run_choices(user)[:50]),
        "can_run": access.has_permission(user, policies.RUN),
        "can_import": access.has_permission(user, policies.IMPORT),
        "k": present.k(),
        "scope_choices": [(s, present.SCOPE_LABELS[s]) for s in present.SCOPES],
    }
    if run is not None:
        context.update(
            {
                "group_label": group_label(run.group),
                "reference_label": nl.level(run.group, run.reference_used)
                if run.reference_used
                else "",
                **run_sources(run),
                "n_actions_text": present.small_count(run.n_actions)["text"],
            }
        )
    return context


def run_sources(run) -> dict:
    """The data a run read, as every run header (pages, PDF, run page) names them."""
    return {"pinned": list(run.imports.all()), "survey_source": selectors.survey_source(run)}


def analyses_of(request, run, names=None) -> dict:
    return selectors.analyses(request.user, run, names) if run is not None else {}
