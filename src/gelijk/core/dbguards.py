"""Append-only tables enforced by the database itself (GUIDE §4.2).

A table registered here refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) through
triggers, for every database user the application connects as. Migrations call
``install``; the retention job and the test suite's database flush are the only code that
may ``remove`` and re-``install`` them, each in one transaction.
"""

from __future__ import annotations

# Tables that keep history: an entry, once written, is never edited or deleted.
APPEND_ONLY_TABLES: list[str] = [
    "core_auditentry",
    "reporting_caseevent",
    "algorithms_algorithmversion",
    "algorithms_publicationevent",
    "algorithms_assessmentevent",
    "language_letterversion",
]


def _pg(table: str) -> tuple[list[str], list[str]]:
    up = [
        """CREATE OR REPLACE FUNCTION gelijk_append_only() RETURNS trigger AS $$
           BEGIN
             RAISE EXCEPTION 'table % is append-only (% refused)', TG_TABLE_NAME, TG_OP;
           END;
           $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION gelijk_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION gelijk_append_only()""",
    ]
    down = [
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
    ]
    return up, down


def _sqlite(table: str) -> tuple[list[str], list[str]]:
    up = [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'table {table} is append-only (UPDATE refused)'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'table {table} is append-only (DELETE refused)'); END""",
    ]
    down = [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]
    return up, down


def statements(vendor: str, table: str) -> tuple[list[str], list[str]]:
    if vendor == "postgresql":
        return _pg(table)
    if vendor == "sqlite":
        return _sqlite(table)
    raise RuntimeError(f"no append-only guard for database vendor {vendor!r}")


def install(connection, table: str) -> None:
    up, down = statements(connection.vendor, table)
    with connection.cursor() as cursor:
        for sql in down + up:  # idempotent: replace what is there
            cursor.execute(sql)


def remove(connection, table: str) -> None:
    _up, down = statements(connection.vendor, table)
    with connection.cursor() as cursor:
        for sql in down:
            cursor.execute(sql)


def installed(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s", [f"{table}_append_only"]
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{table}_no_update"],
            )
        return cursor.fetchone()[0] > 0
