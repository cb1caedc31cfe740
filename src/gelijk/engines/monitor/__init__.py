"""Monitor engine: detect unequal treatment in enforcement actions (no Django).

Public API (what the web app and the ``gelijk monitor`` command use)
--------------------------------------------------------------------
**Load** — validate and normalise a file or frame (all or nothing, row-by-row report)::

    loaded = load_actions("export.csv", pseudonymisation_key=key)      # or a DataFrame/Arrow
    loaded.validation.summary()         # what was read, invalid rows, detected encoding
    loaded.to_arrow() / loaded.to_parquet(path) / loaded.relation()    # normalised table

  ``officer_id_is_pseudonym=True`` when ids are already pseudonyms (no double hashing);
  ``stopform_pilot=True, stopform_legal_basis="..."`` keeps ``perceived_origin`` (otherwise it
  is never read); ``skip_invalid=True`` loads the valid rows and lists the rest. Invalid input
  raises :class:`ValidationFailed` (an ``InputError``; ``.report`` holds the rows).
  ``load_survey(path)`` does the same for experience-survey microdata.

**Report** — every analysis, Benjamini–Hochberg over the whole report, small-cell rule::

    report = run_report(loaded, MonitorConfig(group="age_band", reference="25-44"),
                        survey=load_survey("survey.csv"), progress=callback)
    report.to_dict()                    # JSON-safe (schema: docs/report-schemas/monitor-report.md)
    render_html(report)                 # self-contained Dutch HTML with SVG charts and tables

  ``progress(step, done, total)`` is called before each analysis.

**Dashboards** — grouped counts straight from DuckDB (or any :class:`Aggregator`)::

    agg = loaded.aggregator()           # or DuckDBAggregator(connection, "table_name")
    agg = DuckDBAggregator.from_source("normalised.parquet")   # Parquet, CSV, pandas, Arrow
    agg.grouped_counts(["quarter", "district_code", "age_band"],
                       where(initiative="proactive"), nonnull=["hit"])

  Keys are normalised columns or derived keys (``month``, ``quarter``, ``hour``, ...); a
  PostgreSQL implementation of :class:`Aggregator` can serve every analysis unchanged.

**Simulate** — seeded Utrecht-like actions with bias knobs (:mod:`.simulate`):
``simulate_actions(SimulationConfig(n_actions=100_000, seed=1, knobs=BiasKnobs(...)))``.

The maths and sources of every analysis: ``docs/methods/monitor.md``; data contracts:
``docs/data-contracts/enforcement-actions.md`` and ``experience-survey.md``.
"""

from gelijk.engines.monitor.aggregate import Aggregator, DuckDBAggregator, Filter, where
from gelijk.engines.monitor.config import ANALYSES, MonitorConfig
from gelijk.engines.monitor.html import render_html
from gelijk.engines.monitor.load import (
    LoadedActions,
    LoadedSurvey,
    RowError,
    ValidationFailed,
    ValidationReport,
    load_actions,
    load_survey,
)
from gelijk.engines.monitor.report import run_report
from gelijk.engines.monitor.result import AnalysisResult, MonitorReport, Result
from gelijk.engines.monitor.simulate import (
    BiasKnobs,
    SimulationConfig,
    SurveyConfig,
    simulate_actions,
    simulate_survey,
    write_actions,
)

__all__ = [
    "ANALYSES",
    "Aggregator",
    "AnalysisResult",
    "BiasKnobs",
    "DuckDBAggregator",
    "Filter",
    "LoadedActions",
    "LoadedSurvey",
    "MonitorConfig",
    "MonitorReport",
    "Result",
    "RowError",
    "SimulationConfig",
    "SurveyConfig",
    "ValidationFailed",
    "ValidationReport",
    "load_actions",
    "load_survey",
    "render_html",
    "run_report",
    "simulate_actions",
    "simulate_survey",
    "where",
    "write_actions",
]
