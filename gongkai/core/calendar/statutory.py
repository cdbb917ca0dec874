"""The provisional calendar: the statutory holidays of 《全国年节及纪念日放假办法》 for a year
whose State Council notice is not loaded yet.

The 办法 fixes which festivals are days off and how many (``data/statutory-holidays.json``,
one entry per revision: 1999, 2007, 2013, 2024); only the State Council's yearly notice fixes
the make-up working days (调休) and the shape of the long weekends. Until that notice is loaded
a deadline is still counted — on the festivals themselves, a make-up day off on the next
working days for a festival day that falls on a weekend (第六条 [记忆]), and every weekend off —
and marked 暂定. Lunar dates come from ``lunardate`` (a table of 1900–2099), 清明 from the solar
terms of ``chinesecalendar``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "statutory-holidays.json"
#: The range of the lunar table of ``lunardate``.
FIRST_YEAR, LAST_YEAR = 1900, 2099


class NoStatutoryRules(LookupError):
    """No revision of the 办法 covers the year (or the lunar table does not)."""


@dataclass(frozen=True)
class Revision:
    name: str
    decree: str
    effective_from: date
    weekend_compensation: bool
    holidays: tuple[dict[str, Any], ...]

    @property
    def title(self) -> str:
        return f"《全国年节及纪念日放假办法》（{self.name}）"


@dataclass(frozen=True)
class ProvisionalYear:
    year: int
    #: Every day off by the 办法, festival days on weekends and make-up days off included.
    holidays: dict[date, str]
    revisions: tuple[Revision, ...]

    @property
    def basis(self) -> str:
        return "、".join(r.title for r in self.revisions)


@cache
def revisions() -> tuple[Revision, ...]:
    raw = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    found = [
        Revision(
            name=r["name"],
            decree=r.get("decree", ""),
            effective_from=date.fromisoformat(r["effective_from"]),
            weekend_compensation=bool(r.get("weekend_compensation", False)),
            holidays=tuple(r["holidays"]),
        )
        for r in raw["revisions"]
    ]
    return tuple(sorted(found, key=lambda r: r.effective_from))


def revision_on(day: date) -> Revision | None:
    """The revision of the 办法 in force on ``day``."""
    current = None
    for revision in revisions():
        if revision.effective_from <= day:
            current = revision
    return current


def lunar_to_solar(year: int, month: int, day: int) -> date:
    from lunardate import LunarDate

    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def solar_term(year: int, name: str) -> date:
    import chinese_calendar

    # Every solar term falls between the 3rd and the 24th of its month; search the whole year.
    for day, term in chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31)):
        if term == name:
            return day
    raise NoStatutoryRules(f"无法计算 {year} 年的{name}。")


def festival_days(spec: dict[str, Any], year: int) -> list[date]:
    kind = spec["calendar"]
    if kind == "solar":
        first = date(year, spec["month"], spec["day"])
    elif kind == "lunar":
        # 除夕 is "the day before 正月初一" (offset -1): 腊月 has 29 or 30 days, so it is never
        # written as 腊月三十.
        first = lunar_to_solar(year, spec["month"], spec["day"]) + timedelta(
            days=spec.get("offset", 0)
        )
    elif kind == "solar_term":
        first = solar_term(year, spec["term"])
    else:
        raise ValueError(f"unknown calendar kind {kind!r} in {RULES_FILE.name}")
    return [first + timedelta(days=i) for i in range(spec["days"])]


@cache
def provisional_year(year: int) -> ProvisionalYear:
    """The days off of ``year`` by the 办法 alone. Raises ``NoStatutoryRules`` outside the
    years the rules and the lunar table cover."""
    if not FIRST_YEAR <= year <= LAST_YEAR or revision_on(date(year, 12, 31)) is None:
        raise NoStatutoryRules(f"没有适用于 {year} 年的放假办法。")
    holidays: dict[date, str] = {}
    used: list[Revision] = []
    owed: list[tuple[date, str]] = []  # (last day of the festival, name) per day to make up
    for revision in revisions():
        for spec in revision.holidays:
            days = [
                d
                for d in festival_days(spec, year)
                if d.year == year and revision_on(d) == revision
            ]
            for day in days:
                name = spec["name"]
                clash = holidays.get(day)
                if clash is not None:
                    # Two festivals on one day (国庆 and 中秋): one of them is lost.
                    holidays[day] = f"{clash}、{name}"
                    owed.append((days[-1], name))
                    continue
                holidays[day] = name
                if revision.weekend_compensation and day.weekday() >= 5:
                    owed.append((days[-1], name))
            if days and revision not in used:
                used.append(revision)
    for after, name in sorted(owed):
        day = after + timedelta(days=1)
        while day.weekday() >= 5 or day in holidays:
            day += timedelta(days=1)
        if day.year == year:
            holidays[day] = name
    return ProvisionalYear(
        year=year, holidays=dict(sorted(holidays.items())), revisions=tuple(used)
    )
