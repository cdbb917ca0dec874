"""``manage.py search reindex``: rebuild the search index from the published records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.search import services
from gongkai.search.models import SearchEntry


class Command(BaseCommand):
    help = "全文检索索引维护：reindex 重建索引；status 显示索引条目数。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="按发布时间从旧到新重建全部索引")
        reindex.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("status", help="显示索引条目数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self.stdout.write(f"索引条目：{SearchEntry.objects.count()} 条")
            return
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"已索引 {done}/{total} 条（{time.monotonic() - started:.1f} 秒）")

        done = services.reindex(batch_size=max(1, options["batch_size"]), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"索引重建完成：共 {done} 条。"))
