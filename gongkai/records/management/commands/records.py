"""``manage.py records import`` — bring an existing site's records in from a spreadsheet;
``manage.py records rebuild-public`` — rebuild the public rows and their kept counts.

    records import 旧网站信息.xlsx --attachments 附件/ --dry-run   # check only, write nothing
    records import 旧网站信息.xlsx --attachments 附件/ --as county_clerk
    records rebuild-public   # after bulk SQL or a repair: then `search reindex`

A refused file prints every row error on stderr (row number and reason, in Chinese, as the
clerk fixing the spreadsheet reads them) and exits with status 1; nothing is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongkai.accounts.models import User
from gongkai.records.importing import COLUMNS, import_records


class Command(BaseCommand):
    help = "从原网站迁移政府信息（xlsx，逐行检查，全部成功才导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{import,rebuild-public}"
        )
        actions.add_parser("rebuild-public", help="重建公开信息及其计数（公开页面读取的数据）")
        importing = actions.add_parser(
            "import",
            help="导入政府信息表（列：" + "、".join(header for _, header, _ in COLUMNS) + "）",
        )
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--attachments", type=Path, metavar="DIR", help="附件所在目录（“附件”列中的文件名）"
        )
        importing.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        importing.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="导入人：作为制作人并记入审计日志（须有相应机构的信息制作权限）",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "rebuild-public":
            from gongkai.portal import pagecache  # every cached page may show a changed row
            from gongkai.records.public import rebuild

            with transaction.atomic():
                done = rebuild()
            pagecache.purge()
            self.stdout.write(
                self.style.SUCCESS(f"已重建 {done} 条公开信息及其计数；请再运行 search reindex。")
            )
            return
        if action == "import":
            self.import_file(
                options["file"],
                attachments=options["attachments"],
                dry_run=options["dry_run"],
                username=options["as_user"],
            )

    def import_file(
        self, path: Path, *, attachments: Path | None, dry_run: bool, username: str | None
    ) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}", returncode=1)
        if attachments is not None and not attachments.is_dir():
            raise CommandError(f"附件目录不存在：{attachments}", returncode=1)
        by = None
        if username:
            by = User.objects.filter(username=username, is_active=True).first()
            if by is None:
                raise CommandError(f"用户“{username}”不存在或已停用。", returncode=1)
        report = import_records(path, attachments_dir=attachments, by=by, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(f"提示：{warning}")
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))
