"""Shared fixtures: staff users per role and logged-in clients that passed 2FA.

Area-specific fixtures live in the conftest of each test folder.
"""

from __future__ import annotations

import itertools

import pytest

_counter = itertools.count(1)


@pytest.fixture
def organisation(db):
    from gelijk.core.roles import sync_roles
    from gelijk.core.services.organisation import organisation_ensure

    organisation_ensure()
    sync_roles()


@pytest.fixture
def make_staff(organisation):
    """make_staff("klachtbehandelaar", department="klachten") -> a user with that role."""
    from gelijk.core.services.organisation import staff_user_ensure

    def make(
        role: str | list[str], *, department=None, team=None, username=None, officer_pseudonym=""
    ):
        roles = [role] if isinstance(role, str) else list(role)
        name = username or f"{roles[0]}-{next(_counter)}"
        return staff_user_ensure(
            name,
            roles=roles,
            password="correct horse battery staple",
            department=department,
            team=team,
            officer_pseudonym=officer_pseudonym,
        )

    return make


def verified_client(client, user):
    """Log ``user`` in on ``client`` as if both factors were given."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_client(client, make_staff):
    """staff_client("analist", department="beleid") -> a Django test client, 2FA passed."""

    def make(role, **kwargs):
        user = make_staff(role, **kwargs)
        verified_client(client, user)
        client.user = user
        return client

    return make


@pytest.fixture(autouse=True)
def _append_only_guards(request):
    """Keep the append-only triggers in place during every test, and lift them only for
    the database flush that ends a transactional test (a flush is not tampering)."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            yield
            return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from gelijk.core import dbguards

    for table in dbguards.APPEND_ONLY_TABLES:
        dbguards.install(connection, table)
    yield
    for table in dbguards.APPEND_ONLY_TABLES:
        dbguards.remove(connection, table)
