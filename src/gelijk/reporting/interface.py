"""Public interface of the reporting app for other apps (monitor, trainings).

``learning_signals(user, dimension, ...)`` returns aggregated counts of cases by month ×
one dimension — ``"team"``, ``"wijk"``, ``"theme"`` or ``"ground"`` — already passed through
the small-cell rule (``gelijk.engines.disclosure.suppress_2d`` with k =
``settings.GELIJK_SMALL_CELL_K``, secondary suppression and margins included). Counts are
taken over the cases ``user`` may see, so the independence rule holds here too: a user of
department X never gets counts that include cases about X.

A case counts once per month in each category it carries (a case with two themes counts
for both themes), so category columns can add up to more than the number of cases; the
margins are those of the published table. Cells are None when suppressed.

Example::

    from gelijk.reporting.interface import learning_signals
    table = learning_signals(request.user, "theme", since=date(2026, 1, 1))
    table.months, table.categories, table.values  # rows × columns, None = suppressed
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from gelijk.engines import disclosure
from gelijk.reporting.policies import countable_cases

DIMENSIONS = ("team", "wijk", "theme", "ground")


@dataclass(frozen=True)
class LearningSignals:
    dimension: str
    months: list[str]  # "YYYY-MM"
    categories: list[str]  # codes: team code, CBS wijk code, theme code, ground code
    values: list[list[int | None]]  # months × categories; None = suppressed
    row_totals: list[int | None]
    col_totals: list[int | None]
    grand_total: int | None
    k: int

    def to_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "months": list(self.months),
            "categories": list(self.categories),
            "values": [list(r) for r in self.values],
            "row_totals": list(self.row_totals),
            "col_totals": list(self.col_totals),
            "grand_total": self.grand_total,
            "k": self.k,
        }


def _categories(case, dimension: str) -> list[str]:
    if dimension == "team":
        return [case.tag_team] if case.tag_team else []
    if dimension == "wijk":
        return [case.tag_district.code] if case.tag_district_id else []
    if dimension == "theme":
        return list(case.tag_themes)
    return list(case.grounds or [])


def learning_signals(
    user, dimension: str, *, since: date | None = None, until: date | None = None
) -> LearningSignals:
    """Aggregated learning signals (see the module docstring)."""
    from gelijk.reporting.models import Case

    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}; got {dimension!r}")
    qs = countable_cases(user, Case.objects.select_related("tag_district"))
    if since:
        qs = qs.filter(received_at__date__gte=since)
    if until:
        qs = qs.filter(received_at__date__lte=until)
    counter: Counter = Counter()
    for case in qs:
        month = timezone.localtime(case.received_at).strftime("%Y-%m")
        for category in _categories(case, dimension):
            counter[(month, category)] += 1
    months = sorted({m for m, _ in counter})
    categories = sorted({c for _, c in counter})
    k = settings.GELIJK_SMALL_CELL_K
    if not months:
        return LearningSignals(dimension, [], [], [], [], [], 0, k)
    table = [[counter.get((m, c), 0) for c in categories] for m in months]
    result = disclosure.suppress_2d(table, k)
    return LearningSignals(
        dimension,
        months,
        categories,
        result.values,
        result.row_totals,
        result.col_totals,
        result.grand_total,
        k,
    )
