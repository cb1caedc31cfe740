"""Write validated, normalised actions from the engine's DuckDB table into the database.

PostgreSQL: ``COPY ... FROM STDIN`` on the raw psycopg cursor, fed with CSV that DuckDB and
Arrow produce batch by batch (a million rows in seconds). SQLite (the local demo): batched
``bulk_create``. Both run inside the caller's transaction: all rows or none.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

from gelijk.core.crypto import encrypt
from gelijk.monitor.models import Action

COLUMNS = (
    "action_id",
    "occurred_at",
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
PG_BATCH = 100_000
SQLITE_BATCH = 5_000


def _select(columns: tuple[str, ...]) -> str:
    parts = []
    for c in columns:
        if c == "occurred_at":
            # Text with the UTC offset, which PostgreSQL reads back as the same instant.
            parts.append(
                "strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S+00') AS occurred_at"
            )
        else:
            parts.append(f'"{c}"')
    return "SELECT " + ", ".join(parts) + " FROM actions"  # noqa: S608 (fixed column names)


def store_actions(
    data_import_id: int, loaded, *, progress: Callable[[int], None] | None = None
) -> int:
    """Insert every row of ``loaded`` (a ``LoadedActions``) for the import; returns the count."""
    columns = COLUMNS + (("perceived_origin",) if "perceived_origin" in loaded.columns else ())
    if connection.vendor == "postgresql":
        return _copy_postgresql(data_import_id, loaded, columns, progress)
    return _bulk_create(data_import_id, loaded, columns, progress)


def _encrypted(batch: pa.RecordBatch) -> pa.RecordBatch:
    i = batch.schema.get_field_index("perceived_origin")
    values = [None if v is None else encrypt(v) for v in batch.column(i).to_pylist()]
    return batch.set_column(i, "perceived_origin", pa.array(values, pa.string()))


def _copy_postgresql(data_import_id, loaded, columns, progress) -> int:
    table = Action._meta.db_table
    names = ", ".join(f'"{c}"' for c in ("data_import_id", *columns))
    reader = loaded.connection.sql(_select(columns)).to_arrow_reader(PG_BATCH)
    options = pacsv.WriteOptions(include_header=False)
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT csv)') as copy:
            for batch in reader:
                if "perceived_origin" in columns:
                    batch = _encrypted(batch)
                ids = pa.array([data_import_id] * batch.num_rows, pa.int64())
                batch = pa.RecordBatch.from_arrays(
                    [ids, *batch.columns], names=["data_import_id", *batch.schema.names]
                )
                buf = io.BytesIO()
                pacsv.write_csv(batch, buf, options)
                copy.write(buf.getvalue())
                done += batch.num_rows
                if progress:
                    progress(done)
    return done


def _bulk_create(data_import_id, loaded, columns, progress) -> int:
    select = "SELECT " + ", ".join(f'"{c}"' for c in columns) + " FROM actions"  # noqa: S608
    reader = loaded.connection.sql(select).to_arrow_reader(SQLITE_BATCH)
    done = 0
    for batch in reader:
        rows = batch.to_pylist()
        Action.objects.bulk_create(
            [Action(data_import_id=data_import_id, **row) for row in rows],
            batch_size=SQLITE_BATCH,
        )
        done += len(rows)
        if progress:
            progress(done)
    return done
