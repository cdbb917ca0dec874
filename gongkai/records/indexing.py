"""索引号: the one place that knows which values a 索引号 pattern is filled with.

A published record's index number comes from ``settings.GONGKAI_INDEX_PATTERN`` (INDEX_PATTERN
in the environment), e.g. ``{uscc}/{year}-{serial:05d}``: the organisation's unified social
credit code (its own code when it has none), the publication year, and a serial counted per
prefix that is never reused. ``records.services.next_index_number`` draws the next serial;
the records import moves the serial past numbers an old site already used
(``claim_serial``); a system check refuses a pattern that would fail at publication
(``pattern_problems``).
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from gongkai.records.models import Record

#: The fields a pattern may use, with what each is (the system check lists them).
FIELDS = {
    "uscc": "统一社会信用代码（无则为机构编码）",
    "code": "机构编码",
    "year": "发布年份",
    "month": "发布月份（两位）",
    "item": "目录事项编号",
    "serial": "流水号（每个前缀单独计数）",
}
#: Values of the right kinds, for checking a pattern without a record.
SAMPLE = {"uscc": "12371500000000000X", "code": "C0100", "year": 2025, "month": "06",
          "item": "05.04", "serial": 1}  # fmt: skip


def index_pattern() -> str:
    return settings.GONGKAI_INDEX_PATTERN


def index_values(record: Record) -> dict[str, object]:
    """What a 索引号 pattern is filled with for ``record`` (all but the serial)."""
    published = timezone.localtime(record.published_at or timezone.now())
    return {
        "uscc": record.organisation.uscc or record.organisation.code,
        "code": record.organisation.code,
        "year": published.year,
        "month": f"{published.month:02d}",
        "item": record.item.code,
    }


def pattern_problems(pattern: str) -> list[str]:
    """Why ``pattern`` cannot number publications, or nothing. A pattern without a serial
    would give every record of a prefix the same number, which fails only at the second
    publication; an unknown field fails at the first."""
    try:
        used = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        return [f"it cannot be read as a pattern ({exc})"]
    problems = []
    if "serial" not in used:
        problems.append("it has no {serial}, so two publications would get the same number")
    unknown = sorted({name for name in used if name not in FIELDS})
    if unknown:
        problems.append(f"it uses unknown fields {', '.join(unknown)}")
    if not problems:
        try:
            pattern.format(**SAMPLE)
        except (ValueError, IndexError, KeyError) as exc:
            problems.append(f"it cannot be filled in ({exc})")
    return problems


def claim_serial(record: Record) -> None:
    """If an imported 索引号 follows this site's own pattern, move the serial past it so the
    numbers generated later never collide with it."""
    from gongkai.records.models import IndexSequence

    head, _, tail = index_pattern().partition("{serial")
    if not tail:
        return
    values = index_values(record)
    try:
        prefix = head.format(**values)
        suffix = tail.split("}", 1)[1].format(**values)
    except (KeyError, IndexError, ValueError):
        return
    match = re.fullmatch(
        re.escape(prefix) + r"(\d+)" + re.escape(suffix), record.index_number or ""
    )
    if match is None:
        return
    sequence, _ = IndexSequence.objects.select_for_update().get_or_create(prefix=prefix)
    if sequence.last < int(match.group(1)):
        sequence.last = int(match.group(1))
        sequence.save(update_fields=["last"])
