"""Audit rows name the key that signed them (docs/decisions/0013).

On SQLite, adding a column remakes the table, which drops its triggers: they are put back
(as migration 0002 made them, and only where 0002 made them).
"""

import importlib

from django.conf import settings
from django.db import migrations, models

append_only = importlib.import_module("gongkai.core.migrations.0002_audit_append_only_triggers")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL adds the column in place; its triggers stay
    for sql in append_only.SQLITE_DROP:
        schema_editor.execute(sql)
    if getattr(settings, "GONGKAI_AUDIT_DB_TRIGGERS", True):
        for sql in append_only.SQLITE_CREATE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="签名密钥"),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
