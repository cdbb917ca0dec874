"""``manage.py screen PATH...``: screen files before publishing them.

Exit status: 0 clean, 1 findings, 2 when a file could not be read (also reported as an
``unreadable`` finding). Directories are screened recursively. Active sensitive terms come
from the database unless ``--no-db-terms``; ``--term`` adds more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from gongkai.screening.extract import UNREADABLE
from gongkai.screening.scan import ScanFinding, active_terms, scan_file

CLEAN, FINDINGS, UNREADABLE_FILE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "保密审查：检查文件中的身份证号码、手机号码、银行卡号、密级和内部标志、敏感词。"
        "退出码：0 无问题，1 有发现，2 有无法读取的文件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--term", action="append", default=[], help="额外的敏感词（可多次使用）"
        )
        parser.add_argument("--no-db-terms", action="store_true", help="不使用数据库中的敏感词表")

    def handle(self, *args: Any, **options: Any) -> None:
        terms = list(options["term"])
        if not options["no_db_terms"]:
            try:
                terms += active_terms()
            except DatabaseError:
                self.stderr.write(
                    "无法读取数据库中的敏感词表（尚未迁移？），仅使用 --term 给出的词。"
                )
        results: list[tuple[str, ScanFinding]] = []
        count = 0
        for path, missing in _files(options["paths"]):
            count += 1
            if missing:
                results.append((path, ScanFinding(UNREADABLE, "文件不存在或无法访问。", "")))
                continue
            results.extend((path, f) for f in scan_file(path, terms=terms))

        if options["format"] == "json":
            rows = [{"file": path, **finding.as_dict()} for path, finding in results]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for path, finding in results:
                where = f"{path}:{finding.location}" if finding.location else path
                self.stdout.write(f"{where}  {finding.label}  {finding.text}")
            unreadable = len({p for p, f in results if f.kind == UNREADABLE})
            summary = f"共检查{count}个文件，发现{len(results)}处问题"
            summary += f"（{unreadable}个文件无法读取）。" if unreadable else "。"
            self.stdout.write(summary if results else f"共检查{count}个文件，未发现问题。")

        if any(f.kind == UNREADABLE for _, f in results):
            raise SystemExit(UNREADABLE_FILE)
        if results:
            raise SystemExit(FINDINGS)


def _files(paths: list[str]) -> Iterator[tuple[str, bool]]:
    """(path, missing) for every file named or under a named directory, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield str(child), False
        else:
            yield raw, not path.is_file()
