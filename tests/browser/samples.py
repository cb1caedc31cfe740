"""What the page walk needs to visit every URL of the URL configuration.

- ``SAMPLES``: for a URL with parameters, a function that creates (or finds) an object
  and returns the URL's kwargs. Each app adds its own; a URL without a sample fails the
  walk, so no page can be forgotten.
- ``NOT_PAGES``: URLs that are not HTML pages for a GET (POST-only actions, JSON), with
  the reason. Their own tests cover them.
"""

from __future__ import annotations

from collections.abc import Callable

SAMPLES: dict[str, Callable[[], dict]] = {}

NOT_PAGES: dict[str, str] = {
    "set_language": "POST-only language switch",
    "core:logout": "POST-only",
    "core:auditlog-verify": "POST-only action",
    "api-schema": "OpenAPI document (YAML/JSON), not a page",
    "core:staff-reset-2fa": "POST-only action",
    "core:staff-toggle-active": "POST-only action",
}


def sample(name: str):
    def decorator(func: Callable[[], dict]):
        SAMPLES[name] = func
        return func

    return decorator


@sample("core:staff-edit")
def _staff_member() -> dict:
    from gelijk.core.services.organisation import organisation_ensure, staff_user_ensure

    organisation_ensure()
    user = staff_user_ensure("walk-member", roles=["handhaver"], department="vth", team="thor")
    return {"pk": user.pk}


@sample("core:password-reset-confirm")
def _reset_link() -> dict:
    # An invalid link shows the "link no longer works" state, which must be accessible too.
    return {"uidb64": "MQ", "token": "set-password"}


@sample("reporting:case-detail")
def _reporting_case() -> dict:
    import uuid
    from datetime import date

    from gelijk.reporting.services.cases import Submission, case_submit

    result = case_submit(
        Submission(
            description="Voorbeeldmelding voor de toegankelijkheidstest.",
            occurred_on=date(2026, 1, 5),
            service="thor",
            contact_kinds=["stopped"],
            grounds=["origin"],
            consents={"sensitive": True},
        ),
        submission_key=uuid.uuid4(),
        notify_reporter=False,
    )
    return {"reference": result.case.reference}
