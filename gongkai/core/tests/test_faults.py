"""Faults: a job runner killed mid-publication, a database error mid-transaction, a full disk
on upload, and two reviewers approving at once. Each leaves no partial state.

The first test runs the real huey consumer (``manage.py run_huey``) as a separate process
against its own database (a file SQLite database, or a fresh PostgreSQL database in the
PostgreSQL run) and kills it with SIGKILL while it is inside the publishing transaction.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.records import hooks, services
from gongkai.records.models import Attachment, Record, RecordVersion, Status
from gongkai.testing import make_record

ROOT = Path(__file__).resolve().parents[3]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

# --- (a) a job runner killed during scheduled publication -----------------------------------

#: Run in a child process: the real consumer, with a publish hook that can be made slow so the
#: test can kill the process while the publishing transaction is open.
CONSUMER = """
import os, time
import django
django.setup()
from gongkai.records import hooks

def slow(record, by):
    marker = os.environ.get("GONGKAI_FAULT_MARKER")
    if marker and not os.path.exists(marker):
        open(marker, "w").close()
        time.sleep(120)

hooks.register(hooks.RecordExtension(name="fault-slow-publish", after_publish=[slow]))
from django.core.management import call_command
call_command("run_huey")
"""

SETUP = """
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from gongkai.accounts.models import Role
from gongkai.organisations.models import Kind
from gongkai.records import services
from gongkai.records.models import Record
from gongkai.testing import make_organisation, make_record, make_user

city = make_organisation(kind=Kind.CITY_BUREAU, code="C0001")
county = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="C0100")
clerk = make_user(username="clerk", roles=[Role.CLERK], organisation=county)
doc = make_user(username="doc", roles=[Role.DOCUMENT_REVIEWER], organisation=county)
dis = make_user(username="dis", roles=[Role.DISCLOSURE_REVIEWER], organisation=county)
record = make_record(by=clerk)
record = services.submit(record, by=clerk)
record = services.approve_document(record, by=doc)
record = services.approve_disclosure(record, by=dis)
record = services.schedule(record, by=clerk, at=timezone.now() + timedelta(minutes=5))
# The time comes: move it into the past (schedule() itself refuses a past time).
Record.objects.filter(pk=record.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
print(record.pk)
"""

#: One tick of the periodic job: what the consumer's scheduler enqueues every minute.
TICK = """
import django
django.setup()
from gongkai.records.tasks import publish_scheduled_records
publish_scheduled_records()
"""


class LiveDatabase:
    """Raw read access to the child processes' database, without Django."""

    def __init__(self, url: str) -> None:
        self.url = url

    def scalar(self, sql: str, *params: Any) -> Any:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlparse(self.url).path, timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchone()[0]
        import psycopg

        with psycopg.connect(self.url) as conn:
            row = conn.execute(sql, params).fetchone()
            assert row is not None
            return row[0]


@pytest.fixture
def live_database(tmp_path: Path) -> Any:
    """A migrated database of its own: file SQLite, or a new database on the PostgreSQL server."""
    main_url = os.environ.get("DATABASE_URL", "")
    created = None
    if main_url.startswith("postgres"):
        import psycopg

        name = f"gk_faults_{os.getpid()}"
        admin = urlparse(main_url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        created = (admin, name)
        url = urlparse(main_url)._replace(path=f"/{name}").geturl()
    else:
        url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "faults-test-only",
        "AUDIT_KEY": "faults-test-only-audit-key-0123456789abcdef",
        "DATABASE_URL": url,
        "GONGKAI_VAR_DIR": str(var),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    yield env, LiveDatabase(url)
    if created:
        import psycopg

        admin, name = created
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own code, our own interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip()


def _start_consumer(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own code, our own interpreter
        [sys.executable, "-c", CONSUMER],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(condition: Any, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
def test_a_job_runner_killed_while_publishing_publishes_exactly_once_after_restart(
    live_database: Any, tmp_path: Path
) -> None:
    env, db = live_database
    pk = int(_python(SETUP, env).splitlines()[-1])
    log = tmp_path / "consumer.log"
    marker = tmp_path / "inside-publish"

    def status() -> str:
        return str(db.scalar("SELECT status FROM records_record WHERE id = %s", pk))

    def versions() -> int:
        return int(db.scalar("SELECT COUNT(*) FROM records_recordversion WHERE record_id = %s", pk))

    # 1. The consumer takes the job and is killed inside the publishing transaction.
    slow_env = {**env, "GONGKAI_FAULT_MARKER": str(marker)}
    consumer = _start_consumer(slow_env, log)
    try:
        _python(TICK, env)
        _wait_for(marker.exists, seconds=90, what="the consumer to reach the publish hook")
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=10)
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.wait(timeout=10)
    assert consumer.returncode == -signal.SIGKILL
    assert status() == Status.SCHEDULED  # the open transaction died with the process
    assert versions() == 0

    # 2. Restarted, the next tick of the periodic job publishes it; more ticks change nothing.
    consumer = _start_consumer(env, log)
    try:
        _python(TICK, env)
        _wait_for(lambda: status() == Status.PUBLISHED, seconds=90, what="publication")
        for _ in range(2):
            _python(TICK, env)
        time.sleep(3)  # let the extra ticks run
    finally:
        _stop(consumer)

    assert status() == Status.PUBLISHED, log.read_text(errors="replace")[-3000:]
    assert versions() == 1
    index = db.scalar("SELECT index_number FROM records_record WHERE id = %s", pk)
    assert index
    assert db.scalar("SELECT COUNT(*) FROM records_record WHERE index_number = %s", index) == 1
    assert db.scalar("SELECT SUM(last) FROM records_indexsequence") == 1  # no serial burnt
    assert (
        db.scalar(
            "SELECT COUNT(*) FROM core_auditevent WHERE verb = %s AND object_id = %s",
            "record.publish_scheduled",
            str(pk),
        )
        == 1
    )
    assert (
        db.scalar(
            "SELECT COUNT(*) FROM core_auditevent WHERE verb = %s AND object_id = %s",
            "record.version",
            str(pk),
        )
        == 1
    )


# --- (b) a database error in the middle of a transaction -------------------------------------


def _approved(clerk: Any, document_reviewer: Any, disclosure_reviewer: Any) -> Record:
    record = services.submit(make_record(by=clerk), by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    return services.approve_disclosure(record, by=disclosure_reviewer)


@pytest.mark.django_db
def test_an_integrity_error_in_the_audit_write_leaves_the_record_untouched(
    clerk, document_reviewer, monkeypatch
):
    record = services.submit(make_record(by=clerk), by=clerk)
    events_before = AuditEvent.objects.count()

    def failing_save(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
        raise IntegrityError("injected: duplicate key value violates unique constraint")

    monkeypatch.setattr(AuditEvent, "save", failing_save)
    with pytest.raises(IntegrityError):
        services.approve_document(record, by=document_reviewer)
    monkeypatch.undo()

    fresh = Record.objects.get(pk=record.pk)
    assert fresh.status == Status.SUBMITTED
    assert fresh.document_reviewer is None
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_hook_failing_after_the_version_is_written_leaves_no_partial_publication(
    clerk, document_reviewer, disclosure_reviewer
):
    record = _approved(clerk, document_reviewer, disclosure_reviewer)
    events_before = AuditEvent.objects.count()

    def explode(record: Record, by: Any) -> None:
        # The record row, the version and the index number are written by now.
        assert RecordVersion.objects.filter(record=record).exists()
        raise IntegrityError("injected after the record row changed")

    hooks.register(hooks.RecordExtension(name="fault-explode", after_publish=[explode]))
    try:
        with pytest.raises(IntegrityError):
            services.publish(record, by=clerk)
    finally:
        hooks._registry.pop("fault-explode", None)

    fresh = Record.objects.get(pk=record.pk)
    assert fresh.status == Status.APPROVED
    assert fresh.published_at is None
    assert not fresh.index_number
    assert fresh.current_version is None
    assert not RecordVersion.objects.filter(record=record).exists()
    assert AuditEvent.objects.count() == events_before
    # And it can be published normally afterwards, as number 1.
    published = services.publish(fresh, by=clerk)
    assert published.index_number.endswith("-00001")


@pytest.mark.django_db
def test_a_scheduled_run_that_hits_a_database_error_publishes_nothing_and_can_retry(
    clerk, document_reviewer, disclosure_reviewer
):
    record = _approved(clerk, document_reviewer, disclosure_reviewer)
    record = services.schedule(record, by=clerk, at=timezone.now() + timedelta(minutes=1))
    calls = {"n": 0}

    def explode_once(record: Record, by: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("injected in the scheduled run")

    hooks.register(hooks.RecordExtension(name="fault-once", after_publish=[explode_once]))
    try:
        later = timezone.now() + timedelta(minutes=2)
        with pytest.raises(IntegrityError):
            services.publish_due(later)
        assert Record.objects.get(pk=record.pk).status == Status.SCHEDULED
        assert not RecordVersion.objects.filter(record=record).exists()
        assert services.publish_due(later) == [record.pk]
    finally:
        hooks._registry.pop("fault-once", None)
    assert RecordVersion.objects.filter(record=record).count() == 1
    assert AuditEvent.objects.filter(verb="record.publish_scheduled").count() == 1


# --- (c) the disk fills up during an upload ----------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_a_full_disk_on_upload_gives_the_clerk_a_chinese_message_and_leaves_nothing(
    client, clerk, media, monkeypatch
):
    record = make_record(by=clerk)
    client.force_login(clerk)  # signing in is audited too: count from after it
    events_before = AuditEvent.objects.count()
    real_save = FileSystemStorage._save

    def disk_full(self: FileSystemStorage, name: str, content: Any) -> str:
        # Write part of the file, as a real full disk does, then fail.
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read(10))
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    upload = SimpleUploadedFile("示意图.png", PNG, content_type="image/png")
    response = client.post(
        reverse("records:attach", args=[record.pk]), {"file": upload}, follow=True
    )
    monkeypatch.setattr(FileSystemStorage, "_save", real_save)

    assert response.status_code == 200
    page = response.content.decode()
    assert "附件保存失败" in page and "存储空间不足" in page
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert _files_under(media) == [], "a partly written file was left behind"

    # Space is freed: the same upload now works.
    upload = SimpleUploadedFile("示意图.png", PNG, content_type="image/png")
    client.post(reverse("records:attach", args=[record.pk]), {"file": upload})
    assert Attachment.objects.count() == 1
    assert len(_files_under(media)) == 1


@pytest.mark.django_db
def test_a_database_error_after_the_file_is_stored_removes_the_file(clerk, media, monkeypatch):
    record = make_record(by=clerk)

    def failing_save(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
        raise IntegrityError("injected")

    monkeypatch.setattr(AuditEvent, "save", failing_save)
    with pytest.raises((IntegrityError, ValidationError)):
        services.add_attachment(record, SimpleUploadedFile("a.png", PNG), "a.png", by=clerk)
    monkeypatch.undo()
    assert not Attachment.objects.exists()
    assert _files_under(media) == [], "the stored file outlived the rolled-back row"


# --- (d) two reviewers approving at once ---------------------------------------------------------


@pytest.mark.django_db
def test_on_sqlite_or_postgres_the_second_approval_of_the_same_record_is_refused(
    clerk, document_reviewer, county
):
    from gongkai.accounts.models import Role
    from gongkai.testing import make_user

    second = make_user(username="docreviewer2", roles=[Role.DOCUMENT_REVIEWER], organisation=county)
    record = services.submit(make_record(by=clerk), by=clerk)
    stale = Record.objects.get(pk=record.pk)  # the second reviewer's page, loaded at the same time
    services.approve_document(record, by=document_reviewer)
    with pytest.raises(TransitionNotAllowed, match="当前状态"):
        services.approve_document(stale, by=second)
    fresh = Record.objects.get(pk=record.pk)
    assert fresh.status == Status.DOCUMENT_REVIEWED
    assert fresh.document_reviewer == document_reviewer
    assert AuditEvent.objects.filter(verb="record.approve_document").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_the_same_instant_make_exactly_one_transition(county):
    """Two threads, two connections, released together by a barrier. On PostgreSQL the row
    lock makes the second wait and then find the record moved. The in-memory SQLite test
    database cannot hold two writing connections (shared-cache table locks), so there the two
    approvals are interleaved on one connection: the second, from a stale page, is refused."""
    from gongkai.accounts.models import Role
    from gongkai.testing import make_user

    clerk = make_user(username="clerk", roles=[Role.CLERK], organisation=county)
    reviewers = [
        make_user(username=f"rev{i}", roles=[Role.DOCUMENT_REVIEWER], organisation=county)
        for i in range(2)
    ]
    record = services.submit(make_record(by=clerk), by=clerk)
    if connection.vendor != "postgresql":
        stale = [Record.objects.get(pk=record.pk) for _ in reviewers]
        services.approve_document(stale[0], by=reviewers[0])
        with pytest.raises(TransitionNotAllowed):
            services.approve_document(stale[1], by=reviewers[1])
        assert AuditEvent.objects.filter(verb="record.approve_document").count() == 1
        return
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(reviewer: Any) -> None:
        try:
            stale = Record.objects.get(pk=record.pk)
            barrier.wait()
            services.approve_document(stale, by=reviewer)
            result = "ok"
        except (TransitionNotAllowed, PermissionDenied) as exc:
            result = f"refused: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert AuditEvent.objects.filter(verb="record.approve_document").count() == 1
    fresh = Record.objects.get(pk=record.pk)
    assert fresh.status == Status.DOCUMENT_REVIEWED
    assert fresh.document_reviewer in reviewers


@pytest.mark.django_db
def test_every_app_upload_leaves_nothing_behind_on_a_full_disk(county, media, monkeypatch):
    """Uploads in other apps go through the same helper (records.uploads.save_with_file): a
    concern screenshot on a full disk is refused clearly with no row, no audit and no file."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from gongkai.accounts.models import Role
    from gongkai.concerns.models import Screenshot
    from gongkai.concerns.services import add_screenshot
    from gongkai.concerns.testing import make_concern
    from gongkai.testing import make_user

    officer = make_user(roles=[Role.CONCERN_OFFICER], organisation=county)
    concern = make_concern(by=officer, discovered_at=timezone.now() - timedelta(hours=1))
    events_before = AuditEvent.objects.count()

    def disk_full(self: FileSystemStorage, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read(10))
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    with pytest.raises(ValidationError, match="存储空间不足"):
        add_screenshot(concern, io.BytesIO(PNG), "截图.png", by=officer)

    assert not Screenshot.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert _files_under(media) == []
