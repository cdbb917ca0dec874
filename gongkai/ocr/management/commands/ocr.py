"""``manage.py ocr``: read files from the shell, and queue attachments uploaded before OCR.

    python manage.py ocr read 名单.pdf [--format json]   # text per page, findings with boxes
    python manage.py ocr queue [--all]                  # current attachments without a reading

``read`` needs no database: it is the job's reading and screening's detectors on a file, for a
person checking a scan by hand. Exit status 0 nothing found, 1 findings, 2 unreadable.
``queue`` puts every current PDF or image attachment that has no reading in the job queue
(``--all``: read them all again); once read, their records are screened again and the text of
published ones reaches search after ``manage.py search reindex``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.ocr import documents
from gongkai.ocr.engine import EngineUnavailable, engine
from gongkai.ocr.layout import PositionedText, from_page

FOUND, UNREADABLE = 1, 2


class Command(BaseCommand):
    help = "文字识别：识别扫描件（read），或为已有附件排队识别（queue）。"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        read = commands.add_parser("read", help="识别文件并检查其中的个人信息")
        read.add_argument("paths", nargs="+", metavar="PATH")
        read.add_argument("--format", choices=("text", "json"), default="text")
        read.add_argument("--dpi", type=int, default=200)
        queue = commands.add_parser("queue", help="为尚未识别的现有附件排队识别")
        queue.add_argument("--all", action="store_true", help="全部重新识别")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "queue":
            self._queue(everything=options["all"])
        else:
            self._read(options["paths"], options["format"], options["dpi"])

    def _queue(self, *, everything: bool) -> None:
        from gongkai.ocr.services import is_readable, queue_recognition
        from gongkai.records.models import Attachment

        attachments = Attachment.objects.filter(is_current=True).select_related("record")
        if not everything:
            attachments = attachments.filter(recognition__isnull=True)
        count = 0
        for attachment in attachments.iterator():
            if is_readable(attachment) and queue_recognition(attachment):
                count += 1
        self.stdout.write(f"已为{count}个附件排队识别。")

    def _read(self, paths: list[str], output: str, dpi: int) -> None:
        from gongkai.screening.scan import scan_text

        rows: list[dict[str, Any]] = []
        status = 0
        for raw in paths:
            try:
                pages = list(_pages(Path(raw), dpi))
            except (OSError, documents.Unreadable, EngineUnavailable) as exc:
                reason = getattr(exc, "reason", None) or str(exc)
                rows.append({"file": raw, "error": reason})
                status = UNREADABLE
                continue
            for number, kind, text in pages:
                findings = [
                    {
                        "kind": f.kind,
                        "label": f.label,
                        "text": f.text,
                        "line": f.location,
                        "boxes": text.boxes_between(f.start or 0, f.end or 0),
                    }
                    for f in scan_text(text.text)
                ]
                status = max(status, FOUND if findings else 0)
                rows.append(
                    {"file": raw, "page": number, "kind": kind, "text": text.text,
                     "findings": findings}
                )  # fmt: skip
        if output == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                if "error" in row:
                    self.stdout.write(f"{row['file']}  无法识别：{row['error']}")
                    continue
                self.stdout.write(f"== {row['file']} 第{row['page']}页（{row['kind']}）")
                self.stdout.write(row["text"])
                for f in row["findings"]:
                    self.stdout.write(
                        f"  ！{f['label']} {f['text']}（{f['line']}，位置 {f['boxes']}）"
                    )
        if status:
            raise SystemExit(status)


def _pages(path: Path, dpi: int) -> Any:
    data = path.read_bytes()
    with documents.open_document(data, path.name, dpi=dpi) as document:
        for info in document.pages():
            if info.kind == documents.TEXT:
                yield info.number, "文字层", document.text_layer(info.number)
            else:
                text: PositionedText = from_page(engine().read(document.render(info.number)))
                yield info.number, "扫描页", text
