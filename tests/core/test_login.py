"""Staff login: password, then a TOTP code; enrolment on first login; lockout."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.core.models import AuditEntry

PASSWORD = "correct horse battery staple"


def _code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6, drift=offset):06d}"


@pytest.fixture
def analist(make_staff):
    user = make_staff("analist", username="anouk", department="beleid", team="analyse")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def _password_step(client, username="anouk", password=PASSWORD, next_url=""):
    return client.post(
        reverse("core:login"), {"username": username, "password": password, "next": next_url}
    )


def test_password_alone_does_not_log_in(client, analist):
    response = _password_step(client)
    assert response.status_code == 302
    assert response.url == reverse("core:login-verify")
    assert client.get(reverse("core:dashboard")).status_code == 302  # still not in


def test_correct_code_logs_in_and_is_audited(client, analist):
    user, device = analist
    _password_step(client, next_url=reverse("core:auditlog"))
    response = client.post(reverse("core:login-verify"), {"code": _code(device)})
    assert response.status_code == 302
    assert response.url == reverse("core:auditlog")  # the safe "next" is honoured
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="login", actor="anouk").exists()


def test_wrong_password_has_one_message_and_no_user_enumeration(client, analist):
    wrong = _password_step(client, password="nope")
    unknown = _password_step(client, username="nobody")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "De gebruikersnaam of het wachtwoord klopt niet." in response.content.decode()


def test_wrong_code_gives_specific_message(client, analist):
    _password_step(client)
    response = client.post(reverse("core:login-verify"), {"code": "000000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Deze code klopt niet" in body
    assert 'aria-invalid="true"' in body
    response = client.post(reverse("core:login-verify"), {"code": "12ab56"})
    assert "alleen uit cijfers" in response.content.decode()


def test_lockout_after_repeated_failures(client, analist, settings):
    user, device = analist
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, password="wrong")
    response = _password_step(client)  # the right password no longer helps
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()


def test_wrong_codes_count_towards_lockout(client, analist, settings):
    user, device = analist
    _password_step(client)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("core:login-verify"), {"code": "000000"})
    assert response.status_code == 429
    response = client.post(reverse("core:login-verify"), {"code": _code(device)})
    assert response.status_code == 429


def test_first_login_enrols_a_device(client, make_staff):
    user = make_staff("auditor", username="aart")
    response = _password_step(client, username="aart")
    assert response.url == reverse("core:login-enrol")
    page = client.get(reverse("core:login-enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("core:login-enrol"), {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_verify_page_without_password_step_sends_back(client, analist):
    response = client.get(reverse("core:login-verify"))
    assert response.status_code == 302
    assert response.url == reverse("core:login")


def test_open_redirect_is_refused(client, analist):
    user, device = analist
    _password_step(client, next_url="https://evil.example/")
    response = client.post(reverse("core:login-verify"), {"code": _code(device)})
    assert response.url == reverse("core:dashboard")


def test_logout_requires_post_and_ends_session(staff_client):
    client = staff_client("analist")
    assert client.get(reverse("core:logout")).status_code == 405
    client.post(reverse("core:logout"))
    assert client.get(reverse("core:dashboard")).status_code == 302
