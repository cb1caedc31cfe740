"""Utrecht reference data: the gemeente, its 10 wijken and 111 buurten (CBS), and wijk boundaries.

Data files live in the repository's ``data/reference/`` (built by ``scripts/build-refdata.py``,
sources and licences in ``data/reference/SOURCE.md``); every function takes ``data_dir`` to read
another copy. Parsed files are cached per path (and modification time), so engines can call
these functions often. Each call returns fresh :class:`Area` objects: changing one never changes
what the next caller gets.

Figures are CBS Kerncijfers wijken en buurten (peildatum 1 January of the year). At wijk and buurt
level CBS rounds every count *randomly* to a multiple of 5 (each rounded count is off by at most
4), so parts do not add up exactly to wholes; the gemeente row is not rounded. A CBS "." (unknown,
unreliable or secret) is ``None`` — never 0.

Attribution (CC BY 4.0): "Bron: CBS, Kerncijfers wijken en buurten 2023/2024" and "Bron: CBS,
Wijk- en buurtkaart 2024".
"""

from __future__ import annotations

import copy
import csv
import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from gelijk.engines.errors import InputError

__all__ = [
    "ATTRIBUTION",
    "BOUNDARIES_ATTRIBUTION",
    "COMPOSITION_KEYS",
    "DEFAULT_YEAR",
    "FACT_KEYS",
    "HERKOMST_DETAILED_KEYS",
    "HERKOMST_KEYS",
    "MUNICIPALITY_CODE",
    "ROUNDING_BASE",
    "Area",
    "area",
    "default_data_dir",
    "district_boundaries",
    "districts",
    "herkomst_shares",
    "municipality",
    "neighbourhoods",
]

DEFAULT_YEAR = 2024
MUNICIPALITY_CODE = "GM0344"
N_DISTRICTS = 10
N_NEIGHBOURHOODS = 111
#: CBS rounds wijk and buurt counts at random to multiples of this number.
ROUNDING_BASE = 5

COMPOSITION_KEYS = (
    "men",
    "women",
    "age_0_14",
    "age_15_24",
    "age_25_44",
    "age_45_64",
    "age_65_plus",
    "herkomst_nl",
    "herkomst_europe",
    "herkomst_outside_europe",
    "born_nl_herkomst_nl",
    "born_nl_herkomst_europe",
    "born_nl_herkomst_outside_europe",
    "born_abroad_europe",
    "born_abroad_outside_europe",
)
#: Herkomst (CBS 2022 classification): Nederland, Europa (excl. NL), buiten Europa.
HERKOMST_KEYS = ("herkomst_nl", "herkomst_europe", "herkomst_outside_europe")
#: The same population split by own birth country (NL / abroad) and herkomst.
HERKOMST_DETAILED_KEYS = (
    "born_nl_herkomst_nl",
    "born_nl_herkomst_europe",
    "born_nl_herkomst_outside_europe",
    "born_abroad_europe",
    "born_abroad_outside_europe",
)
#: Other CBS figures kept per area: private households, average household size, inhabitants per
#: km² land (published for areas with >= 10 inhabitants), land area in hectares.
FACT_KEYS = ("households", "household_size", "density_per_km2", "land_area_ha")

ATTRIBUTION = {
    2023: "Bron: CBS, Kerncijfers wijken en buurten 2023",
    2024: "Bron: CBS, Kerncijfers wijken en buurten 2024",
}
BOUNDARIES_ATTRIBUTION = "Bron: CBS, Wijk- en buurtkaart 2024"
_BOUNDARY_YEAR = 2024
_LEVELS = ("gemeente", "wijk", "buurt")
_TEXT_COLUMNS = ("code", "name", "name_cbs", "level", "parent_code")
_INT_COLUMNS = ("population", *COMPOSITION_KEYS, "households", "density_per_km2", "land_area_ha")


@dataclass(frozen=True)
class Area:
    """A CBS area: the gemeente (GM0344), a wijk (WK0344ww) or a buurt (BU0344wwbb).

    ``name`` is the short name ("West"); ``name_cbs`` the name as CBS publishes it
    ("Wijk 01 West"). ``population`` and every value in ``composition`` / ``facts`` is None
    where CBS published "." (unknown). ``parent_code`` is None for the gemeente.
    """

    code: str
    name: str
    level: str
    parent_code: str | None
    population: int | None
    composition: dict[str, int | None]
    name_cbs: str = ""
    year: int = DEFAULT_YEAR
    facts: dict[str, int | float | None] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.year, self.code))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_cbs": self.name_cbs,
            "level": self.level,
            "parent_code": self.parent_code,
            "year": self.year,
            "population": self.population,
            "composition": dict(self.composition),
            "facts": dict(self.facts),
        }


def default_data_dir() -> Path:
    """The repository's ``data/reference`` (src/gelijk/engines/refdata.py → repo root)."""
    return Path(__file__).resolve().parents[3] / "data" / "reference"


def _dir(data_dir: str | os.PathLike[str] | None) -> Path:
    return default_data_dir() if data_dir is None else Path(data_dir)


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise InputError(f"reference data file not found: {path}") from exc
    return str(path.resolve()), st.st_mtime_ns, st.st_size


# --------------------------------------------------------------------------- parsing


def _parse_int(raw: str, line: int, column: str, path: Path) -> int | None:
    raw = raw.strip()
    if raw == "":
        return None
    if not raw.isdigit():
        raise InputError(
            f"{path.name}: expected a whole number >= 0 or an empty field, got {raw!r}",
            rows=[line],
            column=column,
        )
    return int(raw)


def _parse_float(raw: str, line: int, column: str, path: Path) -> float | None:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise InputError(
            f"{path.name}: expected a number >= 0 or an empty field, got {raw!r}",
            rows=[line],
            column=column,
        )
    return value


@dataclass(frozen=True)
class _Table:
    """One parsed KWB file: areas in file order (gemeente, wijken by code, buurten by code)."""

    areas: tuple[Area, ...]
    by_code: dict[str, int]


@lru_cache(maxsize=16)
def _load_table(resolved: str, _mtime_ns: int, _size: int, year: int) -> _Table:
    path = Path(resolved)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [
            c
            for c in (*_TEXT_COLUMNS, *_INT_COLUMNS, "household_size")
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise InputError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = list(reader)
    areas: list[Area] = []
    lines: dict[str, list[int]] = {}
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        level = row["level"].strip()
        if level not in _LEVELS:
            raise InputError(
                f"{path.name}: level must be one of {', '.join(_LEVELS)}, got {level!r}",
                rows=[n],
                column="level",
            )
        code = row["code"].strip()
        ints = {c: _parse_int(row[c], n, c, path) for c in _INT_COLUMNS}
        areas.append(
            Area(
                code=code,
                name=row["name"].strip(),
                level=level,
                parent_code=row["parent_code"].strip() or None,
                population=ints["population"],
                composition={k: ints[k] for k in COMPOSITION_KEYS},
                name_cbs=row["name_cbs"].strip(),
                year=year,
                facts={
                    "households": ints["households"],
                    "household_size": _parse_float(
                        row["household_size"], n, "household_size", path
                    ),
                    "density_per_km2": ints["density_per_km2"],
                    "land_area_ha": ints["land_area_ha"],
                },
            )
        )
        lines.setdefault(code, []).append(n)
    _validate(path, areas, lines)
    return _Table(tuple(areas), {a.code: i for i, a in enumerate(areas)})


def _validate(path: Path, areas: list[Area], lines: dict[str, list[int]]) -> None:
    dupes = sorted(n for ns in lines.values() if len(ns) > 1 for n in ns)
    if dupes:
        raise InputError(f"{path.name}: area codes must be unique", rows=dupes, column="code")
    gemeenten = [a for a in areas if a.level == "gemeente"]
    wijken = {a.code for a in areas if a.level == "wijk"}
    buurten = [a for a in areas if a.level == "buurt"]
    if [a.code for a in gemeenten] != [MUNICIPALITY_CODE]:
        raise InputError(f"{path.name}: expected exactly one gemeente row {MUNICIPALITY_CODE}")
    if len(wijken) != N_DISTRICTS or len(buurten) != N_NEIGHBOURHOODS:
        raise InputError(
            f"{path.name}: expected {N_DISTRICTS} wijken and {N_NEIGHBOURHOODS} buurten, "
            f"found {len(wijken)} and {len(buurten)}"
        )
    bad_wijk = [
        lines[a.code][0] for a in areas if a.level == "wijk" and a.parent_code != MUNICIPALITY_CODE
    ]
    if bad_wijk:
        raise InputError(
            f"{path.name}: every wijk must have parent {MUNICIPALITY_CODE}",
            rows=bad_wijk,
            column="parent_code",
        )
    orphans = [lines[a.code][0] for a in buurten if a.parent_code not in wijken]
    if orphans:
        raise InputError(
            f"{path.name}: buurt whose parent wijk is not in the file",
            rows=orphans,
            column="parent_code",
        )


def _table(year: int, data_dir: str | os.PathLike[str] | None) -> _Table:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(f"year must be a whole number, got {year!r}")
    path = _dir(data_dir) / f"cbs-kwb-utrecht-{year}.csv"
    return _load_table(*_stamp(path), year)


def _fresh(a: Area) -> Area:
    return Area(
        code=a.code,
        name=a.name,
        level=a.level,
        parent_code=a.parent_code,
        population=a.population,
        composition=dict(a.composition),
        name_cbs=a.name_cbs,
        year=a.year,
        facts=dict(a.facts),
    )


# --------------------------------------------------------------------------- public API


def municipality(
    *, year: int = DEFAULT_YEAR, data_dir: str | os.PathLike[str] | None = None
) -> Area:
    """The gemeente Utrecht (GM0344); its counts are exact (not rounded)."""
    return _fresh(_table(year, data_dir).areas[0])


def districts(
    *, year: int = DEFAULT_YEAR, data_dir: str | os.PathLike[str] | None = None
) -> list[Area]:
    """The 10 wijken, ordered by code (WK034401 West … WK034410 Vleuten-De Meern)."""
    return [_fresh(a) for a in _table(year, data_dir).areas if a.level == "wijk"]


def neighbourhoods(
    district: str | None = None,
    *,
    year: int = DEFAULT_YEAR,
    data_dir: str | os.PathLike[str] | None = None,
) -> list[Area]:
    """The 111 buurten ordered by code, or only those of one wijk (``district`` = its code)."""
    table = _table(year, data_dir)
    if district is not None and district not in {a.code for a in table.areas if a.level == "wijk"}:
        raise InputError(f"unknown wijk code {district!r}")
    return [
        _fresh(a)
        for a in table.areas
        if a.level == "buurt" and (district is None or a.parent_code == district)
    ]


def area(
    code: str, *, year: int = DEFAULT_YEAR, data_dir: str | os.PathLike[str] | None = None
) -> Area:
    """One area by its CBS code (GM0344, WK0344ww or BU0344wwbb)."""
    table = _table(year, data_dir)
    if code not in table.by_code:
        raise InputError(f"unknown CBS area code {code!r} for {year}")
    return _fresh(table.areas[table.by_code[code]])


@lru_cache(maxsize=4)
def _load_boundaries(resolved: str, _mtime_ns: int, _size: int) -> dict:
    path = Path(resolved)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise InputError(f"{path.name}: expected a GeoJSON FeatureCollection")
    return data


def district_boundaries(
    *, year: int = _BOUNDARY_YEAR, data_dir: str | os.PathLike[str] | None = None
) -> dict:
    """GeoJSON FeatureCollection (WGS84 lon/lat) of the 10 wijken, features ordered by code.

    Feature properties: ``code``, ``name``, ``population``. Boundaries are CBS 2024, simplified
    (0.0005°, roughly 35–55 m): fine for choropleth maps, not for point-in-polygon near borders.
    Returns a copy that the caller may change.
    """
    if year != _BOUNDARY_YEAR:
        raise InputError(f"wijk boundaries are available for {_BOUNDARY_YEAR} only, not {year}")
    path = _dir(data_dir) / f"utrecht-wijken-{year}.geojson"
    data = _load_boundaries(*_stamp(path))
    codes = [f.get("properties", {}).get("code") for f in data["features"]]
    expected = [a.code for a in districts(year=year, data_dir=data_dir)]
    if sorted(codes) != expected:
        raise InputError(f"{path.name}: features must be exactly the wijken {', '.join(expected)}")
    out = copy.deepcopy(data)
    out["features"].sort(key=lambda f: f["properties"]["code"])
    return out


def herkomst_shares(area: Area, *, detailed: bool = False) -> dict[str, float | None]:
    """Shares of the population by herkomst, for ecological comparisons by area.

    ``detailed=False``: ``herkomst_nl``, ``herkomst_europe``, ``herkomst_outside_europe``;
    ``detailed=True``: the five groups of :data:`HERKOMST_DETAILED_KEYS` (born in NL / abroad).
    The denominator is the sum of the groups themselves, so the shares add up to 1 even though
    CBS rounds each count separately; at wijk level the result differs from dividing by
    ``population`` by less than 0.1 percentage point. Every share is None when any group is
    unknown or the groups sum to 0 (an uninhabited buurt).
    """
    keys = HERKOMST_DETAILED_KEYS if detailed else HERKOMST_KEYS
    counts = [area.composition.get(k) for k in keys]
    if any(c is None for c in counts) or sum(counts) == 0:
        return dict.fromkeys(keys)
    total = sum(counts)
    return {k: c / total for k, c in zip(keys, counts, strict=True)}
