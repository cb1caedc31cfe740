"""``population_rates``: actions per 1,000 residents per wijk and group, and disparity ratios.

Rate of level g in wijk d: R_gd = n_gd / (P_gd * years) * 1000, with the exact (Garwood) Poisson
interval. Disparity ratio against the reference r in the same wijk: DR = R_gd / R_rd with the
Poisson log interval and the exact conditional test (``stats.poisson_rate_ratio``; UK Home Office
relative disparity, research note §2.3). For the whole city the wijk-standardised
Mantel–Haenszel rate ratio is the tested figure; the crude city ratio is shown without a test,
because differences in where groups live and where officers work make it misleading (the
"geographical differences" caveat of the Race Disparity Unit, 2021).

Population denominators by group exist only for age band and sex (CBS Kerncijfers wijken en
buurten). For every group column the ecological comparison is made: per-wijk rates of all actions
against the wijk's share of residents with herkomst outside Europe (and in Europe), as a
quasi-Poisson regression n_d ~ Poisson(P_d * years * exp(a + b * share_d)) with the dispersion
estimated from Pearson's chi-square (McCullagh & Nelder 1989 §9.2) and t-based intervals on D - 2
degrees of freedom; with and without the Binnenstad, whose actions involve many visitors.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as sps

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.contract import POPULATION_GROUPS
from gelijk.engines.monitor.glm import fit_poisson
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import (
    Z_MDE,
    Comparison,
    mh_rate_ratio,
    poisson_rate_ratio,
    safe_exp,
)

BINNENSTAD = "WK034406"
_AGE_KEYS = {
    "0-14": "age_0_14",
    "15-24": "age_15_24",
    "25-44": "age_25_44",
    "45-64": "age_45_64",
    "65+": "age_65_plus",
}
_SEX_KEYS = {"male": "men", "female": "women"}
ORIGIN_SHARES = ("herkomst_outside_europe", "herkomst_europe")


def population_by_group(group: str, year: int) -> dict[tuple[str, str], int]:
    """Residents per (wijk code, level) for age band or sex, from CBS via refdata."""
    from gelijk.engines import refdata

    keys = _AGE_KEYS if group == "age_band" else _SEX_KEYS
    out = {}
    for area in refdata.districts(year=year):
        for level, key in keys.items():
            value = area.composition.get(key)
            if value is not None:
                out[(area.code, level)] = int(value)
    return out


def wijk_population(year: int) -> pd.DataFrame:
    from gelijk.engines import refdata

    rows = []
    for a in refdata.districts(year=year):
        total = a.population or 0
        row = {"district_code": a.code, "population": total}
        herkomst = [
            a.composition.get(k)
            for k in ("herkomst_nl", "herkomst_europe", "herkomst_outside_europe")
        ]
        base = sum(v for v in herkomst if v is not None) or None
        for key in ORIGIN_SHARES:
            v = a.composition.get(key)
            row[key] = (v / base) if (v is not None and base) else None
        rows.append(row)
    return pd.DataFrame(rows)


def garwood(n: int) -> tuple[float, float]:
    """Exact 95 % interval for a Poisson count (Garwood 1936)."""
    lo = 0.0 if n == 0 else sps.chi2.ppf(0.025, 2 * n) / 2
    hi = sps.chi2.ppf(0.975, 2 * n + 2) / 2
    return float(lo), float(hi)


def _years(ctx: Context, scope: str, needs) -> float:
    months = ctx.counts(["month"], ctx.filters(scope, needs))
    return max(len(months), 1) / 12.0


def ecological(
    counts: pd.Series, pop: pd.DataFrame, years: float, share: str
) -> tuple[Comparison, dict]:
    """Quasi-Poisson rate ratio per 10 percentage points of ``share`` over wijken."""
    frame = pop.set_index("district_code").join(counts.rename("n"), how="inner").dropna()
    frame = frame[frame["population"] > 0]
    d = len(frame)
    if d < 4 or frame["n"].sum() == 0:
        return Comparison(None, None, None, None, None, "quasi_poisson"), {"wijken": d}
    x = np.column_stack([np.ones(d), frame[share].to_numpy() * 10])
    fit = fit_poisson(
        x,
        frame["n"].to_numpy(),
        ["intercept", "share_10pp"],
        offset=np.log(frame["population"].to_numpy() * years),
    )
    b, se = fit.estimate("share_10pp")
    se *= math.sqrt(fit.dispersion)
    df = d - 2
    tq = float(sps.t.ppf(0.975, df))
    p = float(2 * sps.t.sf(abs(b / se), df))
    return (
        Comparison(
            safe_exp(b),
            safe_exp(b - tq * se),
            safe_exp(b + tq * se),
            p,
            safe_exp(Z_MDE * se),
            "quasi_poisson_t",
        ),
        {"wijken": d, "dispersion": fit.dispersion},
    )


def run(ctx: Context) -> AnalysisResult:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    year = ctx.config.refdata_year
    has_pop = g in POPULATION_GROUPS
    pop_g = population_by_group(g, year) if has_pop else {}
    wijken = wijk_population(year)
    results: list[Result] = []
    charts: dict[str, list] = {"rates": [], "wijk_rates": []}
    for scope in SCOPES:
        years = _years(ctx, scope, (g,))
        what = SCOPE_NL[scope]
        if has_pop:
            frame = ctx.counts(["district_code", g], ctx.group_filters(scope))
            cells = {(r.district_code, getattr(r, g)): int(r.n) for r in frame.itertuples()}
            levels = [
                lv for lv in ctx.levels if any((d, lv) in pop_g for d in wijken.district_code)
            ]
            for d in wijken["district_code"]:
                for lv in levels:
                    pop = pop_g.get((d, lv))
                    if not pop:
                        continue
                    n = cells.get((d, lv), 0)
                    lo, hi = garwood(n)
                    scale = 1000 / (pop * years)
                    rate = n * scale
                    results.append(
                        make_result(
                            measure="rate_per_1000",
                            scope=scope,
                            group=lv,
                            reference=None,
                            estimate=rate,
                            ci=(lo * scale, hi * scale),
                            n=n,
                            counts=[n],
                            k=k,
                            district_code=d,
                            method="poisson_exact_garwood",
                            explanation=(
                                f"In {nl.wijk(d)}: {nl.num(rate, 1)} {what} per 1.000 "
                                f"{nl.level(g, lv)} per jaar."
                            ),
                        )
                    )
                    charts["rates"].append(
                        {
                            "scope": scope,
                            "wijk": nl.wijk(d),
                            "group": lv,
                            "rate": rate,
                            "suppressed": results[-1].suppressed,
                        }
                    )
                    if lv == ref:
                        continue
                    n_r, pop_r = cells.get((d, ref), 0), pop_g.get((d, ref))
                    if not pop_r:
                        continue
                    cmp_ = poisson_rate_ratio(n, pop, n_r, pop_r)
                    results.append(
                        make_result(
                            measure="rate_ratio",
                            scope=scope,
                            group=lv,
                            reference=ref,
                            comparison=cmp_,
                            n=n + n_r,
                            counts=[n, n_r],
                            k=k,
                            district_code=d,
                            explanation=_ratio_text(g, lv, ref, cmp_, nl.wijk(d), what),
                        )
                    )
            for lv in levels:
                if lv == ref:
                    continue
                ds = [d for d in wijken.district_code if (d, lv) in pop_g and (d, ref) in pop_g]
                a = np.array([cells.get((d, lv), 0) for d in ds], dtype=float)
                b = np.array([cells.get((d, ref), 0) for d in ds], dtype=float)
                t1 = np.array([pop_g[(d, lv)] for d in ds], dtype=float)
                t0 = np.array([pop_g[(d, ref)] for d in ds], dtype=float)
                cmp_, extra = mh_rate_ratio(a, t1, b, t0)
                results.append(
                    make_result(
                        measure="rate_ratio_standardised",
                        scope=scope,
                        group=lv,
                        reference=ref,
                        comparison=cmp_,
                        n=int(a.sum() + b.sum()),
                        counts=[a.sum(), b.sum()],
                        k=k,
                        extra=extra,
                        explanation=_ratio_text(
                            g, lv, ref, cmp_, "heel Utrecht (per wijk vergeleken)", what
                        ),
                    )
                )
                crude = poisson_rate_ratio(a.sum(), t1.sum(), b.sum(), t0.sum())
                crude = Comparison(
                    crude.estimate,
                    crude.ci_low,
                    crude.ci_high,
                    None,
                    crude.mde,
                    "crude_rate_ratio_descriptive",
                )
                results.append(
                    make_result(
                        measure="rate_ratio_crude",
                        scope=scope,
                        group=lv,
                        reference=ref,
                        comparison=crude,
                        n=int(a.sum() + b.sum()),
                        counts=[a.sum(), b.sum()],
                        k=k,
                        explanation=(
                            _ratio_text(g, lv, ref, crude, "heel Utrecht (niet per wijk)", what)
                            + " Dit getal is niet getoetst: het mengt verschillen tussen wijken "
                            "met verschillen tussen groepen."
                        ),
                    )
                )
        # Ecological comparison: all actions in the scope per wijk against herkomst shares.
        totals = ctx.counts(["district_code"], ctx.filters(scope))
        per_wijk = totals.set_index("district_code")["n"]
        for rec in wijken.itertuples():
            n = int(per_wijk.get(rec.district_code, 0))
            lo, hi = garwood(n)
            scale = 1000 / (rec.population * years) if rec.population else float("nan")
            results.append(
                make_result(
                    measure="rate_per_1000",
                    scope=scope,
                    group=None,
                    reference=None,
                    estimate=n * scale,
                    ci=(lo * scale, hi * scale),
                    n=n,
                    counts=[n],
                    k=k,
                    district_code=rec.district_code,
                    method="poisson_exact_garwood",
                    explanation=(
                        f"In {nl.wijk(rec.district_code)}: {nl.num(n * scale, 1)} {what} per 1.000 "
                        "inwoners per jaar (alle groepen samen)."
                    ),
                )
            )
            charts["wijk_rates"].append(
                {
                    "scope": scope,
                    "wijk": nl.wijk(rec.district_code),
                    "rate": n * scale,
                    "herkomst_outside_europe": rec.herkomst_outside_europe,
                    "suppressed": results[-1].suppressed,
                }
            )
        for share in ORIGIN_SHARES:
            for label, pop in (
                ("all_districts", wijken),
                ("without_binnenstad", wijken[wijken.district_code != BINNENSTAD]),
            ):
                cmp_, extra = ecological(per_wijk, pop, years, share)
                extra["districts"] = label
                results.append(
                    make_result(
                        measure="ecological_rate_ratio_per_10pp",
                        scope=scope,
                        group=share,
                        reference=None,
                        comparison=cmp_,
                        n=int(per_wijk.sum()),
                        counts=[per_wijk.sum()],
                        k=k,
                        extra=extra,
                        unit=label,
                        explanation=_eco_text(share, cmp_, label, what),
                    )
                )
    notes = [
        "Een wijkcijfer telt acties in de wijk, ook tegen mensen die er niet wonen. "
        "Vooral in de Binnenstad zijn veel bezoekers; daar zegt 'per 1.000 inwoners' weinig.",
        "De vergelijking met de herkomst van wijkbewoners is ecologisch: een verband tussen "
        "wijken zegt niet dat personen met een bepaalde herkomst vaker worden gecontroleerd "
        "(ecologische drogreden).",
    ]
    if has_pop:
        summary = (
            f"Per wijk is het aantal acties per 1.000 inwoners per {nl.column(g)} berekend en "
            f"vergeleken met {nl.level(g, ref)}. Voor heel Utrecht telt de vergelijking per wijk "
            "(gestandaardiseerd), niet het ruwe stadsgemiddelde."
        )
    else:
        summary = (
            f"Het CBS telt inwoners per wijk alleen naar leeftijd en geslacht, niet naar "
            f"{nl.column(g)}. Daarom staan hier alleen het aantal acties per 1.000 inwoners per "
            "wijk en de ecologische vergelijking met de herkomst van de wijkbewoners."
        )
        notes.append(
            f"Er is geen bevolkingscijfer per {nl.column(g)}; een verhouding per inwoner per "
            "groep kan daarom niet worden berekend."
        )
    return AnalysisResult(
        name="population_rates",
        title="Acties per 1.000 inwoners",
        status="ok",
        summary=summary,
        results=tuple(results),
        notes=tuple(notes),
        parameters={
            "group": g,
            "reference": ref,
            "population_denominators": has_pop,
            "refdata_year": year,
        },
        charts=charts,
    )


def _ratio_text(g, lv, ref, c: Comparison, where: str, what: str) -> str:
    if c.estimate is None:
        return (
            f"{where}: te weinig acties om {nl.level(g, lv)} met {nl.level(g, ref)} te vergelijken."
        )
    return (
        f"{where}: {nl.level(g, lv)} kregen per inwoner {nl.num(c.estimate)} keer zo vaak "
        f"{what} als {nl.level(g, ref)} {nl.interval(c.ci_low, c.ci_high)}."
        + nl.significance(c.p_value)
    )


def _eco_text(share: str, c: Comparison, label: str, what: str) -> str:
    who = (
        "met herkomst buiten Europa"
        if share.endswith("outside_europe")
        else ("met Europese herkomst (niet Nederlands)")
    )
    scope = "alle wijken" if label == "all_districts" else "de wijken zonder de Binnenstad"
    if c.estimate is None:
        return f"Te weinig wijken voor de vergelijking met het aandeel inwoners {who}."
    return (
        f"Over {scope}: bij 10 procentpunt meer inwoners {who} is het aantal {what} per inwoner "
        f"{nl.num(c.estimate)} keer zo hoog {nl.interval(c.ci_low, c.ci_high)}. Dit gaat over "
        "wijken, niet over personen."
    )
