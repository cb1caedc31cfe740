from django.db import migrations


def install(apps, schema_editor):
    from gelijk.core import dbguards

    dbguards.install(schema_editor.connection, "reporting_caseevent")


def remove(apps, schema_editor):
    from gelijk.core import dbguards

    dbguards.remove(schema_editor.connection, "reporting_caseevent")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
