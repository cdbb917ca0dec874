"""manage.py annual_report (also ``manage.py annual-report``) --org CODE --year YYYY"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.organisations.models import Organisation
from gongkai.supervision import annual
from gongkai.supervision.annual import layout


class Command(BaseCommand):
    help = "年度报告：输出表二、表三、表四及勾稽关系检查结果。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="机构编码")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"没有编码为“{options['org']}”的机构。")
        tables = annual.compute_tables(org, options["year"])
        errors = annual.check_tables(tables)
        if options["format"] == "json":
            payload = {
                "organisation": org.code,
                "year": options["year"],
                "tables": tables,
                "rows": dict(annual.ROWS),
                "columns": dict(annual.COLUMNS),
                "errors": errors,
                "warnings": annual.table_two_warnings(org, options["year"], tables["two"]),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            for table in layout.tables(tables).values():
                self.stdout.write(table.caption)
                for row in table.grid():
                    self.stdout.write("\t".join(cell.text if cell else "" for cell in row))
        if errors:
            raise CommandError("勾稽关系不成立：" + "；".join(errors))
