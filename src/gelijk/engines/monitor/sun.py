"""Sun times for Utrecht (dawn, sunrise, sunset, dusk) in local clock minutes.

Computed with astral (NOAA solar position equations) for the city centre, 52.0907 N 5.1214 E,
in Europe/Amsterdam local time, so daylight-saving time is included. ``dusk`` is the end of civil
twilight (sun 6 degrees below the horizon), as ``suncalc``'s ``dusk`` in the Open Policing
Project's veil-of-darkness code. astral and suncalc may differ by up to about a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import astral
import astral.sun
import pandas as pd

UTRECHT_LATITUDE = 52.0907
UTRECHT_LONGITUDE = 5.1214
_TZ = ZoneInfo("Europe/Amsterdam")
_OBSERVER = astral.Observer(UTRECHT_LATITUDE, UTRECHT_LONGITUDE)


def _minutes(t: dt.datetime, day: dt.date) -> float:
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=_TZ)
    # Wall-clock minutes, so that they compare with the local clock time of an action.
    return (t.replace(tzinfo=None) - midnight.replace(tzinfo=None)).total_seconds() / 60


@lru_cache(maxsize=8192)
def _day(day: dt.date) -> tuple[float, float, float, float]:
    s = astral.sun.sun(_OBSERVER, day, tzinfo=_TZ)
    return tuple(_minutes(s[k], day) for k in ("dawn", "sunrise", "sunset", "dusk"))


def sun_times(dates: Iterable[dt.date]) -> pd.DataFrame:
    """One row per date: ``date, dawn, sunrise, sunset, dusk`` (local minutes after midnight)."""
    days = sorted(set(dates))
    rows = [(day, *_day(day)) for day in days]
    return pd.DataFrame(rows, columns=["date", "dawn", "sunrise", "sunset", "dusk"])


def dst_change_dates(years: Iterable[int]) -> list[dt.date]:
    """Start and end of summer time in the EU: last Sunday of March and of October."""
    out = []
    for year in sorted(set(years)):
        for month in (3, 10):
            last = dt.date(year, month, 31)
            out.append(last - dt.timedelta(days=(last.weekday() + 1) % 7))
    return out
