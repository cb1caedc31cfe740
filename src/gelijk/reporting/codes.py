"""Tracking codes and secrets for residents.

The code (kenmerk) is random, not sequential, so codes cannot be enumerated. The secret is
shown once and stored only as a salted PBKDF2-SHA256 hash. It is drawn by a CSPRNG: 16 symbols
from 31, about 79 bits of entropy, so unlike a chosen password it needs no million-round
stretching to resist guessing; 100,000 rounds keep a submission fast under load (see
bench/results/reporting.md) while a stolen hash stays out of reach.
"""

from __future__ import annotations

import functools
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.crypto import get_random_string

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


class _SecretHasher(PBKDF2PasswordHasher):
    iterations = 100_000


_HASHER = _SecretHasher()


def hash_secret(secret: str) -> str:
    return _HASHER.encode(normalise(secret), get_random_string(22))


def secret_matches(secret: str, encoded: str) -> bool:
    return (
        bool(encoded)
        and encoded.startswith(_HASHER.algorithm + "$")
        and _HASHER.verify(normalise(secret), encoded)
    )


def reference_key(value: str) -> str:
    """The stored form of a code typed by a person: 'm kx7p 9qrt' → 'M-KX7P-9QRT'."""
    raw = normalise(value)
    if len(raw) == 9 and raw.startswith("M"):
        return f"M-{raw[1:5]}-{raw[5:]}"
    return raw


@functools.cache
def dummy_hash() -> str:
    """A real hash of a random value, to compare against when the code is unknown."""
    return hash_secret(secrets.token_hex(16))
