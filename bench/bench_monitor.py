"""Benchmark of the monitor engine (``make bench`` / ``python bench/run.py monitor``).

For each size (default 1M and 10M simulated actions, Parquet input):

* ``full``: validate + normalise (``load_actions``), every analysis (``run_report``, with a
  survey) and the HTML report — what ``gelijk monitor analyse`` does;
* ``engine_shared``: the four analyses the baseline also does (population_rates, action_rates,
  outcome_test, poisson_offset) on the normalised Parquet through the DuckDB aggregator;
* ``pandas_shared``: a straightforward pandas implementation of the same four analyses on the
  same file (groupby/crosstab, statsmodels for the Mantel–Haenszel table and the GLM).

Each runs in a fresh forked process (bench/_harness.py): wall seconds and peak RSS. Targets
(issue 4): 10M full report <= 60 s and <= 4 GB; engine >= 10x faster than pandas.

``--calibration N`` (default 200) also runs the calibration over N null and N effect datasets
(gelijk.engines.monitor.calibration) and stores false-flag share, coverage and power;
``--calibration 0`` keeps the figures of the previous run.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from _harness import RESULTS, measure, write_result

SHARED = ("population_rates", "action_rates", "outcome_test", "poisson_offset")


def _simulate(n: int, folder: Path) -> tuple[Path, Path]:
    from gelijk.engines.monitor import (
        BiasKnobs,
        SimulationConfig,
        SurveyConfig,
        simulate_survey,
        write_actions,
    )

    actions = folder / f"actions_{n}.parquet"
    write_actions(
        SimulationConfig(
            n_actions=n,
            seed=2024,
            n_officers=300,
            knobs=BiasKnobs(stop_rate_ratio=1.3, darkness_effect=1.2, biased_officers=3),
        ),
        actions,
    )
    survey = folder / "survey.csv"
    simulate_survey(SurveyConfig(respondents=2000, waves=4, seed=2024, gap=0.04)).to_csv(
        survey, index=False
    )
    return actions, survey


def _normalise(actions: str, out: str) -> None:
    from gelijk.engines.monitor import load_actions

    load_actions(actions, pseudonymisation_key="bench").to_parquet(out)


def _full(actions: str, survey: str) -> dict:
    from gelijk.engines.monitor import (
        MonitorConfig,
        load_actions,
        load_survey,
        render_html,
        run_report,
    )

    t0 = time.perf_counter()
    loaded = load_actions(
        actions, pseudonymisation_key="bench", stopform_pilot=True, stopform_legal_basis="benchmark"
    )
    t1 = time.perf_counter()
    report = run_report(
        loaded, MonitorConfig(group="perceived_origin", reference="nl"), survey=load_survey(survey)
    )
    t2 = time.perf_counter()
    html = render_html(report)
    t3 = time.perf_counter()
    return {
        "load_validate_s": round(t1 - t0, 2),
        "analyses_s": round(t2 - t1, 2),
        "html_s": round(t3 - t2, 2),
        "results": len(report.results()),
        "html_bytes": len(html),
        "rows": loaded.n_rows,
    }


def _engine_shared(normalised: str) -> dict:
    from gelijk.engines.monitor import DuckDBAggregator, MonitorConfig, run_report

    agg = DuckDBAggregator.from_source(normalised)
    report = run_report(
        agg, MonitorConfig(group="age_band", reference="25-44", analyses=("data_quality", *SHARED))
    )
    return {"results": len(report.results())}


def _pandas_shared(path: str) -> dict:
    """The four shared analyses written the obvious way with pandas + statsmodels."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.stats.contingency_tables import StratifiedTable

    from gelijk.engines import refdata

    df = pd.read_parquet(path)
    df["local"] = pd.to_datetime(df["occurred_at"]).dt.tz_convert("Europe/Amsterdam")
    df["month"] = df["local"].dt.strftime("%Y-%m")
    keys = {
        "0-14": "age_0_14",
        "15-24": "age_15_24",
        "25-44": "age_25_44",
        "45-64": "age_45_64",
        "65+": "age_65_plus",
    }
    pop = pd.DataFrame(
        [
            {"district_code": a.code, "age_band": lv, "pop": a.composition[key]}
            for a in refdata.districts()
            for lv, key in keys.items()
        ]
    )
    out = 0
    for scope in ("all", "proactive", "reactive"):
        part = df if scope == "all" else df[df["initiative"] == scope]
        years = part["month"].nunique() / 12
        # population_rates
        counts = part.groupby(["district_code", "age_band"], observed=True).size().rename("n")
        table = pop.merge(counts.reset_index(), on=["district_code", "age_band"], how="left")
        table["n"] = table["n"].fillna(0)
        table["rate"] = table["n"] / table["pop"] / years * 1000
        for _wijk, g in table.groupby("district_code"):
            ref = g[g.age_band == "25-44"].iloc[0]
            for row in g.itertuples():
                if row.age_band != "25-44" and row.n and ref.n:
                    rr = row.rate / ref.rate
                    se = math.sqrt(1 / row.n + 1 / ref.n)
                    stats.binomtest(
                        int(row.n), int(row.n + ref.n), row.pop / (row.pop + ref["pop"])
                    )
                    out += bool(rr * math.exp(-1.96 * se))
        # action_rates
        tab = pd.crosstab(part["age_band"], part["action_type"])
        for a in ("warning", "fine", "report", "search", "seizure"):
            for g in tab.index:
                if g != "25-44":
                    x = np.array(
                        [
                            [tab.loc[g, a], tab.loc[g].sum() - tab.loc[g, a]],
                            [tab.loc["25-44", a], tab.loc["25-44"].sum() - tab.loc["25-44", a]],
                        ]
                    )
                    out += stats.chi2_contingency(x, correction=False).pvalue < 2
        # outcome_test
        s = part[part["action_type"].isin(["search", "seizure"])]
        hits = s.groupby(["district_code", "age_band", "hit"], observed=True).size()
        for g in ("0-14", "15-24", "45-64", "65+"):
            tables = []
            for d in s["district_code"].unique():
                try:
                    tables.append(
                        [
                            [hits[(d, g, 1)], hits[(d, g, 0)]],
                            [hits[(d, "25-44", 1)], hits[(d, "25-44", 0)]],
                        ]
                    )
                except KeyError:
                    continue
            if tables:
                out += (
                    StratifiedTable(
                        np.array(tables, dtype=float).transpose(1, 2, 0)
                    ).oddsratio_pooled
                    > 0
                )
        # poisson_offset
        data = table[table["pop"] > 0]
        x = pd.get_dummies(data[["age_band", "district_code"]], drop_first=True).astype(float)
        x.insert(0, "const", 1.0)
        fit = sm.GLM(data["n"], x, family=sm.families.Poisson(), offset=np.log(data["pop"])).fit()
        out += len(fit.params)
    return {"checks": int(out)}


def _calibration(n: int) -> dict:
    from gelijk.engines.monitor.calibration import run_calibration

    t0 = time.perf_counter()
    result = run_calibration(n, 3000, seed=5000, n_officers=20)
    payload = result.to_dict()
    payload["wall_s"] = round(time.perf_counter() - t0, 1)
    payload["mc_se_at_5pct"] = result.monte_carlo_se(0.05)
    return payload


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_monitor")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--calibration", type=int, default=200)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    previous = {}
    if (RESULTS / "monitor.json").exists():
        previous = json.loads((RESULTS / "monitor.json").read_text())
    runs = []
    lines = [
        "| actions | full report | peak RSS | load+validate | engine (4 shared) | "
        "pandas (4 shared) | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            t0 = time.perf_counter()
            actions, survey = _simulate(n, folder)
            sim_s = time.perf_counter() - t0
            normalised = folder / f"normalised_{n}.parquet"
            full = measure(_full, str(actions), str(survey))
            measure(_normalise, str(actions), str(normalised))
            engine = measure(_engine_shared, str(normalised))
            pandas = measure(_pandas_shared, str(normalised))
            ratio = pandas["wall_s"] / engine["wall_s"]
            runs.append(
                {
                    "actions": n,
                    "simulate_s": round(sim_s, 1),
                    "full": full,
                    "engine_shared": engine,
                    "pandas_shared": pandas,
                    "speedup_shared": round(ratio, 1),
                }
            )
            lines.append(
                f"| {n:,} | {full['wall_s']:.1f} s | {full['peak_rss_mb']:.0f} MB | "
                f"{full['value']['load_validate_s']:.1f} s | {engine['wall_s']:.1f} s | "
                f"{pandas['wall_s']:.1f} s | {ratio:.1f}x |"
            )
            print(lines[-1], flush=True)
    calibration = (
        _calibration(args.calibration) if args.calibration else previous.get("calibration")
    )
    lines += [
        "",
        "Targets: 10M full report <= 60 s and <= 4 GB peak; >= 10x faster than pandas "
        "on the shared analyses (population_rates, action_rates, outcome_test, "
        "poisson_offset).",
    ]
    if calibration:
        lines += [
            "",
            f"Calibration ({calibration['n_datasets']} null and effect datasets of "
            f"{calibration['n_actions']} actions): share of null datasets with any q < 0.05 = "
            f"{calibration['any_flag_share']:.3f} (MC SE {calibration['mc_se_at_5pct']:.3f}); "
            f"tests with p < 0.05 = {calibration['test_p_share']:.3f}; coverage "
            + ", ".join(f"{k} {v:.3f}" for k, v in calibration["coverage"].items())
            + "; power "
            + ", ".join(f"{k} {v:.3f}" for k, v in calibration["power"].items())
            + ".",
        ]
    write_result("monitor", {"runs": runs, "calibration": calibration}, lines)
    targets_met = all(
        r["full"]["wall_s"] <= 60 and r["full"]["peak_rss_mb"] <= 4096
        for r in runs
        if r["actions"] >= 10_000_000
    )
    return 0 if targets_met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main(sys.argv[1:]))
