"""Uploaded letters: checked by content, read by the engine, refused with a Dutch message
that names the file; nothing of a refused file is kept."""

from __future__ import annotations

import codecs

import pytest

from gelijk.language import files
from tests.language.conftest import (
    docx_bytes,
    encrypted_odt_bytes,
    encrypted_pdf_bytes,
    odt_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leeg.txt", b"  \n ", "‘leeg.txt’ is leeg."),
        ("brief.doc", b"oud", "‘brief.doc’ is een soort bestand dat de taalscan niet kan lezen"),
        ("brief", b"tekst", "‘brief’ is een soort bestand dat de taalscan niet kan lezen"),
        ("brief.docx", pdf_bytes(["Beste bewoner"]), "niet past bij de inhoud: het is een PDF"),
        ("brief.docx", odt_bytes(["Beste bewoner"]), "het is een OpenDocument-tekst (.odt)"),
        ("brief.odt", docx_bytes(["Beste bewoner"]), "het is een Word-bestand (.docx)"),
        ("brief.docx", plain_zip_bytes(), "‘brief.docx’ kan niet worden gelezen als .docx"),
        ("foto.txt", png_bytes(), "‘foto.txt’ heeft een naam die niet past bij de inhoud"),
        ("brief.pdf", b"Beste bewoner, dit is geen PDF.", "‘brief.pdf’ is geen PDF"),
        ("brief.docx", b"dit is geen zip-bestand", "‘brief.docx’ is geen .docx-bestand"),
        ("data.txt", b"Beste\x00\x01\x02\x03 bewoner" * 20, "bevat geen tekst maar binaire"),
        ("bom.txt", codecs.BOM_UTF8 + b"\xff\xfe kapot", "begint als utf-8-sig-tekst"),
        ("geheim.docx", OLE, "beveiligd met een wachtwoord of is in een oud formaat"),
        ("geheim.odt", encrypted_odt_bytes(), "‘geheim.odt’ is beveiligd met een wachtwoord"),
        ("geheim.pdf", encrypted_pdf_bytes(), "‘geheim.pdf’ is beveiligd met een wachtwoord"),
        ("scan.pdf", pdf_bytes([]), "staat geen tekst die de scan kan lezen"),
        ("kapot.pdf", b"%PDF-1.4\nrommel", "kan niet worden gelezen als PDF"),
        ("kapot.docx", b"PK\x03\x04 kapot zip", "‘kapot.docx’ is geen geldig .docx-bestand"),
        ("leeg.html", b"<html><body><p> </p></body></html>", "In ‘leeg.html’ staat geen tekst."),
        ("leeg.docx", docx_bytes(["", " "]), "In ‘leeg.docx’ staat geen tekst."),
    ],
)
def test_bad_files_are_refused_with_a_dutch_message_naming_the_file(name, data, message):
    with pytest.raises(files.FileRefused) as refused:
        files.read_upload(name, data)
    assert message in refused.value.message
    # The Dutch message never falls back to the engine's English.
    assert "kan niet worden gelezen (" not in refused.value.message


def test_too_large_files_are_refused_before_reading(settings):
    settings.GELIJK_LANGUAGE_MAX_UPLOAD_MB = 1
    with pytest.raises(files.FileRefused, match=r"te groot \(1,5 MB\). Het maximum is 1 MB"):
        files.read_upload("groot.txt", b"a" * (3 * 2**19))


def test_folders_in_the_uploaded_name_are_not_shown():
    with pytest.raises(files.FileRefused) as refused:
        files.read_upload("C:\\Users\\kees\\Documents\\leeg.txt", b"")
    assert "‘leeg.txt’" in refused.value.message and "kees" not in refused.value.message


def test_an_unknown_engine_problem_keeps_the_engine_words_in_a_dutch_sentence():
    message = files.dutch_read_problem("x.txt", "something new went wrong")
    assert message == "‘x.txt’ kan niet worden gelezen (something new went wrong)."


@pytest.mark.parametrize(
    ("name", "data", "hard_breaks"),
    [
        ("brief.docx", docx_bytes(["Beste bewoner,", "In uw straat wonen allochtonen."]), True),
        ("brief.odt", odt_bytes(["Beste bewoner,", "In uw straat wonen allochtonen."]), True),
        ("brief.pdf", pdf_bytes(["Beste bewoner,", "In uw straat wonen allochtonen."]), False),
        (
            "brief.html",
            b"<p>Beste bewoner,</p><p>In uw straat wonen allochtonen.</p>",
            False,
        ),
        ("brief.txt", "Beste bewoner,\nIn uw straat wonen allochtonen.".encode("cp1252"), False),
    ],
)
def test_good_files_are_read_with_their_own_name(name, data, hard_breaks):
    document = files.read_upload(name, data)
    assert document.path == name
    assert "In uw straat wonen allochtonen." in document.text
    assert document.hard_line_breaks is hard_breaks


def test_a_non_utf8_text_file_is_read_and_says_so():
    document = files.read_upload("oud.txt", "Geachte heer, u heeft een café.".encode("cp1252"))
    assert "café" in document.text
    assert document.notes and "niet in UTF-8" in document.notes[0]


def test_paragraph_documents_are_stored_with_blank_lines_between_paragraphs():
    document = files.read_upload(
        "brief.docx", docx_bytes(["Beste bewoner,", "", "Eerste.", "Twee."])
    )
    assert files.library_text(document) == "Beste bewoner,\n\nEerste.\n\nTwee."


def test_the_app_says_every_reading_problem_as_the_engine_does():
    from gelijk.engines.language.report import READ_PROBLEMS_NL

    # the app's copy exists only so that makemessages extracts the sentences
    assert files.READ_PROBLEMS == READ_PROBLEMS_NL


def test_reading_problems_are_chosen_by_kind_not_by_english_wording():
    message = files.dutch_read_problem("x.docx", "some reworded text", "invalid", {"ext": ".docx"})
    assert message == (
        "‘x.docx’ is geen geldig .docx-bestand: het is beschadigd of een ander soort bestand."
    )
