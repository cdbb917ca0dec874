"""The keyed audit chain and its anchors (docs/decisions/0013).

The attacker here has the database (they can drop the triggers, edit rows and recompute
hashes) but not the audit key, which is kept outside the database. Before the chain was keyed,
recomputing SHA-256 after an edit, or deleting the newest rows and moving the head back,
left `audit verify` saying "intact".
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongkai.core.audit import (
    KEY_SWITCH,
    Anchor,
    anchor_head,
    key_id,
    read_anchors,
    record_event,
    verify,
    verify_chain,
)
from gongkai.core.models import AuditChainHead, AuditEvent

from .test_audit import drop_triggers

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
OLD_KEY = "an-older-audit-key-that-was-retired-0123456789"
NEW_KEY = "the-current-audit-key-kept-outside-the-db-987654"


@pytest.fixture
def anchors(settings: Any, tmp_path: Path) -> Path:
    settings.GONGKAI_AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.GONGKAI_AUDIT_ANCHOR_FILE


def unkeyed_sha256(row: dict[str, Any]) -> str:
    """What someone without the key can compute: the published, unkeyed digest of a row."""
    payload = {
        "at": row["at"],
        "actor": row["actor_id"],
        "actor_name": row["actor_name"],
        "ip": row["ip"],
        "verb": row["verb"],
        "content_type": row["content_type_id"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "from": row["from_status"],
        "to": row["to_status"],
        "note": row["note"],
        "data": row["data"],
        "prev": row["prev_hash"],
    }
    if row.get("key_id"):
        payload["key"] = row["key_id"]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rewrite_from(first_id: int, *, note: str | None = None, drop_key: bool = False) -> None:
    """Edit row ``first_id`` and recompute the chain from it with SHA-256, as an insider with
    database access would; the head is moved to the new last hash."""
    drop_triggers()
    rows = list(AuditEvent.objects.filter(id__gte=first_id).order_by("id"))
    previous = AuditEvent.objects.filter(id__lt=first_id).order_by("-id").first()
    prev_hash = previous.hash if previous else ""
    with connection.cursor() as cursor:
        for event in rows:
            row = {
                "at": event.at.isoformat(),
                "actor_id": event.actor_id,
                "actor_name": event.actor_name,
                "ip": event.ip,
                "verb": event.verb,
                "content_type_id": event.content_type_id,
                "object_id": event.object_id,
                "object_repr": event.object_repr,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": note if (note is not None and event.id == first_id) else event.note,
                "data": event.data,
                "prev_hash": prev_hash,
                "key_id": "" if drop_key else event.key_id,
            }
            new_hash = unkeyed_sha256(row)
            cursor.execute(
                f"UPDATE {TABLE} SET note = %s, prev_hash = %s, hash = %s, key_id = %s "
                "WHERE id = %s",
                [row["note"], prev_hash, new_hash, row["key_id"], event.id],
            )
            prev_hash = new_hash
        cursor.execute(
            "UPDATE core_auditchainhead SET last_hash = %s, key_id = %s WHERE id = 1",
            [prev_hash, "" if drop_key else AuditChainHead.objects.get(pk=1).key_id],
        )


def start_empty_chain() -> None:
    """A new installation's empty chain (the test database holds rows from migrate)."""
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute("DELETE FROM core_auditchainhead")


def truncate_after(last_kept: AuditEvent) -> None:
    """Delete every row after ``last_kept`` and move the head back to it."""
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id > %s", [last_kept.id])
        cursor.execute(
            "UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [last_kept.hash]
        )


def test_the_switch_row_has_a_chinese_label():
    from gongkai.core.verbs import Verb, label

    assert KEY_SWITCH == Verb.AUDIT_KEY_SWITCH and label(KEY_SWITCH).startswith("审计：")


def test_rows_are_signed_with_the_key_kept_outside_the_database(county, settings):
    event = record_event("test.one", target=county, note="甲")
    assert event.key_id == key_id(settings.GONGKAI_AUDIT_KEYS[0])
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    row["at"] = event.at.isoformat()
    assert event.hash != unkeyed_sha256(row)  # not computable without the key
    assert verify_chain() is None


@pytest.mark.parametrize("drop_key", [False, True], ids=["keeping-key-id", "marked-unkeyed"])
def test_a_row_edited_and_the_chain_recomputed_without_the_key_is_reported(
    county, anchors, drop_key
):
    record_event("test.one", target=county)
    victim = record_event("test.two", target=county, note="原文")
    record_event("test.three", target=county)

    rewrite_from(victim.id, note="篡改", drop_key=drop_key)

    broken = verify_chain()
    assert broken is not None and broken.event_id == victim.id
    assert "签名" in broken.reason
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1 and f"event {victim.id}" in str(error.value)


def test_a_whole_chain_recomputed_without_the_key_is_reported_by_its_anchor(county, anchors):
    record_event("test.one", target=county)
    record_event("test.two", target=county)
    anchored = anchor_head()
    assert anchored is not None
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None

    rewrite_from(first.id, note="整条链重算", drop_key=True)  # every row "unkeyed", head too
    assert verify(anchors=[]).intact  # in itself the recomputed chain holds

    problems = verify().problems
    assert [p.event_id for p in problems] == [anchored.event_id]
    assert "哈希与现存记录不符" in problems[0].reason


def test_removing_the_newest_rows_and_moving_the_head_back_is_reported(county, anchors):
    kept = record_event("test.one", target=county)
    record_event("test.two", target=county)
    newest = record_event("test.three", target=county)
    anchor_head()  # the daily anchor

    truncate_after(kept)

    result = verify()
    assert not result.intact
    assert [p.event_id for p in result.problems] == [newest.id]
    assert "已不存在" in result.problems[0].reason
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1 and f"event {newest.id}" in str(error.value)


def test_an_intact_chain_matches_its_anchors(county, anchors, capsys):
    record_event("test.one", target=county)
    anchor_head()
    record_event("test.two", target=county)
    anchor_head()
    record_event("test.three", target=county)  # rows after the newest anchor are fine

    call_command("audit", "verify")

    count = AuditEvent.objects.count()
    assert f"{count} events verified ({count} signed), 2 anchors match" in capsys.readouterr().out


def test_a_forged_or_edited_anchor_is_reported(county, anchors):
    event = record_event("test.one", target=county)
    anchor = anchor_head()
    assert anchor is not None
    forged = Anchor(event.id, "0" * 64, anchor.at, anchor.key, anchor.mac)
    problems = verify(anchors=[anchor, forged]).problems
    assert len(problems) == 1 and "签名无效" in problems[0].reason


def test_the_anchor_goes_to_the_log_and_the_file_and_the_command_reads_either(
    county, anchors, tmp_path, caplog
):
    record_event("test.one", target=county)
    with caplog.at_level(logging.INFO, logger="gongkai.audit"):
        call_command("audit", "anchor")
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "\n".join(f"2026-01-01 00:17:00 INFO {r.name}: {r.getMessage()}" for r in caplog.records)
    )
    from_log = read_anchors(log)
    from_file = read_anchors(anchors)
    assert len(from_log) == len(from_file) == 1
    assert from_log[0].as_dict() == from_file[0].as_dict()
    call_command("audit", "verify", "--anchors", str(log))


def test_the_job_runner_anchors_the_head_every_day(county, anchors):
    from datetime import datetime

    from gongkai.core.tasks import anchor_audit_head

    event = record_event("test.one", target=county)
    anchor_audit_head.call_local()
    assert [a.event_id for a in read_anchors(anchors)] == [event.id]
    # Once a day, just after midnight.
    task = anchor_audit_head.task_class()
    assert task.validate_datetime(datetime(2026, 1, 1, 0, 17))
    assert not task.validate_datetime(datetime(2026, 1, 1, 13, 17))


def test_an_unkeyed_chain_switches_to_the_key_with_a_row_that_says_so(settings):
    start_empty_chain()
    settings.GONGKAI_AUDIT_KEYS = []  # an installation from before the key
    legacy = [record_event("test.old", note=str(n)) for n in range(2)]
    assert all(e.key_id == "" for e in legacy)

    settings.GONGKAI_AUDIT_KEYS = [NEW_KEY]
    event = record_event("test.new")

    switch = AuditEvent.objects.get(verb=KEY_SWITCH)
    assert switch.prev_hash == legacy[-1].hash
    assert switch.key_id == event.key_id == key_id(NEW_KEY)
    assert switch.data == {"from_key": "", "to_key": key_id(NEW_KEY)}
    assert event.prev_hash == switch.hash
    assert verify_chain() is None

    # The old rows are protected from the switch on: recomputing them breaks the link.
    rewrite_from_legacy = legacy[0]
    drop_triggers()
    with connection.cursor() as cursor:
        row = AuditEvent.objects.filter(pk=rewrite_from_legacy.pk).values().get()
        row["at"] = rewrite_from_legacy.at.isoformat()
        row["note"] = "改过"
        new_first = unkeyed_sha256(row)
        second = AuditEvent.objects.filter(pk=legacy[1].pk).values().get()
        second["at"] = legacy[1].at.isoformat()
        second["prev_hash"] = new_first
        cursor.execute(
            f"UPDATE {TABLE} SET note = %s, hash = %s WHERE id = %s",
            ["改过", new_first, legacy[0].id],
        )
        cursor.execute(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
            [new_first, unkeyed_sha256(second), legacy[1].id],
        )
    broken = verify_chain()
    assert broken is not None and broken.event_id == switch.id


def test_a_new_key_is_recorded_and_retired_keys_still_verify(settings):
    start_empty_chain()
    settings.GONGKAI_AUDIT_KEYS = [OLD_KEY]
    record_event("test.one")
    settings.GONGKAI_AUDIT_KEYS = [NEW_KEY, OLD_KEY]  # AUDIT_KEY_FILE: new key first
    record_event("test.two")
    switch = AuditEvent.objects.get(verb=KEY_SWITCH)
    assert switch.data == {"from_key": key_id(OLD_KEY), "to_key": key_id(NEW_KEY)}
    assert verify_chain() is None

    settings.GONGKAI_AUDIT_KEYS = [NEW_KEY]  # the retired key was lost
    broken = verify_chain()
    assert broken is not None and "未配置" in broken.reason


def test_a_signed_chain_refuses_unsigned_rows_when_the_key_is_missing(county, settings):
    record_event("test.one", target=county)
    settings.GONGKAI_AUDIT_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="AUDIT_KEY"):
        record_event("test.two", target=county)


def test_the_audit_log_page_check_uses_the_anchor_file(county, anchors):
    """verify_chain() (used by the audit log page) reads AUDIT_ANCHOR_FILE by itself."""
    kept = record_event("test.one", target=county)
    record_event("test.two", target=county)
    anchor_head()
    truncate_after(kept)
    broken = verify_chain()
    assert broken is not None and "已不存在" in broken.reason


@pytest.mark.parametrize(
    "debug,keys,expected",
    [
        (False, [], ["gongkai.E001"]),
        (True, [], []),
        (False, ["short"], ["gongkai.E002"]),
        (False, [NEW_KEY], []),
    ],
)
def test_a_missing_audit_key_is_a_system_check_error_in_production(settings, debug, keys, expected):
    from gongkai.core.checks import audit_key

    settings.DEBUG = debug
    settings.GONGKAI_AUDIT_KEYS = keys
    assert [m.id for m in audit_key()] == expected
