"""The dashboards at /monitor/: every figure with its interval and n, small cells suppressed."""

from __future__ import annotations

from collections import defaultdict

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gelijk.core.models import District
from gelijk.core.views.base import staff_required
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.analyses.population_rates import garwood
from gelijk.engines.monitor.contract import POPULATION_GROUPS
from gelijk.monitor import charts, policies, present, selectors
from gelijk.monitor.views.common import analyses_of, run_context, scope_of

RATIO_HEADLINES = (
    ("population_rates", "rate_ratio_standardised", gettext_lazy("Per inwoner")),
    ("outcome_test", "odds_ratio_mh", gettext_lazy("Vondst (kansverhouding)")),
    ("veil_of_darkness", "vod_odds_ratio_district", gettext_lazy("Donker/licht")),
    ("poisson_offset", "rate_ratio_reactive_baseline", gettext_lazy("Per reactieve actie")),
    ("poisson_offset", "rate_ratio_population", gettext_lazy("Per inwoner (model)")),
)


def _levels(run) -> list[str]:
    return [lv for lv in (run.levels or []) if lv != run.reference_used]


def _forest_points(analyses: dict, run, scope: str) -> list[dict]:
    points = []
    for name, measure, short in RATIO_HEADLINES:
        a = analyses.get(name)
        if not a or a["status"] != "ok":
            continue
        for r in present.pick(a["results"], measure, scope, district_code=None):
            if r.get("suppressed") or not charts.log_ok(r.get("estimate")):
                continue
            points.append(
                {
                    "label": f"{short} · {present.label(run.group, r['group'])}",
                    "estimate": r["estimate"],
                    "low": r["ci_low"],
                    "high": r["ci_high"],
                    "signal_label": _("signaal (q < 0,05)")
                    if present.signal(r)
                    else _("geen signaal"),
                    "row": present.row(r, run.group),
                }
            )
    return points


def overview_data(user, run, scope: str) -> dict:
    analyses = selectors.analyses(user, run)
    points = _forest_points(analyses, run, scope)
    quality = analyses.get("data_quality", {})
    bench_scope = scope if scope != "reactive" else "proactive"
    return {
        "scope": scope,
        "scope_label": present.SCOPE_LABELS[scope],
        "headlines": present.headlines(analyses, run.group, scope),
        "signals": present.signals(analyses, run.group),
        "forest_rows": [p["row"] for p in points],
        "forest": charts.forest(
            [{k: v for k, v in p.items() if k != "row"} for p in points],
            title=_("verhouding tot de referentiegroep (logaritmische as)"),
            description=_(
                "Puntgrafiek met intervallen: de belangrijkste verhoudingen per groep "
                "tegenover de referentiegroep. De tabel onder de grafiek geeft dezelfde "
                "cijfers."
            ),
        ),
        "officer_signals": selectors.officer_signal_count(user, run, bench_scope),
        "team_rows": present.rows(
            [r for r in selectors.team_results(user, run) if r["scope"] == bench_scope],
            run.group,
        ),
        "bench_scope_label": present.SCOPE_LABELS[bench_scope],
        "excluded_months": (quality.get("parameters") or {}).get("excluded_months", {}),
        "survey": _survey_headline(analyses.get("survey"), run),
    }


@staff_required(policies.VIEW)
def overview(request):
    ctx = run_context(request, "overview")
    run = ctx["run"]
    if run is not None:
        ctx.update(overview_data(request.user, run, scope_of(request)))
    return render(request, "monitor/overview.html", ctx)


def _survey_headline(survey: dict | None, run) -> dict | None:
    if not survey or survey["status"] != "ok":
        return None
    reference = (survey.get("parameters") or {}).get("reference")
    diffs = [r for r in survey["results"] if r["measure"] == "difference" and r["unit"] == "all"]
    best = present.strongest(diffs)
    if best is None:
        return None
    return {"row": present.row(best, "self_reported_group"), "reference": reference}


# --------------------------------------------------------------------------- map

MAP_MEASURES = (
    ("rate", gettext_lazy("Acties per 1.000 inwoners")),
    ("ratio", gettext_lazy("Verhouding tot de referentiegroep (per inwoner)")),
    ("hits", gettext_lazy("Verhouding in vondstpercentage")),
)


def _wijk_rates_all(cells: list[dict], scope: str) -> dict[str, dict]:
    counts = present.wijk_counts(cells, scope)
    scoped = cells if scope == "all" else [c for c in cells if c["initiative"] == scope]
    years = max(len({c["month"] for c in scoped}), 1) / 12
    out = {}
    for d in District.objects.all():
        n = counts.get(d.code)
        if n is None or not d.population:
            out[d.code] = {"value": None, "n": n}
            continue
        exposure = d.population * years / 1000
        low, high = garwood(n)
        out[d.code] = {
            "value": n / exposure,
            "low": low / exposure,
            "high": high / exposure,
            "n": n,
        }
    return out


def map_data(user, run, scope: str, measure: str, level: str) -> dict:
    measure = measure if measure in dict(MAP_MEASURES) else "rate"
    levels = _levels(run)
    has_pop = run.group in POPULATION_GROUPS
    if measure == "ratio" and not has_pop:
        measure = "rate"
    if measure == "rate" and (not has_pop or level not in run.levels):
        level = ""
    if measure in ("ratio", "hits") and level not in levels:
        level = levels[0] if levels else ""
    analyses = selectors.analyses(user, run, ("population_rates", "outcome_test"))
    by_code: dict[str, dict] = {}
    if measure == "rate" and not level:
        for code, v in _wijk_rates_all(selectors.cells(user, run), scope).items():
            by_code[code] = {
                "value": v["value"],
                "estimate": nl.num(v["value"], 1) if v["value"] is not None else "–",
                "ci": f"{nl.num(v['low'], 1)} tot {nl.num(v['high'], 1)}"
                if v["value"] is not None
                else "–",
                "n": present.small_count(v["n"])["text"] if v["n"] is not None else None,
                "suppressed": v["n"] is None,
            }
        legend = _("acties per 1.000 inwoners per jaar")
    else:
        source = analyses.get("outcome_test" if measure == "hits" else "population_rates", {})
        wanted = {"rate": "rate_per_1000", "ratio": "rate_ratio", "hits": "hit_rate_ratio"}[measure]
        for r in source.get("results", []):
            if (
                r["measure"] == wanted
                and r["scope"] == scope
                and r.get("district_code")
                and r["group"] == level
            ):
                shown = present.row(r, run.group)
                by_code[r["district_code"]] = {
                    "value": r.get("estimate"),
                    "estimate": shown["estimate"],
                    "ci": shown["ci"],
                    "n": shown["n"],
                    "suppressed": shown["suppressed"],
                    "signal": shown["signal"],
                    "q": shown["q"],
                }
        legend = {
            "rate": _("acties per 1.000 inwoners per jaar"),
            "ratio": _("verhouding per inwoner"),
            "hits": _("verhouding vondstpercentage"),
        }[measure]
    features, table = [], []
    for d in District.objects.order_by("code"):
        info = by_code.get(d.code, {"value": None, "estimate": "–", "ci": "–", "n": None})
        if info.get("suppressed"):
            info = {**info, "value": None}
        name = nl.wijk(d.code)
        table.append({"code": d.code, "name": name, **info})
        if d.boundary:
            lon, lat = charts.centroid(d.boundary)
            features.append(
                {
                    "type": "Feature",
                    "geometry": charts.rewound(d.boundary),
                    "properties": {
                        "code": d.code,
                        "name": name,
                        "value": info["value"],
                        "lon": lon,
                        "lat": lat,
                    },
                }
            )
    if measure == "rate" and has_pop:
        choices = [("", _("alle groepen"))] + [
            (lv, present.label(run.group, lv)) for lv in run.levels
        ]
    elif measure == "rate":
        choices = [("", _("alle groepen"))]
    else:
        choices = [(lv, present.label(run.group, lv)) for lv in levels]
    return {
        "scope": scope,
        "scope_label": present.SCOPE_LABELS[scope],
        "measure": measure,
        "measures": [(m, lbl) for m, lbl in MAP_MEASURES if m != "ratio" or has_pop],
        "level": level,
        "level_label": present.label(run.group, level) if level else _("alle groepen"),
        "level_choices": choices,
        "legend": legend,
        "table": table,
        "has_pop": has_pop,
        "map_spec": charts.choropleth(
            features,
            title=str(legend),
            description=_(
                "Kaart van de tien wijken van Utrecht, gekleurd naar %(what)s. De tabel naast "
                "de kaart geeft per wijk hetzelfde cijfer met interval en aantal."
            )
            % {"what": legend},
            diverging=measure != "rate",
        )
        if any(f["properties"]["value"] is not None for f in features)
        else None,
    }


@staff_required(policies.VIEW)
def wijk_map(request):
    ctx = run_context(request, "map")
    run = ctx["run"]
    if run is not None:
        ctx.update(
            map_data(
                request.user,
                run,
                scope_of(request),
                request.GET.get("maat", "rate"),
                request.GET.get("groep", ""),
            )
        )
    return render(request, "monitor/map.html", ctx)


# --------------------------------------------------------------------------- trends


def trend_data(user, run, scope: str, by: str) -> dict:
    table = present.trend_table(
        selectors.cells(user, run), list(run.levels), run.group, scope=scope, by=by
    )
    values = [
        {"x": r["label"], "series": c["label"], "y": c["share"], "low": c["low"], "high": c["high"]}
        for r in table["rows"]
        for c in r["cells"]
        if c["group"] is not None and c["share"] is not None
    ]
    period = _("kwartaal") if by == "quarter" else _("maand")
    return {
        "scope": scope,
        "scope_label": present.SCOPE_LABELS[scope],
        "by": by,
        "table": table,
        "trend_spec": charts.lines(
            values,
            x_title=period,
            y_title=_("aandeel van de acties"),
            description=_(
                "Lijngrafiek: per %(period)s het aandeel van elke groep in de acties, met "
                "95%%-interval als band. De tabel onder de grafiek geeft dezelfde cijfers."
            )
            % {"period": period},
            percent=True,
            band=True,
        ),
    }


@staff_required(policies.VIEW)
def trends(request):
    ctx = run_context(request, "trends")
    run = ctx["run"]
    if run is not None:
        by = "quarter" if request.GET.get("periode") == "kwartaal" else "month"
        ctx.update(trend_data(request.user, run, scope_of(request), by))
    return render(request, "monitor/trends.html", ctx)


def _per_wijk(results, measure: str, scope: str, run) -> dict:
    """A table of ``measure`` per wijk (rows) and group (columns), for the page beside the chart."""
    per_wijk = defaultdict(dict)
    for r in present.pick(results, measure, scope):
        if r.get("district_code"):
            per_wijk[r["district_code"]][r["group"]] = present.row(r, run.group)
    return {
        "per_wijk": [
            {"name": nl.wijk(code), "cells": [per_wijk[code].get(lv) for lv in run.levels]}
            for code in sorted(per_wijk)
        ],
        "level_labels": [present.label(run.group, lv) for lv in run.levels],
    }


def _interval_points(rows) -> list[dict]:
    """Chart points of the rows that passed the small-cell rule: estimate and interval."""
    return [
        {
            "label": p["group"],
            "estimate": p["raw"]["estimate"],
            "low": p["raw"]["ci_low"],
            "high": p["raw"]["ci_high"],
        }
        for p in rows
        if not p["suppressed"]
    ]


# --------------------------------------------------------------------------- outcome test


@staff_required(policies.VIEW)
def outcome(request):
    ctx = run_context(request, "outcome")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/outcome.html", ctx)
    scope = scope_of(request)
    a = analyses_of(request, run, ("outcome_test",)).get("outcome_test")
    results = a["results"] if a else []
    pooled = present.rows(present.pick(results, "hit_rate", scope, district_code=None), run.group)
    comparisons = present.rows(
        [
            r
            for m in ("hit_rate_ratio", "odds_ratio_pooled", "odds_ratio_mh")
            for r in present.pick(results, m, scope, district_code=None)
        ],
        run.group,
    )
    ctx.update(
        {
            "scope": scope,
            "analysis": a,
            "pooled": pooled,
            "comparisons": comparisons,
            **_per_wijk(results, "hit_rate", scope, run),
            "simpson": (a.get("parameters") or {}).get("simpson_paradox", []) if a else [],
            "spec": charts.bars_with_interval(
                _interval_points(pooled),
                y_title=_("vondstpercentage"),
                description=_(
                    "Puntgrafiek: vondstpercentage per groep met 95%-interval. De tabel onder "
                    "de grafiek geeft dezelfde cijfers."
                ),
            ),
        }
    )
    return render(request, "monitor/outcome.html", ctx)


# --------------------------------------------------------------------------- veil of darkness


@staff_required(policies.VIEW)
def darkness(request):
    ctx = run_context(request, "darkness")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/darkness.html", ctx)
    scope = scope_of(request)
    a = analyses_of(request, run, ("veil_of_darkness",)).get("veil_of_darkness")
    results = a["results"] if a else []
    rows = present.rows(
        [
            r
            for m in ("vod_odds_ratio", "vod_odds_ratio_district", "vod_odds_ratio_dst")
            for r in present.pick(results, m, scope)
        ],
        run.group,
    )
    levels = _levels(run)
    level = request.GET.get("groep")
    if level not in levels:
        best = present.strongest(present.pick(results, "vod_odds_ratio_district", scope))
        level = best["group"] if best else (levels[0] if levels else "")
    by_time = [
        r
        for r in ((a or {}).get("chart_data") or {}).get("share_by_time", [])
        if r.get("group") == level and not r.get("suppressed") and r.get("share") is not None
    ]
    ctx.update(
        {
            "scope": scope,
            "analysis": a,
            "rows": rows,
            "level": level,
            "level_label": present.label(run.group, level) if level else "",
            "level_choices": [(lv, present.label(run.group, lv)) for lv in levels],
            "by_time": [
                {**r, "share_text": nl.pct(r["share"]), "n_text": nl.num(r["n"], 0)}
                for r in by_time
            ],
            "spec": charts.lines(
                [{"x": r["time"], "series": r["light"], "y": r["share"]} for r in by_time],
                x_title=_("kloktijd"),
                y_title=_("aandeel van de groep in de acties"),
                description=_(
                    "Lijngrafiek: aandeel van de gekozen groep in de acties per kloktijd, apart "
                    "voor licht en donker. De tabel onder de grafiek geeft dezelfde cijfers."
                ),
                percent=True,
            ),
        }
    )
    return render(request, "monitor/darkness.html", ctx)


# --------------------------------------------------------------------------- threshold test


@staff_required(policies.VIEW)
def threshold(request):
    ctx = run_context(request, "threshold")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/threshold.html", ctx)
    scope = scope_of(request)
    a = analyses_of(request, run, ("threshold_test",)).get("threshold_test")
    results = a["results"] if a else []
    averages = present.rows(present.pick(results, "threshold_average", scope), run.group)
    differences = present.rows(present.pick(results, "threshold_difference", scope), run.group)
    diagnostics = ((a or {}).get("parameters") or {}).get("diagnostics", {}).get(scope, {})
    ctx.update(
        {
            "scope": scope,
            "analysis": a,
            "averages": averages,
            "differences": differences,
            **_per_wijk(results, "threshold", scope, run),
            "unconverged": (diagnostics.get("rhat_differences_max") or 1.0) > 1.1,
            "spec": charts.bars_with_interval(
                _interval_points(averages),
                y_title=_("drempel (kans op een vondst)"),
                description=_(
                    "Puntgrafiek: geschatte drempel per groep met 95%-geloofwaardigheidsinterval. "
                    "De tabel onder de grafiek geeft dezelfde cijfers."
                ),
            ),
        }
    )
    return render(request, "monitor/threshold.html", ctx)


# --------------------------------------------------------------------------- bias scan

_HOURS = {i: f"{3 * i:02d}:00–{3 * i + 3:02d}:00" for i in range(8)}


def feature_text(feature: str) -> str:
    key, _sep, value = feature.partition("=")
    if key == "district_code":
        return _("wijk %(name)s") % {"name": nl.wijk(value)}
    if key == "hour_block" and value.isdigit():
        return _("tussen %(hours)s") % {"hours": _HOURS.get(int(value), value)}
    if key == "day_type":
        return _("doordeweeks") if value == "weekday" else _("in het weekend")
    if key == "action_type":
        return _("soort actie: %(a)s") % {"a": nl.ACTION_NL.get(value, value)}
    if key == "initiative":
        return _("proactief") if value == "proactive" else _("reactief")
    if key == "team":
        return _("team %(t)s") % {"t": value}
    return feature


@staff_required(policies.VIEW)
def scan(request):
    ctx = run_context(request, "scan")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/scan.html", ctx)
    a = analyses_of(request, run, ("bias_scan",)).get("bias_scan")
    clusters = []
    for r in (a or {}).get("results", []):
        shown = present.row(r, run.group)
        extra = r.get("extra") or {}
        composition = []
        for c in extra.get("composition", []):
            composition.append(
                {
                    "label": present.label(run.group, c.get("value")),
                    "cluster": nl.pct(c.get("cluster")),
                    "rest": nl.pct(c.get("rest")),
                    "p": present.p_text(c.get("p_adjusted")),
                    "signal": c.get("p_adjusted") is not None and c["p_adjusted"] < 0.05,
                }
            )
        clusters.append(
            {
                "row": shown,
                "features": [feature_text(f) for f in extra.get("features", [])],
                "size": extra.get("cluster_size_test"),
                "composition": composition,
                "warnings": extra.get("warnings", []),
            }
        )
    ctx.update({"analysis": a, "clusters": clusters})
    return render(request, "monitor/scan.html", ctx)


# --------------------------------------------------------------------------- benchmark


@staff_required(policies.VIEW)
def benchmark(request):
    ctx = run_context(request, "benchmark")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/benchmark.html", ctx)
    scope = request.GET.get("scope", "proactive")
    scope = scope if scope in ("proactive", "all") else "proactive"
    levels = _levels(run)
    level = request.GET.get("groep")
    if level not in levels:
        level = levels[0] if levels else ""
    team_scope = selectors.team_scope(request.user)
    teams = [r for r in selectors.team_results(request.user, run) if r["scope"] == scope]
    team_rows = [
        {**row, "group": _("team %(t)s") % {"t": row["unit"]}}
        for row in present.rows([r for r in teams if r["group"] == level], run.group)
    ]
    officers = None
    if selectors.may_see_officers(request.user):
        all_officers = selectors.officer_results(request.user, run)
        chosen = [
            r
            for r in all_officers
            if r["scope"] == scope and r["group"] == level and not r.get("suppressed")
        ]
        chosen.sort(key=lambda r: r["q_value"] if r.get("q_value") is not None else 2.0)
        officers = [
            {**present.row(r, run.group), "team": (run.officer_teams or {}).get(r["unit"], "–")}
            for r in chosen
        ]
        hidden = sum(
            1
            for r in all_officers
            if r["scope"] == scope and r["group"] == level and r.get("suppressed")
        )
        ctx["officers_hidden"] = present.small_count(hidden)["text"] if hidden else ""
    ctx.update(
        {
            "scope": scope,
            "scope_choices": [(s, present.SCOPE_LABELS[s]) for s in ("proactive", "all")],
            "level": level,
            "level_label": present.label(run.group, level) if level else "",
            "level_choices": [(lv, present.label(run.group, lv)) for lv in levels],
            "team_rows": team_rows,
            "own_team_only": team_scope is not None,
            "no_team": team_scope == "",
            "officers": officers,
            "spec": charts.forest(
                [
                    {
                        "label": r["group"],
                        "estimate": r["raw"]["estimate"],
                        "low": r["raw"]["ci_low"],
                        "high": r["raw"]["ci_high"],
                        "signal_label": _("signaal (q < 0,05)")
                        if r["signal"]
                        else _("geen signaal"),
                    }
                    for r in team_rows
                    if not r["suppressed"]
                ],
                title=_("verschil met collega's in dezelfde omstandigheden (procentpunt)"),
                description=_(
                    "Puntgrafiek met intervallen: per team het verschil in het aandeel acties "
                    "gericht op de gekozen groep, vergeleken met collega's in dezelfde "
                    "omstandigheden. De tabel geeft dezelfde cijfers."
                ),
                log=False,
            ),
        }
    )
    return render(request, "monitor/benchmark.html", ctx)


# --------------------------------------------------------------------------- combined view


@staff_required(policies.VIEW)
def signals(request):
    from gelijk.reporting.interface import learning_signals

    ctx = run_context(request, "signals")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/signals.html", ctx)
    actions = present.monthly_totals(selectors.cells(request.user, run), "all")
    proactive = {
        m["label"]: m["n"]
        for m in present.monthly_totals(selectors.cells(request.user, run), "proactive")
    }
    since, until = run.period_start, run.period_end
    themes = learning_signals(request.user, "theme", since=since, until=until)
    grounds = learning_signals(request.user, "ground", since=since, until=until)
    wijken = learning_signals(request.user, "wijk", since=since, until=until)
    # Reports naming origin, skin colour or 'race' as the ground: the signal closest to
    # ethnic profiling. The interface counts per category, so this column is that category.
    origin = (
        dict(
            zip(
                grounds.months,
                (row[grounds.categories.index("origin")] for row in grounds.values),
                strict=True,
            )
        )
        if "origin" in grounds.categories
        else {}
    )
    combined = [
        {
            "label": m["label"],
            "actions": m["n"],
            "proactive": proactive.get(m["label"]),
            "reports": origin.get(m["label"], 0 if grounds.months else None),
        }
        for m in actions
    ]
    values = [
        {"x": c["label"], "series": _("acties (alle)"), "y": c["actions"]} for c in combined
    ] + [{"x": c["label"], "series": _("proactieve acties"), "y": c["proactive"]} for c in combined]
    report_values = [
        {"x": c["label"], "series": _("meldingen over afkomst"), "y": c["reports"]}
        for c in combined
        if c["reports"] is not None
    ]
    survey = analyses_of(request, run, ("survey",)).get("survey")
    survey_rows = []
    if survey and survey["status"] == "ok":
        survey_rows = present.rows(
            [
                r
                for r in survey["results"]
                if r["measure"] in ("weighted_mean", "difference") and r["unit"] == "all"
            ],
            "self_reported_group",
        )
    from gelijk.reporting.choices import Ground, Theme

    theme_labels = dict(Theme.choices)
    ground_labels = dict(Ground.choices)
    ctx.update(
        {
            "combined": combined,
            "themes": {
                "columns": [str(theme_labels.get(c, c)) for c in themes.categories],
                "rows": [
                    {"label": m, "values": v, "total": t}
                    for m, v, t in zip(themes.months, themes.values, themes.row_totals, strict=True)
                ],
                "totals": themes.col_totals,
                "grand_total": themes.grand_total,
            },
            "grounds": {
                "columns": [str(ground_labels.get(c, c)) for c in grounds.categories],
                "totals": grounds.col_totals,
            },
            "wijken": {
                "columns": [nl.wijk(c) for c in wijken.categories],
                "totals": wijken.col_totals,
                "grand_total": wijken.grand_total,
            },
            "survey": survey,
            "survey_rows": survey_rows,
            "actions_spec": charts.lines(
                values,
                x_title=_("maand"),
                y_title=_("aantal acties"),
                description=_(
                    "Lijngrafiek: aantal handhavingsacties per maand, alle en proactieve. De "
                    "tabel onder de grafieken geeft dezelfde cijfers."
                ),
            ),
            "reports_spec": charts.lines(
                report_values,
                x_title=_("maand"),
                y_title=_("aantal meldingen en klachten"),
                description=_(
                    "Lijngrafiek: aantal meldingen en klachten over handhaving per maand. De "
                    "tabel onder de grafieken geeft dezelfde cijfers."
                ),
            ),
        }
    )
    return render(request, "monitor/signals.html", ctx)


# --------------------------------------------------------------------------- detectable effects

DETECT = (
    ("population_rates", "rate_ratio_standardised"),
    ("action_rates", "action_rate_ratio"),
    ("outcome_test", "odds_ratio_mh"),
    ("veil_of_darkness", "vod_odds_ratio_district"),
    ("poisson_offset", "rate_ratio_population"),
    ("threshold_test", "threshold_difference"),
    ("officer_benchmark", "team_difference"),
    ("bias_scan", "cluster_no_hit_difference"),
    ("survey", "difference"),
)


def mde_sentence(row: dict) -> str:
    r = row["raw"]
    mde = r.get("mde")
    if mde is None:
        return _("Voor deze vergelijking is geen kleinste aantoonbaar verschil bekend.")
    if r["measure"] in present.RATIOS:
        return _(
            "Met deze aantallen ziet de monitor een verschil met 80%% kans als de ware "
            "verhouding minstens %(up)s is, of hoogstens %(down)s."
        ) % {"up": nl.num(mde), "down": nl.num(1 / mde)}
    return _(
        "Met deze aantallen ziet de monitor een verschil met 80%% kans als het ware verschil "
        "minstens %(mde)s is (naar boven of naar beneden)."
    ) % {"mde": present.fmt(r, mde)}


@staff_required(policies.VIEW)
def detect(request):
    ctx = run_context(request, "detect")
    run = ctx["run"]
    if run is None:
        return render(request, "monitor/detect.html", ctx)
    scope = scope_of(request)
    analyses = analyses_of(request, run)
    sections = []
    for name, measure in DETECT:
        a = analyses.get(name)
        if not a:
            continue
        column = "self_reported_group" if name == "survey" else run.group
        if name == "survey":
            chosen = [r for r in a["results"] if r["measure"] == measure and r["unit"] == "all"]
        elif name == "officer_benchmark":
            chosen = [r for r in selectors.team_results(request.user, run) if r["scope"] == scope]
        else:
            chosen = present.pick(a["results"], measure, scope, district_code=None)
            if name == "action_rates":
                chosen = [r for r in chosen if (r.get("extra") or {}).get("action_type") == "fine"]
        rows = []
        for r in chosen:
            shown = present.row(r, column)
            if name == "survey":
                shown["group"] = f"{r['extra'].get('answer', '')} · {shown['group']}"
            if name == "officer_benchmark":
                shown["group"] = f"{_('team')} {r['unit']} · {shown['group']}"
            shown["sentence"] = "" if shown["suppressed"] else mde_sentence(shown)
            rows.append(shown)
        sections.append({"name": name, "title": a["title"], "status": a["status"], "rows": rows})
    ctx.update({"scope": scope, "detect_sections": sections})
    return render(request, "monitor/detect.html", ctx)


# --------------------------------------------------------------------------- compare runs

COMPARE = (
    ("population_rates", "rate_ratio_standardised"),
    ("action_rates", "action_rate_ratio"),
    ("outcome_test", "odds_ratio_mh"),
    ("veil_of_darkness", "vod_odds_ratio_district"),
    ("threshold_test", "threshold_difference"),
)


def _key(r: dict) -> tuple:
    return (r["measure"], r["scope"], r["group"], (r.get("extra") or {}).get("action_type"))


@staff_required(policies.VIEW)
def compare(request):
    ctx = run_context(request, "compare")
    done = ctx["runs"]
    ids = {r.pk: r for r in done}
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    run_a = ids.get(int(a_id)) if a_id.isdigit() else None
    run_b = ids.get(int(b_id)) if b_id.isdigit() else None
    if run_a is None and len(done) >= 2:
        run_a, run_b = done[1], done[0]
    rows = []
    scope = scope_of(request)
    ctx["scope"] = scope
    if run_a is not None and run_b is not None:
        first = analyses_of(request, run_a)
        second = analyses_of(request, run_b)
        for name, measure in COMPARE:
            left = {
                _key(r): r
                for r in present.pick(first.get(name, {}).get("results", []), measure, scope)
                if r.get("district_code") is None
            }
            right = {
                _key(r): r
                for r in present.pick(second.get(name, {}).get("results", []), measure, scope)
                if r.get("district_code") is None
            }
            for key in sorted(set(left) | set(right), key=lambda x: tuple(str(p) for p in x)):
                if key[3] not in (None, "fine"):
                    continue
                ra, rb = left.get(key), right.get(key)
                base = ra or rb
                rows.append(
                    {
                        "title": present.MEASURE_LABELS.get(measure, measure),
                        "group": present.label(run_a.group, key[2]),
                        "a": present.row(ra, run_a.group) if ra else None,
                        "b": present.row(rb, run_b.group) if rb else None,
                        "overlap": _overlap(ra, rb),
                        "name": name,
                        "measure": base["measure"],
                    }
                )
    ctx.update(
        {
            "run_a": run_a,
            "run_b": run_b,
            "rows": rows,
            "same_group": run_a is not None and run_b is not None and run_a.group == run_b.group,
        }
    )
    return render(request, "monitor/compare.html", ctx)


def _overlap(a: dict | None, b: dict | None) -> bool | None:
    if not a or not b or a.get("ci_low") is None or b.get("ci_low") is None:
        return None
    return not (a["ci_high"] < b["ci_low"] or b["ci_high"] < a["ci_low"])
