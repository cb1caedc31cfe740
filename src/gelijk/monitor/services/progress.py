"""Progress of background work, written so that the polling page can see it.

Outside a transaction an update is a plain UPDATE. Inside the one transaction that stores an
import or a run, the row's own updates would stay invisible until the commit; on PostgreSQL the
writer then uses a second connection (autocommit) so the page still moves. SQLite allows one
writer at a time, so there the stage stays as it was until the commit.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone


class ProgressWriter:
    def __init__(self, model, pk: int):
        self.model = model
        self.pk = pk
        self._side = None

    def _side_connection(self):
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._side

    def update(self, *, stage: str | None = None, done: int | None = None, total=None) -> None:
        fields: dict = {"heartbeat_at": timezone.now()}
        if stage is not None:
            fields["stage"] = stage
        if done is not None:
            fields["progress_done"] = int(done)
        if total is not None:
            fields["progress_total"] = int(total)
        if not connection.in_atomic_block:
            self.model.objects.filter(pk=self.pk).update(**fields)
            return
        if connection.vendor != "postgresql":
            return
        table = self.model._meta.db_table
        names = list(fields)
        sets = ", ".join(f'"{self.model._meta.get_field(n).column}" = %s' for n in names)
        with self._side_connection().cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET {sets} WHERE id = %s',  # noqa: S608 (names from the model)
                [fields[n] for n in names] + [self.pk],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
