"""The simulator: seeded, and its knobs inject the effects they promise."""

import numpy as np
import pytest

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import BiasKnobs, SimulationConfig, simulate_actions
from gelijk.engines.monitor.simulate import SurveyConfig, simulate_survey, truth


def test_same_seed_same_data_other_seed_other_data():
    a = simulate_actions(SimulationConfig(n_actions=3000, seed=7))
    b = simulate_actions(SimulationConfig(n_actions=3000, seed=7))
    c = simulate_actions(SimulationConfig(n_actions=3000, seed=8))
    assert a.equals(b)
    assert not a.equals(c)


def test_stop_rate_knob_multiplies_the_target_share_among_proactive_actions():
    base = SimulationConfig(n_actions=60_000, seed=3)
    biased = SimulationConfig(n_actions=60_000, seed=3, knobs=BiasKnobs(stop_rate_ratio=2.0))

    def odds(config):
        rows = simulate_actions(config).to_pandas()
        pro = rows[rows.initiative == "proactive"]
        share = (pro.perceived_origin == "outside_europe").mean()
        return share / (1 - share)

    assert odds(biased) / odds(base) == pytest.approx(2.0, rel=0.12)


def test_threshold_knob_lowers_the_hit_rate_of_searches():
    config = SimulationConfig(n_actions=60_000, seed=4, knobs=BiasKnobs(hit_threshold_shift=0.8))
    rows = simulate_actions(config).to_pandas()
    s = rows[(rows.initiative == "proactive") & rows.action_type.isin(["search", "seizure"])]
    rates = s.groupby("perceived_origin", observed=True).hit.mean()
    t = truth(config)
    assert rates["outside_europe"] < rates["nl"] - 0.05
    assert t["threshold_target"] < t["threshold_reference"]


def test_bad_knobs_are_refused():
    with pytest.raises(InputError, match="target value"):
        SimulationConfig(n_actions=10, seed=1, knobs=BiasKnobs(target_value="martian")).validate()
    with pytest.raises(InputError, match="positive"):
        SimulationConfig(n_actions=10, seed=1, knobs=BiasKnobs(stop_rate_ratio=0)).validate()


def test_survey_weights_undo_the_oversampling():
    frame = simulate_survey(SurveyConfig(respondents=20_000, waves=1, seed=2))
    unweighted = (frame.self_reported_group == "outside_europe").mean()
    weighted = np.average(frame.self_reported_group == "outside_europe", weights=frame.weight)
    # Inclusion probability x3 for outside_europe: unweighted share is far too high.
    assert unweighted > 1.8 * weighted
    assert weighted == pytest.approx(0.29, abs=0.03)
