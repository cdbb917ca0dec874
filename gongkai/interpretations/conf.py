"""The interpretations app's settings, typed; each is declared with its default in settings.py."""

from __future__ import annotations

from django.conf import settings


def extra_item_codes() -> frozenset[str]:
    """Item codes that need an interpretation besides those the catalogue marks
    ``needs_interpretation`` (by default 01.02 规范性文件 and 05.02 招生政策)."""
    return frozenset(settings.GONGKAI_INTERPRETATION_EXTRA_ITEMS)


def page_size() -> int:
    return settings.GONGKAI_INTERPRETATION_PAGE_SIZE


def max_video_bytes() -> int:
    return settings.GONGKAI_MAX_VIDEO_MB * 1024 * 1024
