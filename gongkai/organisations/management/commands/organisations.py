"""``manage.py organisations import|export|tree`` — the organisation tree from the shell.

A failed import prints every row error on stderr and exits with status 1, so scripts and CI
can tell a refused file from a successful one.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.organisations.models import Organisation
from gongkai.organisations.services import (
    export_organisations,
    import_organisations,
    write_organisations_csv,
)


class Command(BaseCommand):
    help = "导入、导出或查看机构树。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser(
            "import", help="从 CSV 或 xlsx 文件导入机构（按编码新建或更新）"
        )
        importing.add_argument("file", type=Path)
        importing.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        importing.add_argument("--by", metavar="USERNAME", help="记入审计日志的操作人")
        exporting = actions.add_parser("export", help="导出全部机构（与导入格式相同）")
        exporting.add_argument("file", help="文件路径；“-”表示以 CSV 输出到标准输出")
        exporting.add_argument("--format", choices=["csv", "xlsx"], dest="fmt")
        tree = actions.add_parser("tree", help="以缩进形式打印机构树")
        tree.add_argument("--code", help="只打印该编码的机构及其下级")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import":
            self.import_file(options["file"], dry_run=options["dry_run"], username=options["by"])
        elif action == "export":
            self.export_file(options["file"], options["fmt"])
        else:
            self.print_tree(options["code"])

    def import_file(self, path: Path, *, dry_run: bool, username: str | None) -> None:
        by = None
        if username:
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"用户“{username}”不存在。")
        report = import_organisations(path, by=by, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(f"提示：{warning}")
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())

    def export_file(self, target: str, fmt: str | None) -> None:
        if target == "-":
            if fmt == "xlsx":
                raise CommandError("xlsx 不能输出到标准输出，请给出文件路径。")
            write_organisations_csv(self.stdout)
            return
        count = export_organisations(target, fmt)
        self.stderr.write(f"已导出 {count} 个机构到 {target}。")

    def print_tree(self, code: str | None) -> None:
        organisations = Organisation.objects.all()
        if code:
            root = Organisation.objects.filter(code=code).first()
            if root is None:
                raise CommandError(f"编码“{code}”不存在。")
            organisations = organisations.subtree(root)
        nodes = list(organisations)
        if not nodes:
            self.stdout.write("（尚无机构）")
            return
        children: dict[int | None, list[Organisation]] = defaultdict(list)
        for node in nodes:
            children[node.parent_id].append(node)
        for siblings in children.values():
            siblings.sort(key=lambda o: (o.order, o.code))
        top_depth = min(n.depth for n in nodes)
        stack = sorted((n for n in nodes if n.depth == top_depth), key=lambda o: (o.order, o.code))
        stack.reverse()
        while stack:
            node = stack.pop()
            self.stdout.write("  " * (node.depth - top_depth) + _describe(node))
            stack.extend(reversed(children.get(node.pk, [])))


def _describe(organisation: Organisation) -> str:
    marks = [organisation.get_kind_display()]
    if organisation.is_private:
        marks.append("民办")
    if not organisation.is_active:
        marks.append("停用")
    return f"{organisation.name} [{organisation.code}]（{'，'.join(marks)}）"
