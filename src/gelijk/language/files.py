"""Uploaded letters: checked by size and content, read by the engine, refused in Dutch.

The engine reads .txt, .html, .docx, .odt and .pdf from a path and raises ``InputError``
with an English message and a machine-readable ``kind``. Here the bytes are first checked
against their name (a PDF called ``brief.docx`` is refused before any reader runs), then
written to a private temporary folder that is removed straight after reading, and the
engine's problem is said in plain Dutch by its kind. Nothing of the file is kept.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gelijk.core import uploads
from gelijk.core.uploads import FileRefused, shown_name
from gelijk.engines.errors import InputError
from gelijk.engines.language import SUPPORTED_EXTENSIONS, Document, read_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EXPECTED = {".docx": DOCX, ".odt": ODT}


def max_upload_bytes() -> int:
    return getattr(settings, "GELIJK_LANGUAGE_MAX_UPLOAD_MB", 2) * 1024 * 1024


def max_text_chars() -> int:
    return getattr(settings, "GELIJK_LANGUAGE_MAX_TEXT_CHARS", 100_000)


def _content_label(mime: str) -> str:
    if mime == "application/pdf":
        return _("een PDF")
    if mime == DOCX:
        return _("een Word-bestand (.docx)")
    if mime == ODT:
        return _("een OpenDocument-tekst (.odt)")
    if mime.startswith("image/"):
        return _("een afbeelding")
    if mime == "application/zip":
        return _("een zip-bestand")
    return _("een ander soort bestand (%(mime)s)") % {"mime": mime}


def _mismatch(name: str, mime: str) -> FileRefused:
    return FileRefused(
        _(
            "‘%(name)s’ heeft een naam die niet past bij de inhoud: het is %(real)s. "
            "Geef het bestand de juiste naam of kies een ander bestand."
        )
        % {"name": name, "real": _content_label(mime)}
    )


def check_size(name: str, size: int) -> None:
    """Refuse a file over the limit; called with the upload's size before it is read."""
    uploads.check_size(name, size, max_upload_bytes())


def check_content(name: str, data: bytes) -> str:
    """Raise ``FileRefused`` when size, type or content is wrong; return the extension."""
    check_size(name, len(data))
    extension = PurePath(name).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise FileRefused(
            _(
                "‘%(name)s’ is een soort bestand dat de taalscan niet kan lezen. "
                "Gebruik .txt, .html, .docx, .odt of .pdf."
            )
            % {"name": name}
        )
    if not data.strip():
        raise FileRefused(_("‘%(name)s’ is leeg.") % {"name": name})
    mime = uploads.real_type(data)[0]
    if extension == ".pdf":
        if not data.startswith(b"%PDF-"):
            raise (
                _mismatch(name, mime)
                if mime
                else FileRefused(
                    _("‘%(name)s’ is geen PDF, ook al eindigt de naam op .pdf.") % {"name": name}
                )
            )
    elif extension in _EXPECTED:
        # An old binary Word file or a password-protected one: the engine explains which.
        if not data.startswith(_OLE_MAGIC):
            # A bare zip may be a damaged document: the engine's message covers both.
            if mime and mime not in (_EXPECTED[extension], "application/zip"):
                raise _mismatch(name, mime)
            if not data.startswith(_ZIP_MAGIC):
                raise FileRefused(
                    _("‘%(name)s’ is geen %(ext)s-bestand, ook al eindigt de naam zo.")
                    % {"name": name, "ext": extension}
                )
    elif mime:  # .txt or .html that is really a known binary type
        raise _mismatch(name, mime)
    return extension


# The engine's reading problems by ``InputError.kind``, in Dutch and translatable. The
# sentences are the engine's (READ_PROBLEMS_NL, used by the CLI), repeated here so that
# makemessages extracts them; tests/language/test_files.py keeps both tables equal.
READ_PROBLEMS: dict[str, str] = {
    "empty": gettext_noop("‘%(name)s’ is leeg."),
    "bad_bom": gettext_noop(
        "‘%(name)s’ begint als %(enc)s-tekst, maar de rest is geen geldige %(enc)s. "
        "Sla het bestand opnieuw op als UTF-8."
    ),
    "binary": gettext_noop(
        "‘%(name)s’ bevat geen tekst maar binaire gegevens. Is het echt een tekstbestand?"
    ),
    "unknown_encoding": gettext_noop(
        "De tekenset van ‘%(name)s’ is onbekend: het is geen UTF-8 en geen West-Europese "
        "tekenset. Sla het bestand op als UTF-8."
    ),
    "no_text": gettext_noop("In ‘%(name)s’ staat geen tekst."),
    "protected_or_old_format": gettext_noop(
        "‘%(name)s’ is beveiligd met een wachtwoord of is in een oud formaat opgeslagen "
        "(zoals .doc). Haal het wachtwoord weg en sla het op als %(ext)s."
    ),
    "invalid": gettext_noop(
        "‘%(name)s’ is geen geldig %(ext)s-bestand: het is beschadigd of een ander soort bestand."
    ),
    "password": gettext_noop(
        "‘%(name)s’ is beveiligd met een wachtwoord. Gebruik een kopie zonder wachtwoord."
    ),
    "damaged": gettext_noop(
        "‘%(name)s’ kan niet worden gelezen als %(ext)s. Het bestand is misschien beschadigd."
    ),
    "no_text_layer": gettext_noop(
        "In de PDF ‘%(name)s’ staat geen tekst die de scan kan lezen (is het een scan of "
        "foto?). Gebruik het oorspronkelijke document."
    ),
    "not_found": gettext_noop("Er is geen bestand of map ‘%(name)s’."),
    "folder": gettext_noop("‘%(name)s’ is een map, geen bestand."),
    "os_error": gettext_noop(
        "‘%(name)s’ kan niet worden geopend (%(reason)s). Controleer of u het bestand mag lezen."
    ),
    "unsupported_type": gettext_noop(
        "‘%(name)s’ is een soort bestand dat de taalscan niet kan lezen. Gebruik %(supported)s."
    ),
}


def dutch_read_problem(
    name: str, problem: str, kind: str | None = None, details: Mapping[str, str] | None = None
) -> str:
    """The engine's reading problem for file ``name`` in the user's language, chosen by its
    ``kind``; an unknown kind keeps the engine's English ``problem`` in a Dutch sentence."""
    template = READ_PROBLEMS.get(kind or "")
    if template is not None:
        try:
            return _(template) % {**(details or {}), "name": name}
        except KeyError:  # the engine gave the kind without the details its sentence needs
            pass
    return _("‘%(name)s’ kan niet worden gelezen (%(problem)s).") % {
        "name": name,
        "problem": problem,
    }


def read_upload(name: str, data: bytes) -> Document:
    """Check and read an uploaded letter; the Document carries the shown file name."""
    shown = shown_name(name)
    extension = check_content(shown, data)
    with tempfile.TemporaryDirectory(prefix="gelijk-taalscan-") as folder:
        path = Path(folder) / f"upload{extension}"
        path.write_bytes(data)
        try:
            document = read_document(path)
        except InputError as exc:
            problem = str(exc).removeprefix(f"{path}: ")
            raise FileRefused(dutch_read_problem(shown, problem, exc.kind, exc.details)) from None
    return dataclasses.replace(document, path=shown)


def library_text(document: Document) -> str:
    """The text to store for a library letter read from a file.

    In .docx/.odt every paragraph is a line and ends a sentence; stored as plain text, a
    blank line between paragraphs keeps that meaning for every later scan."""
    text = document.text.replace("\r\n", "\n")
    if document.hard_line_breaks:
        text = "\n\n".join(p.strip() for p in text.split("\n") if p.strip())
    return text.strip()
