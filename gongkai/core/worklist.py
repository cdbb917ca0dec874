"""What waits for a person: the shapes every app uses to put its work on the staff workbench.

An app lists its work by declaring ``worklist = "gongkai.<app>.worklist.queues"`` on its
AppConfig: a function ``(user, today) -> list[Queue]`` that returns only what that person may
see and do. The workbench (``gongkai.workbench``) shows every app's queues without knowing any
app, so adding a kind of work edits no shared page. ``core`` imports no domain app: these are
plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

from gongkai.core.calendar import CalendarNotLoaded, add_working_days, loaded_years

#: "Due soon" on the workbench: within this many working days (today included).
DUE_SOON_WORKING_DAYS = 5

#: The groups of the workbench, in the order a person works through them.
GROUPS: dict[str, str] = {
    "write": "待我撰写或修改",
    "review": "待我审核",
    "answer": "待我答复",
    "publish": "待我发布",
}


@dataclass(frozen=True)
class Task:
    """One thing on someone's list, with the deadline it runs against (a date for working-day
    limits, an hour for concern clocks)."""

    title: str
    url: str
    state: str = ""
    organisation: str = ""
    due_on: date | None = None
    due_at: datetime | None = None
    #: The deadline falls in a year whose holiday notice is not loaded yet (暂定).
    provisional: bool = False
    #: A line shown under the title: a return's reason, the applicant's request type …
    note: str = ""
    #: ``overdue``, ``soon`` or ``none`` when the app judges it itself (a concern's hour
    #: clock is due soon in its last hour only); otherwise the dates decide.
    urgency: str = ""

    def sort_key(self) -> tuple[int, Any]:
        if self.due_at is not None:
            return (0, self.due_at)
        if self.due_on is not None:
            return (0, timezone.make_aware(datetime.combine(self.due_on, datetime.max.time())))
        return (1, self.title)

    def deadline_state(self, today: date, soon: date, now: datetime) -> str:
        """``overdue``, ``today``, ``soon`` or "" (the badge the workbench shows)."""
        if self.urgency:
            return "" if self.urgency == "none" else self.urgency
        if self.due_at is not None:
            if self.due_at <= now:
                return "overdue"
            return "soon" if (self.due_at - now).total_seconds() <= 6 * 3600 else ""
        if self.due_on is None:
            return ""
        if self.due_on < today:
            return "overdue"
        if self.due_on == today:
            return "today"
        return "soon" if self.due_on <= soon else ""


@dataclass
class Queue:
    """A list of tasks of one kind: ``group`` is a key of ``GROUPS`` for work that is the
    person's own to do, or ``watch`` for deadlines of their organisations (逾期和即将到期)."""

    key: str
    group: str
    heading: str
    tasks: list[Task]
    count: int
    #: What to do when the list is empty, or why it is empty (never just "无").
    empty: str = "暂无。"
    #: The page with the whole list (when ``count`` is more than the tasks shown).
    more_url: str = ""
    more_label: str = "查看全部"
    #: The kind of work, as staff call it (信息, 依申请公开, 舆情 …): shown in merged lists.
    kind: str = ""
    #: A ``watch`` queue of deadlines already passed (the others are due soon).
    overdue: bool = False

    @property
    def truncated(self) -> bool:
        return self.count > len(self.tasks)


@dataclass(frozen=True)
class Shortcut:
    """A button for starting work (新建信息, 登记舆情 …) on the workbench."""

    label: str
    url: str


@dataclass
class Worklist:
    queues: list[Queue] = field(default_factory=list)
    shortcuts: list[Shortcut] = field(default_factory=list)


def due_soon_end(today: date) -> date:
    """The last day that counts as due soon: five working days on, or a week when the
    calendar for those days is not loaded."""
    try:
        return add_working_days(today, DUE_SOON_WORKING_DAYS).due_on
    except CalendarNotLoaded:
        return today + timedelta(days=7)


def is_provisional(day: date | None) -> bool:
    """A deadline in a year whose holiday notice is not loaded is only provisional (暂定):
    the working days in it were counted without that year's holidays."""
    return day is not None and day.year not in loaded_years()


Provider = Callable[[Any, date], Iterable[Queue | Shortcut]]


@cache
def providers() -> list[Provider]:
    return [
        import_string(getattr(config, "worklist"))  # noqa: B009 - declared by some apps only
        for config in apps.get_app_configs()
        if getattr(config, "worklist", None)
    ]


def worklist_for(user: Any, today: date | None = None) -> Worklist:
    """Every app's queues and shortcuts for ``user``, in INSTALLED_APPS order."""
    today = today or timezone.localdate()
    found = Worklist()
    for provider in providers():
        for entry in provider(user, today):
            if isinstance(entry, Shortcut):
                found.shortcuts.append(entry)
            else:
                entry.tasks.sort(key=Task.sort_key)
                found.queues.append(entry)
    return found
