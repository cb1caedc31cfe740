"""Uploaded files, checked by their content and never by name or browser-declared type alone.

- Evidence for assessments: PDF, PNG/JPEG, Word/Excel (OOXML), OpenDocument text/spreadsheet,
  or plain UTF-8 text (CSV, TXT, Markdown, JSON). The extension must agree with the content.
- Audit data: CSV (UTF-8, separator , ; or tab), Parquet or Excel (.xlsx), read with pandas.

Accepted bytes are stored encrypted (Fernet, ``gelijk.core.crypto``): audit data can hold
personal data, and evidence can quote it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import PurePath

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from gelijk.core.uploads import (  # noqa: F401 (the app's file API: also used by its services)
    CheckedFile,
    FileRefused,
    check_size,
    decrypted,
    encrypted,
    real_type,
    shown_name,
)

OOXML_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OOXML_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES: dict[str, set[str]] = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    OOXML_WORD: {".docx"},
    OOXML_SHEET: {".xlsx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
}
TEXT_TYPES = {
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".json": "application/json",
}
DATASET_EXTENSIONS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
MAX_CATEGORIES = 50


def max_evidence_bytes() -> int:
    return getattr(settings, "GELIJK_ALGORITHMS_MAX_EVIDENCE_MB", 20) * 1024 * 1024


def max_dataset_bytes() -> int:
    return getattr(settings, "GELIJK_ALGORITHMS_MAX_DATASET_MB", 100) * 1024 * 1024


def _utf8_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def check_evidence(name: str, data: bytes) -> CheckedFile:
    shown = shown_name(name)
    check_size(shown, len(data), max_evidence_bytes())
    extension = PurePath(shown).suffix.lower()
    mime, real_extension = real_type(data)
    if not mime and extension in TEXT_TYPES:
        text = _utf8_text(data)
        if text is None:
            raise FileRefused(
                _("‘%(name)s’ heet een tekstbestand, maar is geen leesbare tekst (UTF-8).")
                % {"name": shown}
            )
        if extension == ".json":
            try:
                json.loads(text)
            except json.JSONDecodeError:
                raise FileRefused(_("‘%(name)s’ is geen geldige JSON.") % {"name": shown}) from None
        return CheckedFile(shown, TEXT_TYPES[extension], data)
    if mime not in EVIDENCE_TYPES:
        raise FileRefused(
            _(
                "‘%(name)s’ is geen toegestaan bestand. Toegestaan zijn PDF, PNG, JPG, Word "
                "(docx), Excel (xlsx), OpenDocument (odt, ods) en tekst (csv, txt, md, json)."
            )
            % {"name": shown}
        )
    if extension not in EVIDENCE_TYPES[mime]:
        raise FileRefused(
            _(
                "‘%(name)s’ heeft een naam die niet past bij de inhoud (%(real)s). Geef het "
                "bestand de juiste extensie: %(ext)s."
            )
            % {
                "name": shown,
                "real": real_extension,
                "ext": ", ".join(sorted(EVIDENCE_TYPES[mime])),
            }
        )
    return CheckedFile(shown, mime, data)


# --------------------------------------------------------------------------- datasets


def _read_csv(text: str, shown: str) -> pd.DataFrame:
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    _check_header([h.strip() for h in header], shown)
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise FileRefused(
            _("‘%(name)s’ kan niet als CSV worden gelezen: %(why)s") % {"name": shown, "why": exc}
        ) from None


def _check_header(names: list[str], shown: str) -> None:
    """pandas renames doubles ('a', 'a.1') and blanks ('Unnamed: 1'); say so instead."""
    if any(not n.strip() or n.startswith("Unnamed:") for n in names):
        raise FileRefused(
            _("‘%(name)s’ heeft kolommen zonder naam. Geef elke kolom een naam in de eerste regel.")
            % {"name": shown}
        )
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise FileRefused(
            _("‘%(name)s’ heeft kolommen met dezelfde naam: %(cols)s.")
            % {"name": shown, "cols": ", ".join(doubles)}
        )


def read_dataset(name: str, data: bytes) -> tuple[str, pd.DataFrame]:
    """(format, frame) for an uploaded data file; FileRefused with a specific reason."""
    shown = shown_name(name)
    check_size(shown, len(data), max_dataset_bytes())
    extension = PurePath(shown).suffix.lower()
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        fmt = "parquet"
    elif real_type(data)[0] == OOXML_SHEET:
        fmt = "xlsx"
    elif not real_type(data)[0] and _utf8_text(data) is not None:
        fmt = "csv"
    else:
        raise FileRefused(
            _(
                "‘%(name)s’ is geen CSV (UTF-8), Parquet of Excel-bestand (xlsx). Sla de gegevens "
                "in een van die vormen op."
            )
            % {"name": shown}
        )
    if DATASET_EXTENSIONS.get(extension) != fmt:
        raise FileRefused(
            _("‘%(name)s’ is een %(fmt)s-bestand, maar de naam eindigt niet op %(ext)s.")
            % {
                "name": shown,
                "fmt": fmt.upper() if fmt != "xlsx" else "Excel",
                "ext": {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}[fmt],
            }
        )
    try:
        if fmt == "csv":
            frame = _read_csv(_utf8_text(data) or "", shown)
        elif fmt == "parquet":
            frame = pd.read_parquet(io.BytesIO(data))
        else:
            header = pd.read_excel(io.BytesIO(data), engine="openpyxl", header=None, nrows=1)
            _check_header(["" if pd.isna(v) else str(v) for v in header.iloc[0]], shown)
            frame = pd.read_excel(io.BytesIO(data), engine="openpyxl")
    except FileRefused:
        raise
    except Exception as exc:  # pyarrow/openpyxl raise many types for broken files
        raise FileRefused(
            _("‘%(name)s’ is beschadigd of kan niet worden gelezen (%(why)s).")
            % {"name": shown, "why": type(exc).__name__}
        ) from None
    if frame.empty or len(frame.columns) == 0:
        raise FileRefused(_("‘%(name)s’ bevat geen gegevens.") % {"name": shown})
    names = [str(c) for c in frame.columns]
    _check_header(names, shown)
    frame.columns = names
    return fmt, frame


def column_kind(series: pd.Series) -> str:
    values = series.dropna()
    if values.empty:
        return "leeg"
    if series.dtype == bool or set(pd.unique(values)) <= {0, 1}:
        return "binair"
    if pd.api.types.is_numeric_dtype(series.dtype) and values.nunique() > MAX_CATEGORIES:
        return "getal"
    if values.nunique() <= MAX_CATEGORIES:
        return "categorie"
    if pd.api.types.is_numeric_dtype(series.dtype):
        return "getal"
    return "tekst"


def describe_columns(frame: pd.DataFrame) -> list[dict]:
    """Per column: name, kind, number of distinct values, missing values, and the values
    themselves for binary and categorical columns (needed to choose a reference group)."""
    out = []
    for name in frame.columns:
        series = frame[name]
        kind = column_kind(series)
        values = []
        if kind in ("binair", "categorie"):
            values = sorted(str(v) for v in pd.unique(series.dropna()))
        out.append(
            {
                "name": name,
                "kind": kind,
                "distinct": int(series.nunique(dropna=True)),
                "missing": int(series.isna().sum()),
                "values": values,
            }
        )
    return out
