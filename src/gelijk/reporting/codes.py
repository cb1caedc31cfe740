"""Tracking codes and secrets for residents.

The code (kenmerk) is random, not sequential, so codes cannot be enumerated. The secret is
shown once and stored only as a salted SHA-256 digest. Key stretching (PBKDF2, bcrypt) exists
to protect *chosen* passwords with little entropy; this secret is drawn by a CSPRNG — 16
symbols from 31, about 79 bits — so even with a stolen digest an attacker would need ~2^78
SHA-256 evaluations on average. Stretching would add ~90 ms to every submission for no gain
(it was the dominant cost under load: bench/results/reporting.md). Digests from the earlier
PBKDF2 scheme still verify.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
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


SCHEME = "sha256"


class _LegacyHasher(PBKDF2PasswordHasher):
    iterations = 100_000


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}${normalise(secret)}".encode()).hexdigest()


def hash_secret(secret: str) -> str:
    salt = get_random_string(22)
    return f"{SCHEME}${salt}${_digest(salt, secret)}"


def secret_matches(secret: str, encoded: str) -> bool:
    if not encoded:
        return False
    scheme, _, rest = encoded.partition("$")
    if scheme == SCHEME:
        salt, _, digest = rest.partition("$")
        return hmac.compare_digest(digest, _digest(salt, secret))
    legacy = _LegacyHasher()
    return scheme == legacy.algorithm and legacy.verify(normalise(secret), encoded)


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
