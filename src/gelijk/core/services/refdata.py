"""Load Utrecht's reference data (CBS wijken and buurten, wijk boundaries) into the
database from the files shipped in data/reference (read by gelijk.engines.refdata)."""

from __future__ import annotations

from django.db import transaction

from gelijk.core import audit
from gelijk.core.models import District, Neighbourhood
from gelijk.engines import refdata


@transaction.atomic
def refdata_load(year: int = 2024) -> dict[str, int]:
    """Create or update the 10 wijken and 111 buurten. Idempotent; all or nothing."""
    boundaries = {
        feature["properties"]["code"]: feature["geometry"]
        for feature in refdata.district_boundaries()["features"]
    }
    districts = {}
    for area in refdata.districts(year=year):
        districts[area.code], _ = District.objects.update_or_create(
            code=area.code,
            defaults={
                "name": area.name,
                "year": year,
                "population": area.population,
                "composition": dict(area.composition),
                "boundary": boundaries.get(area.code),
            },
        )
    for area in refdata.neighbourhoods(year=year):
        Neighbourhood.objects.update_or_create(
            code=area.code,
            defaults={
                "name": area.name,
                "year": year,
                "population": area.population,
                "composition": dict(area.composition),
                "district": districts[area.parent_code],
            },
        )
    counts = {"districts": len(districts), "neighbourhoods": Neighbourhood.objects.count()}
    audit.record(
        audit.Action.CHANGE, object_type="core.District", detail={"refdata": counts, "year": year}
    )
    return counts
