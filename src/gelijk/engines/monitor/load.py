"""Validate and normalise enforcement actions and survey microdata (all or nothing).

Validation is one vectorised DuckDB pass over the input: every field gets a normalising SQL
expression and an error flag, so 10 million rows validate in seconds. Duplicate ``action_id`` s
are found with one GROUP BY. Every row of a duplicated id is invalid (the file does not say which
copy is right).

Without ``skip_invalid`` any invalid row makes :func:`load_actions` raise
:class:`ValidationFailed` (an :class:`~gelijk.engines.errors.InputError`) with the row-by-row
report. With ``skip_invalid`` the valid rows are loaded and the excluded ones are listed in
:attr:`LoadedActions.validation`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from gelijk.engines.errors import InputError
from gelijk.engines.monitor.contract import (
    ACTION_FIELDS,
    ANSWER_PREFIX,
    SURVEY_FIELDS,
    Field,
)
from gelijk.engines.monitor.io import SourceInfo, new_connection, read_source

#: Environment variable that holds the pseudonymisation key when none is passed.
KEY_ENV = "GELIJK_PSEUDONYMISATION_KEY"
#: How many row errors are kept in the report (the count is always complete).
MAX_REPORTED_ERRORS = 1000

_ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$"
_TRUE = ("1", "1.0", "true", "t", "yes", "y", "ja", "j")
_FALSE = ("0", "0.0", "false", "f", "no", "n", "nee")


@dataclass(frozen=True)
class RowError:
    """One problem in one row."""

    row: int
    column: str
    value: str | None
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "problem": self.problem,
        }

    def describe(self) -> str:
        shown = "" if self.value is None else f" {self.value!r}"
        return f"row {self.row}: {self.column}{shown}: {self.problem}"


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of validation: counts per problem and the first row errors."""

    source: SourceInfo
    rows_read: int
    rows_valid: int
    invalid_rows: int
    problem_counts: tuple[tuple[str, str, int], ...]  # (column, problem, rows)
    errors: tuple[RowError, ...]  # at most MAX_REPORTED_ERRORS
    ignored_columns: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.invalid_rows == 0

    def summary(self) -> str:
        if self.ok:
            return f"{self.rows_read} rows read, all valid"
        counts = "; ".join(f"{c}: {p} ({n} rows)" for c, p, n in self.problem_counts)
        return f"{self.invalid_rows} of {self.rows_read} rows are invalid — {counts}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "invalid_rows": self.invalid_rows,
            "problem_counts": [
                {"column": c, "problem": p, "rows": n} for c, p, n in self.problem_counts
            ],
            "errors": [e.to_dict() for e in self.errors],
            "errors_listed": len(self.errors),
            "ignored_columns": list(self.ignored_columns),
            "notes": list(self.notes),
        }


class ValidationFailed(InputError):
    """The input has invalid rows; ``.report`` holds the row-by-row report."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        first = "; ".join(e.describe() for e in report.errors[:5])
        super().__init__(
            f"{report.source.name}: {report.summary()}. First problems: {first}. "
            f"Fix the file, or analyse only the valid rows (skip_invalid / --skip-invalid)",
            rows=sorted({e.row for e in report.errors}),
        )

    def __reduce__(self):
        return (type(self), (self.report,))


# --------------------------------------------------------------------------- SQL builders


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(text: str, values: Sequence[str]) -> str:
    """``text IN (values)`` as a list search. DuckDB plans an IN over many constants as a join,
    and a join in the validating CREATE TABLE AS makes it store the rows out of file order."""
    return f"coalesce(list_position([{', '.join(_lit(v) for v in values)}], {text}), 0) > 0"


def _lookup(text: str, mapping: dict[str, Any]) -> str:
    """Map lower(text) through ``mapping`` (NULL when absent). A list lookup, not a CASE with
    many branches: it keeps DuckDB's dictionary vectors and is ten times faster."""
    keys = "[" + ", ".join(_lit(k) for k in mapping) + "]"
    values = (
        "["
        + ", ".join(_lit(v) if isinstance(v, str) else str(int(v)) for v in mapping.values())
        + "]"
    )
    return f"list_extract({values}, list_position({keys}, lower({text})))"


def local_time_sql(ts: str) -> tuple[str, str]:
    """SQL for the Europe/Amsterdam local date and clock minute of the instant ``ts``.

    Integer arithmetic on epoch microseconds with the EU summer-time rule (since 1996: from the
    last Sunday of March to the last Sunday of October, both at 01:00 UTC) instead of a
    time-zone library call per row. The year is found as the number of mean Gregorian years
    since 2000; near New Year this can be the previous year, which is harmless because summer
    time never spans New Year.
    """
    from gelijk.engines.monitor.sun import dst_change_dates

    years = range(2000, dt.date.today().year + 3)
    changes = dst_change_dates(years)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    def us(day: dt.date) -> int:
        at = dt.datetime(day.year, day.month, day.day, 1, tzinfo=dt.UTC)
        return int((at - epoch).total_seconds()) * 1_000_000

    starts = "[" + ", ".join(str(us(d)) for d in changes[0::2]) + "]"
    ends = "[" + ", ".join(str(us(d)) for d in changes[1::2]) + "]"
    y2000 = int((dt.datetime(2000, 1, 1, tzinfo=dt.UTC) - epoch).total_seconds()) * 1_000_000
    year_us = int(365.2425 * 86400) * 1_000_000
    u = f"epoch_us({ts})"
    idx = f"CAST(({u} - {y2000}) // {year_us} + 1 AS BIGINT)"
    offset = (
        f"CASE WHEN {u} >= list_extract({starts}, {idx}) AND {u} < list_extract({ends}, {idx}) "
        "THEN 7200000000 ELSE 3600000000 END"
    )
    local = f"({u} + {offset})"
    date = f"DATE '1970-01-01' + CAST({local} // 86400000000 AS INTEGER)"
    minute = f"CAST({local} % 86400000000 // 60000000 AS SMALLINT)"
    return date, minute


def _reference_codes() -> tuple[list[str], list[str]]:
    from gelijk.engines import refdata

    return [a.code for a in refdata.districts()], [a.code for a in refdata.neighbourhoods()]


def _text_sql(f: Field, source_type: str) -> str:
    """The trimmed text of a field (NULL when empty), as ``<name>__t``.

    A timestamp field whose column is already a timestamp keeps its type: its text is only
    tested for being missing, and formatting 10 million time-zone-aware timestamps as text took
    longer than all the other checks together."""
    name = _q(f.name + "__t")
    if f.kind == "timestamp" and source_type.startswith("TIMESTAMP"):
        return f"{_q(f.name)} AS {name}"
    return f"NULLIF(trim(CAST({_q(f.name)} AS VARCHAR)), '') AS {name}"


def _field_sql(f: Field, text: str, source_type: str, codes) -> tuple[str, str]:
    """(normalised value SQL, invalid-value condition SQL) for one field."""
    districts, buurten = codes
    if f.kind in {"id", "text"}:
        return text, f"length({text}) > 200"
    if f.kind == "timestamp":
        if source_type.startswith("TIMESTAMP WITH TIME ZONE"):
            value = _q(f.name)
        elif source_type.startswith("TIMESTAMP"):
            value = f"CAST({_q(f.name)} AS TIMESTAMPTZ)"
        else:
            value = (
                f"CASE WHEN regexp_full_match({text}, {_lit(_ISO_PATTERN)}) "
                f"THEN TRY_CAST({text} AS TIMESTAMPTZ) END"
            )
        plausible = f"year({value}) BETWEEN 2000 AND year(current_date) + 1"
        return value, f"{text} IS NOT NULL AND ({value} IS NULL OR NOT ({plausible}))"
    if f.kind == "district":
        value = f"CASE WHEN {_in_list(f'upper({text})', districts)} THEN upper({text}) END"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if f.kind == "neighbourhood":
        value = f"CASE WHEN {_in_list(f'upper({text})', buurten)} THEN upper({text}) END"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if f.kind == "enum":
        mapping = {v.lower(): v for v in f.values}
        mapping.update({k.lower(): v for k, v in f.synonyms.items()})
        value = _lookup(text, mapping)
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if f.kind == "binary":
        mapping = {**dict.fromkeys(_TRUE, 1), **dict.fromkeys(_FALSE, 0)}
        value = f"CAST({_lookup(text, mapping)} AS TINYINT)"
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    if f.kind == "number":
        value = f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE)"
        return (
            value,
            f"{text} IS NOT NULL AND NOT coalesce(isfinite({value}) AND {value} > 0, false)",
        )
    if f.kind == "integer":
        raw = f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE)"
        value = (
            f"CASE WHEN {raw} = round({raw}) AND abs({raw}) < 1e9 THEN CAST({raw} AS INTEGER) END"
        )
        return value, f"{text} IS NOT NULL AND {value} IS NULL"
    raise ValueError(f.kind)


_PROBLEM_TEXT = {
    "timestamp": "not an ISO 8601 date and time (e.g. 2024-05-03T21:15:00+02:00) in 2000 or later",
    "district": "not a CBS wijk code of Utrecht (WK034401 ... WK034410)",
    "neighbourhood": "not a CBS buurt code of Utrecht (BU0344xxxx)",
    "binary": "not 0/1 (or true/false, ja/nee)",
    "number": "not a positive number",
    "integer": "not a whole number",
    "id": "longer than 200 characters",
    "text": "longer than 200 characters",
}


def _problem(f: Field) -> str:
    if f.kind == "enum":
        return "not one of " + ", ".join(f.values)
    return _PROBLEM_TEXT[f.kind]


@dataclass(frozen=True)
class _Checked:
    con: duckdb.DuckDBPyConnection
    table: str
    fields: tuple[Field, ...]
    extra_columns: tuple[str, ...]
    report: ValidationReport
    valid_sql: str


def _validate(
    con: duckdb.DuckDBPyConnection,
    source: Any,
    fields: Sequence[Field],
    unique_field: str,
    *,
    extra_prefix: str | None = None,
    dropped: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> _Checked:
    info = read_source(con, source, "raw")
    described = con.execute('DESCRIBE SELECT * FROM "raw"').fetchall()
    types = {name: typ for name, typ, *_ in described}
    present = set(types) - {"__row"}
    missing = [f.name for f in fields if f.required and f.name not in present]
    if missing:
        raise InputError(
            f"{info.name}: required column(s) missing: {', '.join(missing)} "
            f"(found: {', '.join(sorted(present)) or 'none'})"
        )
    known = {f.name for f in fields}
    extra = tuple(sorted(c for c in present if extra_prefix and c.startswith(extra_prefix)))
    ignored = tuple(sorted(present - known - set(extra)))
    used = [f for f in fields if f.name in present and f.name not in dropped]
    codes = _reference_codes()
    inner = ", ".join(_text_sql(f, types[f.name]) for f in used)
    passthrough = ", ".join(_q(f.name) for f in used if f.kind == "timestamp")
    extra_inner = ", ".join(
        f"NULLIF(trim(CAST({_q(c)} AS VARCHAR)), '') AS {_q(c + '__t')}" for c in extra
    )
    select_inner = ", ".join(x for x in ("__row", inner, passthrough, extra_inner) if x)
    outer: list[str] = ["__row"]
    # (condition, field name, problem); the conditions are stored as bits of one integer
    # column, __errors, instead of one boolean column each (materialising ~20 flag columns
    # of 10 million rows cost more than all the parsing).
    checks: list[tuple[str, str, str]] = []
    middle: list[str] = ["__row"]
    for f in used:
        text = _q(f.name + "__t")
        value, invalid = _field_sql(f, text, types[f.name], codes)
        # Values are computed once in the middle query; the checks refer to them by name
        # (DuckDB would otherwise evaluate every value expression twice).
        middle.append(f"{value} AS {_q(f.name)}")
        middle.append(text)
        invalid = invalid.replace(value, _q(f.name))
        value = _q(f.name)
        outer.append(value)
        if f.kind == "timestamp":
            local_date, local_minute = local_time_sql(value)
            outer.append(f"{local_date} AS local_date")
            outer.append(f"{local_minute} AS local_minute")
        checks.append((invalid, f.name, _problem(f)))
        if f.kind == "neighbourhood" and "district_code" in present:
            checks.append(
                (
                    f"{value} IS NOT NULL AND 'WK' || substr({value}, 3, 6) <> "
                    f"upper({_q('district_code__t')})",
                    f.name,
                    "buurt is not inside the wijk in district_code",
                )
            )
        if not f.nullable:
            checks.append((f"{text} IS NULL", f.name, "missing (this field may not be empty)"))
    for c in extra:
        text = _q(c + "__t")
        as_int = Field(c, "integer", False, True, "survey answer")
        value, invalid = _field_sql(as_int, text, "VARCHAR", codes)
        middle.append(f"{value} AS {_q(c)}")
        middle.append(text)
        outer.append(_q(c))
        checks.append((invalid.replace(value, _q(c)), c, "not a whole number"))
    bits = " + ".join(
        f"(CAST(coalesce({cond}, false) AS BIGINT) << {i})" for i, (cond, _, _) in enumerate(checks)
    )
    # Nearly all rows are valid: one OR over the conditions settles them, and the bits are only
    # assembled for the rows that fail a check (a third of the validation time otherwise).
    any_check = " OR ".join(f"coalesce({cond}, false)" for cond, _, _ in checks)
    outer.append(f"CASE WHEN {any_check} THEN {bits} ELSE 0 END AS __errors")
    flags = [(f"bit{i}", name, problem) for i, (_, name, problem) in enumerate(checks)]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE checked AS SELECT "  # noqa: S608 (identifiers quoted, values bound or escaped)
        + ", ".join(outer)
        + " FROM (SELECT "
        + ", ".join(middle)
        + f' FROM (SELECT {select_inner} FROM "raw"))'  # noqa: S608 (identifiers quoted, values bound or escaped)
    )
    dup_flag = f"{unique_field}__dup"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE dups AS SELECT {_q(unique_field)} AS v FROM checked "  # noqa: S608 (identifiers quoted, values bound or escaped)
        f"WHERE {_q(unique_field)} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
    )
    has_dups = con.execute("SELECT count(*) FROM dups").fetchone()[0] > 0
    dup_sql = f"({_q(unique_field)} IN (SELECT v FROM dups))" if has_dups else "false"  # noqa: S608 (identifiers quoted, values bound or escaped)
    flag_sql = {fl: f"(__errors & {1 << i}) <> 0" for i, (fl, _, _) in enumerate(flags)}
    flags.append((dup_flag, unique_field, "occurs more than once"))
    flag_sql[dup_flag] = dup_sql
    any_bad = f"(__errors <> 0 OR {dup_sql})"
    totals = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {any_bad}) FROM checked")  # noqa: S608 (identifiers quoted, values bound or escaped)
    rows_read, invalid_rows = (int(v) for v in totals.fetchone())
    per_flag: Sequence[int] = [0] * len(flags)
    if invalid_rows:
        # Counted per problem only when there is a problem (a pass of ~30 filters otherwise).
        sums = ", ".join(f"count(*) FILTER (WHERE {flag_sql[fl]})" for fl, _, _ in flags)
        per_flag = con.execute(f"SELECT {sums} FROM checked").fetchone()  # noqa: S608 (identifiers quoted, values bound or escaped)
    problem_counts = tuple(
        (name, problem, int(n)) for (_, name, problem), n in zip(flags, per_flag, strict=True) if n
    )
    errors: list[RowError] = []
    if invalid_rows:
        # The raw text is fetched back from the input only for the listed rows.
        parts = [
            f"SELECT __row, {_lit(name)} AS col, {_lit(problem)} AS problem "  # noqa: S608 (identifiers quoted, values escaped)
            f"FROM checked WHERE {flag_sql[fl]}"
            for (fl, name, problem), n in zip(flags, per_flag, strict=True)
            if n
        ]
        names = sorted({name for (_, name, _), n in zip(flags, per_flag, strict=True) if n})
        value = (
            "CASE f.col "
            + " ".join(
                f"WHEN {_lit(nm)} THEN NULLIF(trim(CAST(r.{_q(nm)} AS VARCHAR)), '')"
                for nm in names
            )
            + " END"
        )
        listing = con.execute(
            f"SELECT f.__row, f.col, {value}, f.problem FROM ("  # noqa: S608 (identifiers quoted, values bound or escaped)
            + " UNION ALL ".join(parts)
            + f' ORDER BY __row, col LIMIT {MAX_REPORTED_ERRORS}) f JOIN "raw" r '
            "ON r.__row = f.__row ORDER BY f.__row, f.col"
        ).fetchall()
        errors = [RowError(int(r), c, v, p) for r, c, v, p in listing]
    report = ValidationReport(
        source=info,
        rows_read=rows_read,
        rows_valid=rows_read - invalid_rows,
        invalid_rows=invalid_rows,
        problem_counts=problem_counts,
        errors=tuple(errors),
        ignored_columns=ignored,
        notes=tuple(notes),
    )
    return _Checked(con, "checked", tuple(used), extra, report, f"NOT {any_bad}")


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class LoadedActions:
    """A validated, normalised action table held in a DuckDB connection.

    The table ``actions`` has the columns of
    :data:`~gelijk.engines.monitor.contract.NORMALISED_ACTION_COLUMNS` (plus
    ``perceived_origin`` when the stop-form pilot is on), in file order.
    """

    connection: duckdb.DuckDBPyConnection
    table: str
    validation: ValidationReport
    pseudonymisation: str  # "keyed_hash" or "declared"
    stopform_pilot: bool
    stopform_legal_basis: str | None
    columns: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_rows(self) -> int:
        return self.validation.rows_valid

    def relation(self) -> duckdb.DuckDBPyRelation:
        return self.connection.table(self.table)

    def to_arrow(self) -> pa.Table:
        return self.relation().to_arrow_table()

    def to_pandas(self) -> pd.DataFrame:
        return self.relation().df()

    def to_parquet(self, path: str | Path) -> Path:
        path = Path(path)
        literal = str(path).replace("'", "''")
        self.connection.execute(
            f"COPY {_q(self.table)} TO '{literal}' (FORMAT parquet, COMPRESSION zstd)"
        )
        return path

    def aggregator(self):
        from gelijk.engines.monitor.aggregate import DuckDBAggregator

        return DuckDBAggregator(self.connection, self.table)


def resolve_key(key: bytes | str | None) -> bytes | str | None:
    """The pseudonymisation key: the argument, else ``$GELIJK_PSEUDONYMISATION_KEY``."""
    if key:
        return key
    return os.environ.get(KEY_ENV) or None


def load_actions(
    source: Any,
    *,
    pseudonymisation_key: bytes | str | None = None,
    officer_id_is_pseudonym: bool = False,
    stopform_pilot: bool = False,
    stopform_legal_basis: str | None = None,
    skip_invalid: bool = False,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> LoadedActions:
    """Validate and normalise enforcement actions (contract: enforcement-actions.md).

    Parameters
    ----------
    source:
        A path (.csv, .parquet, .xlsx), a pandas DataFrame, an Arrow table or a DuckDB
        relation with the contract's columns.
    pseudonymisation_key:
        Key for :func:`gelijk.engines.pseudonym.pseudonymise` (HMAC-SHA256); default
        ``$GELIJK_PSEUDONYMISATION_KEY``. Required unless ``officer_id_is_pseudonym``.
    officer_id_is_pseudonym:
        Declare that ``officer_id`` already holds pseudonyms (e.g. re-analysis of a table the
        web app stored), so they are not hashed twice.
    stopform_pilot, stopform_legal_basis:
        ``perceived_origin`` is kept only when the stop-form pilot is on; otherwise the column
        is dropped before validation and never stored.
    skip_invalid:
        Load the valid rows only; the excluded ones are listed in ``.validation``.
    """
    key = resolve_key(pseudonymisation_key)
    if not officer_id_is_pseudonym and not key:
        raise InputError(
            "officer_id must be pseudonymised on import: give a pseudonymisation key "
            f"(--pseudonymisation-key or ${KEY_ENV}), or declare that the ids are already "
            "pseudonyms (--officer-id-is-pseudonym)"
        )
    if stopform_pilot and not (stopform_legal_basis and stopform_legal_basis.strip()):
        raise InputError(
            "the stop-form pilot needs its legal basis (e.g. the DPIA reference) to be named"
        )
    con = connection or new_connection()
    con.execute("SET TimeZone = 'Europe/Amsterdam'")
    dropped = () if stopform_pilot else ("perceived_origin",)
    notes = []
    if not stopform_pilot:
        notes.append(
            "perceived_origin is not read: the stop-form pilot is off (special-category data)"
        )
    checked = _validate(con, source, ACTION_FIELDS, "action_id", dropped=dropped, notes=notes)
    report = checked.report
    if not report.ok and not skip_invalid:
        con.execute("DROP TABLE IF EXISTS checked")
        raise ValidationFailed(report)
    present = {f.name for f in checked.fields}
    if not officer_id_is_pseudonym and "officer_id" in present:
        _pseudonymise_officers(con, key)
    if not report.ok:
        con.execute(f"DELETE FROM checked WHERE NOT ({checked.valid_sql})")  # noqa: S608 (built from quoted identifiers)
    # The checked table becomes the normalised table in place (no copy, file order kept):
    # drop the bookkeeping columns, add the optional columns the file did not have.
    for (name,) in con.execute("SELECT column_name FROM (DESCRIBE checked)").fetchall():
        if name in {"__row", "__errors"}:
            con.execute(f"ALTER TABLE checked DROP COLUMN {_q(name)}")
    optional = [
        "neighbourhood_code",
        "team",
        "officer_id",
        "outcome",
        "hit",
        "age_band",
        "sex",
        "nationality_group",
        "resident",
    ]
    for name in optional:
        if name not in present:
            typ = "TINYINT" if name in {"hit", "resident"} else "VARCHAR"
            con.execute(f"ALTER TABLE checked ADD COLUMN {_q(name)} {typ} DEFAULT NULL")
    con.execute("DROP TABLE IF EXISTS actions")
    con.execute("ALTER TABLE checked RENAME TO actions")
    con.execute("DROP TABLE dups")
    columns = tuple(r[0] for r in con.execute("DESCRIBE actions").fetchall())
    return LoadedActions(
        connection=con,
        table="actions",
        validation=report,
        pseudonymisation="declared" if officer_id_is_pseudonym else "keyed_hash",
        stopform_pilot=bool(stopform_pilot),
        stopform_legal_basis=stopform_legal_basis if stopform_pilot else None,
        columns=columns,
    )


def _pseudonymise_officers(con: duckdb.DuckDBPyConnection, key: bytes | str) -> None:
    from gelijk.engines.pseudonym import pseudonymise

    distinct = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT officer_id FROM checked WHERE officer_id IS NOT NULL"
        ).fetchall()
    ]
    mapping = pa.table({"raw_id": distinct, "pseudo_id": [pseudonymise(v, key) for v in distinct]})
    con.register("officer_map", mapping)
    con.execute(
        "UPDATE checked SET officer_id = m.pseudo_id FROM officer_map m "
        "WHERE checked.officer_id = m.raw_id"
    )
    con.unregister("officer_map")


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class LoadedSurvey:
    """Validated experience-survey microdata (contract: experience-survey.md)."""

    frame: pd.DataFrame
    answers: tuple[str, ...]
    validation: ValidationReport

    @property
    def n_rows(self) -> int:
        return len(self.frame)


def load_survey(source: Any, *, skip_invalid: bool = False) -> LoadedSurvey:
    """Validate survey microdata: respondent_id, wave, weight, self_reported_group, q_* answers."""
    con = new_connection()
    checked = _validate(con, source, SURVEY_FIELDS, "respondent_id", extra_prefix=ANSWER_PREFIX)
    report = checked.report
    if not checked.extra_columns:
        raise InputError(
            f"{report.source.name}: no answer columns (names starting with {ANSWER_PREFIX!r}) found"
        )
    if not report.ok and not skip_invalid:
        raise ValidationFailed(report)
    cols = [f.name for f in checked.fields] + list(checked.extra_columns)
    frame = con.execute(
        "SELECT "  # noqa: S608 (identifiers quoted, values bound or escaped)
        + ", ".join(_q(c) for c in cols)
        + f" FROM checked WHERE {checked.valid_sql} ORDER BY __row"
    ).df()
    con.close()
    return LoadedSurvey(frame=frame, answers=checked.extra_columns, validation=report)
