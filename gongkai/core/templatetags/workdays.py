"""``{% load workdays %}``: marking deadlines counted on the provisional calendar.

``{{ due_on|date:"Y-m-d" }}{{ due_on|provisional_badge }}`` shows 暂定 after a date in a year
whose State Council holiday notice is not loaded yet (``core.calendar.is_provisional``); it
disappears by itself once the notice is loaded and the deadlines are recomputed.
"""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from gongkai.core import calendar

register = template.Library()

TITLE = "该年的国务院节假日安排尚未导入，期限暂按《全国年节及纪念日放假办法》计算，导入后可能变动"


@register.filter
def is_provisional(day: date | None) -> bool:
    return calendar.is_provisional(day) if isinstance(day, date) else False


@register.filter
def provisional_badge(day: date | None) -> SafeString | str:
    if not is_provisional(day):
        return ""
    return format_html(
        ' <span class="badge warn" title="{}">{}</span>', TITLE, calendar.PROVISIONAL
    )


@register.filter
def provisional_text(day: date | None) -> str:
    """For plain text (mail, exports): （暂定） after a provisional date."""
    return f"（{calendar.PROVISIONAL}）" if is_provisional(day) else ""
