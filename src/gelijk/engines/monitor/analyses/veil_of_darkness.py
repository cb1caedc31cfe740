"""``veil_of_darkness``: is a group's share of actions lower when it is dark?

Idea (Grogger & Ridgeway 2006): after dark an officer sees less of who someone is. If a group is
controlled more in daylight than in the dark *at the same clock time*, the choice of whom to
control depended on what the officer could see. Specification of the Open Policing Project
(``tutorial.Rmd``, ``lib/veil_of_darkness.R``; research note §1.3):

1. Sun times per date for Utrecht (``sun.py``; dusk = end of civil twilight).
2. Keep actions in the inter-twilight window: min(dusk) <= clock minute <= max(dusk) over the
   dates analysed; drop the ambiguous minutes between sunset and dusk.
3. dark = clock minute > dusk of that date.
4. Model 1: logit P(group = g | g or r) = b0 + b_dark * dark + ns(minute, df = 6);
   Model 2: + wijk fixed effects; DST variant: only dates within ±30 days of a daylight-saving
   change, with wijk and (year, spring/autumn) fixed effects — around the clock change the same
   clock time is light one week and dark the next, so season cannot explain the contrast.

Fitted as grouped binomial GLMs on counts per (dark, minute, wijk[, period]) — exact.
Reported: exp(b_dark), the odds ratio of g (versus r) in the dark versus in daylight; below 1
means g is controlled relatively more in daylight. Only meaningful for a group one can see
(perceived origin in the stop-form pilot; age band or sex as a proxy); not for nationality or
residence. Reactive actions serve as a check: an officer responding to a call does not choose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gelijk.engines.disclosure import is_small
from gelijk.engines.errors import InputError
from gelijk.engines.monitor import nl
from gelijk.engines.monitor.aggregate import Filter
from gelijk.engines.monitor.config import Context, as_text
from gelijk.engines.monitor.glm import fit_binomial, treatment_dummies
from gelijk.engines.monitor.result import SCOPE_NL, SCOPES, AnalysisResult, Result, make_result
from gelijk.engines.monitor.splines import NaturalSpline
from gelijk.engines.monitor.stats import normal_effect
from gelijk.engines.monitor.sun import dst_change_dates, sun_times

VISIBLE_GROUPS = ("perceived_origin", "age_band", "sex")
#: A standard error of the log odds ratio above this means separated data, not an estimate.
MAX_SE = 5.0
MODELS = (
    ("vod_odds_ratio", False, False),
    ("vod_odds_ratio_district", True, False),
    ("vod_odds_ratio_dst", True, True),
)


def window_counts(ctx: Context, scope: str) -> pd.DataFrame:
    """Counts per (dark, minute, wijk, group, DST period) in the inter-twilight window."""
    return window_counts_by_scope(ctx, (scope,))[scope]


def window_counts_by_scope(
    ctx: Context, scopes: tuple[str, ...] = SCOPES
) -> dict[str, pd.DataFrame]:
    """:func:`window_counts` for several scopes from one grouped count.

    The grouped counts come per (date, minute); darkness depends on the date's dusk, so it is
    decided here and the dates are then summed away (the models need no date). The counts are
    asked once per initiative: a scope is one initiative, "all" their sum, which gives the
    same cells as asking per scope. (A rollup cache by date and minute would be almost as
    large as the action table itself, so none is requested.)
    """
    g = ctx.group
    base = ctx.group_filters("all")
    per_day = ctx.counts(["date", "initiative"], base)
    empty = {scope: pd.DataFrame() for scope in scopes}
    if per_day.empty:
        return empty
    day_scope = {
        scope: per_day if scope == "all" else per_day[per_day["initiative"] == scope]
        for scope in scopes
    }
    day_scope = {s: d for s, d in day_scope.items() if not d.empty}
    if not day_scope:
        return empty
    sun = sun_times(pd.to_datetime(per_day["date"]).dt.date)
    sun_days = pd.to_datetime(sun["date"]).to_numpy().astype("datetime64[D]")
    bounds = {}
    for scope, days in day_scope.items():
        dusk = sun["dusk"].to_numpy()[
            np.searchsorted(
                sun_days, pd.to_datetime(days["date"]).to_numpy().astype("datetime64[D]")
            )
        ]
        bounds[scope] = (int(np.floor(dusk.min())), int(np.ceil(dusk.max())))
    lo = min(b[0] for b in bounds.values())
    hi = max(b[1] for b in bounds.values())
    if getattr(ctx.agg, "twilight_counts", None) is not None:
        return _twilight_by_scope(ctx, scopes, base, sun, bounds)
    frame = ctx.counts(
        ["date", "minute", "district_code", g, "initiative"],
        [*base, Filter("minute", "between", (lo, hi))],
    )
    if frame.empty:
        return empty
    day = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]")
    idx = np.searchsorted(sun_days, day)
    minute = frame["minute"].to_numpy()
    dusk = sun["dusk"].to_numpy()[idx]
    sunset = sun["sunset"].to_numpy()[idx]
    period = np.full(len(frame), -1)
    periods: list[str] = []
    years = np.unique(day.astype("datetime64[Y]").astype(int) + 1970)
    window = ctx.config.vod_dst_window_days
    for change in dst_change_dates(int(y) for y in years):
        near = np.abs((day - np.datetime64(change)).astype(int)) <= window
        period[near] = len(periods)
        periods.append(f"{change.year}-{'spring' if change.month == 3 else 'autumn'}")
    # Integer codes for the text keys: summing by codes is exact and many times faster
    # than grouping millions of rows by Python strings.
    district_codes, districts = pd.factorize(frame["district_code"], use_na_sentinel=True)
    group_codes, group_levels = pd.factorize(frame[g], use_na_sentinel=True)
    initiative = frame["initiative"].to_numpy()
    n = frame["n"].to_numpy()
    dark = (minute > dusk).astype(int)
    ambiguous = (minute > sunset) & (minute <= dusk)
    # (a pandas group-by drops cells with a missing key; so do these codes)
    known = (district_codes >= 0) & (group_codes >= 0)
    out = {}
    for scope in scopes:
        if scope not in day_scope:
            out[scope] = pd.DataFrame()
            continue
        rows = (minute >= bounds[scope][0]) & (minute <= bounds[scope][1])
        if scope != "all":
            rows &= initiative == scope
        if not rows.any():
            out[scope] = frame.iloc[:0]
            continue
        keep = rows & (minute >= dusk[rows].min()) & (minute <= dusk[rows].max())
        keep &= ~ambiguous & known
        cells = pd.DataFrame(
            {
                "dark": dark[keep],
                "minute": minute[keep],
                "district_code": district_codes[keep],
                g: group_codes[keep],
                "period": period[keep],
                "n": n[keep],
            }
        )
        keys = ["dark", "minute", "district_code", g, "period"]
        cells = cells.groupby(keys, sort=False)["n"].sum().reset_index()
        cells["district_code"] = _decode(cells["district_code"], districts)
        cells[g] = _decode(cells[g], group_levels)
        cells["period"] = _decode(cells["period"], np.array(periods, dtype=object))
        out[scope] = cells
    return out


def _periods(days: np.ndarray, window: int) -> list[str | None]:
    """DST period per date: the clock change within ``window`` days, if any."""
    period: list[str | None] = [None] * len(days)
    years = np.unique(days.astype("datetime64[Y]").astype(int) + 1970)
    for change in dst_change_dates(int(y) for y in years):
        near = np.abs((days - np.datetime64(change)).astype(int)) <= window
        for i in np.flatnonzero(near):
            period[i] = f"{change.year}-{'spring' if change.month == 3 else 'autumn'}"
    return period


def _twilight_by_scope(
    ctx: Context,
    scopes: tuple[str, ...],
    base: list[Filter],
    sun: pd.DataFrame,
    bounds: dict[str, tuple[int, int]],
) -> dict[str, pd.DataFrame]:
    """:func:`window_counts_by_scope` with light and dark decided by the backend
    (``twilight_counts``): the same cells, from a few thousand rows instead of millions."""
    g = ctx.group
    lo = min(b[0] for b in bounds.values())
    hi = max(b[1] for b in bounds.values())
    sun_days = pd.to_datetime(sun["date"]).to_numpy().astype("datetime64[D]")
    window = [*base, Filter("minute", "between", (lo, hi))]
    # The light/dark window of a scope runs from the earliest to the latest dusk among the
    # dates that have actions in the scope's clock-time range: which dates those are.
    same = all(b == (lo, hi) for b in bounds.values())
    present = ctx.counts(
        ["date", "initiative"] if same else ["date", "initiative", "minute"], window
    )
    days = sun.assign(period=_periods(sun_days, ctx.config.vod_dst_window_days))
    frame = ctx.agg.twilight_counts(["minute", "district_code", g, "initiative"], window, days)
    if g in frame.columns:
        frame[g] = as_text(frame[g])
    empty = pd.DataFrame()
    out = {}
    for scope in scopes:
        if scope not in bounds:
            out[scope] = empty
            continue
        lo_s, hi_s = bounds[scope]
        here = present if scope == "all" else present[present["initiative"] == scope]
        if not same:
            here = here[(here["minute"] >= lo_s) & (here["minute"] <= hi_s)]
        if here.empty:
            out[scope] = empty
            continue
        at = np.searchsorted(
            sun_days, pd.to_datetime(here["date"]).to_numpy().astype("datetime64[D]")
        )
        dusk = sun["dusk"].to_numpy()[at]
        minute = frame["minute"].to_numpy()
        rows = (minute >= lo_s) & (minute <= hi_s) & (minute >= dusk.min()) & (minute <= dusk.max())
        if scope != "all":
            rows &= (frame["initiative"] == scope).to_numpy()
        keys = ["dark", "minute", "district_code", g, "period"]
        cells = frame.loc[rows, [*keys, "n"]].assign(period=lambda f: f["period"].fillna(""))
        cells = cells.groupby(keys, sort=False)["n"].sum().reset_index()
        cells["period"] = cells["period"].replace("", None)
        out[scope] = cells
    return out


def _decode(codes: pd.Series, values) -> np.ndarray:
    """Codes back to values, code -1 (missing) to None."""
    table = np.array([*list(values), None], dtype=object)
    return table[codes.to_numpy()]


def fit_vod(
    cells: pd.DataFrame,
    *,
    spline_df: int,
    district_effects: bool,
    period_effects: bool,
) -> tuple[float, float, int]:
    """(b_dark, se, n) from cells with columns dark, minute, district_code, period, y, n."""
    cols = (
        ["dark", "minute"]
        + (["district_code"] if district_effects else [])
        + (["period"] if period_effects else [])
    )
    data = cells.groupby(cols, dropna=False)[["y", "n"]].sum().reset_index()
    data = data[data["n"] > 0]
    if district_effects:
        # Wijken where every action is of one group carry no information on b_dark.
        keep = data.groupby("district_code")[["y", "n"]].transform("sum")
        data = data[(keep["y"] > 0) & (keep["y"] < keep["n"])]
    if data["dark"].nunique() < 2 or len(data) < spline_df + 3:
        raise InputError("too few actions in the light and the dark to compare")
    spline = NaturalSpline.from_data(data["minute"].to_numpy(), spline_df, data["n"].to_numpy())
    parts = [
        np.ones((len(data), 1)),
        data[["dark"]].to_numpy(float),
        spline.basis(data["minute"].to_numpy()),
    ]
    names = ["intercept", "dark"] + [f"ns{i + 1}" for i in range(spline.df)]
    for col, on in (("district_code", district_effects), ("period", period_effects)):
        if on:
            levels = data[col].astype(str)
            mat, nm = treatment_dummies(levels, sorted(levels.unique())[0], col)
            parts.append(mat)
            names += nm
    x = np.column_stack(parts)
    fit = fit_binomial(x, data["y"].to_numpy(), data["n"].to_numpy(), names)
    b, se = fit.estimate("dark")
    if not fit.converged or not se < MAX_SE:
        raise InputError("the model does not converge (a group is absent in light or dark)")
    return b, se, int(data["n"].sum())


def run(ctx: Context) -> AnalysisResult:
    g, ref, k = ctx.group, ctx.reference, ctx.k
    if g not in VISIBLE_GROUPS:
        return AnalysisResult(
            name="veil_of_darkness",
            title="Licht en donker (veil of darkness)",
            status="not_applicable",
            summary=(
                f"Deze toets werkt alleen voor een kenmerk dat een handhaver kan zien, zoals "
                f"waargenomen herkomst (alleen in de pilot met het stopformulier), leeftijd of "
                f"geslacht. Voor {nl.column(g)} is de toets niet zinvol."
            ),
            parameters={"group": g, "visible_groups": list(VISIBLE_GROUPS)},
        )
    results: list[Result] = []
    chart: list[dict] = []
    problems: list[str] = []
    windows = window_counts_by_scope(ctx)
    for scope in SCOPES:
        frame = windows[scope]
        if frame.empty:
            problems.append(f"{SCOPE_NL[scope]}: geen acties in het schemervenster")
            continue
        for lv in ctx.levels:
            if lv == ref:
                continue
            pair = frame[frame[g].isin([lv, ref])].copy()
            pair["y"] = np.where(pair[g] == lv, pair["n"], 0)
            for measure, district, dst in MODELS:
                data = pair[pair["period"].notna()] if dst else pair
                n_g = int(data["y"].sum())
                n_r = int(data["n"].sum()) - n_g
                try:
                    b, se, n = fit_vod(
                        data,
                        spline_df=ctx.config.vod_spline_df,
                        district_effects=district,
                        period_effects=dst,
                    )
                except InputError as exc:
                    problems.append(f"{SCOPE_NL[scope]}, {nl.level(g, lv)}, {measure}: {exc}")
                    continue
                cmp_ = normal_effect(b, se, ratio=True, method="binomial_glm_wald")
                results.append(
                    make_result(
                        measure=measure,
                        scope=scope,
                        group=lv,
                        reference=ref,
                        comparison=cmp_,
                        n=n,
                        counts=[n_g, n_r],
                        k=k,
                        extra={"coefficient": b, "se": se, "spline_df": ctx.config.vod_spline_df},
                        explanation=_text(g, lv, ref, cmp_, scope, district, dst),
                    )
                )
            if scope == "proactive":
                chart.extend(_chart_rows(pair, lv, k))
    status = "ok" if results else "insufficient_data"
    notes = [
        "Een kansverhouding onder 1 betekent: in het donker is deze groep minder vaak "
        "gecontroleerd dan bij daglicht, op dezelfde kloktijd. Dat wijst erop dat zichtbaarheid "
        "meetelde bij de keuze wie werd gecontroleerd.",
        "Bij reactieve acties kiest de handhaver niet zelf; daar hoort geen verschil te zijn.",
    ]
    if g != "perceived_origin":
        notes.append(
            f"{nl.column(g).capitalize()} is hier een vervanger: het zegt iets over "
            "zichtbaarheid, niet over herkomst."
        )
    notes.extend(problems)
    return AnalysisResult(
        name="veil_of_darkness",
        title="Licht en donker (veil of darkness)",
        status=status,
        summary=(
            f"Is het aandeel van een {nl.column(g)} in de acties kleiner als het donker is? "
            "Alleen acties rond de schemering tellen mee, op dezelfde kloktijd vergeleken."
        ),
        results=tuple(results),
        notes=tuple(notes),
        parameters={
            "group": g,
            "reference": ref,
            "spline_df": ctx.config.vod_spline_df,
            "dst_window_days": ctx.config.vod_dst_window_days,
            "latitude": 52.0907,
            "longitude": 5.1214,
        },
        charts={"share_by_time": chart},
    )


def _chart_rows(pair: pd.DataFrame, lv: str, k: int) -> list[dict]:
    bins = (pair["minute"] // 30) * 30
    tab = pair.assign(bin=bins).groupby(["bin", "dark"])[["y", "n"]].sum().reset_index()
    return [
        {
            "group": lv,
            "minute": int(r.bin),
            "time": f"{int(r.bin) // 60:02d}:{int(r.bin) % 60:02d}",
            "light": "donker" if r.dark else "licht",
            "share": r.y / r.n,
            "n": int(r.n),
            "suppressed": is_small(int(r.y), k) or is_small(int(r.n - r.y), k),
        }
        for r in tab.itertuples()
        if r.n > 0
    ]


def _text(g, lv, ref, c, scope, district, dst) -> str:
    how = "met correctie voor de wijk" if district else "zonder correctie voor de wijk"
    if dst:
        how = "alleen rond de wisseling van zomer- en wintertijd"
    if c.estimate is None:
        return "Te weinig gegevens voor deze toets."
    return (
        f"{SCOPE_NL[scope].capitalize()}, {how}: de kansverhouding van {nl.level(g, lv)} "
        f"(tegenover {nl.level(g, ref)}) in het donker tegenover het licht is "
        f"{nl.num(c.estimate)} {nl.interval(c.ci_low, c.ci_high)}." + nl.significance(c.p_value)
    )
