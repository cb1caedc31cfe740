"""Grouped sufficient statistics: the one interface between the analyses and the data.

Every analysis asks an :class:`Aggregator` for *grouped counts*: "how many actions per
(these keys), among the rows that pass (these filters)", optionally with the number of
non-missing values of some columns. Binomial and Poisson models, rates, Mantel–Haenszel
statistics and the threshold test need nothing more, so another engine (PostgreSQL, Spark,
Trino) can serve the whole monitor by implementing :meth:`Aggregator.grouped_counts`.

Keys are columns of the normalised action table
(:data:`~gelijk.engines.monitor.contract.NORMALISED_ACTION_COLUMNS`) or one of the derived keys
below; a backend must compute them with the same meaning (all in Europe/Amsterdam local time):

=============  =====================================  =========================================
key            meaning                                PostgreSQL equivalent
=============  =====================================  =========================================
``month``      first day of the local month (DATE)    ``date_trunc('month', local_date)::date``
``quarter``    first day of the local quarter         ``date_trunc('quarter', local_date)::date``
``year``       local calendar year (INTEGER)          ``extract(year from local_date)::int``
``date``       local date (DATE)                      ``local_date``
``minute``     minutes after local midnight           ``local_minute``
``minute5``    ``minute`` rounded down to 5           ``(local_minute / 5) * 5``
``hour``       local hour 0–23                        ``local_minute / 60``
``hour_block`` 3-hour block 0–7 (00–03, 03–06, ...)   ``local_minute / 180``
``weekday``    0 = Monday … 6 = Sunday                ``extract(isodow from local_date) - 1``
``day_type``   ``weekday`` or ``weekend``             ``CASE WHEN extract(isodow ...) >= 6 ...``
=============  =====================================  =========================================

Filters are :class:`Filter` objects (``eq``, ``in``, ``not_in``, ``not_null``, ``is_null``,
``between`` (inclusive)); values are passed as bound parameters, never spliced into SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import duckdb
import pandas as pd
import pyarrow as pa

from gelijk.engines.errors import InputError
from gelijk.engines.monitor.contract import NORMALISED_ACTION_COLUMNS, TIMEZONE

DERIVED_KEYS: dict[str, str] = {
    "month": "CAST(date_trunc('month', local_date) AS DATE)",
    "quarter": "CAST(date_trunc('quarter', local_date) AS DATE)",
    "year": "CAST(year(local_date) AS INTEGER)",
    "date": "local_date",
    "minute": "CAST(local_minute AS INTEGER)",
    "minute5": "CAST((local_minute // 5) * 5 AS INTEGER)",
    "hour": "CAST(local_minute // 60 AS INTEGER)",
    "hour_block": "CAST(local_minute // 180 AS INTEGER)",
    "weekday": "CAST(isodow(local_date) - 1 AS INTEGER)",
    "day_type": "CASE WHEN isodow(local_date) >= 6 THEN 'weekend' ELSE 'weekday' END",
}
_OPS = {"eq", "in", "not_in", "not_null", "is_null", "between"}


@dataclass(frozen=True)
class Filter:
    """A row filter on a column or derived key."""

    key: str
    op: str
    value: Any = None

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise InputError(f"unknown filter operation {self.op!r}")


def where(**conditions: Any) -> tuple[Filter, ...]:
    """Shorthand: ``where(initiative="proactive", action_type=["search", "seizure"])``."""
    out = []
    for key, value in conditions.items():
        if isinstance(value, list | tuple | set | frozenset):
            out.append(Filter(key, "in", tuple(value)))
        else:
            out.append(Filter(key, "eq", value))
    return tuple(out)


@runtime_checkable
class Aggregator(Protocol):
    """The data interface of the monitor (implemented for DuckDB here; PostgreSQL later)."""

    def columns(self) -> frozenset[str]:
        """Columns of the normalised action table that this source has (values may be missing)."""

    def grouped_counts(
        self,
        keys: Sequence[str],
        filters: Sequence[Filter] = (),
        nonnull: Sequence[str] = (),
    ) -> pd.DataFrame:
        """One row per combination of ``keys`` present among the filtered rows.

        Columns: the keys (NULL keys kept as missing values), ``n`` (int64 row count) and, per
        column ``c`` in ``nonnull``, ``nonnull_c`` (rows where ``c`` is not missing). Rows are
        sorted by the keys.
        """


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBAggregator:
    """:class:`Aggregator` over a DuckDB table or view in the normalised action schema.

    Build it from a connection and table name, or with :meth:`from_source` from a Parquet or
    CSV file, a pandas DataFrame, an Arrow table or a DuckDB relation that holds normalised
    actions (as written by :meth:`LoadedActions.to_parquet`). When ``local_date`` /
    ``local_minute`` are absent they are derived from ``occurred_at`` in Europe/Amsterdam.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, table: str) -> None:
        self.connection = connection
        self.table = table
        connection.execute(f"SET TimeZone = '{TIMEZONE}'")
        described = connection.execute(f"DESCRIBE {_q(table)}").fetchall()
        self._all_columns = {r[0] for r in described}
        missing = {"occurred_at", "district_code", "initiative", "action_type"} - self._all_columns
        if missing:
            raise InputError(
                f"the action table lacks normalised column(s): {', '.join(sorted(missing))}"
            )
        self._view = table
        if not {"local_date", "local_minute"} <= self._all_columns:
            self._view = f"{table}__local"
            connection.execute(
                f"CREATE OR REPLACE TEMP VIEW {_q(self._view)} AS SELECT *, "  # noqa: S608 (identifiers quoted, values bound or escaped)
                "CAST(CAST(occurred_at AS TIMESTAMPTZ) AS DATE) AS local_date, "
                "CAST(hour(CAST(occurred_at AS TIMESTAMPTZ)) * 60 "
                "+ minute(CAST(occurred_at AS TIMESTAMPTZ)) AS SMALLINT) AS local_minute "
                f"FROM {_q(table)}"
            )
            self._all_columns |= {"local_date", "local_minute"}
        self._rollups: dict[frozenset[str], str] = {}
        self._rollup_rows: dict[str, int] = {}

    @classmethod
    def from_source(
        cls, source: Any, connection: duckdb.DuckDBPyConnection | None = None
    ) -> DuckDBAggregator:
        from gelijk.engines.monitor.io import new_connection

        con = connection or new_connection()
        name = "actions_source"
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.is_file():
                raise InputError(f"input file not found: {path}")
            literal = str(path).replace("'", "''")
            reader = {
                ".parquet": f"read_parquet('{literal}')",
                ".pq": f"read_parquet('{literal}')",
                # Text with offsets is parsed by the cast below (read_csv would drop the zone).
                ".csv": f"read_csv('{literal}', header = true, "
                "types = {'occurred_at': 'VARCHAR'})",
            }.get(path.suffix.lower())
            if reader is None:
                raise InputError(f"{path.name}: normalised actions must be .parquet or .csv")
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {reader}")  # noqa: S608 (identifiers quoted, values bound or escaped)
        elif isinstance(source, pd.DataFrame | pa.Table):
            con.register(f"{name}__data", source)
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}__data")  # noqa: S608 (identifiers quoted, values bound or escaped)
        elif isinstance(source, duckdb.DuckDBPyRelation):
            # A relation belongs to its own connection; without a copy, use
            # DuckDBAggregator(connection, "table_or_view") on that connection instead.
            con.register(f"{name}__data", source.to_arrow_table())
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}__data")  # noqa: S608 (fixed identifiers)
        else:
            raise InputError(f"cannot aggregate input of type {type(source).__name__}")
        return cls(con, name)

    # ------------------------------------------------------------------ interface

    def columns(self) -> frozenset[str]:
        cols = {c for c in NORMALISED_ACTION_COLUMNS if c in self._all_columns}
        if "perceived_origin" in self._all_columns:
            cols.add("perceived_origin")
        return frozenset(cols)

    def cache(self, keys: Sequence[str]) -> None:
        """Pre-aggregate counts by ``keys`` once; later queries whose keys and filters are all
        among them are answered from this (much smaller) table. An optimisation of this
        backend only — results are identical, which the tests check."""
        keys = sorted(set(keys))
        if frozenset(keys) in self._rollups:
            return
        name = f"{self.table}__rollup{len(self._rollups)}"
        # A rollup by more keys already holds these counts: summing it is exact and avoids
        # another pass over the actions.
        source, rollup = self._source(set(keys), ())
        select = ", ".join(f"{self._key_sql(k, rollup)} AS {_q(k)}" for k in keys)
        count = "CAST(sum(n) AS BIGINT)" if rollup else "count(*)"
        self.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {_q(name)} AS SELECT {select}, {count} AS n "  # noqa: S608 (identifiers quoted)
            f"FROM {_q(source)} GROUP BY ALL"
        )
        rows = self.connection.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]  # noqa: S608 (quoted identifier)
        self._rollups[frozenset(keys)] = name
        self._rollup_rows[name] = int(rows)

    def _source(self, needed: set[str], nonnull: Sequence[str]) -> tuple[str, bool]:
        if not nonnull:
            fits = [name for keys, name in self._rollups.items() if needed <= keys]
            if fits:
                return min(fits, key=self._rollup_rows.__getitem__), True
        return self._view, False

    def _key_sql(self, key: str, rollup: bool = False) -> str:
        if rollup:
            return _q(key)
        if key in DERIVED_KEYS:
            return DERIVED_KEYS[key]
        if key in self._all_columns and not key.startswith("__"):
            return _q(key)
        raise InputError(f"unknown column or key {key!r}", column=key)

    def _filter_sql(self, filters: Iterable[Filter], rollup: bool = False) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for f in filters:
            expr = self._key_sql(f.key, rollup)
            if f.op == "eq":
                parts.append(f"{expr} = ?")
                params.append(f.value)
            elif f.op in {"in", "not_in"}:
                values = list(f.value)
                if not values:
                    parts.append("false" if f.op == "in" else "true")
                    continue
                marks = ", ".join("?" for _ in values)
                neg = "NOT " if f.op == "not_in" else ""
                parts.append(
                    f"coalesce({expr} {neg}IN ({marks}), {'false' if not neg else 'true'})"
                )
                params.extend(values)
            elif f.op == "between":
                lo, hi = f.value
                parts.append(f"{expr} BETWEEN ? AND ?")
                params.extend([lo, hi])
            elif f.op == "not_null":
                parts.append(f"{expr} IS NOT NULL")
            else:
                parts.append(f"{expr} IS NULL")
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def grouped_counts(
        self,
        keys: Sequence[str],
        filters: Sequence[Filter] = (),
        nonnull: Sequence[str] = (),
    ) -> pd.DataFrame:
        keys = list(keys)
        for k in [*keys, *(f.key for f in filters), *nonnull]:
            self._key_sql(k)  # unknown keys fail the same way with or without a rollup
        source, rollup = self._source({*keys, *(f.key for f in filters)}, nonnull)
        select = [f"{self._key_sql(k, rollup)} AS {_q(k)}" for k in keys]
        select.append("sum(n) AS n" if rollup else "count(*) AS n")
        for c in nonnull:
            select.append(f"count({self._key_sql(c)}) AS {_q('nonnull_' + c)}")
        clause, params = self._filter_sql(filters, rollup)
        sql = f"SELECT {', '.join(select)} FROM {_q(source)}{clause}"  # noqa: S608 (identifiers quoted, values bound or escaped)
        if keys:
            order = ", ".join(str(i + 1) for i in range(len(keys)))
            sql += f" GROUP BY ALL ORDER BY {order}"
        frame = self.connection.execute(sql, params).df()
        frame["n"] = frame["n"].fillna(0).astype("int64")
        for c in nonnull:
            frame["nonnull_" + c] = frame["nonnull_" + c].astype("int64")
        return frame

    def twilight_counts(
        self, keys: Sequence[str], filters: Sequence[Filter], days: pd.DataFrame
    ) -> pd.DataFrame:
        """Counts per (``dark``, ``period``, ``keys``) for the veil-of-darkness test.

        ``days`` has one row per local date: ``date``, ``sunset`` and ``dusk`` (clock minutes)
        and ``period`` (text or missing). Among the filtered rows whose date is in ``days``,
        those with sunset < minute <= dusk are left out; ``dark`` is 1 when minute > dusk.
        The same as ``grouped_counts(["date", "minute", *keys], filters)`` classified per row
        and summed over the dates, but without shipping a row per date and minute out of
        DuckDB (millions at 10 million actions). Optional for a backend: the analysis falls
        back on :meth:`grouped_counts`.
        """
        keys = list(keys)
        for k in [*keys, *(f.key for f in filters)]:
            self._key_sql(k)
        minute = self._key_sql("minute")
        table = f"{self.table}__days"
        self.connection.register(
            table,
            pa.table(
                {
                    "date": pa.array(pd.to_datetime(days["date"]).dt.date, pa.date32()),
                    "sunset": pa.array(days["sunset"].to_numpy(float)),
                    "dusk": pa.array(days["dusk"].to_numpy(float)),
                    "period": pa.array(days["period"].tolist(), pa.string()),
                }
            ),
        )
        try:
            clause, params = self._filter_sql(filters)
            clause = (clause + " AND " if clause else " WHERE ") + (
                f"NOT ({minute} > d.sunset AND {minute} <= d.dusk)"
            )
            select = [f"CAST({minute} > d.dusk AS BIGINT) AS dark", "d.period AS period"]
            select += [f"{self._key_sql(k)} AS {_q(k)}" for k in keys]
            order = ", ".join(str(i + 1) for i in range(len(select)))
            sql = (
                f"SELECT {', '.join(select)}, count(*) AS n FROM {_q(self._view)} "  # noqa: S608 (identifiers quoted, values bound)
                f"JOIN {_q(table)} d ON {self._key_sql('date')} = d.date{clause} "
                f"GROUP BY ALL ORDER BY {order}"
            )
            frame = self.connection.execute(sql, params).df()
        finally:
            self.connection.unregister(table)
        frame["n"] = frame["n"].astype("int64")
        return frame

    def levels(self, key: str, filters: Sequence[Filter] = ()) -> list[Any]:
        """Distinct non-missing values of ``key`` (sorted)."""
        frame = self.grouped_counts([key], [*filters, Filter(key, "not_null")])
        return frame[key].tolist()


def totals_by(agg: Aggregator, keys: Sequence[str], filters: Sequence[Filter] = ()) -> Mapping:
    """Counts as a dict keyed by tuples of key values (convenience for small tables)."""
    frame = agg.grouped_counts(keys, filters)
    return {tuple(r[:-1]): int(r[-1]) for r in frame.itertuples(index=False, name=None)}
