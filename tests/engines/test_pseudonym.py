"""Keyed pseudonyms: checked against a published HMAC-SHA256 test vector."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gelijk.engines.errors import InputError
from gelijk.engines.pseudonym import pseudonymise


def test_rfc4231_test_case_2():
    # RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?", HMAC-SHA-256 =
    # 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
    assert pseudonymise("what do ya want for nothing?", b"Jefe") == "5bdcc146bf60754e"


def test_text_key_is_utf8_encoded():
    assert pseudonymise("what do ya want for nothing?", "Jefe") == "5bdcc146bf60754e"


def test_non_ascii_value_is_utf8_encoded():
    expected = hmac.new(b"k", "Zoë".encode(), hashlib.sha256).hexdigest()[:16]
    assert pseudonymise("Zoë", b"k") == expected


def test_different_keys_give_different_pseudonyms():
    assert pseudonymise("boa-1234", b"key-a") != pseudonymise("boa-1234", b"key-b")


@pytest.mark.parametrize(("value", "key"), [("", b"k"), ("x", b""), ("x", "")])
def test_empty_value_or_key_is_rejected(value, key):
    with pytest.raises(InputError, match="empty"):
        pseudonymise(value, key)


@pytest.mark.parametrize(("value", "key"), [(1234, b"k"), (None, b"k"), ("x", 5)])
def test_wrong_types_are_rejected(value, key):
    with pytest.raises(InputError):
        pseudonymise(value, key)


@given(st.text(min_size=1), st.binary(min_size=1))
def test_pseudonym_is_16_lowercase_hex_and_stable(value, key):
    p = pseudonymise(value, key)
    assert len(p) == 16 and all(c in "0123456789abcdef" for c in p)
    assert p == pseudonymise(value, key)
