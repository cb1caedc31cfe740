"""Who may see and do what in the monitor (docs/monitor.md, "Roles").

* ``monitor.import_data`` and ``monitor.run_analysis``: the analist.
* ``monitor.view_dashboard``: analist, beheerder, teamleider, privacy officer, auditor.
  The handhaver has no dashboard: officers are the people the monitor looks at, and the
  internal benchmark is about them; city-level figures reach them through the public pages.
* ``monitor.view_team_results``: every dashboard role except the teamleider, who sees the
  benchmark of their own team (``StaffProfile.team``) in aggregate only.
* ``monitor.view_officer_results``: the analist only; every view is audit-logged.

Action rows and survey responses are never shown to anyone: the services read them as the
system to build a run, and only aggregates leave the app (the policies return nothing).
"""

from __future__ import annotations

from gelijk.core import access

IMPORT = "monitor.import_data"
RUN = "monitor.run_analysis"
VIEW = "monitor.view_dashboard"
VIEW_TEAMS = "monitor.view_team_results"
VIEW_OFFICERS = "monitor.view_officer_results"

GRANTS = {
    "analist": (IMPORT, RUN, VIEW, VIEW_TEAMS, VIEW_OFFICERS),
    "beheerder": (VIEW, VIEW_TEAMS),
    "privacy-officer": (VIEW, VIEW_TEAMS),
    "auditor": (VIEW, VIEW_TEAMS),
    "teamleider": (VIEW,),
}


class Nobody(access.Policy):
    """Rows that leave the app only as aggregates: no user sees them one by one."""


def register() -> None:
    from gelijk.monitor.models import (
        Action,
        AnalysisRun,
        DataImport,
        RunAnalysis,
        RunCell,
        SurveyResponses,
    )

    dashboard = access.ScopeByPermission(VIEW)
    access.register(DataImport, dashboard)
    access.register(AnalysisRun, dashboard)
    access.register(RunAnalysis, dashboard)
    access.register(RunCell, dashboard)
    nobody = Nobody()
    access.register(Action, nobody)
    access.register(SurveyResponses, nobody)


def own_team_code(user) -> str:
    """The code of the user's team (lower case, e.g. 'thor'), or '' without a team."""
    from gelijk.core.models import StaffProfile

    code = StaffProfile.objects.filter(user_id=user.pk).values_list("team__code", flat=True).first()
    return (code or "").lower()
