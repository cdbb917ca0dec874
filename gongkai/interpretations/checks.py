"""System checks for the interpretations app's settings."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, register

from gongkai.core.checks import number_problems


@register()
def interpretation_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return number_problems(
        ["GONGKAI_INTERPRETATION_PAGE_SIZE", "GONGKAI_MAX_VIDEO_MB"], code="interpretations.E001"
    )
