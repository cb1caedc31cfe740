"""Readers: CSV (UTF-8 or Latin-1/Windows-1252, ``,`` ``;`` or tab), Parquet, Excel (.xlsx),
pandas data frames, Arrow tables and DuckDB relations, all turned into one DuckDB view.

Every reader adds a column ``__row`` with the row number a user sees:

* CSV and Excel: the row (line) number in the file, the header being row 1, so the first data
  record is row 2. (In a CSV file a quoted field with a line break makes the record number
  differ from the editor's line number; the record number is what is reported.)
* Parquet, Arrow, pandas and DuckDB input: the 1-based position of the record (first record = 1);
  these formats have no header row.

Column names are matched case-insensitively after trimming spaces (and a UTF-8 byte-order mark).
"""

from __future__ import annotations

import codecs
import csv
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from gelijk.engines.errors import InputError
from gelijk.engines.monitor.contract import TIMEZONE

#: Bytes that Windows-1252 leaves undefined; a file holding them is read as ISO 8859-1.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceInfo:
    """What the reader found out about the input; shown in the report and the CLI."""

    format: str  # csv, parquet, xlsx, dataframe, arrow, duckdb
    name: str
    encoding: str | None = None
    delimiter: str | None = None
    row_numbering: str = "record position, first record = 1"

    def describe(self) -> str:
        parts = [f"{self.format} {self.name}"]
        if self.encoding:
            parts.append(f"encoding {self.encoding}")
        if self.delimiter:
            shown = {"\t": "tab", ",": "comma", ";": "semicolon"}[self.delimiter]
            parts.append(f"delimiter {shown}")
        parts.append(f"row numbers: {self.row_numbering}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "name": self.name,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "row_numbering": self.row_numbering,
        }


def new_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set to the Utrecht time zone (local dates and clock times)."""
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    return con


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8``, ``windows-1252`` or ``iso-8859-1``, from the bytes."""
    with path.open("rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        seen_high = set()
        ok = True
        while chunk := fh.read(_CHUNK):
            if ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
            seen_high.update(b for b in set(chunk) if 0x80 <= b <= 0x9F)
        if ok:
            try:
                decoder.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                pass
    return "iso-8859-1" if seen_high & _CP1252_UNDEFINED else "windows-1252"


def _split_header(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def detect_delimiter(header_line: str) -> str:
    counts = {d: _split_header(header_line, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InputError(
            "cannot find the column separator in the first line (expected ',', ';' or tab)"
        )
    return best


def _normalise_name(name: str) -> str:
    return str(name).replace("\ufeff", "").strip().lower()


def _check_names(names: list[str], source: str) -> list[str]:
    normalised = [_normalise_name(n) for n in names]
    dupes = sorted({n for n in normalised if normalised.count(n) > 1})
    if dupes:
        raise InputError(f"{source}: column(s) appear more than once: {', '.join(dupes)}")
    if "__row" in normalised:
        raise InputError(f"{source}: the column name '__row' is reserved")
    return normalised


def _register_arrow(
    con: duckdb.DuckDBPyConnection, table: pa.Table, first_row: int, view: str
) -> None:
    names = _check_names(table.column_names, view)
    table = table.rename_columns(names)
    rows = pa.array(np.arange(first_row, first_row + table.num_rows, dtype=np.int64))
    table = table.append_column("__row", rows)
    con.register(f"{view}__arrow", table)
    con.execute(f'CREATE OR REPLACE TEMP VIEW "{view}" AS SELECT * FROM "{view}__arrow"')  # noqa: S608 (identifiers quoted, values bound or escaped)


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, view: str) -> SourceInfo:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        header = fh.readline()
    if not header.strip():
        raise InputError(f"{path.name}: the file is empty or has no header line")
    delimiter = detect_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter))
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"{path.name}: cannot read as CSV: {exc}") from exc
    _register_arrow(con, table, 2, view)
    return SourceInfo("csv", path.name, encoding, delimiter, "line in the file, header = row 1")


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, view: str) -> SourceInfo:
    try:
        cols = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{path.name}: cannot read as Parquet: {exc}") from exc
    names = [c[0] for c in cols]
    normalised = _check_names(names, path.name)
    select = ", ".join(
        f'"{orig}" AS "{norm}"' for orig, norm in zip(names, normalised, strict=True)
    )
    literal = str(path).replace("'", "''")
    con.execute(
        f'CREATE OR REPLACE TEMP VIEW "{view}" AS SELECT {select}, '  # noqa: S608 (identifiers quoted, values bound or escaped)
        f"file_row_number + 1 AS __row FROM read_parquet('{literal}', file_row_number = true)"
    )
    return SourceInfo("parquet", path.name)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_excel(con: duckdb.DuckDBPyConnection, path: Path, view: str) -> SourceInfo:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(f"{path.name}: cannot read as an Excel workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputError(f"{path.name}: the first sheet is empty")
        names = [str(h) if h is not None else "" for h in header]
        width = len(names)
        columns: list[list[str | None]] = [[] for _ in range(width)]
        for row in rows:
            for i, value in enumerate(itertools.islice(row, width)):
                columns[i].append(_cell_text(value))
            for i in range(len(row), width):
                columns[i].append(None)
    finally:
        book.close()
    keep = [i for i, n in enumerate(names) if n.strip()]
    table = pa.table({names[i]: pa.array(columns[i], pa.string()) for i in keep})
    _register_arrow(con, table, 2, view)
    return SourceInfo("xlsx", path.name, row_numbering="row in the sheet, header = row 1")


def read_source(con: duckdb.DuckDBPyConnection, source: Any, view: str = "raw") -> SourceInfo:
    """Make ``source`` available as the DuckDB view ``view`` with a ``__row`` column."""
    import pandas as pd

    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise InputError(f"input file not found: {path}")
        suffix = path.suffix.lower()
        if suffix in {".csv", ".txt", ".tsv"}:
            return read_csv(con, path, view)
        if suffix in {".parquet", ".pq"}:
            return read_parquet(con, path, view)
        if suffix in {".xlsx", ".xlsm"}:
            return read_excel(con, path, view)
        raise InputError(
            f"{path.name}: unsupported file type {suffix!r} (use .csv, .parquet or .xlsx)"
        )
    if isinstance(source, pd.DataFrame):
        _register_arrow(con, pa.Table.from_pandas(source, preserve_index=False), 1, view)
        return SourceInfo("dataframe", "data frame")
    if isinstance(source, pa.Table):
        _register_arrow(con, source, 1, view)
        return SourceInfo("arrow", "Arrow table")
    if isinstance(source, duckdb.DuckDBPyRelation):
        _register_arrow(con, source.to_arrow_table(), 1, view)
        return SourceInfo("duckdb", "DuckDB relation")
    raise InputError(f"cannot read input of type {type(source).__name__}")
