"""The audit log is append-only and its hash chain exposes any tampering."""

import itertools

import pytest
from django.db import DatabaseError, connection, transaction

from gelijk.cli import main as gelijk
from gelijk.core import audit, dbguards
from gelijk.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _write(n=5):
    return [
        audit.record(audit.Action.VIEW, object_type="test.Thing", object_id=i, detail={"i": i})
        for i in range(1, n + 1)
    ]


def _raw(sql, params=()):
    """Tamper like an attacker with database owner rights: lift the triggers, write, restore."""
    dbguards.remove(connection, "core_auditentry")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    dbguards.install(connection, "core_auditentry")


def test_entries_form_a_contiguous_chain():
    entries = _write(4)
    assert [e.position for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert audit.verify().ok
    assert audit.verify().checked == 4


def test_database_refuses_update_and_delete():
    entry = _write(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor == entry.actor


def test_altered_row_is_found_and_named():
    entries = _write(5)
    _raw("UPDATE core_auditentry SET actor = %s WHERE id = %s", ["mallory", entries[2].pk])
    result = audit.verify()
    assert not result.ok
    assert result.position == 3
    assert "altered" in result.reason


def test_removed_middle_row_is_found():
    entries = _write(5)
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    result = audit.verify()
    assert not result.ok
    assert result.position == 2
    assert "missing" in result.reason


def test_inserted_row_is_found():
    entries = _write(3)
    # Shift the last row up and slip a forged row into position 3.
    _raw("UPDATE core_auditentry SET position = 4 WHERE id = %s", [entries[2].pk])
    forged = entries[2]
    _raw(
        "INSERT INTO core_auditentry (position, occurred_at, actor_id, actor, action, "
        "object_type, object_id, result, origin, detail, prev_hash, hash) "
        "VALUES (3, %s, NULL, 'mallory', 'view', 'x', '1', 'success', '', '{}', %s, %s)",
        [forged.occurred_at, entries[1].hash, "f" * 64],
    )
    result = audit.verify()
    assert not result.ok
    assert result.position == 3


def test_removing_the_newest_rows_is_found_after_a_checkpoint():
    entries = _write(4)
    assert audit.verify_and_checkpoint().ok  # checkpoints #4, then logs the check as #5
    _raw("DELETE FROM core_auditentry WHERE position >= %s", [4])
    result = audit.verify()
    assert not result.ok
    assert result.position == 4
    assert entries[3].position == 4


def test_cli_verify_exit_status_and_message(capsys):
    entries = _write(3)
    assert gelijk(["auditlog", "verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    _raw("UPDATE core_auditentry SET object_id = %s WHERE id = %s", ["999", entries[0].pk])
    assert gelijk(["auditlog", "verify"]) == 1
    assert "BROKEN at entry #1" in capsys.readouterr().err


def test_record_uses_request_context_for_actor_and_origin():
    token = audit.set_context(audit.Context(actor_id=7, actor="anouk", origin="10.0.0.1 GET /x"))
    try:
        entry = audit.record(audit.Action.EXPORT, object_type="monitor.Run", object_id=3)
    finally:
        audit.reset_context(token)
    assert (entry.actor, entry.actor_id, entry.origin) == ("anouk", 7, "10.0.0.1 GET /x")
    assert audit.record(audit.Action.VIEW).actor == "system"


def test_downloads_are_recorded_as_exports_once(client, make_staff, settings):
    from django.http import HttpResponse
    from django.urls import path

    from tests.conftest import verified_client

    def plain(request):
        response = HttpResponse("a,b\n1,2\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    def self_audited(request):
        audit.record(audit.Action.EXPORT, object_type="monitor.Run", object_id=1)
        return plain(request)

    import sys
    import types

    urls = types.ModuleType("tmp_download_urls")
    urls.urlpatterns = [path("plain/", plain), path("own/", self_audited)]
    sys.modules["tmp_download_urls"] = urls
    settings.ROOT_URLCONF = "tmp_download_urls"
    verified_client(client, make_staff("analist", username="anouk"))
    client.get("/plain/")
    client.get("/own/")
    exports = AuditEntry.objects.filter(action="export", actor="anouk")
    assert [(e.object_type, e.object_id) for e in exports] == [
        ("download", "/plain/"),
        ("monitor.Run", "1"),
    ]
