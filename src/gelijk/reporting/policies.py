"""Independence (GUIDE §4.1), enforced in this one place for the case and everything that
hangs off it: events, attachments, consents, contact data and hand-offs — and through
``access.scope`` for every page, API endpoint, search, export and count.

The rule: a case about department X is invisible to every user whose department is X, and
a case about an officer is invisible to that officer — whatever their role, including a
complaints handler who happens to work in X. Seeing a case at all needs
``reporting.view_case``; acting on it, the action's permission as well.
"""

from __future__ import annotations

from django.db.models import Q

from gelijk.core import access


def _profile(user) -> tuple[str, str]:
    """(department code, officer pseudonym) of a staff user; read fresh on every check."""
    from gelijk.core.models import StaffProfile

    row = (
        StaffProfile.objects.filter(user_id=user.pk)
        .values_list("department__code", "officer_pseudonym")
        .first()
    )
    return (row[0] or "", row[1] or "") if row else ("", "")


def hidden_q(user, prefix: str = "") -> Q:
    """Q for the cases ``user`` must NOT see (``prefix`` reaches the case, e.g. 'case__')."""
    department, officer = _profile(user)
    hidden = Q(pk__in=[])
    if department:
        hidden |= Q(**{f"{prefix}department_code": department})
    if officer:
        hidden |= Q(**{f"{prefix}officer_pseudonym": officer})
    return hidden


def independent_of(user, case) -> bool:
    department, officer = _profile(user)
    if department and case.department_code == department:
        return False
    return not (officer and case.officer_pseudonym == officer)


class CasePolicy(access.Policy):
    def __init__(self, prefix: str = "", case_of=lambda obj: obj):
        self.prefix = prefix
        self.case_of = case_of

    def scope(self, user, queryset):
        if not access.has_permission(user, "reporting.view_case"):
            return queryset.none()
        return queryset.exclude(hidden_q(user, self.prefix))

    def can(self, user, permission, obj):
        if not access.has_permission(user, "reporting.view_case"):
            return False
        return independent_of(user, self.case_of(obj))

    def aggregate_scope(self, user, queryset):
        """The rows a user may *count* (dashboards, yearly report, learning signals): those
        with ``reporting.view_statistics`` count cases without seeing them, under the same
        independence rule as the rows themselves."""
        if not access.is_staff_user(user) or not (
            access.has_permission(user, "reporting.view_statistics")
            or access.has_permission(user, "reporting.view_case")
        ):
            return queryset.none()
        return queryset.exclude(hidden_q(user, self.prefix))


CASE_POLICY = CasePolicy()
RELATED_POLICY = CasePolicy("case__", lambda obj: obj.case)


def countable_cases(user, queryset):
    """Cases ``user`` may count (see ``CasePolicy.aggregate_scope``)."""
    return CASE_POLICY.aggregate_scope(user, queryset)


def countable_related(user, queryset):
    return RELATED_POLICY.aggregate_scope(user, queryset)


def register() -> None:
    from gelijk.reporting.models import (
        Art1Handoff,
        Attachment,
        Case,
        CaseEvent,
        Consent,
        ReporterContact,
    )

    access.register(Case, CASE_POLICY)
    for model in (CaseEvent, Attachment, Consent, ReporterContact, Art1Handoff):
        access.register(model, RELATED_POLICY)
