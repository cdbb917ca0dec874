"""Hour clocks of a concern: pure functions of discovery time, level, configuration and the
times responses were published.

Nothing here is stored: change the level and every clock is re-timed from discovery; publish
a response and the clocks it qualifies for are met at its publication time. So a clock can
always explain itself ("按时：用时 3小时12分" / "超时 40分").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gongkai.concerns import conf

LABELS = {
    "authoritative": "发布权威信息",
    "press_conference": "举行新闻发布会",
    "response": "回应",
}

#: Which response kinds meet which clock: only a press conference meets the press-conference
#: clock; any published response is authoritative information or a response.
QUALIFYING = {
    "authoritative": {"statement", "press_release", "press_conference", "update"},
    "press_conference": {"press_conference"},
    "response": {"statement", "press_release", "press_conference", "update"},
}

DUE_SOON = timedelta(hours=1)


def duration_text(delta: timedelta, *, round_up: bool = False) -> str:
    """``3小时12分``; minutes are rounded down unless ``round_up`` (time still left)."""
    seconds = max(delta.total_seconds(), 0)
    minutes = math.ceil(seconds / 60) if round_up else math.floor(seconds / 60)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分"


@dataclass(frozen=True)
class Clock:
    name: str
    hours: int
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    now: datetime

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def state(self) -> str:
        """running · due_soon · overdue (open), on_time · late (met)."""
        if self.met_at is not None:
            return "on_time" if self.met_at <= self.due_at else "late"
        if self.now >= self.due_at:
            return "overdue"
        if self.due_at - self.now <= DUE_SOON:
            return "due_soon"
        return "running"

    @property
    def text(self) -> str:
        state = self.state
        if state == "on_time":
            assert self.met_at is not None
            return f"按时完成（用时 {duration_text(self.met_at - self.started_at)}）"
        if state == "late":
            assert self.met_at is not None
            return f"超时完成（晚 {duration_text(self.met_at - self.due_at)}）"
        if state == "overdue":
            return f"已超时 {duration_text(self.now - self.due_at)}"
        return f"还剩 {duration_text(self.due_at - self.now, round_up=True)}"

    @property
    def css(self) -> str:
        return {"on_time": "ok", "late": "bad", "overdue": "bad", "due_soon": "warn"}.get(
            self.state, ""
        )


def compute_clocks(
    *,
    discovered_at: datetime,
    level: str,
    published: Iterable[tuple[str, datetime]],
    now: datetime,
) -> list[Clock]:
    """The clocks of a concern at ``now``. ``published`` is (response kind, first published
    at) for every response published so far; each clock is met by the first that qualifies."""
    published = sorted(published, key=lambda pair: pair[1])
    clocks = []
    for name, hours in conf.clock_hours(level).items():
        qualifying = QUALIFYING.get(name, QUALIFYING["response"])
        met_at = next((at for kind, at in published if kind in qualifying), None)
        clocks.append(
            Clock(
                name=name,
                hours=hours,
                started_at=discovered_at,
                due_at=discovered_at + timedelta(hours=hours),
                met_at=met_at,
                now=now,
            )
        )
    return clocks


def reminder_times(clock: Clock) -> list[tuple[str, datetime, bool]]:
    """(point, when, escalate) for each configured reminder of ``clock``."""
    length = clock.due_at - clock.started_at
    return [
        (point, clock.started_at + conf.offset_from_start(when, length), escalate)
        for point, when, escalate in conf.reminder_points()
    ]
