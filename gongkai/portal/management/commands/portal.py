from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.portal.export import ExportError, export_site, export_size


class Command(BaseCommand):
    help = "Public column tools: `portal export DIR` writes it as a static site."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the public column as a static site")
        export.add_argument("directory")

    def handle(self, *args: Any, action: str, directory: str, **options: Any) -> None:
        target = Path(directory)
        try:
            report = export_site(target)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Exported {report.pages} pages and {report.files} files "
            f"({export_size(target) / 1e6:.1f} MB) to {target}. Open {target / 'index.html'}."
        )
        for item in report.skipped:
            self.stderr.write(f"skipped: {item}")
