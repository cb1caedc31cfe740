"""Encryption at rest for special-category data (GUIDE §4.5).

Fernet (AES-128-CBC + HMAC-SHA256) with a list of keys: the first encrypts, all decrypt,
so keys can be rotated without downtime: add a new key in front, run
``gelijk keys rotate`` to re-encrypt, then drop the old key (docs/configuration.md).
Uploaded files are encrypted with the same keys (``gelijk.core.uploads``) and rotated with
the fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "GELIJK_FIELD_ENCRYPTION_KEYS is empty; sensitive fields cannot be stored. "
            "Generate a key with: gelijk keys generate"
        )
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "GELIJK_FIELD_ENCRYPTION_KEYS holds a key that is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.GELIJK_FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "an encrypted field cannot be decrypted with the configured keys; "
            "was a key removed before `gelijk keys rotate` ran?"
        ) from None


def rotate_token(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def generate_key() -> str:
    return Fernet.generate_key().decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Not searchable or sortable in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedJSONField(models.TextField):
    """A JSON value (list/dict) stored encrypted as text."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return json.loads(decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        if names:
            found.append((model, names))
    return found


def rotate_fields(batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted field with the first (newest) key; rows per model."""
    from django.db import transaction

    counts: dict[str, int] = {}
    for model, names in encrypted_fields():
        done = 0
        # Reading decrypts with whichever key fits; writing encrypts with the newest key.
        with transaction.atomic():
            rows = model.objects.values_list("pk", *names)
            for pk, *values in rows.iterator(chunk_size=batch_size):
                update = {
                    name: value
                    for name, value in zip(names, values, strict=True)
                    if value not in (None, "")
                }
                if update:
                    model.objects.filter(pk=pk).update(**update)
                    done += 1
        counts[model._meta.label] = done
    return counts


@dataclass
class Rotation:
    fields: dict[str, int] = field(default_factory=dict)  # model -> rows re-encrypted
    files: dict = field(default_factory=dict)  # "model.field" -> uploads.FileRotation

    @property
    def complete(self) -> bool:
        """True when nothing still depends on an older key (so it may be dropped)."""
        return not any(c.unreadable or c.changed for c in self.files.values())


def rotate_all(batch_size: int = 500) -> Rotation:
    """Re-encrypt every encrypted field and every registered encrypted file with the first
    (newest) key. Safe to run again; files are rewritten only when not yet on that key."""
    from gelijk.core import uploads

    return Rotation(fields=rotate_fields(batch_size), files=uploads.rotate_files())
