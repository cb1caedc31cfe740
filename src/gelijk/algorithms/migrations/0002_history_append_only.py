"""Versions of register entries and the workflow histories are append-only in the database
itself (see gelijk.core.dbguards): an UPDATE or DELETE is refused."""

from django.db import migrations

from gelijk.core import dbguards

TABLES = (
    "algorithms_algorithmversion",
    "algorithms_publicationevent",
    "algorithms_assessmentevent",
)


def forwards(apps, schema_editor):
    for table in TABLES:
        dbguards.install(schema_editor.connection, table)


def backwards(apps, schema_editor):
    for table in TABLES:
        dbguards.remove(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [("algorithms", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
