"""Telling people that a loaded holiday notice moved their deadlines: one notification per
person (inbox, and mail at once or in the daily digest as they chose), listing each deadline
with its old and new date and the page to act on."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.urls import reverse

from gongkai.core.calendar.loading import MovedDeadline, YearNotice
from gongkai.notifications.models import Kind
from gongkai.notifications.services import notify


def tell_people(moved: list[MovedDeadline], notice: YearNotice) -> int:
    """Notify everyone whose deadline moved; returns how many people were told."""
    by_person: dict[int, tuple[Any, list[MovedDeadline]]] = {}
    for item in moved:
        for person in item.people:
            if getattr(person, "is_active", True):
                by_person.setdefault(person.pk, (person, []))[1].append(item)
    # A corrected notice that moves the same deadlines again is news again: the key names
    # what moved, not only the year.
    fingerprint = hashlib.sha256(
        "\n".join(sorted(m.sentence for m in moved)).encode("utf-8")
    ).hexdigest()[:16]
    site = settings.SITE_URL.rstrip("/")
    told = 0
    for pk, (person, items) in sorted(by_person.items()):
        lines = [f"- {m.sentence}" + (f"\n  {site}{m.url}" if m.url else "") for m in items]
        body = (
            f"已导入《{notice.source}》，以下由您办理的期限已重新计算：\n\n"
            + "\n".join(lines)
            + "\n\n此前按《全国年节及纪念日放假办法》暂定的期限，现以国务院办公厅的通知为准。"
        )
        created = notify(
            [person],
            kind=Kind.DEADLINE,
            subject=f"期限已按 {notice.year} 年节假日安排重新计算（{len(items)} 项）",
            body=body,
            url=items[0].url if len(items) == 1 and items[0].url else reverse("workbench:home"),
            key=f"calendar-moved:{notice.year}:{fingerprint}:{pk}",
        )
        told += bool(created)
    return told
