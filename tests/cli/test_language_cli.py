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
    assert f"Niet gelezen (1):\n  ‘{letters / 'leeg.txt'}’ is leeg.\n" in out
    assert "schoon.txt" in out  # the other files were still scanned


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected Word file


@pytest.fixture
def unreadable(letters):
    (letters / "leeg.txt").write_bytes(b"")
    (letters / "plaatje.txt").write_bytes(b"\x00\x01" * 50)
    (letters / "geheim.docx").write_bytes(OLE_MAGIC + bytes(512))
    (letters / "kapot.docx").write_bytes(b"PK\x03\x04 kapot")
    return letters


def test_reading_problems_are_reported_in_dutch(capsys, unreadable):
    status, out, _ = run(capsys, "scan", unreadable)
    assert status == 2
    listed = out.split("Niet gelezen (4):\n", 1)[1].splitlines()
    assert listed == [
        f"  ‘{unreadable / 'geheim.docx'}’ is beveiligd met een wachtwoord of is in een oud "
        "formaat opgeslagen (zoals .doc). Haal het wachtwoord weg en sla het op als .docx.",
        f"  ‘{unreadable / 'kapot.docx'}’ is geen geldig .docx-bestand: het is beschadigd of "
        "een ander soort bestand.",
        f"  ‘{unreadable / 'leeg.txt'}’ is leeg.",
        f"  ‘{unreadable / 'plaatje.txt'}’ bevat geen tekst maar binaire gegevens. Is het echt "
        "een tekstbestand?",
    ]


def test_json_reading_problems_keep_kind_and_english_message(capsys, unreadable):
    status, out, _ = run(capsys, "scan", "--format", "json", unreadable)
    assert status == 2
    problems = {p["path"].rsplit("/", 1)[-1]: p for p in json.loads(out)["problems"]}
    assert {name: (p["kind"], p["details"]) for name, p in problems.items()} == {
        "geheim.docx": ("protected_or_old_format", {"ext": ".docx"}),
        "kapot.docx": ("invalid", {"ext": ".docx"}),
        "leeg.txt": ("empty", {}),
        "plaatje.txt": ("binary", {}),
    }
    assert problems["leeg.txt"]["message"] == "the file is empty"
    assert problems["leeg.txt"]["message_nl"].endswith("leeg.txt’ is leeg.")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leeg.txt", b"", "is leeg."),
        ("plaatje.txt", b"\x00\x01" * 50, "bevat geen tekst maar binaire gegevens."),
        ("geheim.docx", OLE_MAGIC + bytes(512), "is beveiligd met een wachtwoord of is in een"),
        ("kapot.docx", b"PK\x03\x04 kapot", "is geen geldig .docx-bestand"),
    ],
)
def test_single_bad_file_is_an_error_message_in_dutch(capsys, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    status, out, err = run(capsys, "scan", path)
    assert status == 2 and out == ""
    assert err.startswith(f"gelijk: error: ‘{path}’ {message}")


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
