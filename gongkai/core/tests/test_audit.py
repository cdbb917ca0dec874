from __future__ import annotations

import pytest
from django.db import connection

from gongkai.core.audit import record_event, verify_chain
from gongkai.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


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
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [victim.id])
    broken = verify_chain()
    assert broken is not None and broken.event_id == after.id
