"""Versions of standard letters are append-only in the database itself (see
gelijk.core.dbguards): an UPDATE or DELETE is refused; a change is a new version."""

from django.db import migrations

from gelijk.core import dbguards


def forwards(apps, schema_editor):
    dbguards.install(schema_editor.connection, "language_letterversion")


def backwards(apps, schema_editor):
    dbguards.remove(schema_editor.connection, "language_letterversion")


class Migration(migrations.Migration):
    dependencies = [("language", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
