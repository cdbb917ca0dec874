"""System checks for the numbers public participation runs on (consultations/conf.py)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register

from gongkai.core.checks import number_problems


@register()
def participation_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return number_problems(
        [
            "GONGKAI_CONSULTATION_MIN_DAYS",
            "GONGKAI_FEEDBACK_DAYS",
            "GONGKAI_COMMENT_MAX_LENGTH",
            "GONGKAI_MAILBOX_REPLY_WORKING_DAYS",
            "GONGKAI_PARTICIPATION_RATE_LIMIT",
        ],
        code="consultations.E001",
    ) + number_problems(
        ["GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS"], minimum=0, code="consultations.E002"
    )
