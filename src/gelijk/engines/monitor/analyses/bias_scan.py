"""``bias_scan``: unsupervised bias-aware clustering of actions with "no hit" as bias variable.

The clustering itself lives in :func:`gelijk.engines.fairness.bias_scan` (HBAC, shared with the
bias audit; see docs/methods/fairness.md). The monitor only prepares its input: a simple random
sample (without replacement, seeded) of at most ``SAMPLE_SIZE`` actions per scope, drawn from
the grouped counts over the action features — identical in distribution to sampling rows, and
it keeps the monitor on the aggregate interface. Features: wijk, 3-hour block, weekday/weekend,
action type, team (and proactive/reactive for all actions). Bias variable: 1 = no offence
established (lower is better). The group column is passed as *protected*: it is not used for the
clustering and is described for the most deviating cluster afterwards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Filter
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import Comparison

SAMPLE_SIZE = 10_000
FEATURES = ("district_code", "hour_block", "day_type", "action_type", "team")


def sample_rows(counts: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """A simple random sample of rows (without replacement) from a grouped-count table."""
    n = counts["n"].to_numpy(dtype=np.int64)
    total = int(n.sum())
    rng = np.random.default_rng(seed)
    take = n if total <= size else rng.multivariate_hypergeometric(n, size, method="marginals")
    rows = counts.loc[np.repeat(counts.index.to_numpy(), take)].drop(columns="n")
    return rows.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def run(ctx: Context) -> AnalysisResult:
    title = "Verkenning zonder groepskenmerk (bias scan)"
    try:
        from gelijk.engines.fairness import bias_scan
    except ImportError:
        return AnalysisResult(
            name="bias_scan",
            title=title,
            status="not_available",
            summary=(
                "De bias scan is nog niet beschikbaar in deze versie van Gelijk. De andere "
                "analyses zijn wel uitgevoerd."
            ),
        )
    g = ctx.group
    cols = ctx.agg.columns()
    results: list[Result] = []
    notes: list[str] = []
    params = {"sample_size": SAMPLE_SIZE, "bias_variable": "no_hit", "seed": ctx.config.seed}
    for si, scope in enumerate(SCOPES):
        features = [f for f in FEATURES if f in cols or f in {"hour_block", "day_type"}]
        if scope == "all":
            features.append("initiative")
        keys = [*features, "hit", g]
        ctx.prepare([*FEATURES, "hour_block", "day_type", "hit", "team"])
        counts = ctx.counts(keys, [*ctx.filters(scope, ("hit", "team")), Filter("hit", "not_null")])
        counts = counts.dropna(subset=features)
        if counts.empty or counts["n"].sum() < 50:
            notes.append(f"{SCOPE_NL[scope]}: te weinig acties voor de bias scan.")
            continue
        rows = sample_rows(counts, SAMPLE_SIZE, ctx.config.seed + si)
        rows["no_hit"] = 1 - rows.pop("hit").astype(int)
        rows[g] = rows[g].fillna("onbekend").astype(str)
        for f in features:
            rows[f] = rows[f].astype(str)
        try:
            report = bias_scan(
                rows,
                "no_hit",
                seed=ctx.config.seed + si,
                features=features,
                categorical=features,
                protected=[g],
                k=ctx.k,
            )
        except InputError as exc:
            notes.append(f"{SCOPE_NL[scope]}: de bias scan kon niet draaien ({exc}).")
            continue
        t = report.bias_test
        cluster = next((c for c in report.clusters if c.label == 0), None)
        features_found = [
            f"{ft.feature}={ft.value}"
            for ft in report.feature_tests
            if ft.significant and ft.difference is not None and ft.difference > 0
        ][:5]
        composition = [
            {
                "value": ft.value,
                "cluster": ft.cluster_value,
                "rest": ft.rest_value,
                "p_adjusted": ft.p_adjusted,
            }
            for ft in report.composition
        ]
        cmp_ = Comparison(t.difference, t.ci_low, t.ci_high, t.p_value, t.mde, t.test or "")
        results.append(
            make_result(
                measure="cluster_no_hit_difference",
                scope=scope,
                group="cluster_0",
                reference="other_clusters",
                comparison=cmp_,
                n=report.n_rows,
                counts=[c for c in (t.cluster_n, t.rest_n) if c is not None],
                k=ctx.k,
                extra={
                    "clusters": report.n_clusters,
                    "cluster_size_test": cluster.n_test if cluster else None,
                    "features": features_found,
                    "composition": composition,
                    "warnings": list(report.warnings),
                },
                explanation=_text(scope, t, features_found),
            )
        )
    return AnalysisResult(
        name="bias_scan",
        title=title,
        status="ok" if results else "insufficient_data",
        summary=(
            "De scan zoekt zonder groepskenmerk naar een groep acties (plek, tijd, soort actie, "
            "team) waarbij opvallend vaak niets wordt gevonden. Daarna kijken we wie er in die "
            f"groep zit naar {nl.column(g)}."
        ),
        results=tuple(results),
        notes=(*notes, "Een gevonden cluster is een vraag om te onderzoeken, geen conclusie."),
        parameters=params,
    )


def _text(scope: str, t, features: list[str]) -> str:
    if t.difference is None:
        return f"{SCOPE_NL[scope].capitalize()}: de scan vond geen afwijkende groep acties."
    where = ("; kenmerken: " + ", ".join(features)) if features else ""
    return (
        f"{SCOPE_NL[scope].capitalize()}: in de meest afwijkende groep acties werd "
        f"{nl.num(100 * t.difference, 1)} procentpunt vaker niets gevonden dan in de rest"
        f"{where}." + nl.significance(t.p_value)
    )
