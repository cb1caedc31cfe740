"""Sensitive fields are encrypted at rest and keys can be rotated."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from gelijk.core import crypto


def test_round_trip_and_ciphertext_hides_the_text():
    token = crypto.encrypt("afkomst: Marokkaans")
    assert "Marokkaans" not in token
    assert crypto.decrypt(token) == "afkomst: Marokkaans"


def test_rotation_keeps_old_data_readable_and_rewrites_with_new_key(settings):
    old_key = settings.GELIJK_FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("geloof")
    new_key = Fernet.generate_key().decode()
    settings.GELIJK_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt(token) == "geloof"  # old data still readable
    rotated = crypto.rotate_token(token)
    settings.GELIJK_FIELD_ENCRYPTION_KEYS = [new_key]  # old key retired
    assert crypto.decrypt(rotated) == "geloof"
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out():
    field = crypto.EncryptedJSONField()
    stored = field.get_prep_value(["ras", "religie"])
    assert "religie" not in stored
    assert field.from_db_value(stored, None, None) == ["ras", "religie"]
    text = crypto.EncryptedTextField()
    assert text.from_db_value(text.get_prep_value("x"), None, None) == "x"
    assert text.get_prep_value("") == ""


def test_missing_or_bad_keys_are_explained(settings):
    settings.GELIJK_FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        crypto.encrypt("x")
    settings.GELIJK_FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.encrypt("x")
