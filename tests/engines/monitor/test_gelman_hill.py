"""Validation: Gelman & Hill (2007, ch. 6) Poisson model of NYPD stops, published figures.

Published (statsmodels and R output, see tests/data/gelman_hill/SOURCE.md) after summing over
crime type, offset log(past.arrests): intercept -0.5881, hispanic +0.0702, white -0.1616 (4
decimals) and residual deviance 45437.4 (published to 1 decimal, so that is the precision
asserted).
"""

import numpy as np
import pandas as pd
import pytest

from gelijk.engines.monitor.analyses.poisson_offset import poisson_offset_model

from .conftest import DATA


@pytest.fixture(scope="module")
def frisk():
    raw = pd.read_csv(DATA / "gelman_hill" / "frisk_with_noise.txt", sep=" ")
    return raw.groupby(["precinct", "eth"], as_index=False)[["stops", "past.arrests"]].sum()


def test_ethnicity_coefficients_and_deviance_match_the_published_figures(frisk):
    frisk = frisk.assign(eth=frisk["eth"].astype(str), arrests=frisk["past.arrests"])
    fit = poisson_offset_model(frisk, count="stops", group="eth", reference="1", exposure="arrests")
    assert round(fit.estimate("intercept")[0], 4) == -0.5881
    assert round(fit.estimate("eth[2]")[0], 4) == 0.0702
    assert round(fit.estimate("eth[3]")[0], 4) == -0.1616
    assert round(fit.deviance, 1) == 45437.4
    assert len(frisk) == 225


def test_published_standard_errors_to_their_precision(frisk):
    frisk = frisk.assign(eth=frisk["eth"].astype(str), arrests=frisk["past.arrests"])
    fit = poisson_offset_model(frisk, count="stops", group="eth", reference="1", exposure="arrests")
    # Published to 3 decimals: 0.004, 0.006, 0.009.
    np.testing.assert_array_equal(np.round(fit.se, 3), [0.004, 0.006, 0.009])


def test_precinct_fixed_effects_model_fits_with_area_terms(frisk):
    frisk = frisk.assign(eth=frisk["eth"].astype(str), arrests=frisk["past.arrests"])
    fit = poisson_offset_model(
        frisk, count="stops", group="eth", reference="1", exposure="arrests", area="precinct"
    )
    assert len(fit.names) == 1 + 2 + 74
    # Adding precincts removes most of the residual deviance (45437 -> about 3427).
    assert fit.deviance < 4000
