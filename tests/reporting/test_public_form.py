"""The public report form: stores exactly once, refuses bad input field by field and stores
nothing half; files are checked by content; special-category data are encrypted at rest."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from gelijk.core.models import AuditEntry
from gelijk.reporting import codes, files
from gelijk.reporting.models import Attachment, Case, Consent

from .conftest import pdf_bytes, png_bytes

URL = "/melden/"


def form_data(**overrides):
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


def upload(name, data, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def _secret(page: str) -> str | None:
    if 'data-testid="secret">' not in page:
        return None
    return page.split('data-testid="secret">')[1].split("<")[0]


@pytest.fixture
def anon(client, db):
    return client


def test_form_page_has_a_submission_key_and_a_hidden_honeypot(anon):
    body = anon.get(URL).content.decode()
    assert 'name="submission_key"' in body
    assert 'class="gelijk-hp" aria-hidden="true"' in body
    assert "Maximaal 5000 tekens" in body  # the limit is shown, not only enforced
    assert 'data-gelijk-counter="5000"' in body
    assert "reporting/counter.js" in body


def test_anonymous_report_is_stored_once_with_a_hashed_secret(anon):
    data = form_data()
    response = anon.post(URL, data)
    assert response.status_code == 302 and response.url == reverse("reporting:confirmation")
    page = anon.get(response.url).content.decode()
    case = Case.objects.get()
    assert case.reference in page
    secret = _secret(page)
    assert len(codes.normalise(secret)) == 16
    assert case.secret_hash.startswith("sha256$")
    assert secret not in case.secret_hash and codes.secret_matches(secret, case.secret_hash)
    other = "Y" if secret[-1] == "X" else "X"  # one character off, never the secret itself
    assert not codes.secret_matches(secret[:-1] + other, case.secret_hash)
    assert case.channel == "web" and case.kind == "melding" and case.status == "received"
    assert case.department_code == "vth" and case.team_code == "thor"
    assert "Wij hebben uw melding ontvangen" in page  # the Awb 9:6 receipt
    assert AuditEntry.objects.filter(action="create", object_type="reporting.Case").exists()


def test_double_submit_stores_one_report_and_shows_the_secret_once(anon, client):
    data = form_data()
    first = anon.post(URL, data)
    second = anon.post(URL, data)  # a double click: both posts before the page shows
    page1 = anon.get(second.url).content.decode()
    assert Case.objects.count() == 1
    assert _secret(page1) and Case.objects.get().reference in page1
    # The same submit again after the page was shown: the code, not the secret.
    anon.post(URL, data)
    page2 = anon.get(first.url).content.decode()
    assert Case.objects.count() == 1
    assert Case.objects.get().reference in page2 and _secret(page2) is None
    assert 'data-testid="secret-shown-once"' in page2
    from django.test import Client

    other = Client()  # a replay from elsewhere never reveals the secret
    other.post(URL, data)
    page3 = other.get(reverse("reporting:confirmation")).content.decode()
    assert Case.objects.count() == 1
    assert Case.objects.get().reference in page3 and 'data-testid="secret"' not in page3


def test_secret_is_shown_once_and_then_gone_from_the_session(anon):
    anon.post(URL, form_data())
    page = anon.get(reverse("reporting:confirmation")).content.decode()
    secret = _secret(page)
    assert secret and "laten hem maar één keer zien" in page
    assert secret not in str(dict(anon.session.items()))  # not kept in the server session
    reload = anon.get(reverse("reporting:confirmation")).content.decode()
    case = Case.objects.get()
    assert case.reference in reload and secret not in reload and _secret(reload) is None
    assert "maar één keer laten zien" in reload


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_on": (date.today() + timedelta(days=1)).isoformat()},
            "occurred_on",
            "toekomst",
        ),
        ({"description": "x" * 5001}, "description", "5000"),
        ({"description": ""}, "description", "Beschrijf wat er gebeurde"),
        ({"grounds": ["origin"]}, "consent_sensitive", "toestemming"),
        ({"email": "a@example.org"}, "consent_contact", "toestemming voor contact"),
        ({"consent_contact": "on"}, "email", "e-mailadres, telefoonnummer of adres"),
        ({"wish": "klacht"}, "name", "9:4"),
        ({"email": "geen-adres", "consent_contact": "on"}, "email", "e-mailadres in"),
        ({"occurred_on": "31-31-2026"}, "occurred_on", "Vul een datum in"),
    ],
)
def test_bad_input_gets_a_field_error_and_stores_nothing(anon, overrides, field, message):
    response = anon.post(URL, form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert f'href="#id_{field}' in body  # the error summary links to the field
    assert Case.objects.count() == 0 and Consent.objects.count() == 0


def test_police_is_referred_not_handled(anon, settings):
    response = anon.post(URL, form_data(service="politie"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Klachten over de politie behandelt de politie zelf" in body
    assert settings.GELIJK_REPORTING_POLICE_COMPLAINTS_URL in body and "0900-8844" in body
    assert Case.objects.count() == 0


def test_honeypot_stores_nothing(anon):
    response = anon.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert AuditEntry.objects.filter(result="denied", detail__reason="honeypot").exists()


def test_rate_limit_per_address(anon, settings):
    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    assert anon.post(URL, form_data()).status_code == 302
    assert anon.post(URL, form_data()).status_code == 302
    response = anon.post(URL, form_data())
    assert response.status_code == 429
    assert "14 030" in response.content.decode()
    assert Case.objects.count() == 2
    # Another address is not affected.
    assert anon.post(URL, form_data(), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_posts_with_form_errors_do_not_use_up_the_limit_for_reports(anon, settings):
    """A resident who corrects mistakes more often than the limit can still send."""
    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    for _ in range(6):
        assert anon.post(URL, form_data(description="")).status_code == 400
    assert anon.post(URL, form_data()).status_code == 302
    assert anon.post(URL, form_data()).status_code == 302
    assert anon.post(URL, form_data()).status_code == 429
    assert Case.objects.count() == 2


def test_posts_with_form_errors_have_their_own_more_generous_limit(anon, settings):
    settings.GELIJK_REPORTING_INVALID_SUBMIT_RATE = "3/hour"
    for _ in range(3):
        assert anon.post(URL, form_data(description="")).status_code == 400
    response = anon.post(URL, form_data(description=""))
    assert response.status_code == 429 and "14 030" in response.content.decode()
    assert anon.post(URL, form_data()).status_code == 429  # this address waits
    assert AuditEntry.objects.filter(
        result="denied", detail__reason="rate limit", detail__limit="submit-invalid"
    ).exists()
    assert Case.objects.count() == 0
    assert anon.post(URL, form_data(), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_spam_counts_for_the_limit_for_reports(anon, settings):
    settings.GELIJK_REPORTING_SUBMIT_RATE = "2/hour"
    for _ in range(2):
        assert anon.post(URL, form_data(website="http://spam.example")).status_code == 400
    assert anon.post(URL, form_data()).status_code == 429
    assert Case.objects.count() == 0


def test_script_is_stored_as_text_and_always_escaped(anon, handler, client):
    from tests.conftest import verified_client

    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    anon.post(URL, form_data(description=script, location=script))
    case = Case.objects.get()
    assert case.description == script  # stored as typed
    verified_client(client, handler)
    body = client.get(reverse("reporting:case-detail", args=[case.reference])).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_special_category_data_are_encrypted_at_rest(submit):
    case = submit(
        description="Ik droeg een hoofddoek.",
        grounds=["religion"],
        consents={"sensitive": True, "contact": True},
        email="melder@example.org",
    ).case
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, grounds FROM reporting_case WHERE id = %s", [case.pk])
        description, grounds = cursor.fetchone()
        cursor.execute("SELECT email FROM reporting_reportercontact WHERE case_id = %s", [case.pk])
        (email,) = cursor.fetchone()
    assert "hoofddoek" not in description and "religion" not in grounds
    assert "melder@example.org" not in email
    case.refresh_from_db()
    assert case.description == "Ik droeg een hoofddoek." and case.grounds == ["religion"]


def test_consents_are_recorded_with_exact_text_and_version(anon):
    anon.post(URL, form_data(consent_art1="on"))
    consents = {c.kind: c for c in Consent.objects.all()}
    assert set(consents) == {"contact", "art1", "sensitive"}
    assert consents["art1"].given and not consents["contact"].given
    assert consents["art1"].text.startswith("Ja, de gemeente mag mijn melding doorsturen")
    assert consents["art1"].version == "2026-1"


def test_receipt_email_without_the_secret(anon, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anon.post(URL, form_data(email="melder@example.org", consent_contact="on"))
    case = Case.objects.get()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["melder@example.org"] and case.reference in mail.subject
    assert "ontvangen" in mail.body and "/melden/status/" in mail.body
    assert "geheime code" in mail.body  # mentions it, does not contain it
    secret = _secret(anon.get(reverse("reporting:confirmation")).content.decode())
    assert secret and secret not in mail.body


# --- attachments ------------------------------------------------------------------------


def test_good_image_and_pdf_are_stored_encrypted(anon):
    png, pdf = png_bytes(), pdf_bytes()
    response = anon.post(
        URL,
        {**form_data(), "attachments": [upload("foto.png", png), upload("brief.pdf", pdf)]},
    )
    assert response.status_code == 302
    stored = {a.content_type: a for a in Attachment.objects.all()}
    assert set(stored) == {"image/png", "application/pdf"}
    with stored["image/png"].file.open("rb") as fh:
        raw = fh.read()
    assert png not in raw  # encrypted on disk
    assert files.decrypted(stored["image/png"].file) == png
    assert stored["application/pdf"].original_name == "brief.pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("foto.pdf", png_bytes(), "niet past bij de inhoud"),  # lies about its type
        ("foto.jpg", b"<html><script>alert(1)</script></html>", "geen foto"),
        ("kapot.png", png_bytes()[:40], "beschadigd"),
        ("nep.pdf", b"%PDF-1.7\nniet echt", "beschadigd"),
        ("leeg.png", b"", "leeg"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "geen foto"),
    ],
)
def test_wrong_files_are_refused_by_content(anon, name, data, message):
    response = anon.post(URL, {**form_data(), "attachments": [upload(name, data, "image/png")]})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["attachments"])
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_oversized_file_is_refused_with_the_limit_shown(anon, settings):
    settings.GELIJK_REPORTING_MAX_ATTACHMENT_MB = 1
    big = png_bytes((1200, 1200))
    padded = big + b"\x00" * (1024 * 1024 + 1 - len(big)) if len(big) <= 1024 * 1024 else big
    response = anon.post(URL, {**form_data(), "attachments": [upload("groot.png", padded)]})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["attachments"])
    assert "te groot" in errors and "1 MB" in errors
    assert "1 MB" in anon.get(URL).content.decode()  # the limit is shown on the form
    assert Case.objects.count() == 0


def test_at_most_three_files(anon):
    uploads = [upload(f"f{i}.png", png_bytes()) for i in range(4)]
    response = anon.post(URL, {**form_data(), "attachments": uploads})
    assert response.status_code == 400
    assert "maximaal 3" in " ".join(response.context["form"].errors["attachments"])


def test_secrets_hashed_with_the_earlier_pbkdf2_scheme_still_verify():
    encoded = codes._LegacyHasher().encode(codes.normalise("ABCD-EFGH-JKMN-PQRS"), "salt" * 5)
    assert codes.secret_matches("abcd efgh jkmn pqrs", encoded)
    assert not codes.secret_matches("ABCD-EFGH-JKMN-PQRT", encoded)
    assert not codes.secret_matches("ABCD-EFGH-JKMN-PQRS", "")
