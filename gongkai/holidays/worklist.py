"""The holiday calendar on the workbench: from 1 November, while next year's State Council
notice is not loaded, the administrators who can load it see it among what waits for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from gongkai.core.worklist import Queue, Task
from gongkai.holidays.reminders import reminder_for


def queues(user: Any, today: date) -> Iterator[Queue]:
    text = reminder_for(user, today)
    if not text:
        return
    yield Queue(
        key="holiday-notice",
        group="write",
        heading="节假日安排",
        kind="工作日历",
        tasks=[Task(title=text, url=reverse("holidays:calendar"), urgency="soon")],
        count=1,
    )
