"""The audit log as the audit administrator reads it: rows in Chinese, filtered, exported.

Exports are for people who open them in Excel or WPS; actor names, object names and notes
come from staff and the public, so every cell goes through core/spreadsheets.py (a cell that
looks like a formula is written as text and never runs).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from gongkai.core import spreadsheets, verbs
from gongkai.core.models import AuditEvent

#: Rows per page, and the most an export writes (narrow the filter for more).
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
#: A list counts at most this many rows; beyond it the page says "more than".
COUNT_LIMIT = 10_000

HEADERS = [
    "序号",
    "时间",
    "操作人",
    "来源地址",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "状态变化",
    "说明",
]


def page(events: Any, before: int | None) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, by id (keyset: the thousandth page costs what the first does).
    Returns the rows and the id to continue before, or None on the last page."""
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events.select_related("content_type").order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more and rows else None)


def bounded_count(events: Any) -> tuple[int, bool]:
    """How many rows match, counting no further than COUNT_LIMIT: (count, more than that)."""
    count = events.order_by()[: COUNT_LIMIT + 1].count()
    return min(count, COUNT_LIMIT), count > COUNT_LIMIT


def _object_type(event: AuditEvent) -> str:
    content_type = event.content_type
    if content_type is None:
        return ""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


def _status(event: AuditEvent) -> str:
    if not (event.from_status or event.to_status):
        return ""
    before = verbs.status_label(event, event.from_status) or "—"
    return f"{before} → {verbs.status_label(event, event.to_status)}"


def cells(event: AuditEvent) -> list[Any]:
    from django.utils import timezone

    return [
        event.id,
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_name,
        event.ip or "",
        verbs.label(event.verb),
        _object_type(event),
        event.object_id,
        event.object_repr,
        _status(event),
        event.note,
    ]


def _rows(events: Any) -> Iterator[list[Any]]:
    query = events.select_related("content_type").order_by("-id")[:EXPORT_LIMIT]
    for event in query.iterator(chunk_size=2000):
        yield cells(event)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: Any) -> Iterable[str]:
    """UTF-8 CSV with a BOM (Excel needs it for Chinese), streamed row by row."""
    writer = spreadsheets.csv_writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in _rows(events):
        yield writer.writerow(row)


def xlsx_bytes(events: Any) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    spreadsheets.append_write_only(sheet, HEADERS, font=Font(bold=True))
    for row in _rows(events):
        spreadsheets.append_write_only(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
