"""``survey``: experience-survey answers by self-reported group, weighted, with trend over waves.

For answer y and respondents i with weights w_i (contract: experience-survey.md):

* Hájek (ratio) estimate of the mean (for a 0/1 answer: the share) per group and wave,
  y_bar = sum w_i y_i / sum w_i (Hájek 1971; Särndal, Swensson & Wretman 1992, §5.7), which
  equals the Horvitz–Thompson estimate of the total divided by the estimated population size.
* Kish's design effect of unequal weights, deff = n sum w^2 / (sum w)^2, and effective sample
  size n_eff = n / deff (Kish 1965, §11.7).
* Interval: for a 0/1 answer the Wilson interval with n_eff (design-effect-adjusted, Korn &
  Graubard 1998 style); for a scale answer y_bar ± 1.96 s_w / sqrt(n_eff), s_w the weighted SD.
* Group versus reference: difference of the estimates, SE = sqrt(se_g^2 + se_r^2), z-test;
  per wave and over all waves.
* Trend: weighted least-squares slope of y on the wave number per group, with a
  design-effect-adjusted SE; the change per wave.

MDE: 2.80 x the SE of the difference (or slope).
"""

from __future__ import annotations

import math

import numpy as np

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.load import LoadedSurvey
from gelijk.engines.monitor.result import AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import (
    Z_CI,
    Z_MDE,
    Comparison,
    two_sided_normal_p,
    wilson_interval,
)


def weighted_estimate(y: np.ndarray, w: np.ndarray, binary: bool) -> dict[str, float]:
    n = len(y)
    sw = w.sum()
    mean = float((w * y).sum() / sw)
    deff = float(n * (w**2).sum() / sw**2)
    n_eff = n / deff
    var = float((w * (y - mean) ** 2).sum() / sw) * (n / (n - 1) if n > 1 else 1.0)
    se = math.sqrt(var / n_eff) if n_eff > 0 else float("nan")
    if binary:
        lo, hi = wilson_interval(mean * n_eff, n_eff)
    else:
        lo, hi = mean - Z_CI * se, mean + Z_CI * se
    return {"mean": mean, "se": se, "deff": deff, "n_eff": n_eff, "n": n, "lo": lo, "hi": hi}


def trend(y: np.ndarray, w: np.ndarray, wave: np.ndarray) -> tuple[float, float]:
    """Weighted least-squares slope per wave and its design-effect-adjusted SE."""
    x = wave.astype(float)
    sw = w.sum()
    xm, ym = (w * x).sum() / sw, (w * y).sum() / sw
    sxx = (w * (x - xm) ** 2).sum()
    if sxx <= 0:
        return float("nan"), float("nan")
    slope = (w * (x - xm) * (y - ym)).sum() / sxx
    resid = y - ym - slope * (x - xm)
    # Sandwich (linearisation) variance of the WLS slope.
    var = (w**2 * (x - xm) ** 2 * resid**2).sum() / sxx**2
    n = len(y)
    return float(slope), float(math.sqrt(var * n / max(n - 2, 1)))


def run_survey(survey: LoadedSurvey, *, reference: str | None, k: int) -> AnalysisResult:
    frame = survey.frame
    groups = frame["self_reported_group"].dropna()
    if groups.empty:
        return AnalysisResult(
            name="survey",
            title="Ervaringen van inwoners (enquête)",
            status="insufficient_data",
            summary="Niemand in de enquête heeft een groep ingevuld.",
        )
    wsum = frame.groupby("self_reported_group")["weight"].sum()
    ref = reference if reference is not None else str(wsum.idxmax())
    if ref not in wsum.index:
        return AnalysisResult(
            name="survey",
            title="Ervaringen van inwoners (enquête)",
            status="insufficient_data",
            summary=f"De referentiegroep '{ref}' komt niet voor in de enquête.",
        )
    results: list[Result] = []
    chart = []
    waves = sorted(frame["wave"].unique())
    levels = sorted(str(v) for v in wsum.index)
    for q in survey.answers:
        data = frame[frame[q].notna() & frame["self_reported_group"].notna()]
        values = data[q].astype(float)
        binary = set(values.unique()) <= {0.0, 1.0}
        what = "aandeel 'ja'" if binary else "gemiddelde score"
        est: dict[tuple[str, object], dict] = {}
        for (grp, wave), part in data.groupby(["self_reported_group", "wave"]):
            e = weighted_estimate(part[q].to_numpy(float), part["weight"].to_numpy(float), binary)
            est[(grp, wave)] = e
        for grp, part in data.groupby("self_reported_group"):
            est[(grp, "all")] = weighted_estimate(
                part[q].to_numpy(float), part["weight"].to_numpy(float), binary
            )
        for (grp, wave), e in sorted(est.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            label = "alle rondes" if wave == "all" else f"ronde {wave}"
            res = make_result(
                measure="weighted_mean",
                scope="survey",
                group=grp,
                reference=None,
                estimate=e["mean"],
                ci=(e["lo"], e["hi"]),
                n=e["n"],
                counts=[e["n"]],
                k=k,
                unit=str(wave),
                method="hajek_kish",
                extra={
                    "answer": q,
                    "binary": binary,
                    "design_effect": e["deff"],
                    "effective_n": e["n_eff"],
                },
                explanation=(
                    f"{q}, {label}, {grp}: {what} "
                    f"{nl.pct(e['mean']) if binary else nl.num(e['mean'])} "
                    f"{nl.interval(e['lo'], e['hi'], percent=binary)}; design-effect "
                    f"{nl.num(e['deff'])}."
                ),
            )
            results.append(res)
            chart.append(
                {
                    "answer": q,
                    "group": grp,
                    "wave": str(wave),
                    "value": e["mean"],
                    "low": e["lo"],
                    "high": e["hi"],
                    "suppressed": res.suppressed,
                }
            )
        for grp in levels:
            if grp == ref:
                continue
            for wave in [*waves, "all"]:
                a, b = est.get((grp, wave)), est.get((ref, wave))
                if not a or not b:
                    continue
                diff = a["mean"] - b["mean"]
                se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
                p = two_sided_normal_p(diff / se) if se > 0 else None
                cmp_ = Comparison(
                    diff, diff - Z_CI * se, diff + Z_CI * se, p, Z_MDE * se, "hajek_difference_z"
                )
                results.append(
                    make_result(
                        measure="difference",
                        scope="survey",
                        group=grp,
                        reference=ref,
                        comparison=cmp_,
                        n=a["n"] + b["n"],
                        counts=[a["n"], b["n"]],
                        k=k,
                        unit=str(wave),
                        extra={"answer": q, "binary": binary},
                        explanation=(
                            f"{q}, {'alle rondes' if wave == 'all' else f'ronde {wave}'}: verschil "
                            f"{grp} min {ref} is "
                            + (f"{nl.num(100 * diff, 1)} procentpunt" if binary else nl.num(diff))
                            + "."
                            + nl.significance(p)
                        ),
                    )
                )
        if len(waves) > 1:
            for grp, part in data.groupby("self_reported_group"):
                slope, se = trend(
                    part[q].to_numpy(float), part["weight"].to_numpy(float), part["wave"].to_numpy()
                )
                if not math.isfinite(se) or se <= 0:
                    continue
                p = two_sided_normal_p(slope / se)
                cmp_ = Comparison(
                    slope,
                    slope - Z_CI * se,
                    slope + Z_CI * se,
                    p,
                    Z_MDE * se,
                    "weighted_least_squares_sandwich",
                )
                results.append(
                    make_result(
                        measure="trend_per_wave",
                        scope="survey",
                        group=grp,
                        reference=None,
                        comparison=cmp_,
                        n=len(part),
                        counts=[len(part)],
                        k=k,
                        extra={"answer": q, "binary": binary, "waves": [int(w) for w in waves]},
                        explanation=(
                            f"{q}, {grp}: verandering per ronde "
                            + (f"{nl.num(100 * slope, 1)} procentpunt" if binary else nl.num(slope))
                            + "."
                            + nl.significance(p)
                        ),
                    )
                )
    return AnalysisResult(
        name="survey",
        title="Ervaringen van inwoners (enquête)",
        status="ok",
        summary=(
            f"Gewogen uitkomsten van de ervaringsenquête per zelf opgegeven groep en ronde, "
            f"vergeleken met '{ref}', en de ontwikkeling over {len(waves)} ronde(s)."
        ),
        results=tuple(results),
        notes=(
            "De intervallen houden rekening met ongelijke gewichten (design-effect van Kish).",
            "De groep is wat de deelnemer zelf invult; dat is iets anders dan de waargenomen "
            "herkomst op een stopformulier.",
        ),
        parameters={
            "reference": ref,
            "answers": list(survey.answers),
            "waves": [int(w) for w in waves],
            "respondents": len(frame),
        },
        charts={"survey": chart},
    )
