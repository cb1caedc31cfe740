"""The data of one run: the pinned imports' actions in the run's period, copied out of the
database into an in-memory DuckDB table in the engine's normalised schema.

The engine's analyses then run over ``DuckDBAggregator`` unchanged (its grouped counts are the
engine's one data interface). Copying once is faster than sending every grouped count to the
database, and it lets the stop-form pilot's encrypted ``perceived_origin`` be decrypted in
memory only, for a run that compares exactly that column.
"""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

from gelijk.core.crypto import decrypt
from gelijk.monitor.models import Action

PLAIN = (
    "action_id",
    "local_date",
    "local_minute",
    "district_code",
    "neighbourhood_code",
    "team",
    "officer_id",
    "initiative",
    "action_type",
    "outcome",
    "hit",
    "age_band",
    "sex",
    "nationality_group",
    "resident",
)
_TYPES = {
    "local_date": pa.date32(),
    "local_minute": pa.int16(),
    "hit": pa.int8(),
    "resident": pa.int8(),
    "occurred_us": pa.int64(),
}
_SQL_TYPES = {
    "local_date": "DATE",
    "local_minute": "SMALLINT",
    "hit": "TINYINT",
    "resident": "TINYINT",
}


def _schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, _TYPES.get(c, pa.string())) for c in columns])


def _where() -> str:
    return "data_import_id = ANY(%s) AND local_date BETWEEN %s AND %s"


def read_actions(
    import_ids: list[int], start: dt.date, end: dt.date, *, with_origin: bool = False
) -> pa.Table:
    """Rows of the imports in [start, end] as an Arrow table (occurred_at as µs since epoch)."""
    columns = (*PLAIN, "occurred_us") + (("perceived_origin",) if with_origin else ())
    if connection.vendor == "postgresql":
        table = _read_postgresql(import_ids, start, end, columns)
    else:
        table = _read_generic(import_ids, start, end, columns)
    if with_origin:
        i = table.schema.get_field_index("perceived_origin")
        plain = [None if v is None else decrypt(v) for v in table.column(i).to_pylist()]
        table = table.set_column(i, "perceived_origin", pa.array(plain, pa.string()))
    return table


def _select_list(columns: tuple[str, ...], epoch_sql: str) -> str:
    return ", ".join(epoch_sql if c == "occurred_us" else f'"{c}"' for c in columns)


def _read_postgresql(import_ids, start, end, columns) -> pa.Table:
    table = Action._meta.db_table
    select = _select_list(
        columns, "(extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_us"
    )
    buf = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = (
            f'COPY (SELECT {select} FROM "{table}" WHERE {_where()} ORDER BY id) '  # noqa: S608
            "TO STDOUT (FORMAT csv)"
        )
        with raw.copy(query, [list(import_ids), start, end]) as copy:
            for block in copy:
                buf.write(block)
    buf.seek(0)
    schema = _schema(columns)
    if not buf.getbuffer().nbytes:
        return schema.empty_table()
    return pacsv.read_csv(
        buf,
        read_options=pacsv.ReadOptions(column_names=list(columns)),
        convert_options=pacsv.ConvertOptions(
            column_types=schema,
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_generic(import_ids, start, end, columns) -> pa.Table:
    table = Action._meta.db_table
    epoch = (
        "CAST(ROUND((julianday(occurred_at) - 2440587.5) * 86400000000) AS INTEGER) AS occurred_us"
    )
    marks = ", ".join("%s" for _ in import_ids)
    query = (
        f'SELECT {_select_list(columns, epoch)} FROM "{table}" '  # noqa: S608
        f"WHERE data_import_id IN ({marks}) AND local_date BETWEEN %s AND %s ORDER BY id"
    )
    schema = _schema(columns)
    batches = []
    with connection.cursor() as cursor:
        cursor.execute(query, [*import_ids, start.isoformat(), end.isoformat()])
        while rows := cursor.fetchmany(20_000):
            cols = list(zip(*rows, strict=True))
            arrays = []
            for name, values in zip(columns, cols, strict=True):
                if name == "local_date":
                    values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
                arrays.append(pa.array(values, schema.field(name).type))
            batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def duckdb_actions(table: pa.Table):
    """A DuckDB connection holding ``actions`` in the engine's normalised schema."""
    from gelijk.engines.monitor.io import new_connection

    con = new_connection()
    con.register("actions_src", table)
    parts = []
    for name in table.schema.names:
        if name == "occurred_us":
            parts.append("make_timestamptz(occurred_us) AS occurred_at")
        elif name in _SQL_TYPES:
            parts.append(f'CAST("{name}" AS {_SQL_TYPES[name]}) AS "{name}"')
        else:
            parts.append(f'CAST("{name}" AS VARCHAR) AS "{name}"')
    con.execute("CREATE TABLE actions AS SELECT " + ", ".join(parts) + " FROM actions_src")  # noqa: S608
    con.unregister("actions_src")
    return con
