"""Processing log (after Logius' Logboek Dataverwerkingen): records that a processing
activity touched a data subject, by pseudonym and legal basis, without the user's identity.

Activities are declared once (name, purpose, legal basis) so that the register of
processing activities and this log use the same names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from gelijk.core.models import ProcessingRecord


@dataclass(frozen=True)
class Activity:
    key: str
    purpose: str
    legal_basis: str


ACTIVITIES: dict[str, Activity] = {}


def declare(key: str, purpose: str, legal_basis: str) -> Activity:
    activity = Activity(key, purpose, legal_basis)
    existing = ACTIVITIES.get(key)
    if existing is not None and existing != activity:
        raise ValueError(f"processing activity {key!r} is declared twice with different terms")
    ACTIVITIES[key] = activity
    return activity


def record(
    activity: str, subject: str = "", *, trace_id: str | None = None, status: str = "ok"
) -> ProcessingRecord:
    try:
        declared = ACTIVITIES[activity]
    except KeyError:
        raise LookupError(f"undeclared processing activity {activity!r}") from None
    return ProcessingRecord.objects.create(
        activity=activity,
        subject=subject[:64],
        legal_basis=declared.legal_basis,
        occurred_at=timezone.now(),
        trace_id=trace_id or uuid.uuid4().hex,
        status=status,
    )


declare(
    "audit_verification",
    "Controle van de integriteit van het auditlog",
    "AVG art. 32 (beveiliging van de verwerking); BIO2",
)
