"""`manage.py check --deploy`: warn while next year's (or this year's) holiday notice is missing."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register
from django.db import DatabaseError


@register(deploy=True)
def missing_holiday_notice(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from gongkai.holidays.reminders import missing_notice_reminder

    try:
        text = missing_notice_reminder()
    except DatabaseError:  # not migrated yet: nothing to say about the calendar
        return []
    if text is None:
        return []
    return [
        Warning(
            text,
            hint="在“节假日安排”页面（/staff/calendar/）粘贴通知全文，或运行 "
            "manage.py workdays import 通知.txt",
            id="gongkai.holidays.W001",
        )
    ]
