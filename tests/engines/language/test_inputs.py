"""Reading .txt, .html, .docx, .odt and .pdf files, and clear messages for bad input."""

from __future__ import annotations

import codecs
import zipfile

import pytest

from gelijk.engines.errors import InputError
from gelijk.engines.language import scan_file, scan_paths
from gelijk.engines.language.inputs import decode_text, html_to_text, read_document

LETTER = "Beste bewoner,\nIn uw straat wonen veel allochtonen."


def _finding(report, rule_id="herkomst-allochtoon"):
    (found,) = [f for f in report.findings if f.rule_id == rule_id]
    return found


# --- text files and encodings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "has_note"),
    [
        (LETTER.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + LETTER.encode("utf-8"), "utf-8-sig", False),
        (
            LETTER.replace("Beste bewoner", "Beste bewoner van één café").encode("cp1252"),
            "cp1252",
            True,
        ),
        (LETTER.encode("utf-16"), "utf-16", False),
    ],
)
def test_text_encodings_are_detected_and_named(tmp_path, data, encoding, has_note):
    path = tmp_path / "brief.txt"
    path.write_bytes(data)
    report = scan_file(path, kind="letter")
    assert report.encoding == encoding
    assert bool(report.notes) == has_note
    assert "allochtonen" in report.text
    assert (_finding(report).line, _finding(report).column) == (2, 25)
    if has_note:
        assert "één" in report.text and encoding in report.notes[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data"),
        (bytes(range(0x80, 0x100)) * 40, "unknown text encoding"),
    ],
)
def test_bad_text_files_give_clear_messages(tmp_path, data, message):
    path = tmp_path / "brief.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_document(path)
    assert str(path) in str(info.value)


def test_decode_text_prefers_utf8():
    assert decode_text("é".encode(), "x") == ("é", "utf-8", ())


def test_unsupported_and_missing_files(tmp_path):
    doc = tmp_path / "brief.doc"
    doc.write_bytes(b"old word")
    with pytest.raises(InputError, match=r"unsupported file type '\.doc'"):
        read_document(doc)
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "weg.txt")


# --- HTML ----------------------------------------------------------------------------------


def test_html_markup_is_removed_and_positions_map_to_the_source(tmp_path):
    source = (
        "<!DOCTYPE html>\n<html><head><title>allochtoon</title>\n"
        "<style>p { color: red }</style></head>\n<body>\n"
        "<p>Beste <b>bewoner</b>,</p>\n"
        "<p>Caf&eacute; &amp; winkel: er wonen veel allochtonen.</p>\n"
        "<script>var allochtoon = 1;</script>\n</body></html>\n"
    )
    path = tmp_path / "brief.html"
    path.write_text(source, encoding="utf-8")
    report = scan_file(path, kind="letter")
    assert "<p>" not in report.text and "color" not in report.text
    assert "Café & winkel" in report.text
    found = _finding(report)
    line = source.splitlines()[found.line - 1]
    assert line[found.column - 1 :].startswith("allochtonen")
    assert len([f for f in report.findings if f.rule_id == "herkomst-allochtoon"]) == 1


def test_html_block_elements_end_sentences():
    text, _ = html_to_text("<p>Gemeente Utrecht</p><p>U krijgt een boete</p>")
    assert "Gemeente Utrecht\n\n" in text


def test_html_entities_map_to_their_start():
    source = "<p>A&amp;B allochtoon</p>"
    text, locate = html_to_text(source)
    pos = text.index("allochtoon")
    assert locate(pos) == (1, source.index("allochtoon") + 1)
    assert locate(text.index("&")) == (1, source.index("&amp;") + 1)


# --- .docx and .odt ------------------------------------------------------------------------


def test_docx_paragraphs_are_lines(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Beste bewoner,")
    document.add_paragraph("In uw straat wonen veel allochtonen.")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Geachte heer/mevrouw,"
    path = tmp_path / "brief.docx"
    document.save(path)
    report = scan_file(path, kind="letter")
    assert (_finding(report).line, _finding(report).column) == (2, 25)
    salutation = _finding(report, "gender-aanhef-heer-mevrouw")
    assert (salutation.line, salutation.column) == (3, 1)


def test_odt_paragraphs_are_lines(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Uw melding"))
    document.text.addElement(P(text="Beste bewoner,"))
    document.text.addElement(P(text="In uw straat wonen veel allochtonen."))
    path = tmp_path / "brief.odt"
    document.save(str(path))
    report = scan_file(path, kind="letter")
    assert (_finding(report).line, _finding(report).column) == (3, 25)


def test_password_protected_office_files(tmp_path):
    protected = tmp_path / "geheim.docx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(InputError, match="password-protected"):
        read_document(protected)
    odt = tmp_path / "geheim.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        z.writestr("content.xml", b"\x00\x01versleuteld")
    with pytest.raises(InputError, match="password-protected"):
        read_document(odt)


def test_damaged_docx(tmp_path):
    path = tmp_path / "kapot.docx"
    path.write_bytes(b"dit is geen zip-bestand")
    with pytest.raises(InputError, match=r"not a valid \.docx"):
        read_document(path)


# --- PDF -----------------------------------------------------------------------------------


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text lines (written by hand: no PDF library needed)."""
    content = (
        "BT /F1 12 Tf 72 770 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_is_scanned(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(minimal_pdf(["Beste bewoner,", "In uw straat wonen veel allochtonen."]))
    report = scan_file(path, kind="letter")
    assert _finding(report).line == 2
    assert report.notes  # says that lines are lines of the extracted text


def _encrypted(tmp_path, user_password: str):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    plain.write_bytes(minimal_pdf(["Er wonen veel allochtonen."]))
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="AES-128")
    path = tmp_path / "versleuteld.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_password_protected_pdf(tmp_path):
    with pytest.raises(InputError, match="password-protected"):
        read_document(_encrypted(tmp_path, "geheim"))


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    report = scan_file(_encrypted(tmp_path, ""), kind="letter")
    assert "herkomst-allochtoon" in [f.rule_id for f in report.findings]


def test_pdf_without_text_and_damaged_pdf(tmp_path):
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(minimal_pdf([]))
    with pytest.raises(InputError, match="no text layer"):
        read_document(empty)
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.4\nrommel")
    with pytest.raises(InputError, match="could not be read as PDF"):
        read_document(broken)


# --- folders -------------------------------------------------------------------------------


def test_folder_scan_goes_on_past_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text("Veel allochtonen wonen hier.", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.html").write_text("<p>Geachte heer/mevrouw,</p>", encoding="utf-8")
    (sub / "leeg.txt").write_bytes(b"")
    (sub / "plaatje.txt").write_bytes(b"\x00\x01\x02" * 100)
    (sub / "notities.md").write_text("niet scannen", encoding="utf-8")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "c.txt").write_text("Veel allochtonen.", encoding="utf-8")
    seen: list[str] = []
    folder = scan_paths([tmp_path, tmp_path / "bestaat-niet"], on_file=seen.append)
    assert [r.file for r in folder.reports] == [str(tmp_path / "a.txt"), str(sub / "b.html")]
    problems = {p.path: p.message for p in folder.problems}
    assert "empty" in problems[str(sub / "leeg.txt")]
    assert "binary" in problems[str(sub / "plaatje.txt")]
    assert "no such file or folder" in problems[str(tmp_path / "bestaat-niet")]
    assert folder.skipped == 1
    assert len(seen) == 4
    summary = folder.summary()
    assert summary["files_scanned"] == 2 and summary["files_failed"] == 3
    assert summary["files_with_errors"] == 2
    assert summary["b1"]["insufficient_text"] == 2


def test_folder_scan_with_an_extension_filter(tmp_path):
    (tmp_path / "a.txt").write_text("Tekst.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>Tekst.</p>", encoding="utf-8")
    folder = scan_paths([tmp_path], extensions=["html"])
    assert [r.file for r in folder.reports] == [str(tmp_path / "b.html")]
    assert folder.skipped == 1


def test_parallel_folder_scan_with_own_rules_equals_serial(tmp_path):
    from gelijk.engines.language import load_rules

    rules_dir = tmp_path / "regels"
    rules_dir.mkdir()
    (rules_dir / "eigen.yaml").write_text(
        "category: eigen\nsource: x\nreason: y\nrules:\n  - id: eigen-pand\n    terms: [pand]\n"
        "    pos: noun\n",
        encoding="utf-8",
    )
    own = load_rules([rules_dir])
    letters = tmp_path / "brieven"
    letters.mkdir()
    for i in range(6):
        (letters / f"b{i}.txt").write_text(f"Het pand {i} staat leeg. " * (i + 1), encoding="utf-8")
    (letters / "leeg.txt").write_bytes(b"")
    serial = scan_paths([letters], rules=own)
    parallel = scan_paths([letters], rules=own, jobs=2)
    assert parallel.to_dict() == serial.to_dict()
    assert {f.rule_id for r in parallel.reports for f in r.findings} >= {"eigen-pand"}


# --- the kind of a reading problem, and its Dutch wording ------------------------------------


def _docx_without_document_xml() -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("brief.txt", "Beste bewoner")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind", "details", "dutch"),
    [
        ("leeg.txt", b" \n", "empty", {}, "‘{path}’ is leeg."),
        ("bom.txt", codecs.BOM_UTF8 + b"\xff\xfe", "bad_bom", {"enc": "utf-8-sig"},
         "‘{path}’ begint als utf-8-sig-tekst, maar de rest is geen geldige utf-8-sig."),
        ("plaatje.txt", b"\x00\x01" * 50, "binary", {},
         "‘{path}’ bevat geen tekst maar binaire gegevens."),
        ("leeg.html", b"<p> </p>", "no_text", {}, "In ‘{path}’ staat geen tekst."),
        ("geheim.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
         "protected_or_old_format", {"ext": ".docx"},
         "‘{path}’ is beveiligd met een wachtwoord of is in een oud formaat"),
        ("kapot.docx", b"PK\x03\x04 kapot", "invalid", {"ext": ".docx"},
         "‘{path}’ is geen geldig .docx-bestand"),
        ("zip.docx", _docx_without_document_xml(), "damaged", {"ext": ".docx"},
         "‘{path}’ kan niet worden gelezen als .docx."),
        ("kapot.pdf", b"%PDF-1.4\nrommel", "damaged", {"ext": "PDF"},
         "‘{path}’ kan niet worden gelezen als PDF."),
        ("scan.pdf", minimal_pdf([]), "no_text_layer", {}, "In de PDF ‘{path}’ staat geen tekst"),
        ("brief.doc", b"oud", "unsupported_type",
         {"ext": ".doc", "supported": ".txt, .text, .html, .htm, .docx, .odt, .pdf"},
         "‘{path}’ is een soort bestand dat de taalscan niet kan lezen. Gebruik .txt, .text,"),
    ],
)  # fmt: skip
def test_reading_problems_have_a_kind_and_a_dutch_sentence(
    tmp_path, name, data, kind, details, dutch
):
    import pickle

    from gelijk.engines.language.report import FileProblem

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_document(path)
    assert (info.value.kind, info.value.details) == (kind, details)
    # the kind survives the trip to and from a worker process
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.kind, again.details, str(again)) == (kind, details, str(info.value))
    problem = FileProblem(str(path), info.value.message, info.value.kind, info.value.details)
    assert problem.dutch.startswith(dutch.format(path=path))


def test_missing_paths_and_folder_problems_carry_their_kind(tmp_path):
    (tmp_path / "leeg.txt").write_bytes(b"")
    folder = scan_paths([tmp_path, tmp_path / "weg"])
    assert {(p.path, p.kind) for p in folder.problems} == {
        (str(tmp_path / "leeg.txt"), "empty"),
        (str(tmp_path / "weg"), "not_found"),
    }
    assert folder.to_dict()["problems"][1] == {
        "path": str(tmp_path / "leeg.txt"),
        "kind": "empty",
        "details": {},
        "message": "the file is empty",
        "message_nl": f"‘{tmp_path / 'leeg.txt'}’ is leeg.",
    }
    parallel = scan_paths([tmp_path, tmp_path / "weg", tmp_path / "leeg.txt"], jobs=2)
    assert [p.kind for p in parallel.problems] == ["not_found", "empty", "empty"]


def test_every_kind_the_readers_raise_has_a_dutch_sentence():
    import ast
    from pathlib import Path

    from gelijk.engines.language import inputs
    from gelijk.engines.language.report import READ_PROBLEMS_NL

    tree = ast.parse(Path(inputs.__file__).read_text(encoding="utf-8"))
    raised = {
        node.args[2].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_fail"
        and len(node.args) >= 3
    }
    assert raised and raised <= set(READ_PROBLEMS_NL)


def test_an_unknown_kind_keeps_the_english_reason_in_a_dutch_sentence():
    from gelijk.engines.language.report import FileProblem

    assert FileProblem("x.txt", "something new", "new-kind").dutch == (
        "‘x.txt’ kan niet worden gelezen (something new)."
    )
    # a kind without the details its sentence needs does not crash
    assert FileProblem("x.docx", "odd", "invalid").dutch == (
        "‘x.docx’ kan niet worden gelezen (odd)."
    )
