"""System check: the digest time is a real time of day."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def digest_time(app_configs: Any, **kwargs: Any) -> list[Error]:
    value = settings.GONGKAI_NOTIFICATION_DIGEST_AT
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return []
    return [
        Error(
            f"NOTIFICATION_DIGEST_AT must be a time of day such as 08:30, not {value!r}",
            id="gongkai.notifications.E001",
        )
    ]
