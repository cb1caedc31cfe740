"""Configuration from the environment: clear errors, and a production that passes
`manage.py check --deploy` without warnings."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gelijk.conf.env import database_from_url, env_bool, env_int

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "gelijk.conf.settings.production",
    "GELIJK_SECRET_KEY": "k" * 10 + "9$Hq2!xZp0LmNbVcXsAqWeRtYuIoPaSdFgHjKlZxCvBnM",
    "GELIJK_PSEUDONYMISATION_KEY": "p" * 32,
    "GELIJK_FIELD_ENCRYPTION_KEYS": "x4o8hNHtC6Ez0pVwIE4B8T4CEeVs9u6Pr7cHfJgqo0Q=",
    "GELIJK_AUDIT_KEY": "a" * 32,
    "GELIJK_ALLOWED_HOSTS": "gelijk.utrecht.example",
    "DATABASE_URL": "sqlite:////tmp/gelijk-deploy-check.sqlite3",
}


def _manage(*args, env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GELIJK_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "GELIJK_SECRET_KEY",
        "GELIJK_PSEUDONYMISATION_KEY",
        "GELIJK_AUDIT_KEY",
        "GELIJK_ALLOWED_HOSTS",
    ],
)
def test_production_refuses_to_start_without_a_key(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("localhost/gelijk", "has no scheme"),
        ("mysql://root@localhost/gelijk", "supports PostgreSQL"),
        ("postgres://postgres@127.0.0.1:5432", "names no database"),
        ("postgres://postgres@127.0.0.1:notaport/db", "malformed"),
    ],
)
def test_malformed_database_url_is_explained(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


def test_database_url_variants():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["ENGINE"].endswith("sqlite3")
    pg = database_from_url("postgres://postgres@127.0.0.1:5432/test")
    assert pg["ENGINE"].endswith("postgresql") and pg["NAME"] == "test"


def test_typed_environment_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "ja")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum is 1"):
        env_int("X_INT", 10, minimum=1)
    monkeypatch.setenv("X_INT", "tien")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("X_INT", 10)
