"""``backup DIR`` — a consistent snapshot of the database and uploaded files (core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database and the uploaded files, with a checksum manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="where the backup folder is created")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            folder = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        manifest = read_manifest(folder)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {folder}: {rows} rows in {len(manifest['tables'])} tables, "
                f"{len(manifest['files'])} files"
            )
        )
