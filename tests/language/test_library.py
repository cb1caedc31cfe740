"""The library: letters with append-only versions, each scanned on save; team rules; the
BSN guard; the pages for a letter, a version, a new version and a diff."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse

from gelijk.core.models import AuditEntry
from gelijk.language import services
from gelijk.language.diff import line_diff
from gelijk.language.models import Letter, LetterScan, LetterVersion
from tests.conftest import verified_client
from tests.language.conftest import CLEAN_LETTER, PROBLEM_LETTER, docx_bytes


def test_a_new_letter_has_version_one_scanned_and_audited_without_its_text(make_letter, writer):
    letter = make_letter()
    version = letter.latest_version
    assert (version.number, version.text, version.created_by) == (1, PROBLEM_LETTER, writer)
    scan = LetterScan.objects.get(version=version)
    assert scan.errors >= 1 and not scan.b1_and_clean
    rule_ids = {f["rule_id"] for f in scan.result["findings"]}
    assert {"gender-aanhef-heer-mevrouw", "handhaving-nationaliteit"} <= rule_ids
    assert "text" not in scan.result  # the version holds the text, once
    entry = AuditEntry.objects.get(action="create", object_type="language.Letter")
    assert entry.detail["version"] == 1 and "Geachte" not in str(entry.detail)


def test_every_save_is_a_new_version_and_an_unchanged_text_is_refused(make_letter, writer):
    letter = make_letter()
    second = services.letter_add_version(letter, user=writer, text=CLEAN_LETTER, note="B1")
    assert second.number == 2
    letter.refresh_from_db()
    assert letter.latest_version == second
    assert LetterScan.objects.get(version=second).b1_and_clean
    with pytest.raises(services.LanguageError, match="hetzelfde als versie 2"):
        services.letter_add_version(letter, user=writer, text=CLEAN_LETTER + "\r\n")
    assert list(letter.versions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.django_db(transaction=True)
def test_versions_are_append_only_in_the_database(make_letter):
    version = make_letter().latest_version
    with pytest.raises(DatabaseError), transaction.atomic():
        LetterVersion.objects.filter(pk=version.pk).update(text="overschreven")
    with pytest.raises(DatabaseError), transaction.atomic():
        LetterVersion.objects.filter(pk=version.pk).delete()
    assert LetterVersion.objects.get(pk=version.pk).text == PROBLEM_LETTER


def test_a_citizen_service_number_is_refused_with_its_line(make_letter):
    with pytest.raises(services.LanguageError, match="Op regel 3 staat een getal"):
        make_letter(text="Beste bewoner,\n\nUw BSN is 111222333. Bel ons.")
    assert not Letter.objects.exists()  # nothing half-written
    letter = make_letter(text="Beste bewoner,\n\nUw zaaknummer is 123456789. Bel ons.")
    assert "123456789" in letter.latest_version.text  # fails the eleven test: not a BSN


def test_a_handhaver_edits_only_letters_of_the_own_team(make_letter, make_staff, writer):
    from gelijk.core.models import Team

    thbo = Team.objects.get(code="thbo")
    with pytest.raises(services.LanguageError, match="eigen team"):
        make_letter(team=thbo)
    other = make_staff("teamleider", department="vth", team="thbo")
    theirs = make_letter(title="Brief THBO", user=other, team=thbo)
    with pytest.raises(PermissionDenied):
        services.letter_add_version(theirs, user=writer, text=CLEAN_LETTER)
    assert AuditEntry.objects.filter(action="access_denied").exists()
    beheerder = make_staff("beheerder", department="beleid")
    assert services.letter_add_version(theirs, user=beheerder, text=CLEAN_LETTER).number == 2


def test_titles_are_unique_regardless_of_case(make_letter):
    make_letter(title="Waarschuwing afval")
    with pytest.raises(services.LanguageError, match="al een brief met deze titel"):
        make_letter(title="waarschuwing  AFVAL")


def test_new_letter_form_stores_an_uploaded_document(client, writer, thor):
    verified_client(client, writer)
    upload = SimpleUploadedFile(
        "waarschuwing.docx", docx_bytes(["Beste bewoner,", "Haal uw afval weg.", "Groet"])
    )
    response = client.post(
        reverse("language:letter-new"),
        {"title": "Afval", "kind": "letter", "team": thor.pk, "text": "", "file": upload},
    )
    letter = Letter.objects.get(title="Afval")
    assert response.status_code == 302
    assert response.url == reverse("language:version", args=[letter.pk, 1])
    version = letter.latest_version
    assert version.text == "Beste bewoner,\n\nHaal uw afval weg.\n\nGroet"
    assert version.source_name == "waarschuwing.docx"


def test_new_letter_form_errors_are_shown_and_nothing_is_stored(client, writer):
    verified_client(client, writer)
    response = client.post(
        reverse("language:letter-new"),
        {"title": "", "kind": "letter", "text": "Beste bewoner, uw BSN is 111222333."},
    )
    assert response.status_code == 400
    assert "Geef de brief een titel." in response.content.decode()
    response = client.post(
        reverse("language:letter-new"),
        {"title": "Met BSN", "kind": "letter", "text": "Beste bewoner, uw BSN is 111222333."},
    )
    assert response.status_code == 400
    assert "burgerservicenummer" in response.content.decode()
    assert not Letter.objects.exists() and not LetterVersion.objects.exists()


def test_version_pages(client, make_letter, writer):
    letter = make_letter()
    services.letter_add_version(letter, user=writer, text=CLEAN_LETTER)
    verified_client(client, writer)
    page = client.get(reverse("language:letter", args=[letter.pk])).content.decode()
    assert "versie 2" in page and "B1 en schoon" in page
    v1 = client.get(reverse("language:version", args=[letter.pk, 1])).content.decode()
    assert '<mark class="gl-mark gl-error"' in v1 and "Er is een nieuwere versie" in v1
    errors_only = client.get(reverse("language:version", args=[letter.pk, 1]), {"ernst": "error"})
    assert 'class="gl-mark gl-suggestion"' not in errors_only.content.decode()
    assert client.get(reverse("language:version", args=[letter.pk, 3])).status_code == 404
    form = client.get(reverse("language:version-new", args=[letter.pk])).content.decode()
    assert "Beste [voornaam achternaam]" in form  # the newest text to start from
    unchanged = client.post(
        reverse("language:version-new", args=[letter.pk]), {"text": CLEAN_LETTER}
    )
    assert unchanged.status_code == 400 and "hetzelfde als versie 2" in unchanged.content.decode()


def test_rescan_is_post_only_and_adds_a_scan(client, make_letter, writer):
    letter = make_letter()
    verified_client(client, writer)
    url = reverse("language:version-scan", args=[letter.pk, 1])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert LetterScan.objects.filter(version=letter.latest_version).count() == 2


def test_diff_page_lists_removed_and_added_lines(client, make_letter, writer):
    letter = make_letter()
    services.letter_add_version(letter, user=writer, text=CLEAN_LETTER)
    verified_client(client, writer)
    html = client.get(reverse("language:diff", args=[letter.pk]), {"a": 1, "b": 2}).content
    html = html.decode()
    assert "<del>Geachte heer/mevrouw,</del>" in html
    assert "<ins>Beste [voornaam achternaam],</ins>" in html
    same = client.get(reverse("language:diff", args=[letter.pk]), {"a": 2, "b": 2}).content
    assert "met zichzelf" in same.decode()


def test_line_diff_folds_unchanged_stretches():
    old = "\n".join(f"regel {i}" for i in range(1, 21))
    new = old.replace("regel 10", "regel tien")
    rows = line_diff(old, new, context=2)
    ops = [r.op for r in rows]
    assert ops == ["skip", "equal", "equal", "delete", "insert", "equal", "equal", "skip"]
    assert (rows[0].skipped, rows[-1].skipped) == (7, 8)
    assert (rows[3].old_number, rows[3].text) == (10, "regel 10")
    assert (rows[4].new_number, rows[4].text) == (10, "regel tien")
    assert line_diff(old, old) == []
    assert [r.op for r in line_diff("", "nieuw")] == ["insert"]
