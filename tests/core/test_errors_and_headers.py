"""Friendly Dutch error pages, correct status codes, security headers, Dutch by default."""

import pytest
from django.test import Client
from django.urls import path, reverse


def _boom(request):
    raise RuntimeError("internal detail that must never reach a user")


# The real URL configuration and error handlers, plus one view that fails.
from gelijk.conf.urls import handler404, handler500  # noqa: E402, F401
from gelijk.conf.urls import urlpatterns as _real  # noqa: E402

urlpatterns = [path("boom/", _boom), *_real]


@pytest.fixture
def anon(db):
    return Client(raise_request_exception=False)


def test_unknown_url_is_a_dutch_404(anon):
    response = anon.get("/bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Deze pagina bestaat niet" in body
    assert '<html lang="nl"' in body


def test_server_error_is_friendly_and_hides_the_trace(anon, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    response = anon.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "internal detail" not in body
    assert "Traceback" not in body


def test_csrf_failure_is_explained_with_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.content.decode()


def test_dutch_by_default_even_when_the_browser_asks_english(anon):
    response = anon.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="nl"' in response.content.decode()
    assert response["Content-Language"] == "nl"


def test_language_switch_to_english(anon):
    response = anon.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()


def test_security_headers_on_every_page(anon):
    response = anon.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_staff_pages_are_not_cached(staff_client):
    response = staff_client("auditor").get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_skip_link_and_landmarks(anon):
    body = anon.get("/").content.decode()
    assert 'class="utrecht-skip-link' in body and 'href="#main"' in body
    assert '<main id="main"' in body
    assert "<header" in body and "<footer" in body and "<nav" in body


def test_field_errors_are_announced_and_linked():
    from gelijk.core.forms import TokenForm

    form = TokenForm({"code": "12"})
    assert not form.is_valid()
    html = form.render()
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    assert 'id="id_code_error"' in html and 'id="id_code_helptext"' in html
    assert 'href="#id_code"' in html  # the error summary links to the field
    assert 'role="alert"' in html
