"""Loading a year's holiday notice: from the shipped JSON, from ``chinesecalendar`` (past
years), or from the notice's own text (``calendar.notice``); then recomputing every open
deadline that moved (``load_notice``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from gongkai.core.models import CalendarDay, CalendarYear

DEFAULT_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays.json"


class CalendarDataError(ValueError):
    """A notice (file or text) that cannot be loaded as it is."""


@dataclass(frozen=True)
class YearNotice:
    year: int
    source: str
    source_url: str
    holidays: dict[date, str]
    workdays: frozenset[date]


def parse_notice_file(path: Path) -> list[YearNotice]:
    """Read the JSON layout of ``gongkai/core/data/holidays.json`` (one or more years)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CalendarDataError(f"无法读取节假日文件 {path}：{exc}") from exc
    years = raw.get("years") if isinstance(raw, dict) else None
    if not isinstance(years, dict) or not years:
        raise CalendarDataError('节假日文件应包含 "years" 对象，例如 {"years": {"2027": {...}}}')
    return [_parse_year(key, value) for key, value in sorted(years.items())]


def _parse_year(key: str, value: dict[str, Any]) -> YearNotice:
    try:
        year = int(key)
    except ValueError:
        raise CalendarDataError(f"年份“{key}”不是数字。") from None
    if not isinstance(value, dict) or "holidays" not in value:
        raise CalendarDataError(f"{year} 年缺少 holidays。")
    holidays: dict[date, str] = {}
    for name, days in value["holidays"].items():
        for text in days:
            day = _parse_date(text, year)
            if day in holidays:
                raise CalendarDataError(f"{day} 在 {year} 年中重复出现。")
            holidays[day] = name
    workdays = frozenset(_parse_date(text, year) for text in value.get("adjusted_workdays", []))
    for day in workdays:
        if day in holidays:
            raise CalendarDataError(f"{day} 既是放假日又是调休上班日。")
        if day.weekday() < 5:
            raise CalendarDataError(f"调休上班日 {day} 不是周末。")
    return YearNotice(
        year=year,
        source=str(value.get("source") or f"{year} 年节假日安排"),
        source_url=str(value.get("source_url") or ""),
        holidays=holidays,
        workdays=workdays,
    )


def _parse_date(text: str, year: int) -> date:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        raise CalendarDataError(f"“{text}”不是 YYYY-MM-DD 格式的日期。") from None
    # A notice may list days of the neighbouring year (e.g. 元旦 spanning 12-31..01-02).
    if abs(day.year - year) > 1:
        raise CalendarDataError(f"{day} 不属于 {year} 年的安排。")
    return day


def notice_from_chinesecalendar(year: int) -> YearNotice:
    """Build a year's notice from the ``chinesecalendar`` package (it knows 2004–2026)."""
    import chinese_calendar

    # The package lists every day off in a holiday run, weekends inside the run included.
    holidays = {
        day: _holiday_name(name)
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    }
    workdays = frozenset(
        day for day in chinese_calendar.workdays if day.year == year and day.weekday() >= 5
    )
    if not holidays:
        raise CalendarDataError(f"chinesecalendar 不包含 {year} 年的数据。")
    return YearNotice(
        year=year,
        source=f"{year} 年节假日安排（chinesecalendar {chinese_calendar.__version__}）",
        source_url="",
        holidays=holidays,
        workdays=workdays,
    )


def _holiday_name(detail: Any) -> str:
    names = {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "National Day": "国庆节",
        "Mid-autumn Festival": "中秋节",
        "Anti-Fascist 70th Day": "抗战胜利纪念日",
    }
    value = getattr(detail, "value", detail)
    if isinstance(value, tuple):
        value = value[0]
    return names.get(str(value), str(value))


def import_notice(notice: YearNotice) -> CalendarYear:
    """Replace one year's arrangement (atomically) and refresh this process's calendar."""
    with transaction.atomic():
        CalendarDay.objects.filter(year__year=notice.year).delete()
        year, _ = CalendarYear.objects.update_or_create(
            year=notice.year,
            defaults={"source": notice.source[:300], "source_url": notice.source_url[:500]},
        )
        days = [
            CalendarDay(on=on, kind=CalendarDay.Kind.HOLIDAY, name=name, year=year)
            for on, name in sorted(notice.holidays.items())
        ] + [
            CalendarDay(on=on, kind=CalendarDay.Kind.WORKDAY, name="调休上班", year=year)
            for on in sorted(notice.workdays)
        ]
        # A day listed by a neighbouring year's notice (e.g. 元旦 12-31) belongs to one year.
        CalendarDay.objects.filter(on__in=[d.on for d in days]).delete()
        CalendarDay.objects.bulk_create(days)
    from gongkai.core.calendar import clear_cache

    transaction.on_commit(clear_cache)
    clear_cache()
    return year
