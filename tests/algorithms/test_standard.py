"""The standard is read from the copied files: fields, required ones, lists, limits, HTML."""

import json
import shutil
from pathlib import Path

import pytest

from gelijk.algorithms import standard as std
from gelijk.algorithms.standard import StandardError, load

HERE = Path(std.__file__).resolve().parent


def test_all_32_fields_and_the_18_required_ones_come_from_the_schema():
    s = load()
    schema = json.loads((HERE / "publicatiestandaard-v1.0.0.schema.json").read_text())
    assert s.keys == tuple(schema["properties"])
    assert len(s.fields) == 32
    assert set(s.required_keys) == set(schema["required"])
    assert len(s.required_keys) == 18


def test_value_lists_come_from_schema_and_config():
    s = load()
    assert s.field("status").choices == ("In ontwikkeling", "In gebruik", "Buiten gebruik")
    themes = s.field("theme").choices
    assert len(themes) == 16 and "Openbare orde en veiligheid" in themes
    assert s.field("theme").max_items == 3
    assert s.category_codes == {
        "A": "Hoog-risico AI-systeem (Categorie A)",
        "B": "Impactvolle algoritmes (Categorie B)",
        "C": "Overige algoritmes (Categorie C)",
    }
    assert s.category_from_backend["Impactvolle algoritmes"] == s.category_codes["B"]
    assert "Utrecht Uthiek Assessment" in s.recommended_assessments


def test_length_limit_is_the_stricter_of_schema_and_config():
    s = load()
    # schema 99 vs config 100; schema 4999 vs config 5000; config only (links) 500
    assert s.field("name").max_length == 99
    assert s.field("technical_operation").max_length == 4999
    assert s.field("link").max_length == 500
    assert s.field("contact").max_length == 500


def test_html_fields_and_their_tags_come_from_the_config():
    s = load()
    html = {f.key for f in s.fields if f.kind == "html"}
    assert html == {
        "purpose_and_impact",
        "considerations",
        "human_intervention",
        "risk_management",
        "legal_basis",
        "impact_assessment_explanation",
        "data",
        "technical_operation",
        "search_terms",
    }
    assert s.field("considerations").allowed_tags == {"div", "br", "p", "ul", "ol", "li"}
    assert s.field("name").kind == "text" and not s.field("name").allowed_tags


def test_every_field_has_a_b1_explanation():
    assert all(f.explain for f in load().fields)


def test_a_new_standard_version_is_a_data_change(tmp_path, monkeypatch):
    for name in ("publicatiestandaard-v1.0.0.schema.json", "backend-config-v1_0.json"):
        shutil.copy(HERE / name, tmp_path / name)
    schema = json.loads((tmp_path / "publicatiestandaard-v1.0.0.schema.json").read_text())
    schema["properties"]["name"]["maxLength"] = 80
    (tmp_path / "publicatiestandaard-v1.0.0.schema.json").write_text(json.dumps(schema))
    profile = (HERE / "profile-v1_0.yaml").read_text().replace('standard: "1.0.0"', "standard: 9.9")
    (tmp_path / "profile-v9.yaml").write_text(profile)
    monkeypatch.setattr(std, "HERE", tmp_path)
    built = std._build(tmp_path / "profile-v9.yaml")
    assert built.version == "9.9"
    assert built.field("name").max_length == 80


def test_a_profile_that_does_not_match_the_schema_is_refused(tmp_path, monkeypatch):
    for name in ("publicatiestandaard-v1.0.0.schema.json", "backend-config-v1_0.json"):
        shutil.copy(HERE / name, tmp_path / name)
    profile = (HERE / "profile-v1_0.yaml").read_text().replace("  search_terms:", "  zoekwoorden:")
    (tmp_path / "profile-x.yaml").write_text(profile)
    monkeypatch.setattr(std, "HERE", tmp_path)
    with pytest.raises(StandardError, match=r"not in the schema: \[.zoekwoorden.\]"):
        std._build(tmp_path / "profile-x.yaml")


def test_unknown_version_is_a_clear_error():
    with pytest.raises(StandardError, match=r"unknown standard version '0\.4'"):
        load("0.4")


def test_copied_files_are_unchanged():
    import hashlib

    expected = {
        "publicatiestandaard-v1.0.0.schema.json": (
            "0b38544fae229000b7c1ead3271cbb06bcc704e311398a5b0f7f60f1b1a0d597"
        ),
        "backend-config-v1_0.json": (
            "fdd86b571d119d41c0035dc8e2ea04ab14e5d7eca283ca854d04be2cad9e77ff"
        ),
    }
    for name, digest in expected.items():
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest
        assert digest in (HERE / "SOURCE.md").read_text()
