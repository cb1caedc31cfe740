"""`gelijk language scan` and `gelijk language rules`: output formats and exit status."""

from __future__ import annotations

import json

import pytest

from gelijk.cli import main

CLEAN = (
    "Beste {{ voornaam }} {{ achternaam }},\n\n"
    "Wij sturen u deze brief omdat uw fiets op de stoep staat. Dat mag niet. Mensen met een "
    "kinderwagen kunnen er dan niet langs. Wilt u de fiets binnen twee dagen weghalen?\n\n"
    "Met vriendelijke groet,\n{{ afzender }}\n"
)
WITH_ERROR = "Geachte heer/mevrouw,\n\nIndien u niet betaalt, volgt een boete.\n"


@pytest.fixture
def letters(tmp_path):
    folder = tmp_path / "brieven"
    folder.mkdir()
    (folder / "schoon.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "fout.txt").write_text(WITH_ERROR, encoding="utf-8")
    return folder


def run(capsys, *argv):
    status = main(["language", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def test_clean_letter_exits_0(capsys, letters):
    status, out, _ = run(capsys, "scan", letters / "schoon.txt")
    assert status == 0
    assert "Flesch-Douma" in out and "B1-indicatie" in out
    assert "0 fouten" in out


def test_errors_exit_1_with_file_line_column(capsys, letters):
    status, out, _ = run(capsys, "scan", letters / "fout.txt")
    assert status == 1
    path = letters / "fout.txt"
    assert f"{path}:1:1: fout gender-aanhef-heer-mevrouw: „Geachte heer/mevrouw”" in out
    assert "beter: Geachte [voornaam achternaam]," in out
    assert "waarom:" in out and "bron: Taalunie" in out
    assert f"{path}:3:1: suggestie ambtelijk-indien: „Indien”" in out


def test_min_severity_hides_lower_findings_but_not_the_exit_status(capsys, letters):
    status, out, _ = run(capsys, "scan", "--min-severity", "error", letters / "fout.txt")
    assert status == 1
    assert "ambtelijk-indien" not in out and "gender-aanhef-heer-mevrouw" in out


def test_folder_json_report(capsys, letters):
    status, out, _ = run(capsys, "scan", "--format", "json", letters)
    assert status == 1
    data = json.loads(out)
    assert data["summary"]["files_scanned"] == 2
    assert data["summary"]["files_with_errors"] == 1
    by_file = {r["file"]: r for r in data["reports"]}
    finding = by_file[str(letters / "fout.txt")]["findings"][0]
    assert {"rule_id", "line", "column", "text", "alternatives", "reason", "source"} <= set(finding)
    assert by_file[str(letters / "schoon.txt")]["readability"]["flesch_douma"] > 60


def test_html_report_to_a_file(capsys, letters, tmp_path):
    target = tmp_path / "rapport.html"
    status, out, _ = run(capsys, "scan", "--format", "html", "-o", target, letters)
    assert status == 1 and out == ""
    page = target.read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "[1: fout]" in page


def test_unreadable_file_in_a_folder_is_listed_and_exits_2(capsys, letters):
    (letters / "leeg.txt").write_bytes(b"")
    status, out, _ = run(capsys, "scan", letters)
    assert status == 2
    assert "Niet gelezen (1):" in out and "leeg.txt: the file is empty" in out
    assert "schoon.txt" in out  # the other files were still scanned


def test_single_bad_file_is_an_error_message(capsys, tmp_path):
    path = tmp_path / "plaatje.txt"
    path.write_bytes(b"\x00\x01" * 50)
    status, out, err = run(capsys, "scan", path)
    assert status == 2 and out == ""
    assert err.startswith("gelijk: error:") and "binary data" in err


def test_broken_rule_file_exits_2_naming_line_and_field(capsys, letters, tmp_path):
    rules = tmp_path / "regels"
    rules.mkdir()
    (rules / "eigen.yaml").write_text(
        "category: eigen\nsource: x\nreason: y\nrules:\n  - id: eigen-a\n    terms: [a]\n"
        "    severity: heel-erg\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "scan", "--rules", rules, letters)
    assert status == 2
    assert "eigen.yaml, line 7, field 'severity'" in err


def test_own_rules_only(capsys, letters, tmp_path):
    rules = tmp_path / "regels"
    rules.mkdir()
    (rules / "eigen.yaml").write_text(
        "category: eigen\nsource: x\nreason: Zeg ‘fiets’ niet.\nrules:\n  - id: eigen-fiets\n"
        "    terms: [fiets]\n    pos: noun\n    severity: error\n",
        encoding="utf-8",
    )
    status, out, _ = run(
        capsys, "scan", "--no-builtin-rules", "--rules", rules, letters / "schoon.txt"
    )
    assert status == 1
    assert "eigen-fiets" in out and "herkomst" not in out


def test_vacancy_kind(capsys, tmp_path):
    path = tmp_path / "vacature.txt"
    path.write_text("Handhaver (m/v). Je bent native speaker.", encoding="utf-8")
    status, out, _ = run(capsys, "scan", "--kind", "vacancy", path)
    assert status == 1
    assert "vacature-moedertaal" in out and "(vacature)" in out


def test_usage_errors(capsys, letters):
    status, _, err = run(capsys, "scan", "--ext", "doc", letters)
    assert status == 2 and "unsupported file type" in err
    with pytest.raises(SystemExit) as info:
        main(["language", "scan", "--format", "pdf", str(letters)])
    assert info.value.code == 2
    assert main(["language"]) == 2


def test_rules_listing_forms_and_check(capsys):
    status, out, _ = run(capsys, "rules")
    assert status == 0 and "herkomst-allochtoon\therkomst\terror" in out
    status, out, _ = run(capsys, "rules", "--forms", "herkomst-allochtoon")
    assert status == 0 and "allochtonen" in out.split()
    status, _, err = run(capsys, "rules", "--check")
    assert status == 0 and "0 example(s) failed" in err


def test_parallel_scan_gives_the_same_report(capsys, letters):
    for i in range(4):
        (letters / f"extra{i}.txt").write_text(WITH_ERROR * (i + 1), encoding="utf-8")
    _, one, _ = run(capsys, "scan", "--format", "json", letters)
    status, two, _ = run(capsys, "scan", "--format", "json", "--jobs", "2", letters)
    assert status == 1
    assert json.loads(one) == json.loads(two)
    status, _, err = run(capsys, "scan", "--jobs", "0", letters)
    assert status == 2 and "--jobs" in err
