"""Every read of the reporting app: rows through ``gelijk.core.access.scope``, counts through
``policies.countable_cases`` — both apply the one independence rule of policies.py, for
lists, searches, exports, counts and statistics."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from gelijk.core import access, audit
from gelijk.engines import disclosure
from gelijk.reporting import codes, stats
from gelijk.reporting.choices import Channel, Ground, Kind, Outcome, Theme
from gelijk.reporting.models import Art1Handoff, Attachment, Case, CaseEvent
from gelijk.reporting.policies import countable_cases, countable_related
from gelijk.reporting.workflow import OPEN_STATES, State

DUE_SOON_DAYS = 7


def cases(user):
    return access.scope(user, Case.objects.select_related("status_event", "handler", "district"))


def case_list(user, filters) -> QuerySet:  # noqa: F821
    qs = cases(user)
    now = timezone.now()
    status = filters.get("status")
    if status in State.values:
        qs = qs.filter(status_event__to_state=status)
    elif status == "open":
        qs = qs.exclude(status_event__to_state=State.CLOSED)
    if filters.get("soort") in Kind.values:
        qs = qs.filter(kind=filters["soort"])
    term = filters.get("termijn")
    if term == "verlopen":
        qs = overdue(qs, now)
    elif term == "binnenkort":
        qs = due_soon(qs, now)
    if filters.get("mijn") == "1":
        qs = qs.filter(handler=user)
    search = (filters.get("zoek") or "").strip()
    if search:
        qs = qs.filter(reference__icontains=codes.reference_key(search) or search)
    return qs.order_by("due_at", "pk")


def overdue(qs, now: datetime):
    return qs.exclude(status_event__to_state=State.CLOSED).filter(due_at__lt=now)


def due_soon(qs, now: datetime):
    return qs.exclude(status_event__to_state=State.CLOSED).filter(
        due_at__gte=now, due_at__lt=now + timedelta(days=DUE_SOON_DAYS)
    )


def case_get(user, reference: str) -> Case | None:
    """One case file; every successful view is audit-logged (GUIDE §4.4)."""
    case = cases(user).filter(reference=reference).first()
    if case is not None:
        audit.record(audit.Action.VIEW, obj=case)
    return case


def case_history(user, case: Case):
    return access.scope(user, CaseEvent.objects.filter(case=case)).select_related("actor")


def case_attachments(user, case: Case):
    return access.scope(user, Attachment.objects.filter(case=case))


def case_handoffs(user, case: Case):
    return access.scope(user, Art1Handoff.objects.filter(case=case)).select_related("actor")


def attachment_get(user, case: Case, pk: int) -> Attachment | None:
    return case_attachments(user, case).filter(pk=pk).first()


def handoff_get(user, case: Case, pk: int) -> Art1Handoff | None:
    return case_handoffs(user, case).filter(pk=pk).first()


def possible_handlers(case: Case):
    """Staff who may handle this case: the permission, and independent of it."""
    from gelijk.reporting.policies import independent_of

    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [
        u
        for u in users
        if access.has_permission(u, "reporting.handle_case") and independent_of(u, case)
    ]


def public_view(case: Case) -> dict:
    """What the resident sees on the status page (no internal notes, no staff names)."""
    events = case.events.filter(public=True).order_by("created_at", "pk")
    return {
        "case": case,
        "events": list(events),
        "attachments": case.attachments.filter(from_resident=True).count(),
    }


def reminders_by_handler():
    """(user, overdue, due soon) for every handler, through each handler's own scope:
    assigned cases go to their handler, unassigned ones to every handler who may see them."""
    now = timezone.now()
    result = []
    for user in get_user_model().objects.filter(is_active=True).order_by("pk"):
        if not access.has_permission(user, "reporting.handle_case"):
            continue
        mine = cases(user).filter(Q(handler=user) | Q(handler__isnull=True))
        late, soon = list(overdue(mine, now)), list(due_soon(mine, now))
        if late or soon:
            result.append((user, late, soon))
    return result


# --- statistics (every figure through the small-cell rule) -----------------------------


def _k() -> int:
    return settings.GELIJK_SMALL_CELL_K


def _table_1d(labels: list[tuple[str, str]], counter: Counter) -> dict:
    counts = [counter.get(code, 0) for code, _label in labels]
    result = disclosure.suppress_1d(counts, _k())
    return {
        "rows": [
            {"code": code, "label": str(label), "count": value}
            for (code, label), value in zip(labels, result.values, strict=True)
        ],
        "total": result.total,
    }


def _days(case: Case) -> float:
    return (case.closed_at - case.received_at).total_seconds() / 86400


def statistics(user, *, year: int | None = None) -> dict:
    """Dashboard and yearly-report figures over the cases ``user`` may see."""
    now = timezone.now()
    qs = countable_cases(user, Case.objects.select_related("status_event"))
    if year:
        qs = qs.filter(received_at__year=year)
    rows = list(qs)
    k = _k()
    open_rows = [c for c in rows if c.status in OPEN_STATES]
    state_labels = [(s.value, s.label) for s in State if s != State.CLOSED]
    kind_labels = [(k_.value, k_.label) for k_ in Kind]
    table = [
        [
            sum(1 for c in open_rows if c.kind == kind and c.status == state)
            for state, _ in state_labels
        ]
        for kind, _ in kind_labels
    ]
    open_table = disclosure.suppress_2d(table, k)
    open_complaints = [c for c in open_rows if c.kind == Kind.COMPLAINT]
    deadline_counts = Counter(
        "overdue"
        if c.due_at < now
        else "due_soon"
        if c.due_at < now + timedelta(days=DUE_SOON_DAYS)
        else "on_time"
        for c in open_complaints
    )
    closed = [c for c in rows if c.closed_at and c.status == State.CLOSED]
    handling = {}
    for kind, label in kind_labels:
        days = [_days(c) for c in closed if c.kind == kind]
        ci = stats.median_ci(days)
        published = disclosure.suppress_derived(ci, ci.n, k=k) if ci.n else None
        handling[kind] = {
            "label": label,
            "n": ci.n if not disclosure.is_small(ci.n, k) else None,
            "ci": published.to_dict() if published else None,
        }
    closed_complaints = [c for c in closed if c.kind == Kind.COMPLAINT]
    within = sum(1 for c in closed_complaints if c.closed_at <= c.due_at)
    n_cc = len(closed_complaints)
    within_share = disclosure.suppress_derived(
        round(100 * within / n_cc) if n_cc else None, within, n_cc - within, n_cc, k=k
    )
    grounds = Counter(g for c in rows for g in (c.grounds or []))
    themes = Counter(t for c in rows for t in c.tag_themes)
    extended = sum(1 for c in rows if c.extension_weeks)
    handoffs = countable_related(user, Art1Handoff.objects.filter(case__in=[c.pk for c in rows]))
    return {
        "k": k,
        "year": year,
        "n_cases": disclosure.suppress_1d([len(rows)], k, with_total=False).values[0],
        "open": {
            "states": [str(label) for _, label in state_labels],
            "rows": [
                {"label": str(label), "values": values, "total": total}
                for (_, label), values, total in zip(
                    kind_labels, open_table.values, open_table.row_totals, strict=True
                )
            ],
            "col_totals": open_table.col_totals,
            "total": open_table.grand_total,
        },
        "received_by_kind": _table_1d(kind_labels, Counter(c.kind for c in rows)),
        "deadlines": _table_1d(
            [
                ("overdue", _label("Termijn verlopen")),
                ("due_soon", _label("Binnen 7 dagen")),
                ("on_time", _label("Op tijd")),
            ],
            deadline_counts,
        ),
        "outcomes": _table_1d(
            [(o.value, o.label) for o in Outcome], Counter(c.outcome for c in closed if c.outcome)
        ),
        "channels": _table_1d(
            [(c.value, c.label) for c in Channel], Counter(c.channel for c in rows)
        ),
        "grounds": _table_1d([(g.value, g.label) for g in Ground], grounds),
        "themes": _table_1d([(t.value, t.label) for t in Theme], themes),
        "handling_days": handling,
        "within_term": {
            "share": within_share,
            "n": n_cc if not disclosure.is_small(n_cc, k) else None,
        },
        "extended": disclosure.suppress_1d([extended], k, with_total=False).values[0],
        "handoffs": disclosure.suppress_1d([handoffs.count()], k, with_total=False).values[0],
        "months": _by_month(rows),
    }


def _label(text: str):
    from django.utils.translation import gettext_lazy

    return gettext_lazy(text)


def _by_month(rows) -> dict:
    counter = Counter(timezone.localtime(c.received_at).strftime("%Y-%m") for c in rows)
    months = sorted(counter)
    result = disclosure.suppress_1d([counter[m] for m in months], _k())
    return {
        "rows": [{"month": m, "count": v} for m, v in zip(months, result.values, strict=True)],
        "total": result.total,
    }


def years_available(user) -> list[int]:
    dates = countable_cases(user, Case.objects.all()).dates("received_at", "year")
    years = sorted({d.year for d in dates} | {timezone.localdate().year}, reverse=True)
    return years
