"""Consistent backups and restores: the database and the uploaded files, with a manifest.

A backup is a folder::

    gongkai-20261130-021500/
      db.sqlite3 | db.dump      SQLite online-backup copy, or pg_dump's custom format
      media/...                 every uploaded file (attachments, screenshots, letters)
      manifest.json             sizes and SHA-256 of every file, row counts, audit head and
                                its signed anchor (``audit verify --anchors manifest.json``)

The database goes first (one consistent snapshot: SQLite's online backup API, pg_dump's
single-transaction snapshot), the files after it. Files are written under random names
before the rows that point to them commit, so every file the snapshot names is there; a few
newer files may come along, which is harmless. The manifest is written last and atomically:
a folder without one is an interrupted backup and ``restore`` refuses it.

``restore`` checks every checksum before it touches anything, refuses a database of another
kind, and refuses to overwrite a database that already has data unless told to.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


# --- Backup -------------------------------------------------------------------------------


def backup(target_dir: Path, *, now: datetime | None = None) -> Path:
    """Write a new backup folder under ``target_dir`` and return its path."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    folder = Path(target_dir) / f"gongkai-{stamp}"
    if folder.exists():
        raise BackupError(f"{folder} already exists")
    folder.mkdir(parents=True)
    vendor = connection.vendor
    if vendor == "sqlite":
        database_file = folder / "db.sqlite3"
        _sqlite_backup(database_file)
    elif vendor == "postgresql":
        database_file = folder / "db.dump"
        _pg_dump(connection.settings_dict, database_file)
    else:  # pragma: no cover - settings only offer these two
        raise BackupError(f"unsupported database: {vendor}")
    counts = table_counts(database_file if vendor == "sqlite" else None)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, folder / "media", symlinks=False)
    else:
        (folder / "media").mkdir()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": vendor,
        "database_file": database_file.name,
        "migrations": _latest_migrations(),
        "tables": counts,
        "audit_head": _audit_head(),
        "audit_anchor": _audit_anchor(),
        "files": {
            path.relative_to(folder).as_posix(): {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        },
    }
    partial = folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, folder / MANIFEST)
    return folder


def _sqlite_backup(destination: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_dump(settings_dict: dict[str, Any], destination: Path) -> None:
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(destination),
            settings_dict["NAME"],
        ],
        env=_pg_env(settings_dict),
    )


def _run(args: list[str], *, env: dict[str, str]) -> None:
    try:
        subprocess.run(args, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (PostgreSQL client tools)") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{args[0]} failed: {exc.stderr.strip()[:500]}") from None


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest


def _audit_head() -> str:
    from gongkai.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    return head.last_hash if head else ""


def _audit_anchor() -> dict[str, Any] | None:
    """The signed head at backup time (core/audit.py), also written to the log: a copy of the
    chain's head outside the database, kept with the backup."""
    from gongkai.core.audit import logger, sign_head

    anchor = sign_head()
    if anchor is None:
        return None
    logger.info("audit-anchor %s", json.dumps(anchor.as_dict(), sort_keys=True))
    return anchor.as_dict()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted({model._meta.db_table for model in apps.get_models() if model._meta.managed})


def table_counts(sqlite_file: Path | None = None, *, alias: str = "default") -> dict[str, int]:
    """Rows per table of the Django models: of a SQLite file, or of a configured database."""
    tables = _tables()
    if sqlite_file is not None:
        db = sqlite3.connect(sqlite_file)
        try:
            present = {
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            return {
                t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables
                if t in present
            }
        finally:
            db.close()
    present_tables = set(connections[alias].introspection.table_names())
    counts = {}
    with connections[alias].cursor() as cursor:
        for table in tables:
            if table in present_tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own names
                counts[table] = cursor.fetchone()[0]
    return counts


# --- Restore ------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup, or an interrupted one")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """Check every file of the backup against the manifest; raise on the first difference."""
    manifest = read_manifest(folder)
    for name, expected in manifest["files"].items():
        path = Path(folder) / name
        if not path.is_file():
            raise BackupError(f"missing from the backup: {name}")
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"checksum mismatch: {name} (the backup is damaged)")
    return manifest


def restore(
    folder: Path,
    *,
    settings_dict: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> RestoreReport:
    """Restore the backup in ``folder`` into the database ``settings_dict`` (default: this
    instance's) and the files into ``media_root`` (default: MEDIA_ROOT)."""
    folder = Path(folder)
    manifest = verify(folder)
    target = settings_dict or connection.settings_dict
    vendor = "sqlite" if "sqlite" in target["ENGINE"] else "postgresql"
    if vendor != manifest["database"]:
        raise BackupError(
            f"the backup is of a {manifest['database']} database; this one is {vendor}"
        )
    media_target = Path(media_root or settings.MEDIA_ROOT)
    if not force and (_has_data(target, vendor) or _has_files(media_target)):
        raise BackupError(
            "the target already has data; restore into an empty instance or use --force"
        )
    database_file = folder / manifest["database_file"]
    if vendor == "sqlite":
        _sqlite_restore(database_file, Path(target["NAME"]))
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                target["NAME"],
                str(database_file),
            ],
            env=_pg_env(target),
        )
    files = 0
    media_backup = folder / "media"
    for path in sorted(media_backup.rglob("*")):
        if path.is_file():
            destination = media_target / path.relative_to(media_backup)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            files += 1
    counts = manifest["tables"]
    return RestoreReport(tables=len(counts), rows=sum(counts.values()), files=files)


def _sqlite_restore(source_file: Path, destination: Path) -> None:
    if str(destination) in {":memory:", ""}:
        raise BackupError("cannot restore into an in-memory database")
    connections.close_all()
    source = sqlite3.connect(source_file)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _has_data(target: dict[str, Any], vendor: str) -> bool:
    if vendor == "sqlite":
        path = Path(target["NAME"])
        if not path.exists():
            return False
        db = sqlite3.connect(path)
        try:
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            return "core_auditevent" in names and bool(
                db.execute("SELECT 1 FROM core_auditevent LIMIT 1").fetchone()
            )
        finally:
            db.close()
    import psycopg

    with psycopg.connect(
        dbname=target["NAME"],
        host=target.get("HOST") or None,
        port=target.get("PORT") or None,
        user=target.get("USER") or None,
        password=target.get("PASSWORD") or None,
    ) as pg:
        exists = pg.execute("SELECT to_regclass('core_auditevent')").fetchone()
        if not exists or exists[0] is None:
            return False
        return pg.execute("SELECT 1 FROM core_auditevent LIMIT 1").fetchone() is not None


def _has_files(media_root: Path) -> bool:
    return media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))
