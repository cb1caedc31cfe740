"""Audit log service (BIO2): append-only, hash-chained entries for every view, change,
delete and export of personal data, plus logins and refused access.

The chain: ``hash_n = HMAC(key, hash_{n-1} | canonical(row_n))``. Without the key nobody
can produce a valid row, so an altered, inserted or removed row is found by ``verify``
at the first position where the chain breaks. A checkpoint (written by the nightly
verification) makes removal of the newest rows detectable too.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gelijk.core.models import AuditCheckpoint, AuditEntry

Action = AuditEntry.Action
Result = AuditEntry.Result
GENESIS = "0" * 64


@dataclass(frozen=True)
class Context:
    """Who is acting and from where; set per request by AuditContextMiddleware."""

    actor_id: int | None = None
    actor: str = "system"
    origin: str = ""
    # Actions recorded while handling this request (the middleware reads it).
    recorded: list[str] = field(default_factory=list, compare=False)


_SYSTEM = Context()
_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "gelijk_audit", default=None
)


def set_context(ctx: Context) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def current_context() -> Context:
    return _context.get() or _SYSTEM


def _key() -> bytes:
    key = settings.GELIJK_AUDIT_KEY
    if not key:
        raise RuntimeError("GELIJK_AUDIT_KEY is not configured")
    return key.encode()


def _canonical(position: int, occurred_at: datetime, fields: dict) -> bytes:
    payload = {
        "position": position,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        **fields,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(prev_hash: str, position: int, occurred_at: datetime, fields: dict) -> str:
    message = prev_hash.encode() + b"|" + _canonical(position, occurred_at, fields)
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _row_fields(entry: AuditEntry) -> dict:
    return {
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "result": entry.result,
        "origin": entry.origin,
        "detail": entry.detail,
    }


def _lock_chain() -> None:
    # SQLite serialises writers already (IMMEDIATE transactions); PostgreSQL needs a lock
    # so that two writers never chain onto the same previous row.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7243001)")


def record(
    action: str,
    *,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    result: str = Result.SUCCESS,
    detail: dict | None = None,
    actor=None,
) -> AuditEntry:
    """Append one audit entry inside the caller's transaction (or its own).

    ``obj`` may be a model instance (its label and pk are recorded). The actor and origin
    come from the request context unless ``actor`` (a user) is given.
    """
    ctx = current_context()
    if actor is not None:
        ctx = Context(
            actor_id=actor.pk, actor=actor.get_username(), origin=ctx.origin, recorded=ctx.recorded
        )
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    fields = {
        "actor_id": ctx.actor_id,
        "actor": ctx.actor[:150],
        "action": str(action),
        "object_type": object_type[:100],
        "object_id": str(object_id if object_id is not None else "")[:100],
        "result": str(result),
        "origin": ctx.origin[:300],
        "detail": json.loads(json.dumps(detail or {}, default=str)),
    }
    ctx.recorded.append(str(action))
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-position").values("position", "hash").first()
        position = last["position"] + 1 if last else 1
        prev_hash = last["hash"] if last else GENESIS
        occurred_at = timezone.now()
        return AuditEntry.objects.create(
            position=position,
            occurred_at=occurred_at,
            prev_hash=prev_hash,
            hash=_digest(prev_hash, position, occurred_at, fields),
            **fields,
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    position: int | None = None  # first broken position
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} entries verified"
        return f"audit log BROKEN at entry #{self.position}: {self.reason}"


def verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in order and report the first entry where it breaks."""
    expected_prev = GENESIS
    expected_position = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("position").iterator(chunk_size=chunk_size):
        if entry.position != expected_position:
            return VerifyResult(
                False,
                checked,
                expected_position,
                f"entry #{expected_position} is missing (next present is #{entry.position}); "
                "rows were removed",
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                False,
                checked,
                entry.position,
                "it does not follow from the previous entry; a row was inserted, removed or "
                "replaced before it",
            )
        if entry.hash != _digest(
            entry.prev_hash, entry.position, entry.occurred_at, _row_fields(entry)
        ):
            return VerifyResult(
                False,
                checked,
                entry.position,
                "its contents do not match its hash; the row was altered",
            )
        expected_prev = entry.hash
        expected_position += 1
        checked += 1
    checkpoint = AuditCheckpoint.objects.first()
    if checkpoint is not None:
        if not hmac.compare_digest(checkpoint.signature, _checkpoint_signature(checkpoint)):
            return VerifyResult(
                False, checked, checkpoint.position, "the latest checkpoint was altered"
            )
        if checked < checkpoint.position:
            return VerifyResult(
                False,
                checked,
                checked + 1,
                f"the log ends at #{checked} but #{checkpoint.position} was verified on "
                f"{checkpoint.verified_at:%Y-%m-%d %H:%M}; the newest rows were removed",
            )
        at = AuditEntry.objects.filter(position=checkpoint.position).values("hash").first()
        if at is None or at["hash"] != checkpoint.hash:
            return VerifyResult(
                False, checked, checkpoint.position, "it differs from the verified checkpoint"
            )
    return VerifyResult(True, checked)


def _checkpoint_signature(cp: AuditCheckpoint) -> str:
    msg = f"{cp.position}|{cp.hash}|{cp.verified_at.astimezone(UTC).isoformat()}"
    return hmac.new(_key(), msg.encode(), hashlib.sha256).hexdigest()


def verify_and_checkpoint() -> VerifyResult:
    """Verify the chain; when intact, record a checkpoint of its newest entry."""
    result = verify()
    if result.ok and result.checked:
        last = AuditEntry.objects.order_by("-position").values("position", "hash").first()
        cp = AuditCheckpoint(
            position=last["position"], hash=last["hash"], verified_at=timezone.now()
        )
        cp.signature = _checkpoint_signature(cp)
        cp.save()
    record(
        Action.VERIFY,
        object_type="core.AuditEntry",
        result=Result.SUCCESS if result.ok else Result.FAILED,
        detail={"checked": result.checked, "message": result.message()},
    )
    return result
