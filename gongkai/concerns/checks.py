"""System checks for the hours concern responses run on (concerns/conf.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from gongkai.concerns.conf import is_readable
from gongkai.core.checks import number_problems


@register()
def concern_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found = number_problems(["GONGKAI_CONCERN_SCREENSHOT_MB"], code="concerns.E001")
    clocks = settings.GONGKAI_CONCERN_CLOCKS
    if not isinstance(clocks, dict) or not all(
        isinstance(table, dict)
        and all(isinstance(hours, int) and hours > 0 for hours in table.values())
        for table in clocks.values()
    ):
        found.append(
            Error(
                f"CONCERN_CLOCKS={clocks!r} must map each level to clocks of whole hours.",
                hint='e.g. {"general": {"response": 48}} (settings.py has the default).',
                id="concerns.E002",
            )
        )
    points = settings.GONGKAI_CONCERN_REMINDERS
    if not isinstance(points, list) or not all(
        isinstance(point, list | tuple) and len(point) == 3 and is_readable(str(point[1]))
        for point in points
    ):
        found.append(
            Error(
                f"CONCERN_REMINDERS={points!r} must be a list of [name, when, escalate] with "
                'when written "50%", "-60m" or "+0m".',
                hint="settings.py has the default.",
                id="concerns.E003",
            )
        )
    return found
