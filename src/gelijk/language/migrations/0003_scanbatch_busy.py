from django.db import migrations, models


def mark_working_batches(apps, schema_editor):
    # Existing batches that are still queued or running hold the lock; if there are several
    # (possible before the constraint), the newest keeps it and the others are marked failed.
    ScanBatch = apps.get_model("language", "ScanBatch")
    working = ScanBatch.objects.filter(status__in=["queued", "running"]).order_by("-pk")
    for i, batch in enumerate(working):
        if i == 0:
            batch.busy = True
            batch.save(update_fields=["busy"])
        else:
            batch.status = "failed"
            batch.error = "Gestopt: een nieuwere batchscan liep tegelijk."
            batch.save(update_fields=["status", "error"])


class Migration(migrations.Migration):
    dependencies = [("language", "0002_letterversion_append_only")]

    operations = [
        migrations.AddField(
            model_name="scanbatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scanbatch",
            name="busy",
            field=models.BooleanField(editable=False, null=True, default=None),
        ),
        migrations.RunPython(mark_working_batches, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="scanbatch",
            name="busy",
            field=models.BooleanField(default=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="scanbatch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("busy", True)),
                fields=("busy",),
                name="language_one_batch_at_a_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="scanbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("busy__isnull", True), ("status__in", ["queued", "running"]), _connector="OR"
                ),
                name="language_batch_busy_only_while_working",
            ),
        ),
    ]
