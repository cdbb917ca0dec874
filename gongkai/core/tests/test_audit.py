from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from gongkai.core.audit import record_event, verify_chain
from gongkai.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

triggers = importlib.import_module("gongkai.core.migrations.0002_audit_append_only_triggers")


def drop_triggers() -> None:
    """Tamper as someone with DDL rights would: the triggers go first, the chain remains."""
    statements = {"sqlite": triggers.SQLITE_DROP, "postgresql": triggers.POSTGRES_DROP}
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)


def install_triggers() -> None:
    statements = {"sqlite": triggers.SQLITE_CREATE, "postgresql": triggers.POSTGRES_CREATE}
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)


def test_the_database_refuses_to_change_or_delete_audit_rows(county):
    install_triggers()  # what migration 0002 does outside the test settings
    event = record_event("test.one", target=county)
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET note = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.id])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_events_form_a_verifiable_chain(county):
    first = record_event("test.one", target=county, note="甲")
    second = record_event("test.two", target=county, data={"n": 1})
    assert second.prev_hash == first.hash
    assert verify_chain() is None


def test_audit_rows_cannot_be_edited_or_deleted_through_the_application(county):
    event = record_event("test.one", target=county)
    event.note = "改过"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_verify_reports_the_first_tampered_row(county):
    record_event("test.one", target=county)
    victim = record_event("test.two", target=county, note="原文")
    record_event("test.three", target=county)
    drop_triggers()
    with connection.cursor() as cursor:  # tampering behind the application's back
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET note = %s WHERE id = %s", ["篡改", victim.id]
        )
    broken = verify_chain()
    assert broken is not None and broken.event_id == victim.id


def test_verify_notices_a_deleted_row(county):
    record_event("test.one", target=county)
    victim = record_event("test.two", target=county)
    after = record_event("test.three", target=county)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [victim.id])
    broken = verify_chain()
    assert broken is not None and broken.event_id == after.id


def test_audit_verify_command_passes_an_intact_chain(county, capsys):
    record_event("test.one", target=county)
    record_event("test.two", target=county)

    call_command("audit", "verify")

    count = AuditEvent.objects.count()
    assert f"audit chain intact: {count} events verified" in capsys.readouterr().out


def test_audit_verify_command_names_the_first_broken_link_and_exits_1(county):
    record_event("test.one", target=county)
    victim = record_event("test.two", target=county)
    record_event("test.three", target=county)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET note = %s WHERE id = %s", ["改", victim.id]
        )

    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")

    assert error.value.returncode == 1
    assert f"event {victim.id}" in str(error.value)
