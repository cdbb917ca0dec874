"""Settings of the interpretations app, each with a default (override in settings.py)."""

from __future__ import annotations

from django.conf import settings


def extra_item_codes() -> frozenset[str]:
    """Item codes that need an interpretation besides those the catalogue marks
    ``needs_interpretation`` (by default 01.02 规范性文件 and 05.02 招生政策)."""
    return frozenset(getattr(settings, "GONGKAI_INTERPRETATION_EXTRA_ITEMS", ()))


def page_size() -> int:
    return int(getattr(settings, "GONGKAI_INTERPRETATION_PAGE_SIZE", 20))
