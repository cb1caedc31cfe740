"""Checks on uploaded files by their content, never by name or browser-declared type alone.

Images must be JPEG or PNG that Pillow can fully verify; PDFs must start with the PDF magic
and open with pypdf. The name's extension must agree with the content, so a file that lies
about its type is refused. Accepted bytes are stored encrypted (``gelijk.core.uploads``).
"""

from __future__ import annotations

import io
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from gelijk.core.uploads import (  # noqa: F401 (the app's file API: also used by its services)
    CheckedFile,
    FileRefused,
    check_size,
    decrypted,
    encrypted,
    real_type,
    shown_name,
)
from gelijk.reporting.workflow import CaseError

ALLOWED = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/pdf": {".pdf"},
}
MAX_FILES = 3


def max_bytes() -> int:
    return settings.GELIJK_REPORTING_MAX_ATTACHMENT_MB * 1024 * 1024


def _image_ok(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()  # verify() does not decode the pixels; a truncated file fails here
    except Exception:  # Pillow raises many types for broken files
        return False
    return True


def _pdf_ok(data: bytes) -> bool:
    import logging

    from pypdf import PdfReader

    if not data.startswith(b"%PDF-"):
        return False
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        return len(reader.pages) >= 1
    except Exception:  # pypdf raises many types for broken files
        return False


def check(name: str, data: bytes) -> CheckedFile:
    """Return the file with its real type, or raise CaseError(field='attachments')."""
    shown = shown_name(name)
    try:
        check_size(shown, len(data), max_bytes())
    except FileRefused as exc:
        raise CaseError(exc.message, field="attachments") from None
    mime = real_type(data)[0]
    if mime not in ALLOWED:
        raise CaseError(
            _("‘%(name)s’ is geen foto (JPG of PNG) of PDF. Alleen die soorten bestanden kunnen.")
            % {"name": shown},
            field="attachments",
        )
    extension = PurePath(shown).suffix.lower()
    if extension not in ALLOWED[mime]:
        raise CaseError(
            _(
                "‘%(name)s’ heeft een naam die niet past bij de inhoud: het is een %(real)s. "
                "Geef het bestand de juiste naam."
            )
            % {"name": shown, "real": "PDF" if mime == "application/pdf" else mime.split("/")[1]},
            field="attachments",
        )
    ok = _pdf_ok(data) if mime == "application/pdf" else _image_ok(data)
    if not ok:
        raise CaseError(
            _("‘%(name)s’ is beschadigd of kan niet worden geopend.") % {"name": shown},
            field="attachments",
        )
    return CheckedFile(shown, mime, data)
