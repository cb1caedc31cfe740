"""What every upload in Gelijk shares: a safe name to show, the size rule, the real type from
the bytes, and encrypted storage.

Each app decides which types it accepts and how deeply it opens them (reporting verifies
images and PDFs, language lets its engine read documents, monitor reads tables); the rules
that must be the same everywhere live here, so that a resident and an analyst get the same
Dutch message for the same mistake. Stored bytes are encrypted with the deployment's Fernet
keys (``gelijk.core.crypto``): uploads can hold personal data. Apps register the file fields
that hold such bytes (``register_encrypted_files``), so that key rotation rewrites them too.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gelijk.core import crypto

__all__ = [
    "CheckedFile",
    "FileRefused",
    "check_size",
    "decrypted",
    "encrypted",
    "encrypted_file_fields",
    "real_type",
    "register_encrypted_files",
    "rotate_files",
    "shown_name",
]

log = logging.getLogger("gelijk.core.uploads")


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


# "app_label.Model" -> file field names whose stored bytes come from encrypted().
_ENCRYPTED_FILES: dict[str, list[str]] = {}


def register_encrypted_files(model: str, *fields: str) -> None:
    """Declare that the FileFields ``fields`` of ``model`` ("app_label.Model") hold bytes
    from ``encrypted()``; call it from the app's ``AppConfig.ready()``. Key rotation rewrites
    what is registered here, and nothing else: a forgotten field becomes unreadable when the
    old key is dropped."""
    names = _ENCRYPTED_FILES.setdefault(model, [])
    names.extend(f for f in fields if f not in names)


def encrypted_file_fields() -> list[tuple[type, str]]:
    """(model, field name) for every registered field, checked to exist and be a FileField."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured
    from django.db.models import FileField

    found = []
    for label, names in sorted(_ENCRYPTED_FILES.items()):
        model = apps.get_model(label)
        for name in names:
            if not isinstance(model._meta.get_field(name), FileField):
                raise ImproperlyConfigured(
                    f"{label}.{name} is registered as encrypted file but is not a FileField"
                )
            found.append((model, name))
    return found


@dataclass
class FileRotation:
    """What rotation did with one kind of file."""

    rewritten: int = 0  # now encrypted with the newest key
    current: int = 0  # already was
    missing: int = 0  # named in the database, absent from the storage
    unreadable: int = 0  # no configured key decrypts it: do not drop any key yet
    changed: int = 0  # the row or its file changed while we worked; rotate again


def rotate_files() -> dict[str, FileRotation]:
    """Re-encrypt every registered stored file with the first (newest) key.

    Each file is written anew under a fresh name, the row is switched to it only if it still
    names the old file (so a file replaced or deleted meanwhile, e.g. by a retention job,
    is left alone), and only then is the old file deleted: an interruption leaves at worst
    an unused file, never a row without a readable one. Files already under the newest key
    are left as they are, so running it again is harmless.
    """
    from django.conf import settings

    multi = crypto.fernet()
    newest = Fernet(settings.GELIJK_FIELD_ENCRYPTION_KEYS[0].encode())
    report: dict[str, FileRotation] = {}
    for model, field_name in encrypted_file_fields():
        label = f"{model._meta.label}.{field_name}"
        counts = report[label] = FileRotation()
        field = model._meta.get_field(field_name)
        rows = (
            model._default_manager.exclude(**{field_name: ""})
            .exclude(**{f"{field_name}__isnull": True})
            .order_by("pk")
        )
        for instance in rows.iterator(chunk_size=200):
            file = getattr(instance, field_name)
            storage, old_name = file.storage, file.name
            try:
                with storage.open(old_name, "rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                counts.missing += 1
                log.warning("%s of %s: file %s is missing", label, instance.pk, old_name)
                continue
            try:
                newest.decrypt(data)
                counts.current += 1
                continue
            except InvalidToken:
                pass
            try:
                rotated = multi.rotate(data)
            except InvalidToken:
                counts.unreadable += 1
                log.error("%s of %s: no configured key decrypts %s", label, instance.pk, old_name)
                continue
            new_name = storage.save(
                field.generate_filename(instance, PurePath(old_name).name), ContentFile(rotated)
            )
            switched = model._default_manager.filter(
                pk=instance.pk, **{field_name: old_name}
            ).update(**{field_name: new_name})
            if switched:
                storage.delete(old_name)
                counts.rewritten += 1
            else:
                storage.delete(new_name)
                counts.changed += 1
    return report
