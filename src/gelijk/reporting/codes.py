"""Tracking codes and secrets for residents.

The code (kenmerk) is random, not sequential, so codes cannot be enumerated. The secret is
shown once and stored only as a password hash (Django's hasher: PBKDF2 by default).
"""

from __future__ import annotations

import functools
import secrets

from django.contrib.auth.hashers import check_password, make_password

# No 0/O, 1/I/L: readable over the phone and on paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _chars(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def new_reference() -> str:
    return f"M-{_chars(4)}-{_chars(4)}"


def new_secret() -> str:
    return "-".join(_chars(4) for _ in range(4))


def normalise(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def hash_secret(secret: str) -> str:
    return make_password(normalise(secret))


def secret_matches(secret: str, encoded: str) -> bool:
    return bool(encoded) and check_password(normalise(secret), encoded)


def reference_key(value: str) -> str:
    """The stored form of a code typed by a person: 'm kx7p 9qrt' → 'M-KX7P-9QRT'."""
    raw = normalise(value)
    if len(raw) == 9 and raw.startswith("M"):
        return f"M-{raw[1:5]}-{raw[5:]}"
    return raw


@functools.cache
def dummy_hash() -> str:
    """A real hash of a random value, to compare against when the code is unknown."""
    return make_password(secrets.token_hex(16))
