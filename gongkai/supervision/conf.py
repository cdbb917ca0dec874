"""Supervision settings, read with defaults so settings.py need not change."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def digest_days_ahead() -> int:
    """Working days ahead that count as "due soon" in a digest."""
    return int(_get("GONGKAI_SUPERVISION_DUE_SOON_DAYS", 5))


def worst_offenders() -> int:
    return int(_get("GONGKAI_SUPERVISION_WORST_OFFENDERS", 5))


def policy_section_codes() -> tuple[str, ...]:
    """Sections whose columns are 政策文件类 (stale after 6 months)."""
    return tuple(_get("GONGKAI_SUPERVISION_POLICY_SECTIONS", ("01",)))


def news_item_codes() -> tuple[str, ...]:
    """Items that are 动态、要闻类 (stale after 2 weeks). The standard has none; local
    news columns are configured here."""
    return tuple(_get("GONGKAI_SUPERVISION_NEWS_ITEMS", ()))


POLICY_STALE_DAYS = 183  # 国办秘函〔2019〕19号：前 6 个月内
NEWS_STALE_DAYS = 14  # 前 2 周内
MESSAGE_UNANSWERED_DAYS = 90  # 超过 3 个月未回应有效留言


def link_check() -> dict[str, Any]:
    defaults = {"timeout": 5.0, "max_links": 200, "per_host_delay": 1.0, "max_bytes": 65536}
    return {**defaults, **_get("GONGKAI_SUPERVISION_LINK_CHECK", {})}


def annual_report_item_code() -> str:
    """The catalogue item the annual report is filed under (configurable per edition)."""
    return str(_get("GONGKAI_SUPERVISION_ANNUAL_REPORT_ITEM", "02.01"))


def table_two_items() -> dict[str, tuple[str, ...]]:
    """Which catalogue items feed 年报表二's rows (规章 has no item: bureaus make none)."""
    defaults = {"rules": (), "normative": ("01.02",), "licensing": ("03.02",)}
    return {**defaults, **_get("GONGKAI_SUPERVISION_TABLE_TWO_ITEMS", {})}
