"""Utrecht reference data: structure, published CBS figures, rounding tolerances, unknowns."""

import csv
import json
from pathlib import Path

import pytest

from gelijk.engines import refdata
from gelijk.engines.errors import InputError
from gelijk.engines.refdata import (
    COMPOSITION_KEYS,
    ROUNDING_BASE,
    area,
    district_boundaries,
    districts,
    herkomst_shares,
    municipality,
    neighbourhoods,
)

YEARS = (2023, 2024)
# A count randomly rounded to a multiple of 5 is off from the true count by at most 4.
MAX_ROUNDING_ERROR = ROUNDING_BASE - 1
AGE_KEYS = ("age_0_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus")
HERKOMST = ("herkomst_nl", "herkomst_europe", "herkomst_outside_europe")
BORN = (
    "born_nl_herkomst_nl",
    "born_nl_herkomst_europe",
    "born_nl_herkomst_outside_europe",
    "born_abroad_europe",
    "born_abroad_outside_europe",
)


def rounded_areas(year):
    return districts(year=year) + neighbourhoods(year=year)


@pytest.mark.parametrize("year", YEARS)
def test_ten_wijken_and_111_buurten(year):
    assert len(districts(year=year)) == 10
    assert len(neighbourhoods(year=year)) == 111


def test_wijken_are_ordered_by_code_with_short_and_cbs_names():
    ds = districts()
    assert [d.code for d in ds] == [f"WK0344{n:02d}" for n in range(1, 11)]
    assert [d.name for d in ds] == [
        "West",
        "Noordwest",
        "Overvecht",
        "Noordoost",
        "Oost",
        "Binnenstad",
        "Zuid",
        "Zuidwest",
        "Leidsche Rijn",
        "Vleuten-De Meern",
    ]
    assert ds[0].name_cbs == "Wijk 01 West" and ds[9].name_cbs == "Wijk 10 Vleuten-De Meern"
    assert all(d.level == "wijk" and d.parent_code == "GM0344" for d in ds)


def test_buurten_lie_in_the_wijk_named_by_their_code():
    codes = {d.code for d in districts()}
    for b in neighbourhoods():
        assert b.level == "buurt"
        assert b.parent_code == "WK" + b.code[2:8] and b.parent_code in codes
    assert sum(len(neighbourhoods(d.code)) for d in districts()) == 111
    assert [b.code for b in neighbourhoods()] == sorted(b.code for b in neighbourhoods())


def test_municipality_population_on_1_january():
    assert municipality().population == 374_238  # CBS KWB 2024
    assert municipality(year=2023).population == 367_947  # CBS KWB 2023
    assert municipality().parent_code is None and municipality().level == "gemeente"


@pytest.mark.parametrize(("code", "population"), [("WK034401", 29_710), ("WK034410", 51_195)])
def test_known_wijk_populations_2024(code, population):
    assert area(code).population == population


def test_known_composition_values_2024():
    west = area("WK034401")
    assert west.composition["men"] == 14_320 and west.composition["women"] == 15_385
    assert west.composition["herkomst_outside_europe"] == 7_245
    gm = municipality().composition
    assert (gm["herkomst_nl"], gm["herkomst_europe"], gm["herkomst_outside_europe"]) == (
        223_593,
        40_368,
        110_277,
    )


def test_sum_over_wijken_differs_from_gemeente_within_rounding():
    # 374,238 (gemeente, exact) vs 374,215 (sum of 10 rounded wijken). Ten counts each off by at
    # most 4 allow a difference of 40; CBS also counts residents without a known address in the
    # gemeente only, which can only make the gemeente larger.
    total = sum(d.population for d in districts())
    assert total == 374_215
    assert abs(municipality().population - total) <= 10 * MAX_ROUNDING_ERROR


@pytest.mark.parametrize("year", YEARS)
def test_buurten_add_up_to_their_wijk_within_rounding(year):
    for d in districts(year=year):
        parts = neighbourhoods(d.code, year=year)
        gap = d.population - sum(b.population for b in parts)
        assert abs(gap) <= (len(parts) + 1) * MAX_ROUNDING_ERROR, d.code


def _gap(a, keys):
    return sum(a.composition[k] for k in keys) - a.population


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("keys", [("men", "women"), AGE_KEYS, HERKOMST, BORN])
def test_breakdowns_add_up_to_population_within_rounding(year, keys):
    # (len(keys) + 1) rounded counts are involved in each comparison
    limit = (len(keys) + 1) * MAX_ROUNDING_ERROR
    for a in rounded_areas(year):
        assert abs(_gap(a, keys)) <= limit, a.code
    assert _gap(municipality(year=year), keys) == 0  # the gemeente row is not rounded


@pytest.mark.parametrize("year", YEARS)
def test_herkomst_equals_born_in_nl_plus_born_abroad(year):
    pairs = [
        ("herkomst_nl", ("born_nl_herkomst_nl",)),
        ("herkomst_europe", ("born_nl_herkomst_europe", "born_abroad_europe")),
        (
            "herkomst_outside_europe",
            ("born_nl_herkomst_outside_europe", "born_abroad_outside_europe"),
        ),
    ]
    for a in rounded_areas(year):
        c = a.composition
        for whole, parts in pairs:
            gap = c[whole] - sum(c[p] for p in parts)
            assert abs(gap) <= (len(parts) + 1) * MAX_ROUNDING_ERROR, (a.code, whole)


@pytest.mark.parametrize("year", YEARS)
def test_rounded_counts_are_multiples_of_five(year):
    for a in rounded_areas(year):
        for v in [a.population, *a.composition.values()]:
            assert v is None or v % ROUNDING_BASE == 0, a.code


def test_cbs_dot_is_none_never_zero():
    # No composition count of Utrecht is "." in 2023 or 2024, so this uses kept columns where
    # CBS did publish ".": household size of an uninhabited buurt (2024) and density (2023).
    assert all(v is not None for a in rounded_areas(2024) for v in a.composition.values())
    wetering = area("BU03440911")  # Bedrijventerrein De Wetering, 0 inhabitants in 2024
    assert wetering.facts["household_size"] is None
    assert wetering.facts["households"] == 0  # a real zero stays 0
    assert area("BU03440952", year=2023).facts["density_per_km2"] is None
    assert area("WK034401", year=2023).facts["density_per_km2"] is not None
    for year in YEARS:
        path = refdata.default_data_dir() / f"cbs-kwb-utrecht-{year}.csv"
        with path.open(newline="") as fh:
            fields = [v for row in csv.reader(fh) for v in row]
        assert "." not in fields and "" in fields  # the marker never reaches the file


def test_herkomst_shares_of_a_wijk():
    shares = herkomst_shares(area("WK034403"))  # Overvecht
    assert shares["herkomst_outside_europe"] == pytest.approx(0.540, abs=0.0005)
    assert sum(shares.values()) == pytest.approx(1.0)
    pop = area("WK034403").population
    for k, v in shares.items():
        # shares over the herkomst sum vs over the rounded population: < 0.1 percentage point
        assert abs(v - area("WK034403").composition[k] / pop) < 0.001


def test_herkomst_shares_detailed_and_unknown():
    detailed = herkomst_shares(municipality(), detailed=True)
    assert set(detailed) == set(BORN) and sum(detailed.values()) == pytest.approx(1.0)
    empty = herkomst_shares(area("BU03440911"))  # uninhabited: no shares, not zeros
    assert empty == dict.fromkeys(HERKOMST)
    unknown = area("WK034401")
    unknown.composition["herkomst_europe"] = None
    assert herkomst_shares(unknown) == dict.fromkeys(HERKOMST)


def test_returned_areas_are_copies():
    first = districts()[0]
    first.composition["men"] = -1
    assert districts()[0].composition["men"] == 14_320


def test_areas_are_hashable_and_json_safe():
    ds = districts()
    assert len(set(ds)) == 10
    json.dumps([a.to_dict() for a in ds], allow_nan=False)
    assert set(ds[0].composition) == set(COMPOSITION_KEYS)


def test_wijk_boundaries():
    gj = district_boundaries()
    assert gj["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in gj["features"]]
    assert codes == [d.code for d in districts()]
    assert all(f["geometry"]["type"] == "Polygon" for f in gj["features"])
    for f, d in zip(gj["features"], districts(), strict=True):
        assert f["properties"] == {"code": d.code, "name": d.name, "population": d.population}
        lon, lat = f["geometry"]["coordinates"][0][0]
        assert 4.9 < lon < 5.25 and 52.0 < lat < 52.15  # Utrecht, WGS84


def test_boundaries_are_a_copy():
    district_boundaries()["features"].clear()
    assert len(district_boundaries()["features"]) == 10


def test_unknown_year_and_code_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        districts(year=2019)
    with pytest.raises(InputError, match="unknown CBS area code"):
        area("WK034499")
    with pytest.raises(InputError, match="unknown wijk"):
        neighbourhoods("WK999999")
    with pytest.raises(InputError, match="2024 only"):
        district_boundaries(year=2023)


# ----------------------------------------------------------------- validation on load


def _copy_with(tmp_path: Path, edit) -> Path:
    src = (refdata.default_data_dir() / "cbs-kwb-utrecht-2024.csv").read_text().splitlines()
    lines = edit(src)
    (tmp_path / "cbs-kwb-utrecht-2024.csv").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_data_dir_override_reads_another_copy(tmp_path):
    d = _copy_with(tmp_path, lambda ls: [ls[0], ls[1].replace("374238", "374239"), *ls[2:]])
    assert municipality(data_dir=d).population == 374_239
    assert municipality().population == 374_238


def test_duplicate_codes_are_rejected_with_line_numbers(tmp_path):
    d = _copy_with(tmp_path, lambda ls: [*ls, ls[2]])
    with pytest.raises(InputError, match="unique") as info:
        districts(data_dir=d)
    assert info.value.rows == [3, 124] and info.value.column == "code"


def test_orphan_buurt_is_rejected(tmp_path):
    def edit(ls):
        i = next(n for n, line in enumerate(ls) if line.startswith("BU03440111"))
        ls[i] = ls[i].replace(",WK034401,", ",WK034499,")
        return ls

    with pytest.raises(InputError, match="parent wijk") as info:
        neighbourhoods(data_dir=_copy_with(tmp_path, edit))
    assert info.value.rows == [13]


def test_missing_buurt_is_rejected(tmp_path):
    with pytest.raises(InputError, match="111 buurten, found 10 and 110"):
        districts(data_dir=_copy_with(tmp_path, lambda ls: ls[:-1]))


def test_bad_number_is_rejected(tmp_path):
    d = _copy_with(tmp_path, lambda ls: [ls[0], ls[1], ls[2].replace(",14320,", ",-5,"), *ls[3:]])
    with pytest.raises(InputError) as info:
        districts(data_dir=d)
    assert info.value.rows == [3] and info.value.column == "men"


def test_cache_notices_a_changed_file(tmp_path):
    d = _copy_with(tmp_path, lambda ls: ls)
    assert municipality(data_dir=d).population == 374_238
    path = d / "cbs-kwb-utrecht-2024.csv"
    path.write_text(path.read_text().replace("374238", "374240", 1))
    assert municipality(data_dir=d).population == 374_240
