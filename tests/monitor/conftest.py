"""Fixtures of the monitor tests: reference data, small simulated files, a finished run.

Runs in these tests leave out the threshold test (its sampler takes ~15 s even on small data);
``test_runs.py`` runs it once with every analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

FAST = (
    "data_quality",
    "population_rates",
    "action_rates",
    "outcome_test",
    "veil_of_darkness",
    "poisson_offset",
    "officer_benchmark",
    "bias_scan",
    "survey",
)


@pytest.fixture(autouse=True)
def _monitor_settings(settings):
    settings.GELIJK_MONITOR_ANALYSES = list(FAST)
    settings.GELIJK_STOPFORM_PILOT = ""


@pytest.fixture
def refdata(db):
    from gelijk.core.services.refdata import refdata_load

    refdata_load()


def simulation(n: int = 3000, seed: int = 7, *, start=dt.date(2025, 1, 1), days=365, **knobs):
    from gelijk.engines.monitor import BiasKnobs, SimulationConfig

    defaults = {"target_column": "age_band", "target_value": "15-24"}
    return SimulationConfig(
        n_actions=n,
        seed=seed,
        start=start,
        days=days,
        n_officers=20,
        include_perceived_origin=False,
        knobs=BiasKnobs(**{**defaults, **knobs}),
    )


@pytest.fixture
def actions_file(tmp_path):
    """actions_file(n=..., seed=..., name=..., **knobs) -> path of a simulated CSV."""
    from gelijk.engines.monitor import write_actions

    def make(
        n: int = 3000, seed: int = 7, *, name: str = "acties.csv", start=None, days=365, **knobs
    ):
        path = tmp_path / name
        config = simulation(n, seed, start=start or dt.date(2025, 1, 1), days=days, **knobs)
        write_actions(config, path)
        return path

    return make


@pytest.fixture
def survey_file(tmp_path):
    from gelijk.engines.monitor import SurveyConfig, simulate_survey

    def make(respondents: int = 300, seed: int = 3, name: str = "enquete.csv", gap: float = 0.1):
        path = tmp_path / name
        simulate_survey(SurveyConfig(respondents=respondents, waves=2, seed=seed, gap=gap)).to_csv(
            path, index=False
        )
        return path

    return make


def upload(path: Path, name: str | None = None):
    from gelijk.monitor.services.imports import Upload

    data = path.read_bytes()
    import io

    return Upload(name or path.name, io.BytesIO(data), len(data))


@pytest.fixture
def analist(make_staff):
    return make_staff("analist", department="beleid", team="analyse", username="analist-m")


@pytest.fixture
def imported(refdata, analist, actions_file):
    """import_actions(path=None, **kw) -> a finished DataImport (actions)."""
    from gelijk.monitor.services.imports import import_start

    def make(path=None, **kwargs):
        path = path or actions_file()
        return import_start(user=analist, kind="actions", upload=upload(path), **kwargs)

    return make


@pytest.fixture
def finished_run(imported, analist, survey_file):
    """A done run over a year of 3,000 simulated actions with a stop-rate disparity for
    15-24 (ratio 2.5) and one biased officer, plus a survey."""
    from gelijk.monitor.services.imports import import_start
    from gelijk.monitor.services.runs import run_request

    def make(survey_period=None, **knobs):
        knobs = {"stop_rate_ratio": 2.5, "biased_officers": 1, **knobs}
        from gelijk.engines.monitor import write_actions

        path = Path(survey_file().parent) / "run-acties.csv"
        write_actions(simulation(3000, 11, **knobs), path)
        imp = imported(path)
        assert imp.status == "done", imp.error_message
        survey = import_start(
            user=analist, kind="survey", upload=upload(survey_file()), survey_period=survey_period
        )
        assert survey.status == "done", survey.error_message
        run = run_request(
            user=analist,
            start=imp.period_start,
            end=imp.period_end,
            group="age_band",
            reference="25-44",
        )
        assert run.status == "done", run.error_message
        return run

    return make


@pytest.fixture
def monitor_fast_sampler(monkeypatch):
    """Runs build the engine's MonitorConfig with few sampler iterations, so a run with the
    threshold test takes seconds. The engine exposes these as config fields; only the test
    changes them, the app passes the defaults."""
    import functools

    import gelijk.engines.monitor as engine

    monkeypatch.setattr(
        engine,
        "MonitorConfig",
        functools.partial(
            engine.MonitorConfig, threshold_chains=2, threshold_warmup=60, threshold_draws=60
        ),
    )
