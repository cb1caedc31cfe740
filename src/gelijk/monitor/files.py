"""Uploaded files: which formats are accepted, a check of the bytes against the extension, and
the column names of a file (to tell an actions file from a survey file before the engine's
validation says "columns missing")."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from gelijk.core.uploads import FileRefused
from gelijk.engines.errors import InputError
from gelijk.engines.monitor.contract import ACTION_FIELDS, ANSWER_PREFIX, SURVEY_FIELDS

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
ACCEPT = ".csv,.txt,.xlsx,.parquet"
_MAGIC = {"xlsx": b"PK\x03\x04", "parquet": b"PAR1"}

_ACTION_REQUIRED = {f.name for f in ACTION_FIELDS if f.required}
_SURVEY_REQUIRED = {f.name for f in SURVEY_FIELDS if f.required}


class UploadRefused(FileRefused):
    """The upload cannot be an import file; ``message`` says why in Dutch."""


def file_format(name: str, head: bytes) -> str:
    """'csv', 'xlsx' or 'parquet' for a file name and its first bytes; refused otherwise."""
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise UploadRefused(
            _(
                "%(name)s is geen bestand dat Gelijk kan lezen. Lever de gegevens als CSV "
                "(.csv), Excel (.xlsx) of Parquet (.parquet)."
            )
            % {"name": name}
        )
    if not head:
        raise UploadRefused(_("%(name)s is leeg.") % {"name": name})
    magic = _MAGIC.get(fmt)
    if magic is not None and not head.startswith(magic):
        raise UploadRefused(
            _(
                "%(name)s heeft de extensie %(suffix)s, maar de inhoud is geen %(kind)s-bestand. "
                "Sla het bestand opnieuw op als %(kind)s."
            )
            % {"name": name, "suffix": suffix, "kind": "Excel" if fmt == "xlsx" else "Parquet"}
        )
    if fmt == "csv" and (b"\x00" in head or head.startswith((b"PK\x03\x04", b"%PDF", b"PAR1"))):
        raise UploadRefused(
            _(
                "%(name)s heeft de extensie %(suffix)s, maar de inhoud is geen tekst. Is het "
                "misschien een Excel- of PDF-bestand met een andere naam?"
            )
            % {"name": name, "suffix": suffix}
        )
    return fmt


def columns(path: Path, fmt: str) -> list[str]:
    """The column names of a file (lower case, trimmed), without reading its rows."""
    from gelijk.engines.monitor.io import detect_delimiter, detect_encoding

    if fmt == "csv":
        encoding = detect_encoding(path)
        with path.open("r", encoding=encoding, newline="") as fh:
            header = fh.readline()
        if not header.strip():
            return []
        try:
            delimiter = detect_delimiter(header)
        except InputError:
            return [header.strip().lower()]
        names = next(csv.reader([header], delimiter=delimiter))
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()
        names = [str(v) for v in first if v is not None]
    else:
        import pyarrow.parquet as pq

        names = list(pq.read_schema(path).names)
    return [n.replace("\ufeff", "").strip().lower() for n in names]


def other_contract(kind: str, names: list[str]) -> str | None:
    """When a file meant as ``kind`` is clearly a file of the other contract, say so."""
    present = set(names)
    if kind == "actions":
        looks_like_survey = present >= _SURVEY_REQUIRED or (
            "respondent_id" in present and any(n.startswith(ANSWER_PREFIX) for n in present)
        )
        if looks_like_survey and "action_id" not in present:
            return _(
                "Dit lijkt een bestand van een ervaringsenquête (kolommen respondent_id, wave, "
                "weight), geen bestand met handhavingsacties. Kies bij 'Soort gegevens' voor "
                "'Ervaringsenquête'."
            )
    elif len(_ACTION_REQUIRED & present) >= 4 and "respondent_id" not in present:
        return _(
            "Dit lijkt een bestand met handhavingsacties (kolommen action_id, occurred_at, "
            "district_code), geen enquêtebestand. Kies bij 'Soort gegevens' voor "
            "'Handhavingsacties'."
        )
    return None
