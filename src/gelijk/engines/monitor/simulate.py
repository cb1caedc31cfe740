"""Seeded simulator of Utrecht-like enforcement actions and experience surveys.

It serves demos, tests and benchmarks: a known bias can be injected and must be found; with no
bias injected nothing should be flagged beyond the nominal error rate.

Generative model (one row per encounter; every random draw comes from ``numpy`` generators
spawned from one ``SeedSequence(seed)``, so a seed and configuration give the same file):

1. **Officers and teams.** ``n_officers`` officers in THOR (75 %) and THBO (25 %); each has an
   activity level (Gamma(2)), a preference over the 10 wijken (Dirichlet around wijk activity,
   which is population-based with the Binnenstad busier), a shift (day, evening or night) and a
   share of proactive work (Beta around ``proactive_share``).
2. **When and where.** The officer of an action is drawn by activity; the wijk by the officer's
   preference; the date by a seasonal curve (more in summer); the clock time by the officer's
   shift profile; proactive or reactive by the officer's share.
3. **Who.** Age band, sex and an origin-like group (``perceived_origin``: ``nl``, ``europe``,
   ``outside_europe`` after CBS herkomst) are drawn independently from the wijk's CBS 2024
   composition (``visitor_share`` mixes in city-wide composition for the Binnenstad). For
   proactive actions the *target* level of the *target* column gets selection weight
   ``m = stop_rate_ratio * darkness_effect (when not dark) * biased_officer_ratio (for biased
   officers)``, so that in each wijk its stop rate per resident is ``m`` times that of any other
   level, and the odds of the target group among stops in the dark versus in daylight are
   ``1 / darkness_effect`` (veil of darkness).
4. **Why and what.** Each person carries an offence with probability ``phi`` (the same for every
   group; ``hit_heterogeneity`` spreads it over wijken on the logit scale). The officer sees a
   signal ``x ~ N(delta * offence, 1)`` and searches when ``x > t``; for proactive actions on the
   target group ``t`` is lowered by ``hit_threshold_shift`` (a lower evidential bar: the fast
   threshold-test model of Pierson et al. 2018 holds exactly). A search reveals the offence
   (``hit``); without a search an offence is established with probability 0.6. Strictest action:
   searched → ``seizure`` (half of the hits) or ``search``; offence without search →
   ``warning``/``fine``/``report`` (0.45/0.40/0.15, the fine share multiplied by
   ``action_rate_ratio`` for proactive actions on the target group); otherwise ``control``,
   ``id_check`` or ``other``.

Bias knobs act on proactive actions only (discretion lives there, GUIDE §5). :func:`truth`
returns the true effects implied by a configuration, for tests of coverage and power.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy import stats
from scipy.special import expit, logit

from gelijk.engines.errors import InputError
from gelijk.engines.monitor.sun import sun_times

ORIGIN_LEVELS = ("nl", "europe", "outside_europe")
AGE_LEVELS = ("0-14", "15-24", "25-44", "45-64", "65+")
SEX_LEVELS = ("male", "female")
BINNENSTAD = "WK034406"
TEAMS = ("THOR", "THBO")
_CHUNK = 500_000

#: Signal model defaults: P(offence), separation of the guilty signal, search threshold.
PHI = 0.25
DELTA = 1.0
THRESHOLD = 1.8
DETECT_WITHOUT_SEARCH = 0.6
SANCTION_PROBS = (0.45, 0.40, 0.15)  # warning, fine, report
NO_OFFENCE_PROBS = (0.55, 0.40, 0.05)  # control, id_check, other


@dataclass(frozen=True)
class BiasKnobs:
    """Injected disparities (1.0 / 0.0 = none). They act on proactive actions only."""

    target_column: str = "perceived_origin"
    target_value: str = "outside_europe"
    stop_rate_ratio: float = 1.0
    action_rate_ratio: float = 1.0
    hit_threshold_shift: float = 0.0
    darkness_effect: float = 1.0
    biased_officers: int = 0
    biased_officer_ratio: float = 3.0

    def validate(self) -> None:
        levels = {"perceived_origin": ORIGIN_LEVELS, "age_band": AGE_LEVELS, "sex": SEX_LEVELS}
        if self.target_column not in levels:
            raise InputError(
                f"bias target column must be one of {', '.join(levels)}",
                column=self.target_column,
            )
        if self.target_value not in levels[self.target_column]:
            raise InputError(
                f"bias target value {self.target_value!r} is not a level of "
                f"{self.target_column} ({', '.join(levels[self.target_column])})"
            )
        for name in (
            "stop_rate_ratio",
            "action_rate_ratio",
            "darkness_effect",
            "biased_officer_ratio",
        ):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be positive")
        if self.action_rate_ratio * SANCTION_PROBS[1] >= 1:
            raise InputError("action_rate_ratio must be below 2.5 (fine probability <= 1)")
        if self.biased_officers < 0:
            raise InputError("biased_officers must be >= 0")

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SimulationConfig:
    n_actions: int
    seed: int
    start: dt.date = dt.date(2024, 1, 1)
    days: int = 366
    n_officers: int = 120
    proactive_share: float = 0.6
    visitor_share: float = 0.0
    hit_heterogeneity: float = 0.0
    include_perceived_origin: bool = True
    knobs: BiasKnobs = field(default_factory=BiasKnobs)

    def validate(self) -> None:
        if self.n_actions < 1:
            raise InputError("the number of actions must be at least 1")
        if self.n_officers < 2:
            raise InputError("at least 2 officers are needed")
        if not 0 < self.proactive_share < 1:
            raise InputError("proactive_share must be between 0 and 1")
        if not 0 <= self.visitor_share < 1:
            raise InputError("visitor_share must be in [0, 1)")
        if self.days < 1:
            raise InputError("days must be at least 1")
        if self.knobs.biased_officers > self.n_officers:
            raise InputError("more biased officers than officers")
        self.knobs.validate()


@dataclass(frozen=True)
class _World:
    district_codes: tuple[str, ...]
    composition: dict[str, np.ndarray]  # column -> (D x levels) encountered shares
    resident_share: np.ndarray
    phi: np.ndarray  # per wijk
    officer_cum_wijk: np.ndarray  # (J x D)
    officer_cum_hour: np.ndarray  # (J x 24)
    officer_proactive: np.ndarray
    officer_cum_activity: np.ndarray
    officer_team: np.ndarray  # index into TEAMS
    officer_ids: np.ndarray
    biased: np.ndarray  # bool per officer
    dates: np.ndarray  # datetime64[D]
    date_cum: np.ndarray
    dark_from: np.ndarray  # dusk minute per date
    dark_until: np.ndarray  # dawn minute per date


def _shares(areas, keys: tuple[str, ...]) -> np.ndarray:
    mat = np.array([[a.composition.get(k) or 0 for k in keys] for a in areas], dtype=float)
    return mat / mat.sum(axis=1, keepdims=True)


def _build_world(config: SimulationConfig, rng: np.random.Generator) -> _World:
    from gelijk.engines import refdata

    areas = refdata.districts()
    codes = tuple(a.code for a in areas)
    pop = np.array([a.population or 0 for a in areas], dtype=float)
    comp = {
        "age_band": _shares(
            areas, ("age_0_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus")
        ),
        "sex": _shares(areas, ("men", "women")),
        "perceived_origin": _shares(
            areas, ("herkomst_nl", "herkomst_europe", "herkomst_outside_europe")
        ),
    }
    is_centre = np.array([c == BINNENSTAD for c in codes])
    if config.visitor_share > 0:
        for key, mat in comp.items():
            city = (mat * pop[:, None]).sum(axis=0) / pop.sum()
            mat[is_centre] = (1 - config.visitor_share) * mat[is_centre] + (
                config.visitor_share * city
            )
            comp[key] = mat
    resident_share = np.where(is_centre, 0.9 - 0.5 * config.visitor_share, 0.92)
    base_logit = logit(PHI)
    spread = rng.normal(0, 1, len(codes)) * config.hit_heterogeneity
    phi = expit(base_logit + spread)

    activity = pop * np.where(is_centre, 3.0, 1.0)
    activity = activity / activity.sum()
    j = config.n_officers
    pref = rng.dirichlet(np.maximum(activity * 3.0, 1e-3), size=j)
    pref = 0.8 * pref + 0.2 * activity
    hours = np.arange(24)
    base_hour = (
        0.3
        + np.exp(-0.5 * ((hours - 16) / 4.0) ** 2)
        + 0.6 * np.exp(-0.5 * ((np.minimum(abs(hours - 22), 24 - abs(hours - 22))) / 2.0) ** 2)
    )
    shift_centre = rng.choice([11, 18, 23], size=j, p=[0.45, 0.4, 0.15])
    dist = np.minimum(
        abs(hours[None, :] - shift_centre[:, None]),
        24 - abs(hours[None, :] - shift_centre[:, None]),
    )
    shift = np.exp(-0.5 * (dist / 3.0) ** 2)
    hour_p = 0.7 * shift / shift.sum(1, keepdims=True) + 0.3 * base_hour / base_hour.sum()
    proactive = rng.beta(config.proactive_share * 12, (1 - config.proactive_share) * 12, size=j)
    act = rng.gamma(2.0, 1.0, size=j)
    team = np.where(rng.random(j) < 0.75, 0, 1)  # index into TEAMS
    ids = np.array([f"BOA-{i + 1:04d}" for i in range(j)])
    biased = np.zeros(j, dtype=bool)
    if config.knobs.biased_officers:
        # The most active proactive officers: the ones a monitor is most likely to see.
        order = np.argsort(-(act * proactive), kind="mergesort")
        biased[order[: config.knobs.biased_officers]] = True

    dates = np.arange(
        np.datetime64(config.start),
        np.datetime64(config.start) + config.days,
        dtype="datetime64[D]",
    )
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    season = 1 + 0.15 * np.cos(2 * np.pi * (doy - 196) / 365.25)
    sun = sun_times([d.item() for d in dates])
    return _World(
        district_codes=codes,
        composition=comp,
        resident_share=resident_share,
        phi=phi,
        officer_cum_wijk=np.cumsum(pref / pref.sum(1, keepdims=True), axis=1),
        officer_cum_hour=np.cumsum(hour_p, axis=1),
        officer_proactive=proactive,
        officer_cum_activity=np.cumsum(act / act.sum()),
        officer_team=team,
        officer_ids=ids,
        biased=biased,
        dates=dates,
        date_cum=np.cumsum(season / season.sum()),
        dark_from=sun["dusk"].to_numpy(),
        dark_until=sun["dawn"].to_numpy(),
    )


def _pick(u: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Row-wise inverse-CDF draw: ``cum`` is (n x K) or (K,) cumulative probabilities."""
    if cum.ndim == 1:
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    return np.minimum((u[:, None] >= cum).sum(axis=1), cum.shape[1] - 1)


def _chunk(
    world: _World, config: SimulationConfig, rng: np.random.Generator, start: int, n: int
) -> pa.RecordBatch:
    k = config.knobs
    officer = _pick(rng.random(n), world.officer_cum_activity)
    wijk = _pick(rng.random(n), world.officer_cum_wijk[officer])
    day = _pick(rng.random(n), world.date_cum)
    hour = _pick(rng.random(n), world.officer_cum_hour[officer])
    minute = hour * 60 + rng.integers(0, 60, size=n)
    proactive = rng.random(n) < world.officer_proactive[officer]
    dark = (minute >= world.dark_from[day]) | (minute < world.dark_until[day])

    levels = {"age_band": AGE_LEVELS, "sex": SEX_LEVELS, "perceived_origin": ORIGIN_LEVELS}
    drawn: dict[str, np.ndarray] = {}
    for col, lv in levels.items():
        shares = world.composition[col][wijk]  # (n x L)
        u = rng.random(n)
        if col == k.target_column:
            t = lv.index(k.target_value)
            m = np.ones(n)
            m[proactive] *= k.stop_rate_ratio
            m[proactive & ~dark] *= k.darkness_effect
            m[proactive & world.biased[officer]] *= k.biased_officer_ratio
            w = shares.copy()
            w[:, t] *= m
            shares = w / w.sum(axis=1, keepdims=True)
        drawn[col] = _pick(u, np.cumsum(shares, axis=1))
    target = drawn[k.target_column] == levels[k.target_column].index(k.target_value)

    offence = rng.random(n) < world.phi[wijk]
    signal = rng.normal(size=n) + DELTA * offence
    threshold = np.full(n, THRESHOLD)
    threshold[proactive & target] -= k.hit_threshold_shift
    searched = signal > threshold
    found_without = offence & (rng.random(n) < DETECT_WITHOUT_SEARCH)
    hit = np.where(searched, offence, found_without)
    # Codes into _ACTIONS: control, id_check, warning, fine, report, search, seizure, other.
    action = np.empty(n, dtype=np.int8)
    seize = searched & offence & (rng.random(n) < 0.5)
    action[searched] = 5
    action[seize] = 6
    sanction = ~searched & hit
    fine_p = np.full(n, SANCTION_PROBS[1])
    fine_p[proactive & target] *= k.action_rate_ratio
    rest = (1 - fine_p) / (SANCTION_PROBS[0] + SANCTION_PROBS[2])
    cum = np.column_stack([SANCTION_PROBS[0] * rest, SANCTION_PROBS[0] * rest + fine_p, np.ones(n)])
    pick = _pick(rng.random(n), cum)
    action[sanction] = np.array([2, 3, 4], dtype=np.int8)[pick[sanction]]
    none = ~searched & ~hit
    pick2 = _pick(rng.random(n), np.cumsum(NO_OFFENCE_PROBS))
    action[none] = np.array([0, 1, 7], dtype=np.int8)[pick2[none]]

    resident = rng.random(n) < world.resident_share[wijk]
    # Nationality is recorded only where a fine or report records it.
    nat_valid = (action == 3) | (action == 4)

    local = world.dates[day].astype("datetime64[m]") + minute.astype("timedelta64[m]")
    occurred = pd.DatetimeIndex(local).tz_localize(
        "Europe/Amsterdam", ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward"
    )
    cols: dict[str, Any] = {
        "action_id": _ids(start, n),
        "occurred_at": pa.array(occurred),
        "district_code": _dict(wijk, world.district_codes),
        "team": _dict(world.officer_team[officer], TEAMS),
        "officer_id": _dict(officer, tuple(world.officer_ids)),
        "initiative": _dict(np.where(proactive, 0, 1), ("proactive", "reactive")),
        "action_type": _dict(action, _ACTIONS),
        "outcome": _dict(hit.astype(np.int8), ("no_offence", "offence")),
        "hit": pa.array(hit.astype(np.int8)),
        "age_band": _dict(drawn["age_band"], AGE_LEVELS),
        "sex": _dict(drawn["sex"], SEX_LEVELS),
        "nationality_group": _dict(
            drawn["perceived_origin"], ("NL", "EU", "non-EU"), mask=~nat_valid
        ),
        "resident": pa.array(resident.astype(np.int8)),
    }
    if config.include_perceived_origin:
        cols["perceived_origin"] = _dict(drawn["perceived_origin"], ORIGIN_LEVELS)
    return pa.RecordBatch.from_pydict(cols)


_ACTIONS = ("control", "id_check", "warning", "fine", "report", "search", "seizure", "other")


def _dict(codes: np.ndarray, levels, mask: np.ndarray | None = None) -> pa.DictionaryArray:
    idx = pa.array(np.asarray(codes, dtype=np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(levels), pa.string()))


def _ids(start: int, n: int) -> pa.Array:
    """``A`` followed by the 9-digit action number, built as bytes (fast for millions)."""
    nums = start + np.arange(1, n + 1, dtype=np.int64)
    powers = 10 ** np.arange(8, -1, -1, dtype=np.int64)
    digits = ((nums[:, None] // powers) % 10 + 48).astype(np.uint8)
    raw = np.concatenate([np.full((n, 1), ord("A"), dtype=np.uint8), digits], axis=1)
    return pa.array(raw.view("S10").ravel()).cast(pa.string())


def simulate_batches(config: SimulationConfig) -> Iterator[pa.RecordBatch]:
    """The simulated actions as Arrow record batches of at most 500,000 rows."""
    config.validate()
    seq = np.random.SeedSequence(config.seed)
    world_seq, data_seq = seq.spawn(2)
    world = _build_world(config, np.random.default_rng(world_seq))
    n_chunks = -(-config.n_actions // _CHUNK)
    for i, child in enumerate(data_seq.spawn(n_chunks)):
        start = i * _CHUNK
        n = min(_CHUNK, config.n_actions - start)
        yield _chunk(world, config, np.random.default_rng(child), start, n)


def simulate_actions(config: SimulationConfig) -> pa.Table:
    """All simulated actions as one Arrow table."""
    return pa.Table.from_batches(list(simulate_batches(config)))


def write_actions(config: SimulationConfig, path: str | Path, *, dialect: str = "standard") -> Path:
    """Write simulated actions to .parquet or .csv (``dialect``: ``standard`` = UTF-8 with
    commas, ``excel-nl`` = Windows-1252 with semicolons, as Dutch Excel exports)."""
    path = Path(path)
    suffix = path.suffix.lower()
    batches = simulate_batches(config)
    if suffix in {".parquet", ".pq"}:
        first = next(batches)
        with pq.ParquetWriter(path, first.schema, compression="zstd") as writer:
            writer.write_batch(first)
            for b in batches:
                writer.write_batch(b)
    elif suffix == ".csv":
        if dialect == "standard":
            first = next(batches)
            opts = pacsv.WriteOptions(include_header=True)
            with pacsv.CSVWriter(path, first.schema, write_options=opts) as writer:
                writer.write_batch(first)
                for b in batches:
                    writer.write_batch(b)
        elif dialect == "excel-nl":
            with path.open("w", encoding="cp1252", newline="") as fh:
                for i, b in enumerate(batches):
                    frame = b.to_pandas()
                    frame["occurred_at"] = frame["occurred_at"].map(lambda t: t.isoformat())
                    frame.to_csv(fh, sep=";", index=False, header=i == 0)
        else:
            raise InputError(f"unknown CSV dialect {dialect!r} (standard or excel-nl)")
    else:
        raise InputError(f"{path.name}: write .parquet or .csv")
    return path


# --------------------------------------------------------------------------- truth


def probability_threshold(t: float, phi: float = PHI, delta: float = DELTA) -> float:
    """Threshold on the probability scale: P(offence | signal = t) (Pierson et al. 2018)."""
    a = phi * stats.norm.pdf(t - delta)
    return float(a / (a + (1 - phi) * stats.norm.pdf(t)))


def truth(config: SimulationConfig) -> dict[str, Any]:
    """True effects for the target group versus any other level, proactive actions."""
    k = config.knobs
    seq = np.random.SeedSequence(config.seed)
    world = _build_world(config, np.random.default_rng(seq.spawn(2)[0]))
    return {
        "target_column": k.target_column,
        "target_value": k.target_value,
        # Per wijk, per resident, outside the biased officers and in the dark.
        "population_rate_ratio_dark": k.stop_rate_ratio,
        "vod_odds_ratio": 1.0 / k.darkness_effect,
        "action_rate_ratio_fine": k.action_rate_ratio,
        "threshold_reference": probability_threshold(THRESHOLD),
        "threshold_target": probability_threshold(THRESHOLD - k.hit_threshold_shift),
        "biased_officers": sorted(world.officer_ids[world.biased].tolist()),
    }


def without_bias(config: SimulationConfig) -> SimulationConfig:
    return replace(
        config,
        knobs=replace(
            config.knobs,
            stop_rate_ratio=1.0,
            action_rate_ratio=1.0,
            hit_threshold_shift=0.0,
            darkness_effect=1.0,
            biased_officers=0,
        ),
    )


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class SurveyConfig:
    """Experience survey: ``waves`` waves of ``respondents`` each.

    Respondents outside Europe by origin are oversampled (inclusion probability 3x), so the
    unweighted share is biased and the weights (inverse inclusion probability, with random
    non-response adjustment) are needed. ``gap`` adds to the probability of reporting unfair
    treatment for the ``outside_europe`` group; ``trend`` is added per wave for everyone.
    """

    respondents: int
    waves: int
    seed: int
    gap: float = 0.0
    trend: float = 0.0
    base_unfair: float = 0.08


def simulate_survey(config: SurveyConfig) -> pd.DataFrame:
    if config.respondents < 10 or config.waves < 1:
        raise InputError("a survey needs at least 10 respondents and 1 wave")
    from gelijk.engines import refdata

    rng = np.random.default_rng(np.random.SeedSequence(config.seed))
    areas = refdata.districts()
    pop = np.array([a.population or 0 for a in areas], dtype=float)
    origin_share = _shares(areas, ("herkomst_nl", "herkomst_europe", "herkomst_outside_europe"))
    city = (origin_share * pop[:, None]).sum(0) / pop.sum()
    incl = np.array([1.0, 1.0, 3.0])
    sample_p = city * incl / (city * incl).sum()
    frames = []
    for wave in range(1, config.waves + 1):
        n = config.respondents
        origin = rng.choice(3, size=n, p=sample_p)
        nonresp = rng.lognormal(0, 0.3, size=n)
        weight = nonresp / incl[origin]
        weight = weight * (n / weight.sum())
        p = config.base_unfair + config.trend * (wave - 1) + config.gap * (origin == 2)
        unfair = rng.random(n) < np.clip(p, 0, 1)
        trust = np.clip(np.round(rng.normal(3.4 - 0.3 * (origin == 2), 1.0, size=n)), 1, 5)
        stopped = rng.random(n) < 0.12 + 0.05 * (origin == 2)
        group = np.asarray(ORIGIN_LEVELS, dtype=object)[origin]
        group[rng.random(n) < 0.03] = None
        frames.append(
            pd.DataFrame(
                {
                    "respondent_id": [f"R{wave:02d}-{i + 1:06d}" for i in range(n)],
                    "wave": wave,
                    "weight": np.round(weight, 6),
                    "self_reported_group": group,
                    "district_code": np.asarray([a.code for a in areas])[
                        rng.choice(len(areas), size=n, p=pop / pop.sum())
                    ],
                    "age_band": rng.choice(AGE_LEVELS[1:], size=n),
                    "sex": rng.choice(SEX_LEVELS, size=n),
                    "q_unfair_treatment": unfair.astype(int),
                    "q_trust_enforcement": trust.astype(int),
                    "q_stopped_12m": stopped.astype(int),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
