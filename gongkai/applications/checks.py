"""System checks for the applications app's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from gongkai.applications.rules import unknown_rules
from gongkai.core.checks import number_problems


@register()
def application_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found = number_problems(
        [
            "GONGKAI_APPLICATION_RATE_LIMIT",
            "GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT",
            "GONGKAI_APPLICATION_TRACK_CODE_LIMIT",
        ],
        code="applications.E001",
    )
    rules = settings.GONGKAI_APPLICATION_RULES
    if not isinstance(rules, dict):
        unknown = [repr(rules)]
    else:
        unknown = unknown_rules(rules) + [
            name for name, value in rules.items() if not isinstance(value, int)
        ]
    if unknown:
        found.append(
            Error(
                f"APPLICATION_RULES has entries that are no rule of the clock or not whole "
                f"numbers: {', '.join(unknown)}.",
                hint="A JSON object of the names in gongkai/applications/rules.py, e.g. "
                '{"third_party_days": 15}.',
                id="applications.E002",
            )
        )
    return found
