"""The Uthiek pilot of VTH: enforcement processes and their instruments."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gelijk.algorithms.models import EnforcementInstrument, EnforcementProcess
from gelijk.algorithms.services import actor_of as _actor
from gelijk.algorithms.services import refusals_audited, require
from gelijk.core import audit

MANAGE = "algorithms.manage_pilot"


def _refuse(user, obj=None) -> None:
    require(
        user,
        MANAGE,
        obj,
        _("Alleen een algoritme-eigenaar of privacy officer kan de pilot beheren."),
        object_type="algorithms.EnforcementProcess",
    )


def _slug(model, name: str, current=None) -> str:
    base = slugify(name)[:90] or "onderdeel"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=getattr(current, "pk", None)).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@refusals_audited
@transaction.atomic
def process_save(
    *, user, process: EnforcementProcess | None = None, **values
) -> EnforcementProcess:
    _refuse(user, process)
    created = process is None
    process = process or EnforcementProcess()
    for name, value in values.items():
        setattr(process, name, value)
    if created:
        process.slug = _slug(EnforcementProcess, process.name)
    process.save()
    audit.record(
        audit.Action.CREATE if created else audit.Action.CHANGE,
        obj=process,
        detail={"name": process.name},
        actor=_actor(user),
    )
    return process


@refusals_audited
@transaction.atomic
def instrument_save(
    *, user, instrument: EnforcementInstrument | None = None, **values
) -> EnforcementInstrument:
    _refuse(user, instrument)
    created = instrument is None
    instrument = instrument or EnforcementInstrument()
    for name, value in values.items():
        setattr(instrument, name, value)
    if created:
        instrument.slug = _slug(EnforcementInstrument, instrument.name)
    instrument.save()
    audit.record(
        audit.Action.CREATE if created else audit.Action.CHANGE,
        obj=instrument,
        detail={"name": instrument.name, "process": instrument.process.slug},
        actor=_actor(user),
    )
    return instrument
