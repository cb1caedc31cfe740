"""Reading configuration from environment variables with clear errors.

Every setting Gelijk reads is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_required(name: str, hint: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} is not set. {hint}")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false or yes/no.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is too small; the minimum is {minimum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


SUPPORTED_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL, refusing anything we do not support with a precise message."""
    import dj_database_url

    parsed = urlparse(url)
    if not parsed.scheme:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is malformed: it has no scheme. Use for example "
            "postgres://postgres@127.0.0.1:5432/gelijk or sqlite:////absolute/path/gelijk.sqlite3."
        )
    if parsed.scheme not in SUPPORTED_DB_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses the scheme {parsed.scheme!r}; Gelijk supports PostgreSQL "
            "(postgres://) and SQLite (sqlite://)."
        )
    if parsed.scheme != "sqlite" and not (parsed.path or "").strip("/"):
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} names no database; add it after the host, e.g. .../gelijk."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.pop("CONN_MAX_AGE", None)
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config
