"""System checks for the supervision app's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from gongkai.core.checks import number_problems
from gongkai.supervision.annual.tables import TABLE_TWO_ROWS

LINK_CHECK_KEYS = frozenset({"timeout", "max_links", "per_host_delay", "max_bytes"})


@register()
def supervision_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found = number_problems(
        ["GONGKAI_SUPERVISION_DUE_SOON_DAYS", "GONGKAI_SUPERVISION_WORST_OFFENDERS"],
        code="supervision.E001",
    )
    link_check = settings.GONGKAI_SUPERVISION_LINK_CHECK
    unknown = sorted(set(link_check) - LINK_CHECK_KEYS)
    if unknown:
        found.append(
            Error(
                f"SUPERVISION_LINK_CHECK has unknown keys: {', '.join(unknown)}.",
                hint=f"Known: {', '.join(sorted(LINK_CHECK_KEYS))}.",
                id="supervision.E002",
            )
        )
    rows = {key for key, _, _ in TABLE_TWO_ROWS}
    unknown = sorted(set(settings.GONGKAI_SUPERVISION_TABLE_TWO_ITEMS) - rows)
    if unknown:
        found.append(
            Error(
                f"SUPERVISION_TABLE_TWO_ITEMS names rows table 二 does not have: "
                f"{', '.join(unknown)}.",
                hint=f"Rows: {', '.join(sorted(rows))}.",
                id="supervision.E003",
            )
        )
    return found
