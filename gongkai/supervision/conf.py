"""The supervision app's settings, typed; each is declared with its default in settings.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def digest_days_ahead() -> int:
    """Working days ahead that count as "due soon" in a digest."""
    return settings.GONGKAI_SUPERVISION_DUE_SOON_DAYS


def worst_offenders() -> int:
    return settings.GONGKAI_SUPERVISION_WORST_OFFENDERS


def policy_section_codes() -> tuple[str, ...]:
    """Sections whose columns are 政策文件类 (stale after 6 months)."""
    return tuple(settings.GONGKAI_SUPERVISION_POLICY_SECTIONS)


def news_item_codes() -> tuple[str, ...]:
    """Items that are 动态、要闻类 (stale after 2 weeks). The standard has none; local
    news columns are configured here."""
    return tuple(settings.GONGKAI_SUPERVISION_NEWS_ITEMS)


POLICY_STALE_DAYS = 183  # 国办秘函〔2019〕19号：前 6 个月内
NEWS_STALE_DAYS = 14  # 前 2 周内
MESSAGE_UNANSWERED_DAYS = 90  # 超过 3 个月未回应有效留言


def link_check() -> dict[str, Any]:
    return dict(settings.GONGKAI_SUPERVISION_LINK_CHECK)


def annual_report_item_code() -> str:
    """The catalogue item the annual report is filed under (configurable per edition)."""
    return settings.GONGKAI_SUPERVISION_ANNUAL_REPORT_ITEM


def table_two_items() -> dict[str, tuple[str, ...]]:
    """Which catalogue items feed 年报表二's rows (规章 has no item: bureaus make none)."""
    return {
        key: tuple(codes) for key, codes in settings.GONGKAI_SUPERVISION_TABLE_TWO_ITEMS.items()
    }
