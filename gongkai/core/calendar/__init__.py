"""The working-day calendar: weekends, the State Council's holidays and make-up working days.

Holiday arrangements are announced each year by the General Office of the State Council
(国务院办公厅关于××年部分节假日安排的通知) and cannot be derived by rule, so they are data
(``CalendarYear``/``CalendarDay``), loaded each year (``calendar.loading``). A year whose notice
is not loaded yet is counted on the provisional calendar of ``calendar.statutory`` — the
festivals of 《全国年节及纪念日放假办法》 and the weekends — and every count that touched such a
day says so (``WorkdayCount.provisional_years``, 暂定): a deadline never goes blank, and never
passes for final. ``CalendarNotLoaded`` remains for years no rule covers (before 1999, after
the lunar table ends).

Counting follows the usual reading of 条例第二十六、三十三条: "within N working days from day D"
counts from the day after D, and the N-th working day is the last day.

This is the one working-day walk of Gongkai: ``walk`` (with paused periods, for the
application clock), ``add_working_days``, ``working_days_between`` and ``WorkdayIndex``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from gongkai.core.calendar import statutory
from gongkai.core.models import CalendarDay, CalendarYear

WEEKDAY_NAMES = "一二三四五六日"
#: Seconds a process trusts its copy of the calendar; imports also clear it at once.
CACHE_SECONDS = 60
PROVISIONAL = "暂定"


class CalendarNotLoaded(LookupError):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"尚未导入 {year} 年的节假日安排，且没有适用于该年的放假办法，无法计算工作日。"
            f"请导入国务院办公厅关于 {year} 年部分节假日安排的通知。"
        )


@dataclass(frozen=True)
class _Snapshot:
    years: frozenset[int]
    holidays: dict[date, str]
    workdays: frozenset[date]


_lock = threading.Lock()
_cache: dict[str, Any] = {"snapshot": None, "loaded_at": 0.0}
#: A calendar "as if" a notice were loaded, for this thread or task only (the preview).
_assumed: ContextVar[_Snapshot | None] = ContextVar("assumed_calendar", default=None)


def _snapshot() -> _Snapshot:
    assumed = _assumed.get()
    if assumed is not None:
        return assumed
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


@contextmanager
def assuming(year: int, holidays: dict[date, str], workdays: Iterable[date]) -> Iterator[None]:
    """Count as if this year's notice were loaded — in this context only, so a preview never
    shows another request an arrangement nobody confirmed."""
    base = _snapshot()
    listed = {*holidays, *workdays}
    token = _assumed.set(
        _Snapshot(
            years=base.years | {year},
            holidays={
                **{d: n for d, n in base.holidays.items() if d.year != year and d not in listed},
                **holidays,
            },
            workdays=frozenset(
                {d for d in base.workdays if d.year != year and d not in listed} | set(workdays)
            ),
        )
    )
    try:
        yield
    finally:
        _assumed.reset(token)


def clear_cache() -> None:
    with _lock:
        _cache["snapshot"] = None


def loaded_years() -> list[int]:
    return sorted(_snapshot().years)


def is_loaded(year: int) -> bool:
    return year in _snapshot().years


def is_provisional(day: date | None) -> bool:
    """True when ``day`` lies in a year whose State Council notice is not loaded: a deadline
    on that day was counted on the provisional calendar and is shown as 暂定."""
    return day is not None and day.year not in _snapshot().years


@dataclass(frozen=True)
class Day:
    on: date
    is_working: bool
    #: 工作日 / 周六 / 春节 / 调休上班
    reason: str
    is_provisional: bool = False
    #: A day off by a notice or the 办法 (not merely a weekend).
    is_holiday: bool = False

    @property
    def is_adjusted(self) -> bool:
        """A weekend day worked (调休上班)."""
        return self.is_working and self.on.weekday() >= 5


def _weekday(day: date) -> str:
    return f"周{WEEKDAY_NAMES[day.weekday()]}" if day.weekday() >= 5 else "工作日"


def _day(snap: _Snapshot, day: date) -> Day:
    # A day listed by a loaded notice is final even in a year not loaded itself (元旦
    # 12-31 listed by the next year's notice).
    if day in snap.workdays:
        return Day(day, True, "调休上班")
    if day in snap.holidays:
        return Day(day, False, snap.holidays[day] or "法定节假日", is_holiday=True)
    if day.year in snap.years:
        return Day(day, day.weekday() < 5, _weekday(day))
    try:
        year = statutory.provisional_year(day.year)
    except statutory.NoStatutoryRules:
        raise CalendarNotLoaded(day.year) from None
    if day in year.holidays:
        return Day(day, False, year.holidays[day], is_provisional=True, is_holiday=True)
    return Day(day, day.weekday() < 5, _weekday(day), is_provisional=True)


def day_info(day: date) -> Day:
    return _day(_snapshot(), day)


def is_working_day(day: date) -> bool:
    return _day(_snapshot(), day).is_working


def day_reason(day: date) -> str:
    """Why a day is or is not worked: 工作日 / 周六 / 春节 / 调休上班."""
    return _day(_snapshot(), day).reason


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
    #: Years counted on the provisional calendar (their notice not loaded).
    provisional_years: tuple[int, ...] = field(default=())

    @property
    def is_provisional(self) -> bool:
        return bool(self.provisional_years)

    def explain(self) -> str:
        mark = f"（{PROVISIONAL}）" if self.is_provisional else ""
        parts = [f"自 {fmt(self.start)} 次日起算第 {self.days} 个工作日为 {fmt(self.due_on)}{mark}"]
        runs = holiday_runs(self.holidays, provisional=self.provisional_years)
        if runs:
            parts.append("已跳过" + "、".join(runs))
        if self.weekend_days:
            parts.append(f"跳过周末 {self.weekend_days} 天")
        if self.adjusted_workdays:
            parts.append("调休上班计入：" + "、".join(fmt_short(d) for d in self.adjusted_workdays))
        for begin, end, reason in self.paused:
            parts.append(f"{reason}暂停计时 {fmt_short(begin)}—{fmt_short(end)}")
        text = "；".join(parts) + "。"
        if self.is_provisional:
            text += provisional_note(self.start + timedelta(days=1), self.due_on)
        return text


def provisional_note(first: date, last: date) -> str:
    """Which days of a count are provisional, and on what they were counted."""
    if last < first:
        return ""
    spans = []
    bases = []
    for year in range(first.year, last.year + 1):
        if is_loaded(year):
            continue
        begin, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        spans.append(f"{fmt(begin)}至{fmt(end)}" if begin != end else fmt(begin))
        try:
            bases.append(statutory.provisional_year(year).basis)
        except statutory.NoStatutoryRules:
            continue
    if not spans:
        return ""
    years = "、".join(str(y) for y in range(first.year, last.year + 1) if not is_loaded(y))
    basis = "、".join(dict.fromkeys(bases)) or "《全国年节及纪念日放假办法》"
    return (
        f"{PROVISIONAL}：{years} 年的节假日安排（国务院办公厅通知）尚未导入，"
        f"{'、'.join(spans)}暂按{basis}计算——法定节假日放假（适逢周末的在其后的工作日补假）、"
        "周末休息、不计调休；导入该年安排后将自动重新计算并通知相关人员。"
    )


@dataclass(frozen=True)
class Pause:
    """A period that does not count (征求意见, 缴费): both ends included. ``end`` None: still
    open, and a walk that reaches it stops there."""

    begin: date
    end: date | None
    reason: str = ""


@dataclass(frozen=True)
class Walk:
    """A count that may have stopped at an open pause (``due_on`` None)."""

    start: date
    days: int
    due_on: date | None
    counted: int
    holidays: tuple[tuple[date, str], ...]
    weekend_days: int
    adjusted_workdays: tuple[date, ...]
    provisional_years: tuple[int, ...]
    stopped_at: Pause | None = None

    def count(self, paused: tuple[tuple[date, date, str], ...] = ()) -> WorkdayCount:
        assert self.due_on is not None, "an open pause stopped this walk"
        return WorkdayCount(
            start=self.start,
            days=self.days,
            due_on=self.due_on,
            holidays=self.holidays,
            weekend_days=self.weekend_days,
            adjusted_workdays=self.adjusted_workdays,
            paused=paused,
            provisional_years=self.provisional_years,
        )


def walk(start: date, days: int, pauses: Sequence[Pause] = ()) -> Walk:
    """Count ``days`` working days after ``start`` (``start`` itself is not counted),
    skipping every day inside a pause; stop at a pause that has no end yet."""
    if days < 0:
        raise ValueError("工作日天数不能为负数。")
    snap = _snapshot()
    _day(snap, start)  # a start no rule covers is an error, even for 0 days
    current = start
    counted = 0
    holidays: list[tuple[date, str]] = []
    adjusted: list[date] = []
    provisional: dict[int, None] = {}
    weekend = 0
    while counted < days:
        current += timedelta(days=1)
        pause = next((p for p in pauses if _covers(p, current)), None)
        if pause is not None:
            if pause.end is None:
                return Walk(start, days, None, counted, tuple(holidays), weekend,
                            tuple(adjusted), tuple(provisional), pause)  # fmt: skip
            continue
        info = _day(snap, current)
        if info.is_provisional:
            provisional[current.year] = None
        if info.is_working:
            counted += 1
            if info.is_adjusted:
                adjusted.append(current)
        elif info.is_holiday:
            holidays.append((current, info.reason))
        else:
            weekend += 1
    return Walk(start, days, current, counted, tuple(holidays), weekend, tuple(adjusted),
                tuple(provisional))  # fmt: skip


def _covers(p: Pause, day: date) -> bool:
    return p.begin <= day and (p.end is None or day <= p.end)


def add_working_days(start: date, days: int) -> WorkdayCount:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    return walk(start, days).count()


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: 0 when end <= start. "Late by N working days"."""
    if end <= start:
        return 0
    snap = _snapshot()
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if _day(snap, current).is_working:
            count += 1
    return count


class WorkdayIndex:
    """Working-day ordinals: ``index.between(d1, d2)`` = working days in (d1, d2]. Built once
    from the calendar, so counting the lateness of 100,000 records costs two lookups each.
    ``provisional_years`` lists the years in range counted on the provisional calendar."""

    def __init__(self, start: date, end: date) -> None:
        snap = _snapshot()
        self.start, self.end = start, end
        self.ordinal: dict[date, int] = {}
        provisional: dict[int, None] = {}
        count = 0
        day = start
        while day <= end:
            info = _day(snap, day)
            if info.is_provisional:
                provisional[day.year] = None
            if info.is_working:
                count += 1
            self.ordinal[day] = count
            day += timedelta(days=1)
        self.provisional_years = tuple(provisional)

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end], counted only inside the index's range: dates
        before or after it (a record formed years ago) are clamped to its ends."""
        if end <= start:
            return 0
        start = min(max(start, self.start), self.end)
        end = min(max(end, self.start), self.end)
        return max(0, self.ordinal[end] - self.ordinal[start])


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def provisional_mark(day: date | None) -> str:
    """（暂定） after a deadline in a year whose notice is not loaded (mail, plain text)."""
    return f"（{PROVISIONAL}）" if is_provisional(day) else ""


def fmt_short(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"


def holiday_runs(
    holidays: Iterable[tuple[date, str]], *, provisional: Iterable[int] = ()
) -> list[str]:
    """Group consecutive holiday days with the same name: 国庆节、中秋节 10月1日—8日; a run in
    a provisional year is marked （暂定）."""
    unsure = set(provisional)
    runs: list[list[Any]] = []
    for day, name in holidays:
        if runs and runs[-1][1] == name and runs[-1][2] + timedelta(days=1) == day:
            runs[-1][2] = day
        else:
            runs.append([day, name, day])
    out = []
    for begin, name, end in runs:
        mark = f"（{PROVISIONAL}）" if begin.year in unsure or end.year in unsure else ""
        if begin == end:
            out.append(f"{name} {begin.month}月{begin.day}日{mark}")
        elif begin.month == end.month:
            out.append(f"{name} {begin.month}月{begin.day}日—{end.day}日{mark}")
        else:
            out.append(f"{name} {begin.month}月{begin.day}日—{end.month}月{end.day}日{mark}")
    return out


# The loading side (JSON files, notice text, recomputing deadlines) re-exported for callers.
from gongkai.core.calendar.loading import (  # noqa: E402
    DEFAULT_DATA_FILE,
    CalendarDataError,
    LoadResult,
    MovedDeadline,
    YearNotice,
    import_notice,
    load_notice,
    notice_from_chinesecalendar,
    parse_notice_file,
    recompute_open_deadlines,
)

__all__ = [
    "DEFAULT_DATA_FILE",
    "CalendarDataError",
    "CalendarNotLoaded",
    "Day",
    "LoadResult",
    "MovedDeadline",
    "Pause",
    "Walk",
    "WorkdayCount",
    "WorkdayIndex",
    "YearNotice",
    "add_working_days",
    "day_info",
    "day_reason",
    "fmt",
    "fmt_short",
    "holiday_runs",
    "import_notice",
    "is_loaded",
    "is_provisional",
    "is_working_day",
    "load_notice",
    "loaded_years",
    "notice_from_chinesecalendar",
    "parse_notice_file",
    "provisional_mark",
    "provisional_note",
    "recompute_open_deadlines",
    "walk",
    "working_days_between",
]
