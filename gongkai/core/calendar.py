"""The working-day calendar: weekends, the State Council's holidays and make-up working days.

Holiday arrangements are announced each year by the General Office of the State Council and
cannot be derived by rule, so they are data (``CalendarYear``/``CalendarDay``), imported each
year. A date in a year with no loaded notice raises ``CalendarNotLoaded``: a deadline is never
guessed.

Counting follows the usual reading of 条例第二十六、三十三条: "within N working days from day D"
counts from the day after D, and the N-th working day is the last day.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from gongkai.core.models import CalendarDay, CalendarYear

WEEKDAY_NAMES = "一二三四五六日"
DEFAULT_DATA_FILE = Path(__file__).parent / "data" / "holidays.json"
#: Seconds a process trusts its copy of the calendar; imports also clear it at once.
CACHE_SECONDS = 60


class CalendarNotLoaded(LookupError):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"尚未导入 {year} 年的节假日安排，无法计算工作日。"
            f"请导入国务院办公厅关于 {year} 年部分节假日安排的通知。"
        )


class CalendarDataError(ValueError):
    pass


@dataclass(frozen=True)
class _Snapshot:
    years: frozenset[int]
    holidays: dict[date, str]
    workdays: frozenset[date]


_lock = threading.Lock()
_cache: dict[str, Any] = {"snapshot": None, "loaded_at": 0.0}


def _snapshot() -> _Snapshot:
    with _lock:
        snap = _cache["snapshot"]
        if snap is None or time.monotonic() - _cache["loaded_at"] > CACHE_SECONDS:
            days = list(CalendarDay.objects.values_list("on", "kind", "name"))
            snap = _Snapshot(
                years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
                holidays={on: name for on, kind, name in days if kind == CalendarDay.Kind.HOLIDAY},
                workdays=frozenset(on for on, kind, _ in days if kind == CalendarDay.Kind.WORKDAY),
            )
            _cache["snapshot"] = snap
            _cache["loaded_at"] = time.monotonic()
        return snap


def clear_cache() -> None:
    with _lock:
        _cache["snapshot"] = None


def loaded_years() -> list[int]:
    return sorted(_snapshot().years)


def _check(snap: _Snapshot, day: date) -> None:
    if day.year not in snap.years:
        raise CalendarNotLoaded(day.year)


def is_working_day(day: date) -> bool:
    snap = _snapshot()
    _check(snap, day)
    return _is_working(snap, day)


def _is_working(snap: _Snapshot, day: date) -> bool:
    if day in snap.workdays:
        return True
    if day in snap.holidays:
        return False
    return day.weekday() < 5


def day_reason(day: date) -> str:
    """Why a day is or is not worked: 工作日 / 周六 / 春节 / 调休上班."""
    snap = _snapshot()
    _check(snap, day)
    if day in snap.workdays:
        return "调休上班"
    if day in snap.holidays:
        return snap.holidays[day] or "法定节假日"
    if day.weekday() >= 5:
        return f"周{WEEKDAY_NAMES[day.weekday()]}"
    return "工作日"


@dataclass(frozen=True)
class WorkdayCount:
    """The result of counting N working days after a start date, able to explain itself."""

    start: date
    days: int
    due_on: date
    holidays: tuple[tuple[date, str], ...] = field(default=())
    weekend_days: int = 0
    adjusted_workdays: tuple[date, ...] = field(default=())
    paused: tuple[tuple[date, date, str], ...] = field(default=())

    def explain(self) -> str:
        parts = [f"自 {fmt(self.start)} 次日起算第 {self.days} 个工作日为 {fmt(self.due_on)}"]
        runs = holiday_runs(self.holidays)
        if runs:
            parts.append("已跳过" + "、".join(runs))
        if self.weekend_days:
            parts.append(f"跳过周末 {self.weekend_days} 天")
        if self.adjusted_workdays:
            parts.append("调休上班计入：" + "、".join(fmt_short(d) for d in self.adjusted_workdays))
        for begin, end, reason in self.paused:
            parts.append(f"{reason}暂停计时 {fmt_short(begin)}—{fmt_short(end)}")
        return "；".join(parts) + "。"


def add_working_days(start: date, days: int) -> WorkdayCount:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("工作日天数不能为负数。")
    snap = _snapshot()
    _check(snap, start)
    current = start
    counted = 0
    holidays: list[tuple[date, str]] = []
    adjusted: list[date] = []
    weekend = 0
    while counted < days:
        current += timedelta(days=1)
        _check(snap, current)
        if _is_working(snap, current):
            counted += 1
            if current in snap.workdays:
                adjusted.append(current)
        elif current in snap.holidays:
            holidays.append((current, snap.holidays[current]))
        else:
            weekend += 1
    return WorkdayCount(
        start=start,
        days=days,
        due_on=current,
        holidays=tuple(holidays),
        weekend_days=weekend,
        adjusted_workdays=tuple(adjusted),
    )


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: 0 when end <= start. "Late by N working days"."""
    if end <= start:
        return 0
    snap = _snapshot()
    _check(snap, start)
    _check(snap, end)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if _is_working(snap, current):
            count += 1
    return count


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def fmt_short(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"


def holiday_runs(holidays: Iterable[tuple[date, str]]) -> list[str]:
    """Group consecutive holiday days with the same name: 国庆节、中秋节 10月1日—8日."""
    runs: list[list[Any]] = []
    for day, name in holidays:
        if runs and runs[-1][1] == name and runs[-1][2] + timedelta(days=1) == day:
            runs[-1][2] = day
        else:
            runs.append([day, name, day])
    out = []
    for begin, name, end in runs:
        if begin == end:
            out.append(f"{name} {begin.month}月{begin.day}日")
        elif begin.month == end.month:
            out.append(f"{name} {begin.month}月{begin.day}日—{end.day}日")
        else:
            out.append(f"{name} {begin.month}月{begin.day}日—{end.month}月{end.day}日")
    return out


# --- Import ---------------------------------------------------------------------------------


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
    transaction.on_commit(clear_cache)
    clear_cache()
    return year
