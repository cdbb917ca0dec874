"""``restore DIR`` — bring a backup back after checking every checksum (see core/backup.py).

Stop the web server and the job runner first. A database that already has data is only
overwritten with ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "Restore a backup made by `backup` (checks every checksum first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="the backup folder (gongkai-YYYYmmdd-…)")
        parser.add_argument("--verify-only", action="store_true", help="check, restore nothing")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already has data"
        )

    def handle(
        self, *args: Any, directory: Path, verify_only: bool, force: bool, **options: Any
    ) -> None:
        try:
            if verify_only:
                manifest = verify(directory)
                self.stdout.write(
                    self.style.SUCCESS(f"backup intact: {len(manifest['files'])} files verified")
                )
                return
            report = restore(directory, force=force)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {report.rows} rows in {report.tables} tables and {report.files} files; "
                "run `manage.py audit verify` to check the audit chain"
            )
        )
