"""``manage.py search``: rebuild the index, show its state, apply the queue, follow it."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.search import services
from gongkai.search.backends import backend
from gongkai.search.models import IndexChange, SearchEntry


class Command(BaseCommand):
    help = (
        "全文检索索引维护：reindex 重建索引；status 显示索引状态；"
        "apply 立即更新排队的索引变更；follow 持续更新（任务进程已自动运行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="按发布时间从旧到新重建全部索引")
        reindex.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("status", help="显示索引条目数、排队的变更和索引后端")
        sub.add_parser("apply", help="立即更新排队的索引变更")
        sub.add_parser("follow", help="持续更新排队的索引变更，直到收到停止信号")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "status":
            self.stdout.write(f"索引条目：{SearchEntry.objects.count()} 条")
            self.stdout.write(f"排队待更新：{IndexChange.objects.count()} 条")
            for label, value in backend().status().items():
                self.stdout.write(f"{label}：{value}")
            return
        if action == "apply":
            done = services.apply_pending(wait=60)
            self.stdout.write(self.style.SUCCESS(f"已更新 {done} 条信息的索引。"))
            return
        if action == "follow":
            stop = threading.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write("正在持续更新检索索引（Ctrl-C 停止）", ending="\n")
            self.stdout.flush()
            services.follow(stop=stop)
            return
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"已索引 {done}/{total} 条（{time.monotonic() - started:.1f} 秒）")

        done = services.reindex(batch_size=max(1, options["batch_size"]), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"索引重建完成：共 {done} 条。"))
