"""Pseudonymise identifiers with the configured key (GUIDE §4.5)."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gelijk.engines.pseudonym import pseudonymise


def pseudonym(value: str) -> str:
    key = settings.GELIJK_PSEUDONYMISATION_KEY
    if not key:
        raise ImproperlyConfigured("GELIJK_PSEUDONYMISATION_KEY is not configured")
    return pseudonymise(value, key)


def officer_number_normalised(number: str) -> str:
    """One spelling per officer number, whoever types it: a resident on the report form, a
    handler at intake or the beheerder in staff management. A keyed hash of 'boa-2002' and
    one of 'BOA-2002' never match, so without this the independence rule would miss that a
    handler is the officer complained about. NFKC folds look-alike forms (full-width
    digits, no-break spaces); all white space goes, also inside ('BOA 2002' = 'BOA2002');
    letters become capitals. Other characters such as hyphens are kept."""
    return "".join(unicodedata.normalize("NFKC", number or "").split()).upper()


def officer_pseudonym(number: str) -> str:
    """The pseudonym of an officer number, or "" when no number was given."""
    normalised = officer_number_normalised(number)
    return pseudonym(normalised) if normalised else ""
