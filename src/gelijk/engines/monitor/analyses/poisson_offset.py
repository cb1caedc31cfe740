"""``poisson_offset``: the Gelman–Fagan–Kiss model of counts per group x wijk with an exposure.

y_gd ~ Poisson(E_gd * exp(mu + alpha_g + beta_d)), fitted as a log-linear GLM with offset
log(E_gd) (Gelman, Fagan & Kiss 2007, *JASA* 102:813–823; Gelman & Hill 2007, ch. 6 — the
non-hierarchical form, with wijk fixed effects instead of random effects). exp(alpha_g -
alpha_r) is the action rate of g relative to the reference per unit of exposure *within* a wijk.
Overdispersion (GFK's epsilon term) is handled by the quasi-Poisson scale: standard errors are
multiplied by sqrt(Pearson chi-square / df) when that is above 1.

Exposures: residents of the group in the wijk (CBS; age band and sex only), and for proactive
actions the reactive actions of the group in the wijk (calls from the public as a stand-in for
who is around and involved, in the spirit of GFK's past arrests). Reactive actions may carry the
callers' own bias — a caveat stated in the report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gelijk.engines.monitor import nl
from gelijk.engines.monitor.analyses.population_rates import population_by_group
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.contract import POPULATION_GROUPS
from gelijk.engines.monitor.glm import GLMFit, fit_poisson, treatment_dummies
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.stats import normal_effect


def poisson_offset_model(
    frame: pd.DataFrame,
    *,
    count: str,
    group: str,
    reference: object,
    exposure: str,
    area: str | None = None,
) -> GLMFit:
    """Fit ``count ~ group [+ area]`` with offset log(exposure); rows with exposure 0 dropped.

    Coefficient names: ``intercept``, ``{group}[level]``, ``{area}[level]`` (treatment coding,
    the first area level in sorted order as its reference).
    """
    data = frame[frame[exposure] > 0]
    parts = [np.ones((len(data), 1))]
    names = ["intercept"]
    mat, nm = treatment_dummies(data[group], reference, group)
    parts.append(mat)
    names += nm
    if area is not None:
        levels = sorted(str(v) for v in data[area].unique())
        mat, nm = treatment_dummies(data[area].astype(str), levels[0], area)
        parts.append(mat)
        names += nm
    return fit_poisson(
        np.column_stack(parts),
        data[count].to_numpy(),
        names,
        offset=np.log(data[exposure].to_numpy(dtype=float)),
    )


def _level_results(
    fit: GLMFit,
    frame: pd.DataFrame,
    ctx: Context,
    scope: str,
    measure: str,
    exposure_nl: str,
    levels: Sequence[str],
) -> list[Result]:
    g, ref = ctx.group, ctx.reference
    out = []
    scale = math.sqrt(fit.dispersion)
    n_ref = int(frame.loc[frame[g] == ref, "y"].sum())
    for lv in levels:
        name = f"{g}[{lv}]"
        if name not in fit.names:
            continue
        b, se = fit.estimate(name)
        cmp_ = normal_effect(b, se * scale, ratio=True, method="quasi_poisson_glm_offset")
        n_g = int(frame.loc[frame[g] == lv, "y"].sum())
        text = (
            (
                f"{SCOPE_NL[scope].capitalize()}: binnen dezelfde wijk kregen {nl.level(g, lv)} "
                f"{nl.num(cmp_.estimate)} keer zo vaak een actie per {exposure_nl} als "
                f"{nl.level(g, ref)} {nl.interval(cmp_.ci_low, cmp_.ci_high)}."
                + nl.significance(cmp_.p_value)
            )
            if cmp_.estimate is not None
            else "Te weinig gegevens voor dit model."
        )
        out.append(
            make_result(
                measure=measure,
                scope=scope,
                group=lv,
                reference=ref,
                comparison=cmp_,
                n=n_g + n_ref,
                counts=[n_g, n_ref],
                k=ctx.k,
                extra={
                    "coefficient": b,
                    "se_poisson": se,
                    "dispersion": fit.dispersion,
                    "deviance": fit.deviance,
                    "df_resid": fit.df_resid,
                    "converged": fit.converged,
                },
                explanation=text,
            )
        )
    return out


def run(ctx: Context) -> AnalysisResult:
    g, ref = ctx.group, ctx.reference
    results: list[Result] = []
    notes = []
    has_pop = g in POPULATION_GROUPS
    pop = population_by_group(g, ctx.config.refdata_year) if has_pop else {}
    others = [lv for lv in ctx.levels if lv != ref]
    for scope in SCOPES:
        frame = ctx.counts(["district_code", g], ctx.group_filters(scope)).rename(
            columns={"n": "y"}
        )
        if has_pop:
            grid = pd.DataFrame(
                [{"district_code": d, g: lv, "population": p} for (d, lv), p in pop.items()]
            )
            data = grid.merge(frame, on=["district_code", g], how="left").fillna({"y": 0})
            data = data[data[g].isin(ctx.levels)]
            if data[g].eq(ref).any() and data["y"].sum() > 0:
                fit = poisson_offset_model(
                    data,
                    count="y",
                    group=g,
                    reference=ref,
                    exposure="population",
                    area="district_code",
                )
                results += _level_results(
                    fit, data, ctx, scope, "rate_ratio_population", "inwoner", others
                )
        if scope == "proactive":
            reactive = ctx.counts(["district_code", g], ctx.group_filters("reactive")).rename(
                columns={"n": "baseline"}
            )
            data = frame.merge(reactive, on=["district_code", g], how="outer").fillna(
                {"y": 0, "baseline": 0}
            )
            dropped = int(data.loc[data["baseline"] == 0, "y"].sum())
            if dropped:
                notes.append(
                    f"{dropped} proactieve acties vallen buiten de vergelijking met reactieve "
                    "acties: in hun wijk en groep waren geen reactieve acties."
                )
            usable = data[data["baseline"] > 0]
            if usable[g].eq(ref).any() and usable[g].nunique() > 1:
                fit = poisson_offset_model(
                    usable,
                    count="y",
                    group=g,
                    reference=ref,
                    exposure="baseline",
                    area="district_code",
                )
                results += _level_results(
                    fit,
                    usable,
                    ctx,
                    scope,
                    "rate_ratio_reactive_baseline",
                    "reactieve actie",
                    others,
                )
    notes.append(
        "Reactieve acties (na een melding) dienen als maatstaf voor wie er rondloopt en "
        "betrokken is. Ook meldingen kunnen vooroordelen bevatten; lees het cijfer als een "
        "vergelijking, niet als bewijs."
    )
    if not has_pop:
        notes.append(
            f"Voor {nl.column(g)} bestaat geen bevolkingscijfer per wijk; alleen de "
            "vergelijking met reactieve acties is gemaakt."
        )
    return AnalysisResult(
        name="poisson_offset",
        title="Poissonmodel per wijk en groep (Gelman–Fagan–Kiss)",
        status="ok" if results else "insufficient_data",
        summary=(
            f"Een model dat per wijk vergelijkt hoe vaak {nl.column(g)}-groepen een actie krijgen, "
            "gerekend per inwoner en (voor proactieve acties) per reactieve actie."
        ),
        results=tuple(results),
        notes=tuple(notes),
        parameters={"group": g, "reference": ref, "population_exposure": has_pop},
    )
