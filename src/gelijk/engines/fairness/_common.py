"""Input checks and JSON-safe conversion shared by the metrics and the scan."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from gelijk.engines.errors import InputError

SUPPRESSED = "suppressed: derived from a count below the small-cell threshold"


def num(value: Any, digits: int | None = None) -> float | None:
    """A finite float (optionally rounded) or None; numpy scalars become Python floats."""
    if value is None:
        return None
    f = float(value)
    if not math.isfinite(f):
        return None
    return round(f, digits) if digits is not None else f


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, tuples, numpy scalars and dicts to plain JSON types; nan/inf to None."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_jsonable(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.metadata.get("json", True)
        }
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return num(obj)
    return obj


def rows_where(mask: np.ndarray | pd.Series) -> list[int]:
    """1-based row numbers (data rows, header not counted) where ``mask`` is true."""
    return (np.flatnonzero(np.asarray(mask)) + 1).tolist()


def require_frame(df: Any, what: str = "data") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise InputError(f"{what} has no rows")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str], role: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing)
        known = ", ".join(repr(c) for c in df.columns[:30])
        raise InputError(
            f"{role} column(s) {shown} not found in the data; columns are: {known}",
            column=missing[0],
        )


def require_no_missing(df: pd.DataFrame, columns: Sequence[str]) -> None:
    for col in columns:
        missing = df[col].isna().to_numpy()
        if missing.any():
            raise InputError(
                f"missing values in column {col!r} ({int(missing.sum())} rows); "
                "remove or fill them before the analysis",
                rows=rows_where(missing),
                column=col,
            )


def binary_column(series: pd.Series, role: str) -> np.ndarray:
    """0/1 as int8 from bool or numeric 0/1 values; InputError naming the other rows."""
    col = str(series.name)
    require_no_missing(series.to_frame(), [series.name])
    values = series.to_numpy()
    if values.dtype == bool:
        return values.astype(np.int8)
    if pd.api.types.is_numeric_dtype(series.dtype):
        ok = (values == 0) | (values == 1)
    else:
        ok = np.zeros(values.shape[0], dtype=bool)
    if not ok.all():
        bad = sorted({str(v) for v in values[~ok][:20]})
        raise InputError(
            f"the {role} must be binary (0/1 or true/false); found other values such as "
            + ", ".join(repr(b) for b in bad[:5]),
            rows=rows_where(~ok),
            column=col,
        )
    return values.astype(np.int8)
