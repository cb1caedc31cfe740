"""COMPAS fixtures for the fairness engine tests (see tests/data/compas/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

COMPAS = Path(__file__).resolve().parents[2] / "data" / "compas" / "compas-two-years-subset.csv"
SCAN_FEATURES = ["age_cat", "sex", "race", "c_charge_degree", "is_recid", "score_text"]


@pytest.fixture(scope="session")
def compas_raw() -> pd.DataFrame:
    return pd.read_csv(COMPAS)


@pytest.fixture(scope="session")
def compas_a(compas_raw) -> pd.DataFrame:
    """Variant A: all rows; prediction = Medium or High, label = two_year_recid."""
    df = compas_raw.copy()
    df["pred"] = df["score_text"].isin(["Medium", "High"]).astype(int)
    return df


@pytest.fixture(scope="session")
def compas_b(compas_a) -> pd.DataFrame:
    """Variant B: ProPublica's filter."""
    df = compas_a
    keep = (
        df["days_b_screening_arrest"].between(-30, 30)
        & (df["is_recid"] != -1)
        & (df["c_charge_degree"] != "O")
        & (df["score_text"] != "N/A")
    )
    return df[keep].reset_index(drop=True)


@pytest.fixture(scope="session")
def compas_fp_setup(compas_raw):
    """Algorithm Audit's COMPAS_FP notebook set-up: features and the false-positive flag."""
    f = compas_raw[SCAN_FEATURES].copy()
    f["score_text"] = (f["score_text"] == "High").astype(int)
    fp = (f["is_recid"] == 0) & (f["score_text"] == 1)
    return f, fp
