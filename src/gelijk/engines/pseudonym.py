"""Keyed pseudonyms for officer and subject identifiers (GUIDE §4.5).

``pseudonymise(value, key)`` is HMAC-SHA256 (RFC 2104, FIPS 198-1) of the UTF-8 value under
the key, as lowercase hex, cut to its first 16 characters (64 bits). The same value and key
always give the same pseudonym, so actions of one officer can be linked without storing who
the officer is; without the key the pseudonym cannot be reversed or recomputed by guessing
identifiers (unlike a plain hash of a short badge number).

With 64 bits, the chance that two of ``n`` identifiers share a pseudonym is about
``n**2 / 2**65`` — below 1e-9 for a million identifiers.
"""

from __future__ import annotations

import hashlib
import hmac

from gelijk.engines.errors import InputError

#: Number of hex characters kept (16 hex = 64 bits).
PSEUDONYM_LENGTH = 16


def pseudonymise(value: str, key: bytes | str) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, lowercase hex, first 16 characters.

    ``key`` may be bytes or text (text is UTF-8 encoded). An empty value or key raises
    :class:`~gelijk.engines.errors.InputError`: an empty key would give a guessable hash and
    an empty identifier would merge unrelated records under one pseudonym.
    """
    if not isinstance(value, str):
        raise InputError(f"the value to pseudonymise must be text, got {type(value).__name__}")
    if not isinstance(key, bytes | str):
        raise InputError(
            f"the pseudonymisation key must be bytes or text, got {type(key).__name__}"
        )
    if value == "":
        raise InputError("cannot pseudonymise an empty value")
    if len(key) == 0:
        raise InputError("the pseudonymisation key is empty")
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    digest = hmac.new(raw_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]
