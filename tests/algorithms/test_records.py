"""Import in both formats and export in the standard's format (pure functions, no database)."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from gelijk.algorithms import records
from gelijk.algorithms.standard import load
from tests.algorithms.conftest import complete_record

S = load()
VALIDATOR = Draft7Validator(S.schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def test_amsterdam_sample_is_read_as_register_format(amsterdam):
    [item] = records.read_payload(amsterdam, S)
    assert item.fmt == "backend"
    assert item.ok, item.checked.errors
    assert item.slug_hint == "gemeente-amsterdam-meldingen-openbare-ruimte"
    record = item.checked.record
    raw = amsterdam[0]
    # register name -> standard name, values unchanged
    assert record["purpose_and_impact"] == raw["goal"]
    assert record["data"] == raw["source_data"]
    assert record["technical_operation"] == raw["methods_and_models"]
    assert record["human_intervention"] == raw["human_intervention"]
    assert record["risk_management"] == raw["risks"]
    assert record["search_terms"] == raw["tags"]
    assert record["theme"] == raw["category"]
    assert record["status"] == raw["status"]
    # the documented differences
    assert record["publication_category"] == "Impactvolle algoritmes (Categorie B)"
    assert record["language"] == "nld"  # "NLD" in the file
    assert record["schema"] == "1.0.0"  # "1.0" in the file
    assert record["description_short"] == raw["description_short"].strip()
    for empty in ("organization", "considerations", "supplier", "start_date", "link"):
        assert empty not in record  # null or "" in the file: not filled in


def test_amsterdam_export_equals_the_import_field_by_field(amsterdam):
    """Every filled field of the sample comes back under its standard name (see docs for the
    three documented differences: constants, category suffix, trimmed whitespace)."""
    [item] = records.read_payload(amsterdam, S)
    exported = records.export_record(item.checked.record, S)
    by_backend = {f.backend: f.key for f in S.fields}
    raw = amsterdam[0]
    for backend, value in raw.items():
        key = by_backend.get(backend)
        if key is None or value in (None, "", []) or key in ("language", "schema"):
            continue
        expected = value.strip() if isinstance(value, str) else value
        if key == "publication_category":
            expected = S.category_from_backend[value]
        assert exported[key] == expected, key
    assert [e.message for e in VALIDATOR.iter_errors(exported) if e.validator != "required"] == []


def test_export_of_a_complete_record_validates_against_the_schema():
    checked_record = records.read_item(complete_record(), 1, S).checked.record
    exported = records.export_record(checked_record, S)
    assert list(VALIDATOR.iter_errors(exported)) == []
    assert list(exported)[-2:] == ["language", "schema"]


def test_groupings_keep_one_item_and_warn_about_the_rest():
    raw = {
        "name": "Met groeperingen",
        "lawful_basis_grouping": [
            {"title": "Gemeentewet", "link": "https://wetten.overheid.nl/BWBR0005416"},
            {"title": "APV Utrecht", "link": "https://lokaleregelgeving.overheid.nl/x"},
        ],
        "impacttoetsen_grouping": [
            {"title": "Utrecht Uthiek Assessment", "link": None},
            {"title": "Pre-scan DPIA", "link": "https://utrecht.nl/dpia"},
        ],
    }
    item = records.read_item(raw, 1, S)
    assert item.ok
    record = item.checked.record
    assert record["legal_basis_title"] == "Gemeentewet"
    assert record["impact_assessments"] == "Utrecht Uthiek Assessment, Pre-scan DPIA"
    assert record["impact_assessment_link"] == "https://utrecht.nl/dpia"
    assert any("Niet overgenomen: APV Utrecht" in w for w in item.warnings)


@pytest.mark.parametrize(
    ("raw", "key", "needle"),
    [
        ({"name": "x", "goal": "y", "purpose_and_impact": "z"}, "__all__", "mengt de veldnamen"),
        ({"name": "x", "schema": "0.4.0"}, "schema", "voor standaard ‘0.4.0’"),
        ({"name": "x", "category": "Sport"}, "theme", "‘Sport’ staat niet in de lijst"),
        ({"name": "x", "goal": "<img src=x>"}, "purpose_and_impact", "<img>"),
        ({"name": "x", "standard_version": "0.4"}, "schema", "past niet bij Publicatiestandaard"),
        (
            {"name": "x", "lawful_basis_grouping": "Gemeentewet"},
            "legal_basis_title",
            "moet een lijst van {title, link} zijn",
        ),
    ],
)
def test_bad_records_get_field_messages(raw, key, needle):
    item = records.read_item(raw, 1, S)
    assert not item.ok
    assert any(needle in m for m in item.checked.errors.get(key, [])), item.checked.errors


def test_unknown_keys_with_values_are_reported_not_stored():
    item = records.read_item({"name": "x", "goal": "y", "kleur": "rood", "type": "Nee"}, 1, S)
    assert item.ok
    assert item.warnings == [
        "Deze velden horen niet bij de standaard en zijn niet overgenomen: kleur."
    ]


@pytest.mark.parametrize("payload", [3, "tekst", [], [1]])
def test_payload_must_be_records(payload):
    with pytest.raises(records.ImportFormatError):
        records.read_payload(payload, S)


text_value = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60)


@settings(max_examples=100)
@given(
    name=text_value.filter(lambda v: v.strip() and "<" not in v),
    status=st.sampled_from(S.field("status").choices),
    themes=st.lists(st.sampled_from(S.field("theme").choices), max_size=3, unique=True),
)
def test_export_then_import_gives_the_same_record(name, status, themes):
    record = complete_record(name=name[:99], status=status, theme=themes)
    first = records.read_item(record, 1, S)
    assert first.ok, first.checked.errors
    exported = records.export_record(first.checked.record, S)
    again = records.read_item(copy.deepcopy(exported), 1, S)
    assert again.fmt == "standard"
    assert records.export_record(again.checked.record, S) == exported
