"""The client address behind every per-address limit: X-Forwarded-For counts only as far as
GELIJK_TRUSTED_PROXIES says our own proxies wrote it."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.throttling import BaseThrottle

from gelijk.core.middleware import client_ip


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _request(xff=None, remote="192.0.2.10"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, None, "192.0.2.10"),
        (0, "203.0.113.7", "192.0.2.10"),  # no proxy: the header is the client's own words
        (1, None, "192.0.2.10"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # forged first entry, real last one
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.10"),  # fewer entries than proxies: proves nothing
        (1, " ", "192.0.2.10"),
    ],
)
def test_client_ip(settings, proxies, xff, expected):
    settings.GELIJK_TRUSTED_PROXIES = proxies
    assert client_ip(_request(xff)) == expected


@pytest.mark.parametrize(
    ("proxies", "xff"),
    [(0, None), (0, "6.6.6.6"), (1, "6.6.6.6, 203.0.113.7"), (2, "1.1.1.1, 2.2.2.2, 3.3.3.3")],
)
def test_drf_default_lookup_agrees(settings, proxies, xff):
    settings.GELIJK_TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = _request(xff)
    assert BaseThrottle().get_ident(request) == client_ip(request)


def test_drf_trusts_the_configured_number_of_proxies(monkeypatch):
    import importlib

    from gelijk.conf.settings import base

    monkeypatch.setenv("GELIJK_TRUSTED_PROXIES", "2")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.GELIJK_TRUSTED_PROXIES == 2
        assert reloaded.REST_FRAMEWORK["NUM_PROXIES"] == 2
    finally:
        monkeypatch.delenv("GELIJK_TRUSTED_PROXIES")
        importlib.reload(base)
    assert base.REST_FRAMEWORK["NUM_PROXIES"] == base.GELIJK_TRUSTED_PROXIES == 0


def _form(**overrides):
    data = {
        "wish": "melding",
        "description": "Ik werd als enige van de groep gecontroleerd bij het station.",
        "occurred_on": (date.today() - timedelta(days=2)).isoformat(),
        "service": "thor",
        "contact_kinds": ["stopped", "id"],
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _api_post(client, **extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "description": "Bij de markt werd alleen ik gecontroleerd.",
        "occurred_on": (date.today() - timedelta(days=1)).isoformat(),
        "service": "thbo",
        "contact_kinds": ["stopped"],
    }
    return client.post(
        "/api/meldingen/", data=json.dumps(data), content_type="application/json", **extra
    )


def test_forged_header_does_not_escape_the_form_limit(client, db, settings):
    from gelijk.reporting.models import Case

    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    statuses = [
        client.post("/melden/", _form(), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 429, 429, 429]
    assert Case.objects.count() == 2


def test_forged_header_does_not_escape_the_status_limit(client, db, settings):
    settings.GELIJK_REPORTING_STATUS_RATE = "2/hour"
    statuses = [
        client.post(
            reverse("reporting:status"),
            {"reference": "MLD-0000-0000", "secret": "fout"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses[2:] == [429, 429]


def test_forged_header_does_not_escape_the_api_throttle(db, settings):
    from gelijk.reporting.models import Case

    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    api = Client()
    statuses = [
        _api_post(api, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [201, 201, 429, 429]
    assert Case.objects.count() == 2


def test_behind_one_proxy_the_address_it_saw_counts(client, db, settings):
    from gelijk.reporting.models import Case

    settings.GELIJK_TRUSTED_PROXIES = 1
    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # A client forges a first entry; the proxy appends the address it really saw.
    for forged in ("6.6.6.6", "7.7.7.7"):
        response = client.post(
            "/melden/", _form(), HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7", **proxy
        )
        assert response.status_code == 302
    response = client.post(
        "/melden/", _form(), HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.7", **proxy
    )
    assert response.status_code == 429
    # Another resident behind the same proxy is not blocked by the first.
    response = client.post("/melden/", _form(), HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert response.status_code == 302
    assert Case.objects.count() == 3
    # The API throttle counts the same address.
    api = Client()
    statuses = [
        _api_post(api, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9", **proxy).status_code
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3")
    ]
    assert statuses == [201, 201, 429]


@pytest.fixture
def analist(make_staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_staff("analist", username="anouk", department="beleid", team="analyse")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def _login(client, password, **extra):
    return client.post(
        reverse("core:login"), {"username": "anouk", "password": password, "next": ""}, **extra
    )


def test_forged_header_does_not_escape_the_login_lockout(client, analist, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = _login(client, "correct horse battery staple", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_lockout_counts_per_client(client, analist, settings):
    settings.GELIJK_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7", **proxy)
    response = _login(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert response.status_code == 429
    # The lockout is per user name and address: the user from elsewhere is not locked out.
    response = _login(
        Client(), "correct horse battery staple", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy
    )
    assert response.status_code == 302


def test_audit_log_records_the_trusted_address(client, analist):
    from gelijk.core.models import AuditEntry

    _login(client, "wrong", HTTP_X_FORWARDED_FOR="6.6.6.6")
    origins = list(AuditEntry.objects.values_list("origin", flat=True))
    assert origins and all(o.startswith("127.0.0.1 ") for o in origins if o)
