"""Run the full monitor report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Aggregator, DuckDBAggregator, Filter
from gelijk.engines.monitor.analyses import (
    action_rates,
    bias_scan,
    officer_benchmark,
    outcome_test,
    poisson_offset,
    population_rates,
    threshold_test,
    veil_of_darkness,
)
from gelijk.engines.monitor.analyses.data_quality import QUALITY_FIELDS, run_quality
from gelijk.engines.monitor.analyses.survey import run_survey
from gelijk.engines.monitor.config import ANALYSES, Context, MonitorConfig
from gelijk.engines.monitor.load import LoadedActions, LoadedSurvey
from gelijk.engines.monitor.result import AnalysisResult, MonitorReport, finalise

SCHEMA_VERSION = "1.0"
Progress = Callable[[str, int, int], None]

_RUNNERS = {
    "population_rates": population_rates.run,
    "action_rates": action_rates.run,
    "outcome_test": outcome_test.run,
    "veil_of_darkness": veil_of_darkness.run,
    "poisson_offset": poisson_offset.run,
    "officer_benchmark": officer_benchmark.run,
    "threshold_test": threshold_test.run,
    "bias_scan": bias_scan.run,
}
_TITLES = {
    "population_rates": "Acties per 1.000 inwoners",
    "action_rates": "Wat volgt op een controle",
    "outcome_test": "Vondstpercentage (uitkomstentoets)",
    "veil_of_darkness": "Licht en donker (veil of darkness)",
    "poisson_offset": "Poissonmodel per wijk en groep (Gelman–Fagan–Kiss)",
    "officer_benchmark": "Vergelijking met collega's in dezelfde omstandigheden",
    "threshold_test": "Drempeltoets (threshold test)",
    "bias_scan": "Verkenning zonder groepskenmerk (bias scan)",
    "survey": "Ervaringen van inwoners (enquête)",
    "data_quality": "Kwaliteit van de gegevens per maand",
}


def _aggregator(source: Any) -> tuple[Aggregator, dict[str, Any]]:
    if isinstance(source, LoadedActions):
        info = {
            "validation": source.validation.to_dict(),
            "pseudonymisation": source.pseudonymisation,
            "stopform_pilot": source.stopform_pilot,
            "stopform_legal_basis": source.stopform_legal_basis,
        }
        return source.aggregator(), info
    if isinstance(source, Aggregator):
        return source, {}
    if isinstance(source, str | Path | pd.DataFrame) or hasattr(source, "schema"):
        return DuckDBAggregator.from_source(source), {}
    raise InputError(f"cannot run the monitor on input of type {type(source).__name__}")


def choose_reference(
    agg: Aggregator, group: str, reference: str | None, filters: list[Filter]
) -> tuple[str, tuple[str, ...]]:
    counts = agg.grouped_counts([group], [*filters, Filter(group, "not_null")])
    if counts.empty:
        raise InputError(f"the group column {group!r} has no values", column=group)
    counts[group] = counts[group].astype(str)
    levels = tuple(sorted(counts[group]))
    if len(levels) < 2:
        raise InputError(
            f"the group column {group!r} has only one level ({levels[0]}); nothing to compare",
            column=group,
        )
    if reference is None:
        reference = str(counts.sort_values(["n", group], ascending=[False, True]).iloc[0][group])
    elif str(reference) not in levels:
        raise InputError(
            f"reference level {reference!r} does not occur in {group!r} "
            f"(levels: {', '.join(levels)})",
            column=group,
        )
    return str(reference), levels


def run_report(
    source: Any,
    config: MonitorConfig | None = None,
    *,
    survey: LoadedSurvey | None = None,
    progress: Progress | None = None,
) -> MonitorReport:
    """Run every analysis of ``config.analyses`` and return the finished report.

    ``source``: :class:`LoadedActions` (from :func:`load_actions`), any :class:`Aggregator`
    (e.g. a PostgreSQL implementation), or normalised actions as a Parquet/CSV path, pandas
    DataFrame or Arrow table. ``progress(step, done, total)`` is called before each analysis and
    once at the end.

    BLAS runs single-threaded during the run: the models are many small fits, for which
    thread start-up costs more than it gains (10x slower on a busy 2-core machine). DuckDB keeps
    its own threads for the aggregation.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _run_report(source, config, survey=survey, progress=progress)


def _run_report(
    source: Any,
    config: MonitorConfig | None,
    *,
    survey: LoadedSurvey | None,
    progress: Progress | None,
) -> MonitorReport:
    config = config or MonitorConfig()
    config.validate()
    agg, input_info = _aggregator(source)
    cols = agg.columns()
    if config.group not in cols:
        hint = (
            " (perceived_origin is only read when the stop-form pilot is on)"
            if config.group == "perceived_origin"
            else ""
        )
        raise InputError(
            f"the group column {config.group!r} is not in the data{hint}", column=config.group
        )
    wanted = [a for a in ANALYSES if a in config.analyses]
    total = len(wanted)
    step = 0

    def tick(name: str) -> None:
        if progress is not None:
            progress(name, step, total)

    tick("data_quality")
    fields = tuple(f for f in QUALITY_FIELDS if f in cols)
    quality, excluded = run_quality(agg, fields, config.quality_threshold, config.k)
    step += 1
    group_months = tuple(sorted(set(excluded.get(config.group, ()))))
    base = [Filter("month", "not_in", group_months)] if group_months else []
    if hasattr(agg, "cache"):
        # Most analyses ask for counts by these keys: one pass over the actions serves them.
        keys = ["district_code", config.group, "initiative", "action_type", "hit", "month"]
        if {"officer_benchmark", "bias_scan"} & set(wanted):
            # The team comparison and the bias scan add time of day, day type and team; the
            # narrow rollup is then summed from the wide one instead of read from the actions.
            wide = [*keys, "hour_block", "day_type", *(["team"] if "team" in cols else [])]
            agg.cache(wide)
        agg.cache(keys)
    reference, levels = choose_reference(agg, config.group, config.reference, base)
    ctx = Context(
        agg=agg,
        config=config,
        group=config.group,
        reference=reference,
        levels=levels,
        excluded_months=excluded,
        stopform_pilot=bool(input_info.get("stopform_pilot")),
    )
    analyses: list[AnalysisResult] = [quality] if "data_quality" in wanted else []
    for name in wanted:
        if name == "data_quality":
            continue
        tick(name)
        if name == "survey":
            if survey is None:
                analyses.append(
                    AnalysisResult(
                        name="survey",
                        title=_TITLES["survey"],
                        status="not_applicable",
                        summary="Er is geen ervaringsenquête aangeleverd bij deze analyse.",
                    )
                )
            else:
                analyses.append(run_survey(survey, reference=config.survey_reference, k=config.k))
                input_info["survey_validation"] = survey.validation.to_dict()
        else:
            try:
                analyses.append(_RUNNERS[name](ctx))
            except InputError as exc:
                analyses.append(
                    AnalysisResult(
                        name=name,
                        title=_TITLES[name],
                        status="insufficient_data",
                        summary=f"Deze analyse kon niet worden uitgevoerd: {exc}",
                    )
                )
        step += 1
    tick("done")
    notes = [
        f"Vergeleken groepen: {nl.column(config.group)}; referentiegroep: "
        f"{nl.level(config.group, reference)}.",
        f"Aantallen onder {config.k} zijn niet getoond (kleine-aantallenregel); ook cijfers die "
        "daarvan zijn afgeleid zijn weggelaten.",
        "De q-waarde corrigeert voor het grote aantal toetsen in dit rapport "
        "(Benjamini–Hochberg): kijk naar q < 0,05, niet alleen naar p.",
    ]
    return MonitorReport(
        schema_version=SCHEMA_VERSION,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        config={**config.to_dict(), "reference": reference, "levels": list(levels)},
        input=input_info,
        analyses=finalise(analyses),
        notes=tuple(notes),
    )
