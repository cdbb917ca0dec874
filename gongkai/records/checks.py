"""System checks for the records app's settings: a 索引号 pattern that cannot number
publications stops the start, not the second publication."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from gongkai.core.checks import number_problems
from gongkai.records.indexing import FIELDS, pattern_problems


@register()
def index_pattern(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    pattern = settings.GONGKAI_INDEX_PATTERN
    return [
        Error(
            f"INDEX_PATTERN={pattern!r} cannot number publications: {problem}.",
            hint="Use the fields "
            + ", ".join("{" + name + "}" for name in FIELDS)
            + " and include {serial}, e.g. INDEX_PATTERN={uscc}/{year}-{serial:05d}.",
            id="records.E001",
        )
        for problem in pattern_problems(pattern)
    ]


@register()
def attachment_size(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return number_problems(["GONGKAI_MAX_ATTACHMENT_MB"], code="records.E002")
