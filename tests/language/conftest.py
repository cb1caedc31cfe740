"""Fixtures for the language app: staff per role, letters through the services, and files."""

from __future__ import annotations

import io
import zipfile

import pytest

PROBLEM_LETTER = (
    "Geachte heer/mevrouw,\n\n"
    "Op 3 maart is geconstateerd dat u afval naast de container heeft gezet. "
    "De man, van Marokkaanse afkomst, zei dat hij het niet wist. Indien u het afval niet "
    "weghaalt, krijgt u een boete.\n\nHoogachtend,\n\nTeam THOR"
)
CLEAN_LETTER = (
    "Beste [voornaam achternaam],\n\n"
    "Op [DATUM] zag een handhaver afval naast de container bij [ADRES]. Dat mag niet. "
    "Afval naast de container trekt ratten aan.\n\n"
    "Haal het afval binnen twee dagen weg. Doet u dat niet? Dan krijgt u een boete. "
    "Grofvuil laten ophalen is gratis. Maak een afspraak op de website of bel 14 030.\n\n"
    "Met vriendelijke groet,\n\nTeam THOR"
)


@pytest.fixture
def writer(make_staff):
    """A handhaver of team THOR: may scan and edit THOR's letters, not run batches."""
    return make_staff("handhaver", department="vth", team="thor")


@pytest.fixture
def analist(make_staff):
    """May manage the whole library, run batches and upload rules."""
    return make_staff("analist", department="beleid", team="analyse")


@pytest.fixture
def thor():
    from gelijk.core.models import Team

    return Team.objects.get(code="thor")


@pytest.fixture
def make_letter(writer, thor):
    from gelijk.language import services

    def make(title="Waarschuwing afval", text=PROBLEM_LETTER, kind="letter", user=None, team=0):
        return services.letter_create(
            user=user or writer,
            title=title,
            kind=kind,
            text=text,
            team=thor if team == 0 else team,
        )

    return make


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for p in paragraphs:
        document.text.addElement(P(text=p))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def encrypted_odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        )
        z.writestr("content.xml", b"\x00\x01versleuteld")
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    from tests.engines.language.test_inputs import minimal_pdf

    return minimal_pdf(lines)


def encrypted_pdf_bytes(password: str = "geheim") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(["Er wonen veel allochtonen."]))))
    writer.encrypt(user_password=password, owner_password="eigenaar", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("brief.txt", "Beste bewoner")
    return out.getvalue()
