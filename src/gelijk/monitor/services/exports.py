"""Exports of a run: CSV of the pre-aggregated counts and of the results (small cells blank
with a note), the PDF report, and — for the analist only, as it names officers by pseudonym —
the engine's own report.json and HTML. Every export is written to the audit log."""

from __future__ import annotations

import base64
import csv
import io
from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone

from gelijk.core import access, audit, processing
from gelijk.engines import disclosure
from gelijk.engines.monitor import nl
from gelijk.monitor import charts, policies, present, selectors

SUPPRESSED = "onderdrukt (kleine aantallen)"


def _record(run, what: str, **detail) -> None:
    audit.record(audit.Action.EXPORT, obj=run, detail={"export": what, **detail})


def csv_counts(user, run) -> str:
    """Actions per month × wijk × group level, per initiative, with margins; the small-cell
    rule with secondary suppression per table (``disclosure.suppress_2d``)."""
    access.require(user, policies.VIEW, run)
    cells = selectors.cells(user, run)
    levels = [*run.levels, None]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "# Gelijk monitor, analyse",
            run.pk,
            f"{run.period_start:%Y-%m-%d} t/m {run.period_end:%Y-%m-%d}",
            f"lege cel = {SUPPRESSED}: minder dan {present.k()} of daaruit af te leiden",
        ]
    )
    writer.writerow(["aanleiding", "maand", "wijk", nl.column(run.group), "acties", "opmerking"])
    for initiative in ("proactive", "reactive"):
        counts: dict[tuple, int] = defaultdict(int)
        for c in cells:
            if c["initiative"] != initiative:
                continue
            g = c["group_value"] if c["group_value"] in run.levels else None
            counts[(c["month"], c["district_code"], g)] += c["n"]
        keys = sorted({(m, d) for m, d, _g in counts})
        if not keys:
            continue
        table = [[counts[(m, d, g)] for g in levels] for m, d in keys]
        protected = disclosure.suppress_2d(table, present.k())
        label = "proactief" if initiative == "proactive" else "reactief"
        for (month, code), values, total in zip(
            keys, protected.values, protected.row_totals, strict=True
        ):
            for g, v in zip(levels, values, strict=True):
                writer.writerow(_count_row(label, f"{month:%Y-%m}", nl.wijk(code), _lvl(run, g), v))
            writer.writerow(_count_row(label, f"{month:%Y-%m}", nl.wijk(code), "totaal", total))
        for g, v in zip(levels, protected.col_totals, strict=True):
            writer.writerow(_count_row(label, "totaal", "totaal", _lvl(run, g), v))
        writer.writerow(_count_row(label, "totaal", "totaal", "totaal", protected.grand_total))
    _record(run, "csv_counts")
    return out.getvalue()


def _lvl(run, g) -> str:
    return "onbekend" if g is None else str(g)


def _count_row(initiative, month, wijk, group, value) -> list:
    return [
        initiative,
        month,
        wijk,
        group,
        "" if value is None else value,
        "" if value is not None else SUPPRESSED,
    ]


def csv_results(user, run) -> str:
    """Every result of the run except those per officer, with interval, n, p, q and MDE."""
    access.require(user, policies.VIEW, run)
    analyses = selectors.analyses(user, run)
    allowed = selectors.team_scope(user)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "analyse",
            "maat",
            "aanleiding",
            "groep",
            "referentie",
            "wijk",
            "eenheid",
            "schatting",
            "interval_laag",
            "interval_hoog",
            "p",
            "q",
            "n",
            "mde",
            "opmerking",
        ]
    )
    for name, a in analyses.items():
        for r in a["results"]:
            if (
                r["measure"] == "team_difference"
                and allowed is not None
                and str(r["unit"]).lower() != allowed
            ):
                continue
            writer.writerow(
                [
                    name,
                    r["measure"],
                    r["scope"],
                    r.get("group") or "",
                    r.get("reference") or "",
                    r.get("district_code") or "",
                    r.get("unit") or "",
                    *(
                        "" if r.get(f) is None else r[f]
                        for f in ("estimate", "ci_low", "ci_high", "p_value", "q_value", "n", "mde")
                    ),
                    SUPPRESSED if r.get("suppressed") else "",
                ]
            )
    _record(run, "csv_results")
    return out.getvalue()


def _img(spec: dict | None) -> str | None:
    if spec is None:
        return None
    svg = charts.svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf(user, run, context: dict) -> bytes:
    """The PDF report: headline figures, signals and charts as static images."""
    from weasyprint import HTML

    access.require(user, policies.VIEW, run)
    html = render_to_string(
        "monitor/pdf/report.html",
        {
            **context,
            "forest_img": _img(context.get("forest")),
            "map_img": _img(context.get("map_spec")),
            "trend_img": _img(context.get("trend_spec")),
            "generated": timezone.localtime(),
        },
    )
    data = HTML(string=html).write_pdf()
    _record(run, "pdf", bytes=len(data))
    return data


def engine_report(user, run, what: str) -> bytes:
    """The engine's own report.json or HTML: it lists officers by pseudonym, so only for
    ``monitor.view_officer_results``, and logged as an export of personal data."""
    import json

    access.require(user, policies.VIEW_OFFICERS)
    run = selectors.run_get(user, run.pk)
    if what == "html":
        data = selectors.run_html(user, run).encode()
    else:
        report = report_dict(run)
        data = json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False).encode()
    _record(run, f"engine_{what}", officer_results=True)
    processing.record("monitor_officer_results", trace_id=f"monitor-run-{run.pk}")
    return data


def report_dict(run) -> dict:
    """The engine's report.json as stored (meta plus analyses in their order)."""
    return {
        **(run.report_meta or {}),
        "analyses": [row.payload for row in run.analyses.order_by("position")],
    }
