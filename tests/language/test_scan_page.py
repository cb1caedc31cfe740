"""The scan page: paste or upload, see the annotation, and nothing of the text is stored."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tests.language.conftest import PROBLEM_LETTER, docx_bytes

URL = reverse("language:scan")
MARKER = "Kwakkelstraat-7319"


def _database_contains(needle: str) -> list[str]:
    """Tables with a row whose text contains ``needle`` (every table, every column)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(needle in repr(row) for row in cursor.fetchall()):
                found.append(table)
    return found


def _post(client, **data):
    values = {"kind": "auto", "min_severity": "suggestion", "text": ""}
    values.update(data)
    return client.post(URL, values)


def test_pasted_text_is_annotated_and_never_stored(staff_client):
    client = staff_client("handhaver", department="vth", team="thor")
    text = PROBLEM_LETTER.replace("Team THOR", f"Team THOR, {MARKER}")
    response = _post(client, text=text.replace("\n", "\r\n"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark class="gl-mark gl-error" data-findings="1">Geachte heer/mevrouw</mark>' in html
    # each mark's label links to its finding, and each finding links back to its mark
    assert '<a id="melding-1-plek" href="#melding-1">[1: fout]</a>' in html
    assert 'id="melding-1"' in html and 'href="#melding-1-plek"' in html
    assert "Marokkaanse afkomst" in html and "handhaving-nationaliteit" in html
    assert "Er is geen officiële formule voor B1" in html
    # the text is shown in this response only
    assert MARKER in html
    assert _database_contains(MARKER) == []
    from gelijk.core.models import ProcessingRecord

    assert ProcessingRecord.objects.filter(activity="language_adhoc_scan").count() == 1


def test_windows_line_breaks_do_not_shift_the_marks(staff_client):
    client = staff_client("handhaver", department="vth", team="thor")
    html = _post(client, text="Beste bewoner,\r\n\r\nIn uw straat wonen allochtonen.").content
    assert '<mark class="gl-mark gl-error" data-findings="1">allochtonen</mark>' in html.decode()


def test_an_uploaded_document_is_scanned_with_its_own_line_numbers(staff_client):
    client = staff_client("teamleider", department="vth", team="thor")
    upload = SimpleUploadedFile(
        "brief.docx",
        docx_bytes(["Beste bewoner,", "", f"In uw straat wonen allochtonen. {MARKER}"]),
    )
    response = client.post(
        URL, {"kind": "letter", "min_severity": "suggestion", "text": "", "file": upload}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "regel 3, kolom 20" in html
    assert _database_contains(MARKER) == []


def test_a_bad_upload_gives_the_dutch_message_and_status_400(staff_client):
    client = staff_client("handhaver", department="vth", team="thor")
    upload = SimpleUploadedFile("brief.docx", b"%PDF-1.4\n%%EOF")
    response = client.post(URL, {"kind": "auto", "min_severity": "suggestion", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "‘brief.docx’ heeft een naam die niet past bij de inhoud: het is een PDF" in html
    assert 'aria-invalid="true"' in html and "Uitkomst van de scan" not in html


@pytest.mark.parametrize(
    ("with_text", "with_file", "message"),
    [
        (False, False, "Plak een tekst of kies een bestand."),
        (True, True, "Plak een tekst óf kies een bestand, niet allebei."),
    ],
)
def test_exactly_one_of_text_and_file(staff_client, with_text, with_file, message):
    client = staff_client("handhaver", department="vth", team="thor")
    data = {"kind": "auto", "min_severity": "suggestion", "text": "Beste bewoner." * with_text}
    if with_file:
        data["file"] = SimpleUploadedFile("brief.txt", b"Beste bewoner, welkom.")
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_too_long_text_is_refused(staff_client, settings):
    settings.GELIJK_LANGUAGE_MAX_TEXT_CHARS = 50
    client = staff_client("handhaver", department="vth", team="thor")
    response = _post(client, text="a " * 40)
    assert response.status_code == 400
    assert "De tekst is te lang (80 tekens). Het maximum is 50 tekens." in response.content.decode()


def test_minimum_severity_hides_findings_but_counts_them(staff_client):
    client = staff_client("handhaver", department="vth", team="thor")
    everything = _post(client, text=PROBLEM_LETTER, kind="letter").content.decode()
    errors_only = _post(
        client, text=PROBLEM_LETTER, kind="letter", min_severity="error"
    ).content.decode()
    shown_all = len(re.findall(r'<li id="melding-\d+"', everything))
    shown_errors = len(re.findall(r'<li id="melding-\d+"', errors_only))
    assert shown_errors == 1 < shown_all
    assert f"{shown_all - 1} meldingen zijn verborgen door uw keuze." in errors_only
    assert 'class="gl-mark gl-suggestion"' not in errors_only


def test_the_kind_chooses_the_rules(staff_client):
    client = staff_client("analist", department="beleid", team="analyse")
    vacancy = (
        "Vacature: Handhaver (m/v)\n\nWij zoeken een handhaver. Wat bieden wij? "
        "Salarisschaal 7 en 36 uur per week. Solliciteer voor 1 juni."
    )
    detected = _post(client, text=vacancy).content.decode()
    assert "vacaturetekst (zelf herkend)" in detected
    assert "vacature-diversiteitsverklaring" in detected
    as_letter = _post(client, text=vacancy, kind="letter").content.decode()
    assert "vacature-diversiteitsverklaring" not in as_letter


def test_the_page_says_the_text_is_not_kept_and_needs_the_permission(client, staff_client):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    auditor = staff_client("auditor", department="privacy", team="privacy")
    assert auditor.get(URL).status_code == 403
    writer = staff_client("privacy-officer", department="privacy", team="privacy")
    response = writer.get(URL)
    assert response.status_code == 200
    assert "We bewaren uw tekst niet." in response.content.decode()


def test_a_too_large_upload_is_refused_by_its_size(staff_client, settings):
    settings.GELIJK_LANGUAGE_MAX_UPLOAD_MB = 1
    client = staff_client("handhaver", department="vth", team="thor")
    upload = SimpleUploadedFile("groot.txt", b"Beste bewoner. " * 140_000)
    response = client.post(URL, {"kind": "auto", "min_severity": "suggestion", "file": upload})
    assert response.status_code == 400
    assert "‘groot.txt’ is te groot (2,0 MB). Het maximum is 1 MB." in response.content.decode()
