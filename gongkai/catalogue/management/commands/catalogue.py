"""``manage.py catalogue export|import``: the standard catalogue in and out of files.

    catalogue export --format json                 # the current edition to stdout
    catalogue export --format xlsx --output 目录.xlsx
    catalogue import 目录.xlsx --dry-run            # parse, summarise, compare; write nothing
    catalogue import 目录.xlsx --name "2026年修订版"  # publish as the new current edition

An import is all or nothing: a file with any bad row prints every error (row number and reason,
in Chinese, as the clerk who fixes the spreadsheet reads them) and exits with status 1.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.catalogue import importing, services
from gongkai.catalogue.importing import CatalogueInvalid, Changes
from gongkai.catalogue.levels import Importer
from gongkai.catalogue.models import Edition, Item
from gongkai.catalogue.tables import write_table
from gongkai.organisations.models import Organisation


class Command(BaseCommand):
    help = "Export the current catalogue edition, or import a catalogue file as a new edition."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = actions.add_parser("export", help="write the current edition")
        export.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
        export.add_argument("--output", "-o", type=Path, help="file to write (xlsx/csv need it)")
        export.add_argument(
            "--include-local",
            action="store_true",
            help="also export counties' local items (主动拓宽公开范围)",
        )
        load = actions.add_parser("import", help="publish a .json/.xlsx/.csv catalogue")
        load.add_argument("file", type=Path)
        load.add_argument("--dry-run", action="store_true", help="parse and compare only")
        load.add_argument("--name", default="", help="edition name (default: the file's title)")
        load.add_argument(
            "--organisation",
            default="",
            help="code of the body whose catalogue this is (default: the top of the tree); "
            "it decides what a level written 市级 means",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options["format"], options["output"], options["include_local"])
        else:
            self.load(
                options["file"],
                dry_run=options["dry_run"],
                name=options["name"],
                organisation=options["organisation"],
            )

    # -- export ---------------------------------------------------------------------------

    def export(self, fmt: str, output: Path | None, include_local: bool) -> None:
        edition = _current()
        if edition is None:
            raise CommandError("No catalogue edition is published yet; run `catalogue import`.")
        if fmt == "json":
            text = json.dumps(_as_json(edition, include_local), ensure_ascii=False, indent=2)
            if output is None:
                self.stdout.write(text)
                return
            output.write_text(text + "\n", encoding="utf-8")
        elif output is None:
            raise CommandError(f"--output FILE is required for --format {fmt}.")
        else:
            write_table(importing.from_edition(edition, include_local=include_local), output, fmt)
        self.stdout.write(f"Wrote edition “{edition.name}” to {output}.")

    # -- import ---------------------------------------------------------------------------

    def load(self, path: Path, *, dry_run: bool, name: str, organisation: str = "") -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            data = importing.load(path, importer=Importer.of(_importing_body(organisation)))
        except CatalogueInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name}: {len(exc.errors)} error(s); nothing was imported."
            ) from exc
        self.stdout.write(
            f"{path.name}: {len(data.sections)} sections, {data.item_count} items"
            + (f" — {data.title}" if data.title else "")
        )
        for warning in data.warnings:
            self.stdout.write(f"  提示 {warning}")
        current = _current()
        if current is None:
            self.stdout.write("No current edition: every item is new.")
        else:
            changes = importing.compare(importing.from_edition(current), data)
            self.stdout.write(f"Compared with the current edition “{current.name}”:")
            self.report(changes)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        edition = services.publish_edition(data, by=None, name=name, source=path.name)
        self.stdout.write(self.style.SUCCESS(f"Published edition “{edition.name}”."))
        if current is not None:
            self.stdout.write(f"The previous edition “{current.name}” is kept as superseded.")

    def report(self, changes: Changes) -> None:
        if changes.is_empty:
            self.stdout.write("  no item changes")
            return
        self.stdout.write(
            f"  {len(changes.added)} added, {len(changes.removed)} removed, "
            f"{len(changes.changed)} changed, {len(changes.moved)} moved"
        )
        for item in changes.added:
            self.stdout.write(f"  + {item.code} {item.name}")
        for item in changes.removed:
            self.stdout.write(f"  - {item.code} {item.name}")
        for item, fields in changes.changed:
            self.stdout.write(f"  ~ {item.code} {item.name}: {'、'.join(fields)}")
        for item, before, after in changes.moved:
            self.stdout.write(f"  > {item.code} {item.name}: {before} → {after}")


def _importing_body(code: str) -> Organisation | None:
    if code:
        found = Organisation.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"没有编码为“{code}”的机构。")
        return found
    return Organisation.objects.filter(parent__isnull=True).order_by("path").first()


def _current() -> Edition | None:
    try:
        return Edition.objects.current()
    except Edition.DoesNotExist:
        return None


def _as_json(edition: Edition, include_local: bool) -> list[dict[str, Any]]:
    """The export layout promised in the catalogue spec: sections with their items, each item
    led by code, name and the nine catalogue columns (Item.as_export), extras after."""
    items = Item.objects.filter(section__edition=edition).select_related("organisation")
    if not include_local:
        items = items.filter(organisation__isnull=True)
    by_section: dict[int, list[dict[str, Any]]] = {}
    for item in items.order_by("section__order", "order", "code"):
        by_section.setdefault(item.section_id, []).append(item.as_export())
    return [
        {"code": section.code, "name": section.name, "items": by_section.get(section.pk, [])}
        for section in edition.sections.order_by("order", "code")
    ]
