"""Custom rule files: checked with the engine (file, line and field on a mistake, in Dutch),
their examples run, stored and used next to the built-in rules by every kind of scan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gelijk.engines.language import load_rules
from gelijk.language import rulesets, services
from gelijk.language.models import LetterScan, RuleFile
from tests.conftest import verified_client

GOOD = """\
category: eigen
severity: warning
source: Gelijk (eigen advies)
reason: Wij schrijven inwoner, niet burger.
rules:
  - id: eigen-burger
    terms: [burger]
    pos: noun
    alternatives: [inwoner]
    examples:
      flag: ['Beste burger, wij helpen u graag.']
      ok: ['Beste inwoner, wij helpen u graag.']
"""
DISABLE = "disable: [gender-aanhef-heer-mevrouw]\n"


def upload(user, content: str, name: str = "eigen.yaml") -> RuleFile:
    return services.rulefile_upload(user=user, name=name, data=content.encode())


def test_a_custom_rule_is_used_by_pasted_scans_letters_and_batches(analist, make_letter):
    before = rulesets.active_ruleset()[1]
    row = upload(analist, GOOD)
    assert (row.name, row.rule_ids, row.active) == ("eigen.yaml", ["eigen-burger"], True)
    assert rulesets.active_ruleset()[1] != before
    report = services.text_scan(kind="letter", text="Beste burgers van Utrecht, welkom.")
    assert "eigen-burger" in [f.rule_id for f in report.findings]
    letter = make_letter(text="Beste burger,\n\nWij komen langs.")
    scan = LetterScan.objects.get(version=letter.latest_version)
    assert "eigen-burger" in [f["rule_id"] for f in scan.result["findings"]]
    assert scan.rules_fingerprint == rulesets.active_ruleset()[1]
    batch = services.batch_start(user=analist)
    batch.refresh_from_db()
    assert batch.rules_fingerprint == scan.rules_fingerprint


def test_merging_means_the_same_as_the_engine_loading_rule_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(DISABLE)
    on_disk = sorted(r.id for r in load_rules([tmp_path]))
    files = [
        rulesets.CustomFile("a.yaml", GOOD, rulesets.sha256(GOOD)),
        rulesets.CustomFile("b.yaml", DISABLE, rulesets.sha256(DISABLE)),
    ]
    merged = sorted(r.id for r in rulesets.merge(files))
    assert merged == on_disk
    assert "eigen-burger" in merged and "gender-aanhef-heer-mevrouw" not in merged


def test_a_disable_file_switches_a_built_in_rule_off_and_on_again(analist):
    def salutation_found() -> bool:
        report = services.text_scan(kind="letter", text="Geachte heer/mevrouw,\n\nWelkom.")
        return "gender-aanhef-heer-mevrouw" in [f.rule_id for f in report.findings]

    assert salutation_found()
    row = upload(analist, DISABLE, "uitzetten.yaml")
    assert row.disables == ["gender-aanhef-heer-mevrouw"] and not salutation_found()
    services.rulefile_deactivate(row, user=analist)
    assert salutation_found()
    with pytest.raises(services.LanguageError, match="staat al uit"):
        services.rulefile_deactivate(row, user=analist)


@pytest.mark.parametrize(
    ("content", "message", "engine"),
    [
        (
            GOOD.replace("severity: warning", "severity: hoog"),
            "Regelbestand ‘eigen.yaml’, regel 2, veld ‘severity’: moet een van deze waarden "
            "zijn: error, warning, suggestion.",
            "eigen.yaml, line 2, field 'severity': must be one of error, warning, suggestion",
        ),
        (
            GOOD.replace("    pos: noun", "    severty: error"),
            "regel 8, veld ‘severty’: dit veld bestaat niet (bedoelt u ‘severity’?).",
            "unknown field in a rule (did you mean 'severity'?)",
        ),
        (
            GOOD.replace("id: eigen-burger", "id: herkomst-allochtoon"),
            "regel 6, veld ‘id’: de regel-id ‘herkomst-allochtoon’ bestaat al (in rules/herkomst",
            "is already used in rules/herkomst.yaml",
        ),
        (
            GOOD.replace("terms: [burger]", "patterns: ['(burger']"),
            "veld ‘patterns’: ongeldige reguliere expressie: missing ), unterminated subpattern",
            "invalid regular expression",
        ),
        (
            "rules: [\n  - id: x\n",
            "Regelbestand ‘eigen.yaml’, regel 2: fout in de YAML-opbouw:",
            "YAML syntax error",
        ),
    ],
)
def test_a_broken_rule_file_names_file_line_and_field_and_is_not_stored(
    analist, content, message, engine
):
    with pytest.raises(services.LanguageError) as refused:
        upload(analist, content)
    assert message in refused.value.message
    assert any(engine in d for d in refused.value.details)
    assert not RuleFile.objects.exists()


def test_examples_that_do_not_hold_refuse_the_file(analist):
    content = GOOD.replace("ok: ['Beste inwoner, wij helpen u graag.']", "ok: ['Dag burger!']")
    with pytest.raises(services.LanguageError) as refused:
        upload(analist, content)
    assert refused.value.details == [
        "eigen.yaml, regel 6: regel ‘eigen-burger’ meldt het goede voorbeeld „Dag burger!” toch."
    ]
    assert not RuleFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("regels.txt", GOOD.encode(), "de naam eindigt op .yaml of .yml"),
        ("regels.yaml", GOOD.encode("utf-16"), "in UTF-8 zijn opgeslagen"),
        ("regels.yaml", b"#" * (201 * 1024), "te groot"),
    ],
)
def test_wrong_kinds_of_rule_files(analist, name, data, message):
    with pytest.raises(services.LanguageError, match=message):
        services.rulefile_upload(user=analist, name=name, data=data)


def test_a_file_with_the_same_name_replaces_the_active_one(analist):
    first = upload(analist, GOOD, "Eigen Regels.yml")
    second = upload(analist, GOOD.replace("[inwoner]", "[inwoner, bewoner]"), "eigen regels.yaml")
    first.refresh_from_db()
    assert first.name == second.name == "eigen-regels.yaml"
    assert (first.active, second.active) == (False, True)
    assert first.deactivated_at is not None


def test_rules_page_upload_errors_and_permissions(client, staff_client, analist):
    writer = staff_client("handhaver", department="vth", team="thor")
    page = writer.get(reverse("language:rules")).content.decode()
    assert "ingebouwde regels" in page and "Regelbestand toevoegen" not in page
    forbidden = writer.post(
        reverse("language:rules"), {"file": SimpleUploadedFile("e.yaml", GOOD.encode())}
    )
    assert forbidden.status_code == 403
    verified_client(client, analist)
    broken = SimpleUploadedFile(
        "eigen.yaml", GOOD.replace("severity: warning", "severity: x").encode()
    )
    response = client.post(reverse("language:rules"), {"file": broken})
    assert response.status_code == 400
    html = response.content.decode()
    assert "regel 2, veld ‘severity’" in html and "Melding van de scanner:" in html
    good = SimpleUploadedFile("eigen.yaml", GOOD.encode())
    assert client.post(reverse("language:rules"), {"file": good}).status_code == 302
    row = RuleFile.objects.get()
    assert "eigen.yaml" in client.get(reverse("language:rules")).content.decode()
    assert client.post(reverse("language:rule-deactivate", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert not row.active
