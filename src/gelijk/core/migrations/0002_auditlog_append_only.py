"""Make the audit log append-only in the database itself (see gelijk.core.dbguards)."""

from django.db import migrations

from gelijk.core import dbguards


def forwards(apps, schema_editor):
    dbguards.install(schema_editor.connection, "core_auditentry")


def backwards(apps, schema_editor):
    dbguards.remove(schema_editor.connection, "core_auditentry")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
