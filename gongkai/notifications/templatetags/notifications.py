"""``{% unread_notifications as n %}``: the count on the staff shell's 通知 link."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    request = context.get("request")
    return 0 if request is None else unread_count(request)
