"""Result types of the monitor: one :class:`Result` per estimate, grouped per analysis.

Everything is a frozen dataclass with ``to_dict()``; numbers that are missing, NaN or infinite
become ``None`` (with the reason in ``explanation`` or ``notes``), so the JSON never holds NaN.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gelijk.engines.disclosure import is_small
from gelijk.engines.monitor.stats import Comparison, bh_qvalues, finite_or_none

SCOPES = ("all", "proactive", "reactive")
SCOPE_NL = {"all": "alle acties", "proactive": "proactieve acties", "reactive": "reactieve acties"}


def _json_safe(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return finite_or_none(float(value))
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Result:
    """One estimate. ``group`` is compared with ``reference`` (None for a level on its own)."""

    measure: str
    scope: str
    group: str | None
    reference: str | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n: int | None
    mde: float | None
    suppressed: bool
    explanation: str
    q_value: float | None = None
    district_code: str | None = None
    unit: str | None = None
    method: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "scope": self.scope,
            "group": self.group,
            "reference": self.reference,
            "district_code": self.district_code,
            "unit": self.unit,
            "estimate": finite_or_none(self.estimate),
            "ci_low": finite_or_none(self.ci_low),
            "ci_high": finite_or_none(self.ci_high),
            "p_value": finite_or_none(self.p_value),
            "q_value": finite_or_none(self.q_value),
            "n": self.n,
            "mde": finite_or_none(self.mde),
            "suppressed": self.suppressed,
            "method": self.method,
            "explanation": self.explanation,
            "extra": _json_safe(dict(self.extra)),
        }


def make_result(
    *,
    measure: str,
    scope: str,
    group: str | None,
    reference: str | None,
    comparison: Comparison | None = None,
    estimate: float | None = None,
    ci: tuple[float | None, float | None] = (None, None),
    n: int | None,
    counts: Sequence[float],
    k: int,
    explanation: str,
    district_code: str | None = None,
    unit: str | None = None,
    method: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Result:
    """A result with the small-cell rule applied: when any count it rests on is small
    (``0 < count < k``), the figures are withheld (None) and ``suppressed`` is True.

    The p-value is kept internally until the report-wide Benjamini–Hochberg step has run (a
    suppressed test still counts as a test); :meth:`MonitorReport.finalise` blanks it then.
    """
    if comparison is not None:
        estimate, ci, p, mde, method = (
            comparison.estimate,
            (comparison.ci_low, comparison.ci_high),
            comparison.p_value,
            comparison.mde,
            method or comparison.method,
        )
    else:
        p, mde = None, None
    suppressed = any(is_small(round(c), k) for c in counts)
    return Result(
        measure=measure,
        scope=scope,
        group=group,
        reference=reference,
        estimate=finite_or_none(estimate),
        ci_low=finite_or_none(ci[0]),
        ci_high=finite_or_none(ci[1]),
        p_value=finite_or_none(p),
        n=None if n is None else int(n),
        mde=finite_or_none(mde),
        suppressed=suppressed,
        explanation=explanation,
        district_code=district_code,
        unit=unit,
        method=method,
        extra=dict(extra or {}),
    )


def with_mde(result: Result, mde: float | None) -> Result:
    return replace(result, mde=finite_or_none(mde))


@dataclass(frozen=True)
class AnalysisResult:
    """One analysis of the report (``name`` as in report.json)."""

    name: str
    title: str
    status: str  # ok | not_applicable | not_available | insufficient_data
    summary: str
    results: tuple[Result, ...] = ()
    notes: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    charts: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "summary": self.summary,
            "notes": list(self.notes),
            "parameters": _json_safe(dict(self.parameters)),
            "chart_data": _json_safe(dict(self.charts)),
            "results": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True)
class MonitorReport:
    """The full monitor report. Build it with :func:`gelijk.engines.monitor.run_report`."""

    schema_version: str
    generated_at: str
    config: Mapping[str, Any]
    input: Mapping[str, Any]
    analyses: tuple[AnalysisResult, ...]
    notes: tuple[str, ...] = ()

    def analysis(self, name: str) -> AnalysisResult:
        for a in self.analyses:
            if a.name == name:
                return a
        raise KeyError(name)

    def results(self) -> list[tuple[str, Result]]:
        return [(a.name, r) for a in self.analyses for r in a.results]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "generated_at": self.generated_at,
            "config": _json_safe(dict(self.config)),
            "input": _json_safe(dict(self.input)),
            "notes": list(self.notes),
            "analyses": [a.to_dict() for a in self.analyses],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


def finalise(analyses: Sequence[AnalysisResult]) -> tuple[AnalysisResult, ...]:
    """Benjamini–Hochberg over every p-value in the report, then blank suppressed figures."""
    flat = [(i, j, r) for i, a in enumerate(analyses) for j, r in enumerate(a.results)]
    p = np.array([np.nan if r.p_value is None else r.p_value for _, _, r in flat])
    q = bh_qvalues(p)
    new_results: list[list[Result]] = [list(a.results) for a in analyses]
    for (i, j, r), qv in zip(flat, q, strict=True):
        qv = None if math.isnan(qv) else float(qv)
        if r.suppressed:
            r = replace(
                r,
                estimate=None,
                ci_low=None,
                ci_high=None,
                p_value=None,
                mde=None,
                n=None,
                q_value=None,
                extra={},
            )
        else:
            r = replace(r, q_value=qv)
        new_results[i][j] = r
    return tuple(
        replace(a, results=tuple(rs), charts=_blank_suppressed(a.charts))
        for a, rs in zip(analyses, new_results, strict=True)
    )


def _blank_suppressed(charts: Mapping[str, Any]) -> dict[str, Any]:
    """Chart rows marked ``suppressed`` keep their labels but lose every number."""
    out: dict[str, Any] = {}
    for name, rows in charts.items():
        clean = []
        for row in rows:
            if row.get("suppressed"):
                row = {
                    k: (None if isinstance(v, float | int) and not isinstance(v, bool) else v)
                    for k, v in row.items()
                }
            clean.append(row)
        out[name] = clean
    return out
