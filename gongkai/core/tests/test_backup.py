"""Backup and restore: a snapshot restored into an empty instance holds the same rows, the
same audit chain and the same files; a damaged or interrupted backup is refused."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongkai.accounts.models import Role
from gongkai.core.audit import record_event
from gongkai.core.backup import BackupError, backup, restore, table_counts
from gongkai.core.models import AuditChainHead
from gongkai.testing import make_record, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_instance(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings of a new, empty database of the same kind as the one under test."""
    current = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {"ENGINE": current["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{current['NAME']}_restore"
    params = {
        "host": current.get("HOST") or None,
        "port": current.get("PORT") or None,
        "user": current.get("USER") or None,
        "password": current.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**current, "NAME": name}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_counts(target: dict[str, Any]) -> tuple[dict[str, int], str]:
    """Row counts per table and the audit head hash, read straight from the target."""
    tables = list(table_counts())
    if connection.vendor == "sqlite":
        db = sqlite3.connect(target["NAME"])
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        head = db.execute("SELECT last_hash FROM core_auditchainhead WHERE id = 1").fetchone()[0]
        db.close()
        return counts, head
    with psycopg.connect(
        dbname=target["NAME"],
        host=target.get("HOST") or None,
        port=target.get("PORT") or None,
        user=target.get("USER") or None,
        password=target.get("PASSWORD") or None,
    ) as db:
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        head = db.execute("SELECT last_hash FROM core_auditchainhead WHERE id = 1").fetchone()[0]
    return counts, head


def some_content(county: Any, media: Path) -> Path:
    clerk = make_user(roles=[Role.CLERK], organisation=county)
    for n in range(3):
        make_record(by=clerk, organisation=county, title=f"备份测试信息{n}")
    record_event("test.backup", target=county, note="备份前的最后一条")
    upload = media / "attachments" / "2026" / "11" / "abc123.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 test attachment\n")
    return upload


def test_a_backup_restored_into_an_empty_instance_is_the_same(
    county, media, tmp_path, empty_instance
):
    upload = some_content(county, media)
    live_counts = table_counts()
    live_head = AuditChainHead.objects.get(pk=1).last_hash

    folder = backup(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    new_media = tmp_path / "restored-media"
    report = restore(folder, settings_dict=empty_instance, media_root=new_media)

    counts, head = restored_counts(empty_instance)
    assert counts == live_counts == manifest["tables"]
    assert counts["records_record"] == 3
    assert head == live_head == manifest["audit_head"]
    restored_file = new_media / upload.relative_to(media)
    assert restored_file.read_bytes() == upload.read_bytes()
    assert report.files == 1
    assert report.rows == sum(live_counts.values())


def test_a_damaged_backup_is_refused_before_anything_is_touched(
    county, media, tmp_path, empty_instance
):
    some_content(county, media)
    folder = backup(tmp_path / "backups")
    damaged = next((folder / "media").rglob("*.pdf"))
    damaged.write_bytes(b"%PDF-1.4 something else\n")

    with pytest.raises(BackupError, match="checksum mismatch"):
        restore(folder, settings_dict=empty_instance, media_root=tmp_path / "m2")

    assert not (tmp_path / "m2").exists()


def test_an_interrupted_backup_without_manifest_is_refused(county, media, tmp_path):
    folder = backup(tmp_path / "backups")
    (folder / "manifest.json").unlink()

    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(folder), "--verify-only")


def test_restore_refuses_a_database_that_already_has_data(county, media, tmp_path):
    some_content(county, media)
    folder = backup(tmp_path / "backups")

    with pytest.raises(CommandError, match="already has data") as error:
        call_command("restore", str(folder))

    assert error.value.returncode == 1


def test_backup_command_reports_what_it_wrote(county, media, tmp_path):
    some_content(county, media)
    out = io.StringIO()

    call_command("backup", str(tmp_path / "b"), stdout=out)

    assert "backup written to" in out.getvalue()
    (folder,) = (tmp_path / "b").iterdir()
    files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    database_file = "db.sqlite3" if connection.vendor == "sqlite" else "db.dump"
    assert set(files) == {database_file, "media/attachments/2026/11/abc123.pdf"}
    verified = io.StringIO()
    call_command("restore", str(folder), "--verify-only", stdout=verified)
    assert "backup intact: 2 files verified" in verified.getvalue()


def test_the_manifest_carries_the_signed_audit_head_and_verify_checks_against_it(
    county, media, tmp_path, settings
):
    """The backup is an anchor kept off the database: rows removed after it are reported."""
    from gongkai.core.models import AuditEvent

    from .test_audit import drop_triggers

    settings.GONGKAI_AUDIT_ANCHOR_FILE = tmp_path / "no-anchor-file.jsonl"
    some_content(county, media)
    kept = record_event("test.before-newest")
    newest = record_event("test.newest")
    folder = backup(tmp_path / "backups")
    manifest_file = folder / "manifest.json"
    anchor = json.loads(manifest_file.read_text(encoding="utf-8"))["audit_anchor"]
    assert anchor["event_id"] == newest.id and anchor["hash"] == newest.hash
    call_command("audit", "verify", "--anchors", str(manifest_file))

    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [newest.id])
        cursor.execute("UPDATE core_auditchainhead SET last_hash = %s", [kept.hash])
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", "--anchors", str(manifest_file))
    assert error.value.returncode == 1 and f"event {newest.id}" in str(error.value)
