"""Loading a year's holiday notice: from the shipped JSON, from ``chinesecalendar`` (past
years), or from the notice's own text (``calendar.notice``); then recomputing every open
deadline that moved (``load_notice``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from gongkai.core.actors import Actor
from gongkai.core.models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

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


# --- Loading a notice and recomputing the deadlines it moves --------------------------------


@dataclass(frozen=True)
class MovedDeadline:
    """One open deadline that a newly loaded notice moved (or made final).

    ``people`` are the users to tell (the handlers of the application, the author of the
    record, ...); ``url`` is the staff page of ``target``. ``was_provisional`` says the old
    date was counted on the provisional calendar."""

    target: Any
    what: str
    old: date | None
    new: date | None
    people: tuple[Any, ...] = ()
    url: str = ""
    was_provisional: bool = False

    @property
    def sentence(self) -> str:
        from gongkai.core.calendar import fmt

        old = (
            fmt(self.old) + ("（暂定）" if self.was_provisional else "") if self.old else "未能计算"
        )
        new = fmt(self.new) if self.new else "无"
        return f"{self.target}：{self.what}由 {old} 改为 {new}"


#: AppConfig attribute naming the function (dotted path) that recomputes an app's open
#: deadlines: ``refresh(*, since: date, by: User | None) -> list[MovedDeadline]``. Each app
#: owns its deadlines and writes one audit row per object it changes; core imports none.
REFRESHER_ATTRIBUTE = "deadline_refresher"


def recompute_open_deadlines(*, since: date, by: Actor = None) -> list[MovedDeadline]:
    """Recompute every open deadline that may have counted days from ``since`` on (records'
    公开截止, applications' 答复期限, mailbox replies), in the caller's transaction."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    moved: list[MovedDeadline] = []
    for config in apps.get_app_configs():
        path = getattr(config, REFRESHER_ATTRIBUTE, None)
        if path:
            moved.extend(import_string(path)(since=since, by=by))
    return moved


@dataclass(frozen=True)
class LoadResult:
    year: CalendarYear
    moved: list[MovedDeadline]
    replaced: bool  # the year had a notice before (a correction)


def _import_and_recompute(
    notice: YearNotice, *, by: Actor
) -> tuple[CalendarYear, bool, list[MovedDeadline]]:
    replaced = CalendarYear.objects.filter(year=notice.year).exists()
    year = import_notice(notice)
    # A count that reaches into the year may start in the year before; a deadline in the
    # year was provisional unless the year had a notice already (a correction).
    moved = recompute_open_deadlines(since=date(notice.year - 1, 1, 1), by=by)
    if not replaced:
        moved = [_mark_provisional(m, notice.year) for m in moved]
    return year, replaced, moved


def _mark_provisional(moved: MovedDeadline, year: int) -> MovedDeadline:
    return replace(moved, was_provisional=bool(moved.old and moved.old.year >= year))


def load_notice(notice: YearNotice, *, by: Actor = None) -> LoadResult:
    """Load a year's notice (audited), recompute every open deadline it touches, and tell
    the people whose deadline moved — by e-mail once the transaction commits. The returned
    ``moved`` list is what a notification inbox can be fed from as well."""
    from gongkai.core.audit import record_event
    from gongkai.core.verbs import Verb

    with transaction.atomic():
        year, replaced, moved = _import_and_recompute(notice, by=by)
        record_event(
            Verb.CALENDAR_IMPORT,
            actor=by,
            target=year,
            note=notice.source,
            data={
                "year": notice.year,
                "source": notice.source,
                "holidays": sorted(d.isoformat() for d in notice.holidays),
                "workdays": sorted(d.isoformat() for d in notice.workdays),
                "replaced": replaced,
                "moved": len(moved),
            },
        )
        transaction.on_commit(lambda: announce(moved, notice))
    return LoadResult(year=year, moved=moved, replaced=replaced)


#: Called as ``listener(moved, notice)`` after a load commits. The notifications side
#: (``holidays`` app) registers one that puts the news in each person's inbox and mails it as
#: they chose; core imports no domain app, so without a listener it mails directly.
_moved_listeners: list[Callable[[list[MovedDeadline], YearNotice], Any]] = []


def on_deadlines_moved(listener: Callable[[list[MovedDeadline], YearNotice], Any]) -> None:
    if listener not in _moved_listeners:
        _moved_listeners.append(listener)


def announce(moved: list[MovedDeadline], notice: YearNotice) -> None:
    if not _moved_listeners:
        tell_people(moved, notice)
        return
    for listener in _moved_listeners:
        try:
            listener(moved, notice)
        except Exception:
            # The notice is loaded and audited; telling people must not undo it.
            logger.exception("could not announce the deadlines a notice moved")


def tell_people(moved: list[MovedDeadline], notice: YearNotice) -> int:
    """One e-mail per person listing their deadlines that moved. Returns mails sent."""
    from django.conf import settings
    from django.core.mail import send_mail

    site = settings.SITE_URL.rstrip("/")
    by_person: dict[str, list[MovedDeadline]] = {}
    for item in moved:
        for person in item.people:
            email = getattr(person, "email", "")
            if email and getattr(person, "is_active", True):
                by_person.setdefault(email, []).append(item)
    sent = 0
    for email, items in sorted(by_person.items()):
        lines = [f"- {m.sentence}" + (f"\n  {site}{m.url}" if m.url else "") for m in items]
        try:
            send_mail(
                f"期限已按 {notice.year} 年节假日安排重新计算（{len(items)} 项）",
                f"已导入《{notice.source}》，以下由您办理的期限已重新计算：\n\n"
                + "\n".join(lines)
                + "\n\n此前按《全国年节及纪念日放假办法》暂定的期限，现以国务院办公厅的通知为准。",
                settings.DEFAULT_FROM_EMAIL,
                [email],
            )
        except Exception:
            # The notice is loaded and audited; a mail server that is down must not undo it.
            logger.exception("could not tell %s about moved deadlines", email)
        else:
            sent += 1
    return sent


class _Undo(Exception):
    def __init__(self, moved: list[MovedDeadline]) -> None:
        self.moved = moved


def preview_load(notice: YearNotice) -> list[MovedDeadline]:
    """What ``load_notice`` would move, loading nothing: the recomputation runs on the
    calendar as if the notice were loaded (for this request only) in a transaction that is
    rolled back — no audit row, no mail, nothing another request could see."""
    from gongkai.core.calendar import assuming

    replaced = CalendarYear.objects.filter(year=notice.year).exists()
    try:
        with transaction.atomic(), assuming(notice.year, notice.holidays, notice.workdays):
            moved = recompute_open_deadlines(since=date(notice.year - 1, 1, 1))
            if not replaced:
                moved = [_mark_provisional(m, notice.year) for m in moved]
            raise _Undo(moved)
    except _Undo as undo:
        return undo.moved
