"""Pseudonymise identifiers with the configured key (GUIDE §4.5)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gelijk.engines.pseudonym import pseudonymise


def pseudonym(value: str) -> str:
    key = settings.GELIJK_PSEUDONYMISATION_KEY
    if not key:
        raise ImproperlyConfigured("GELIJK_PSEUDONYMISATION_KEY is not configured")
    return pseudonymise(value, key)
