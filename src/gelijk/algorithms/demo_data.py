"""Synthetic data for the demo: horeca businesses scored by a risk-selection model with a
planted bias.

Each row is a business in Utrecht that could be controlled. Whether it commits an offence
(``overtreding``, the label as if every business were checked) depends only on its branch, its
size and its earlier offences. The model's ``risicoscore`` follows that true risk, **plus a
bump for businesses in three wijken** (Overvecht, Zuidwest, Noordwest) where, in this
synthetic city, more owners have a nationality from outside the EU. So the selection rate
differs by wijk and, through that proxy, by the owner's nationality, while the offence rate
does not: a bias audit must find it, and the demo's completed audit does.

Deterministic for a seed (numpy's PCG64). Nothing here describes real businesses or people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# wijk -> (share of businesses, share of owners with a nationality from outside the EU)
WIJKEN = {
    "Binnenstad": (0.26, 0.10),
    "Oost": (0.10, 0.08),
    "Zuid": (0.08, 0.10),
    "West": (0.09, 0.14),
    "Noordoost": (0.07, 0.10),
    "Leidsche Rijn": (0.07, 0.08),
    "Vleuten-De Meern": (0.04, 0.05),
    "Noordwest": (0.09, 0.35),
    "Overvecht": (0.10, 0.45),
    "Zuidwest": (0.10, 0.42),
}
PROXY_WIJKEN = ("Overvecht", "Zuidwest", "Noordwest")
BRANCHES = {  # branch -> (share, base log-odds of an offence)
    "café": (0.30, -1.2),
    "restaurant": (0.35, -1.6),
    "snackbar": (0.15, -1.3),
    "hotel": (0.08, -2.0),
    "nachtclub": (0.12, -0.8),
}
SIZES = {"klein": (0.5, 0.0), "middel": (0.35, 0.2), "groot": (0.15, 0.4)}
THRESHOLD = 0.5
BUMP = 0.18  # added to the score in the proxy wijken: the planted bias


def horeca_selection(seed: int = 2026, n: int = 5000, bump: float = BUMP) -> pd.DataFrame:
    """``bump`` is the planted bias; 0 gives a model without it (for tests)."""
    rng = np.random.default_rng(seed)
    wijken = list(WIJKEN)
    wijk = rng.choice(wijken, size=n, p=[WIJKEN[w][0] for w in wijken])
    outside = np.array([WIJKEN[w][1] for w in wijk])
    u = rng.random(n)
    eu_share = 0.12
    nationality = np.where(
        u < outside, "buiten EU", np.where(u < outside + eu_share, "EU", "Nederlands")
    )
    branches = list(BRANCHES)
    branch = rng.choice(branches, size=n, p=[BRANCHES[b][0] for b in branches])
    sizes = list(SIZES)
    size = rng.choice(sizes, size=n, p=[SIZES[s][0] for s in sizes])
    earlier = rng.poisson(0.6, size=n).clip(0, 4)
    logit = (
        np.array([BRANCHES[b][1] for b in branch])
        + np.array([SIZES[s][1] for s in size])
        + 0.55 * earlier
    )
    true_risk = 1 / (1 + np.exp(-logit))
    offence = (rng.random(n) < true_risk).astype(int)
    score = np.clip(
        true_risk + 0.12 + np.where(np.isin(wijk, PROXY_WIJKEN), bump, 0.0) + rng.normal(0, 0.1, n),
        0,
        1,
    ).round(3)
    selected = (score >= THRESHOLD).astype(int)
    return pd.DataFrame(
        {
            "bedrijf": [f"H{i:05d}" for i in range(1, n + 1)],
            "wijk": wijk,
            "branche": branch,
            "omvang": size,
            "eerdere_overtredingen": earlier,
            "nationaliteit_eigenaar": nationality,
            "risicoscore": score,
            "geselecteerd": selected,
            "overtreding": offence,
            "onterecht_geselecteerd": ((selected == 1) & (offence == 0)).astype(int),
        }
    )
