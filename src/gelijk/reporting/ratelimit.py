"""Fixed-window rate limits per client address on Django's cache.

With several web workers the cache must be shared (GELIJK_CACHE_URL=redis://...);
the local-memory default counts per process (fine for development and tests).
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse(rate: str) -> tuple[int, int]:
    """'20/hour' → (20, 3600). Periods: second, minute, hour, day (first letter counts)."""
    try:
        count, period = rate.split("/", 1)
        return int(count), PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            f"rate {rate!r} is not of the form N/second, N/minute, N/hour or N/day"
        ) from None


def _key(scope: str, ident: str, period: int) -> str:
    return f"gelijk:rl:{scope}:{ident}:{int(time.time() // period)}"


def reached(scope: str, ident: str, rate: str) -> bool:
    """True when this window's limit is used up, without counting this request (for limits
    that count only some outcomes, decided after the request was handled)."""
    limit, period = parse(rate)
    return (cache.get(_key(scope, ident, period)) or 0) >= limit


def hit(scope: str, ident: str, rate: str) -> bool:
    """Count one request; False when the limit for this window is already reached."""
    limit, period = parse(rate)
    key = _key(scope, ident, period)
    if cache.add(key, 1, timeout=period + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 5)
        count = 1
    return count <= limit
