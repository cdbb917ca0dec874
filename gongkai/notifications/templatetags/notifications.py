"""``{% unread_notifications as n %}``: the count on the staff shell's 通知 link."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.notifications.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_gk_unread", None)
    if cached is None:
        cached = Notification.objects.for_user(user).unread().count()
        request._gk_unread = cached
    return int(cached)
