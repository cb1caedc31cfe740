"""What every upload in Gelijk shares: a safe name to show, the size rule, the real type from
the bytes, and encrypted storage.

Each app decides which types it accepts and how deeply it opens them (reporting verifies
images and PDFs, language lets its engine read documents, monitor reads tables); the rules
that must be the same everywhere live here, so that a resident and an analyst get the same
Dutch message for the same mistake. Stored bytes are encrypted with the deployment's Fernet
keys (``gelijk.core.crypto``): uploads can hold personal data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gelijk.core import crypto

__all__ = [
    "CheckedFile",
    "FileRefused",
    "check_size",
    "decrypted",
    "encrypted",
    "real_type",
    "shown_name",
]


class FileRefused(ValueError):
    """A file we do not accept; ``message`` names it and says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed its app's checks: the name to show, the real type, the bytes."""

    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def shown_name(name: str | None, limit: int = 120) -> str:
    """The file's own name without any folders (browsers on Windows may send them), cut to
    ``limit`` characters, so it can go into a message or a page safely."""
    return PurePath((name or "").replace("\\", "/")).name[:limit] or "bestand"


def check_size(shown: str, size: int, limit_bytes: int) -> None:
    """Refuse an empty file and one over ``limit_bytes``; ``size`` may come from the upload's
    header, before its bytes are read."""
    if size <= 0:
        raise FileRefused(_("‘%(name)s’ is leeg.") % {"name": shown})
    if size > limit_bytes:
        raise FileRefused(
            _("‘%(name)s’ is te groot (%(size)s MB). Het maximum is %(max)s MB.")
            % {
                "name": shown,
                "size": f"{size / 2**20:.1f}".replace(".", ","),
                "max": limit_bytes // 2**20,
            }
        )


def real_type(data: bytes) -> tuple[str, str]:
    """(MIME type, usual extension) recognised from the bytes' signature; ("", "") when the
    bytes carry none (plain text, or something unknown)."""
    kind = filetype.guess(data)
    return (kind.mime, kind.extension) if kind else ("", "")


def encrypted(data: bytes) -> ContentFile:
    return ContentFile(crypto.fernet().encrypt(data))


def decrypted(field_file) -> bytes:
    with field_file.open("rb") as fh:
        return crypto.fernet().decrypt(fh.read())
