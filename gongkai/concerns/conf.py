"""The hours concern responses run on, typed; declared with their defaults in settings.py.

* ``GONGKAI_CONCERN_CLOCKS``: for each level, the clocks that start at discovery and their
  length in natural hours (not working hours: a concern on a Saturday night is answered on
  Saturday night). 特别重大/重大: authoritative information within 5 hours at the latest and a
  press conference within 24 hours; 较大/一般: a response within 48 hours (61号: "一般应在48小时
  内予以回应").
* ``GONGKAI_CONCERN_REMINDERS``: when the officer is reminded and the supervisors are told.
  Each point is ``(name, when, escalate)``; ``when`` is ``"50%"`` (share of the clock elapsed),
  ``"-60m"`` (minutes before the deadline) or ``"+0m"`` (minutes after it). ``escalate`` also
  mails the supervisors of the responsible organisation.
* ``GONGKAI_CONCERN_SCREENSHOT_MB``: the size cap on one screenshot.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings

_WHEN = re.compile(r"^(?:\d+(?:\.\d+)?%|[+-]?\d+m)$")


def clock_hours(level: str) -> dict[str, int]:
    """{clock name: hours} for ``level``, in the order the clocks run out."""
    table = settings.GONGKAI_CONCERN_CLOCKS
    hours = {name: int(value) for name, value in table.get(level, {}).items()}
    return dict(sorted(hours.items(), key=lambda pair: pair[1]))


def reminder_points() -> list[tuple[str, str, bool]]:
    points = settings.GONGKAI_CONCERN_REMINDERS
    return [(str(name), str(when), bool(escalate)) for name, when, escalate in points]


def is_readable(when: str) -> bool:
    """Whether a reminder point's ``when`` is one ``offset_from_start`` reads."""
    return bool(_WHEN.match(when.strip()))


def offset_from_start(when: str, length: timedelta) -> timedelta:
    """When a reminder point falls, measured from the clock's start."""
    when = when.strip()
    if when.endswith("%"):
        return length * (float(when[:-1]) / 100)
    if when.endswith("m"):
        return length + timedelta(minutes=int(when[:-1]))
    raise ValueError(f"GONGKAI_CONCERN_REMINDERS: cannot read {when!r}")


def max_screenshot_bytes() -> int:
    return settings.GONGKAI_CONCERN_SCREENSHOT_MB * 1024 * 1024
