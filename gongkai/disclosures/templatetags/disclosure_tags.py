"""Template filters for the structured pages: snapshots keep dates as ISO strings."""

from __future__ import annotations

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter
def cn_date(value: str | date | None) -> str:
    """``2026-09-30`` → ``2026年9月30日``; empty stays empty."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def or_missing(value: object) -> object:
    """Show a gap in a draft's preview as a gap, never as an empty cell."""
    return value if value not in (None, "", []) else "（未填写）"
