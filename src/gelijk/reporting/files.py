"""Checks on uploaded files by their content, never by name or browser-declared type alone.

Images must be JPEG or PNG that Pillow can fully verify; PDFs must start with the PDF magic
and open with pypdf. The name's extension must agree with the content, so a file that lies
about its type is refused. Accepted bytes are stored encrypted (``store``/``load``).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gelijk.core import crypto
from gelijk.reporting.workflow import CaseError

ALLOWED = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/pdf": {".pdf"},
}
MAX_FILES = 3


def max_bytes() -> int:
    return settings.GELIJK_REPORTING_MAX_ATTACHMENT_MB * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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
    shown = PurePath(name or "bestand").name[:120]
    if len(data) > max_bytes():
        raise CaseError(
            _("‘%(name)s’ is te groot (%(size)s MB). Het maximum is %(max)s MB per bestand.")
            % {
                "name": shown,
                "size": f"{len(data) / 2**20:.1f}".replace(".", ","),
                "max": settings.GELIJK_REPORTING_MAX_ATTACHMENT_MB,
            },
            field="attachments",
        )
    if not data:
        raise CaseError(_("‘%(name)s’ is leeg.") % {"name": shown}, field="attachments")
    kind = filetype.guess(data)
    mime = kind.mime if kind else ""
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


def encrypted(data: bytes) -> ContentFile:
    return ContentFile(crypto.fernet().encrypt(data))


def decrypted(field_file) -> bytes:
    with field_file.open("rb") as fh:
        return crypto.fernet().decrypt(fh.read())
