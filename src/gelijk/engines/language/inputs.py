"""Reading letters and vacancy texts from .txt, .html, .docx, .odt and .pdf files.

Every reader returns a :class:`Document`: the plain text to scan and a ``locate`` function
that maps an offset in that text to the (line, column) in the *source*:

* .txt: the decoded text itself. Encodings are tried in this order: a byte-order mark
  (UTF-8, UTF-16, UTF-32), strict UTF-8, then charset-normalizer limited to the Western
  single-byte encodings that Dutch office software writes (cp1252, ISO 8859-15, Mac Roman,
  cp850). A file not read as UTF-8 gets a note that says which encoding was used.
* .html: markup, ``<script>``, ``<style>`` and ``<head>`` removed, block elements become line
  breaks, entities decoded; line and column point into the HTML source.
* .docx (python-docx) and .odt (odfpy): one paragraph is one line (body text and tables, in
  document order; headers, footers and text boxes are not read). Column = position in the
  paragraph.
* .pdf (pypdf): the extracted text, pages joined; lines are lines of the extracted text.

Bad input raises :class:`gelijk.engines.errors.InputError` with the file name and the reason:
empty files, binary data in a text file, unknown encodings, damaged or password-protected
documents, documents without text.
"""

from __future__ import annotations

import bisect
import codecs
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from charset_normalizer import from_bytes

from gelijk.engines.errors import InputError

from .text import LineIndex, word_set

TEXT_EXTENSIONS = (".txt", ".text")
HTML_EXTENSIONS = (".html", ".htm")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, *HTML_EXTENSIONS, ".docx", ".odt", ".pdf")
WESTERN_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Document:
    """Text extracted from a file, with a map back to the source."""

    path: str
    text: str
    locate: Callable[[int], tuple[int, int]]
    hard_line_breaks: bool = False
    encoding: str | None = None
    notes: tuple[str, ...] = ()


def _fail(path: str, problem: str, kind: str, **details: str) -> InputError:
    """The error for a file that cannot be read. ``kind`` is a key of
    ``report.READ_PROBLEMS_NL`` (which says it in Dutch); ``details`` fill that sentence."""
    return InputError(f"{path}: {problem}", kind=kind, details=details)


def _require_text(path: str, text: str, what: str = "the file") -> None:
    if not text.strip():
        raise _fail(path, f"{what} has no text (empty or only white space)", "no_text")


def decode_text(data: bytes, path: str) -> tuple[str, str, tuple[str, ...]]:
    """(text, encoding, notes) for the bytes of a text file; see the module docstring."""
    if not data.strip():
        raise _fail(path, "the file is empty", "empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, ()
            except UnicodeDecodeError:
                raise _fail(
                    path,
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}",
                    "bad_bom",
                    enc=encoding,
                ) from None
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > 0.05 * len(head):
        raise _fail(path, "contains binary data, not text; is it really a text file?", "binary")
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=WESTERN_ENCODINGS).best()
    if best is None:
        raise _fail(
            path,
            "unknown text encoding: not UTF-8 and not a Western encoding "
            f"({', '.join(WESTERN_ENCODINGS)}); save the file as UTF-8",
            "unknown_encoding",
        )
    encoding = best.encoding
    note = (
        f"Het bestand is niet in UTF-8 opgeslagen; het is gelezen als {encoding}. "
        "Controleer letters met accenten en sla het bestand bij voorkeur op als UTF-8."
    )
    return str(best), encoding, (note,)


def read_text_file(path: str) -> Document:
    data = _read_bytes(path)
    text, encoding, notes = decode_text(data, path)
    _require_text(path, text)
    return Document(path, text, LineIndex(text).locate, False, encoding, notes)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file", "not_found") from None
    except IsADirectoryError:
        raise _fail(path, "is a folder, not a file", "folder") from None
    except OSError as exc:
        raise _fail(
            path, f"cannot be read ({exc.strerror})", "os_error", reason=str(exc.strerror)
        ) from None


# --- HTML ----------------------------------------------------------------------------------

_BLOCK = word_set(
    """
    p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer main
    aside nav blockquote pre hr dd dt dl address figure figcaption form fieldset legend
    """
)
_SKIP = word_set("script style head template noscript svg")


class _HTMLText(HTMLParser):
    """Collects visible text and, per piece, where it came from in the source."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.length = 0
        # (text offset, source line, source column, raw data or None for a replacement)
        self.segments: list[tuple[int, int, int, str | None]] = []
        self.skip_depth = 0

    def _emit(self, text: str, raw: bool) -> None:
        if not text or self.skip_depth:
            return
        line, col = self.getpos()
        self.segments.append((self.length, line, col + 1, text if raw else None))
        self.parts.append(text)
        self.length += len(text)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self._emit("\n" if tag == "br" else "\n\n", raw=False)

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._emit("\n" if tag == "br" else "\n\n", raw=False)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self._emit("\n\n", raw=False)

    def handle_data(self, data):
        self._emit(data, raw=True)

    def handle_entityref(self, name):
        self._emit(unescape(f"&{name};"), raw=False)

    def handle_charref(self, name):
        self._emit(unescape(f"&#{name};"), raw=False)


def html_to_text(source: str) -> tuple[str, Callable[[int], tuple[int, int]]]:
    """Visible text of an HTML document and a map from text offsets to source (line, col)."""
    parser = _HTMLText()
    parser.feed(source)
    parser.close()
    text = "".join(parser.parts)
    segments = parser.segments
    offsets = [s[0] for s in segments]

    def locate(offset: int) -> tuple[int, int]:
        if not segments:
            return 1, 1
        i = max(bisect.bisect_right(offsets, offset) - 1, 0)
        start, line, col, raw = segments[i]
        if raw is None:
            return line, col
        inside = raw[: offset - start]
        newlines = inside.count("\n")
        if newlines:
            return line + newlines, len(inside) - inside.rfind("\n")
        return line, col + len(inside)

    return text, locate


def read_html_file(path: str) -> Document:
    data = _read_bytes(path)
    source, encoding, notes = decode_text(data, path)
    text, locate = html_to_text(source)
    _require_text(path, text, "the HTML page")
    return Document(path, text, locate, False, encoding, notes)


# --- paragraph documents (.docx, .odt) -----------------------------------------------------


def _paragraph_document(path: str, paragraphs: list[str]) -> Document:
    text = "\n".join(paragraphs)
    _require_text(path, text, "the document")
    starts = []
    pos = 0
    for para in paragraphs:
        starts.append(pos)
        pos += len(para) + 1

    def locate(offset: int) -> tuple[int, int]:
        i = max(bisect.bisect_right(starts, offset) - 1, 0)
        return i + 1, offset - starts[i] + 1

    return Document(path, text, locate, hard_line_breaks=True)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_zip(path: str, data: bytes, label: str) -> zipfile.ZipFile:
    if data.startswith(_OLE_MAGIC):
        raise _fail(
            path,
            f"is password-protected or in an old binary format, not a {label} file; "
            f"remove the password and save it as {label}",
            "protected_or_old_format",
            ext=label,
        )
    if not data.strip():
        raise _fail(path, "the file is empty", "empty")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _fail(
            path,
            f"is not a valid {label} file (damaged, or another file type)",
            "invalid",
            ext=label,
        ) from None


def read_docx_file(path: str) -> Document:
    data = _read_bytes(path)
    _check_zip(path, data, ".docx")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []

        def walk(container) -> None:
            for block in container.iter_inner_content():
                if isinstance(block, Paragraph):
                    paragraphs.append(block.text)
                elif isinstance(block, Table):
                    for row in block.rows:
                        for cell in row.cells:
                            walk(cell)

        walk(document)
    except Exception as exc:  # python-docx raises many types for damaged packages
        raise _fail(
            path,
            f"could not be read as .docx ({type(exc).__name__}: {exc})",
            "damaged",
            ext=".docx",
        ) from None
    return _paragraph_document(path, paragraphs)


def read_odt_file(path: str) -> Document:
    data = _read_bytes(path)
    archive = _check_zip(path, data, ".odt")
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        raise _fail(path, "is not a valid .odt file (no manifest)", "invalid", ext=".odt") from None
    if b"encryption-data" in manifest:
        raise _fail(
            path, "is password-protected; remove the password and save it again", "password"
        )
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
        paragraphs: list[str] = []
        wanted = ((TEXTNS, "p"), (TEXTNS, "h"))

        def walk(node) -> None:
            for child in node.childNodes:
                if getattr(child, "qname", None) in wanted:
                    paragraphs.append(teletype.extractText(child))
                elif child.nodeType == child.ELEMENT_NODE:
                    walk(child)

        walk(document.text)
    except Exception as exc:  # odfpy raises parser errors of several types
        raise _fail(
            path,
            f"could not be read as .odt ({type(exc).__name__}: {exc})",
            "damaged",
            ext=".odt",
        ) from None
    return _paragraph_document(path, paragraphs)


def read_pdf_file(path: str) -> Document:
    data = _read_bytes(path)
    if not data.strip():
        raise _fail(path, "the file is empty", "empty")
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # unsupported encryption algorithms raise, too
                ok = 0
            if not ok:
                raise _fail(
                    path, "is password-protected; give a copy without a password", "password"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise _fail(
            path, f"could not be read as PDF ({type(exc).__name__}: {exc})", "damaged", ext="PDF"
        ) from None
    text = "\n".join(p.rstrip("\n") for p in pages)
    if not text.strip():
        raise _fail(
            path,
            "the PDF has no text layer (a scan?); scan the source document instead",
            "no_text_layer",
        )
    note = "Regelnummers tellen de regels van de tekst die uit de PDF is gehaald."
    return Document(path, text, LineIndex(text).locate, False, None, (note,))


READERS: dict[str, Callable[[str], Document]] = {
    **dict.fromkeys(TEXT_EXTENSIONS, read_text_file),
    **dict.fromkeys(HTML_EXTENSIONS, read_html_file),
    ".docx": read_docx_file,
    ".odt": read_odt_file,
    ".pdf": read_pdf_file,
}


def read_document(path: str | Path) -> Document:
    """Read one file with the reader for its extension."""
    path = str(path)
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise _fail(
            path,
            f"unsupported file type {suffix or '(none)'!r}; use {', '.join(SUPPORTED_EXTENSIONS)}",
            "unsupported_type",
            ext=suffix,
            supported=", ".join(SUPPORTED_EXTENSIONS),
        )
    return reader(path)


def iter_files(
    paths: Iterable[str | Path], extensions: Iterable[str] | None = None
) -> tuple[list[Path], int, list[tuple[str, str]]]:
    """Files to scan: (files, number of skipped files, missing paths with a message).

    Folders are walked recursively in name order; hidden files and folders (``.git``) are
    left out; files with other extensions are skipped and counted. A file named explicitly is
    always returned (its reader reports an unsupported type).
    """
    exts = {
        e.lower() if e.startswith(".") else "." + e.lower()
        for e in (extensions or SUPPORTED_EXTENSIONS)
    }
    files: list[Path] = []
    skipped = 0
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path):
                if found.suffix.lower() in exts:
                    files.append(found)
                else:
                    skipped += 1
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return files, skipped, missing


def _walk(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry
