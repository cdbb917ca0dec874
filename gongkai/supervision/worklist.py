"""Supervision on the workbench: the way to the annual report for those who write it (the
unit's clerk) or review it (supervisors), for the organisation they are responsible for.
The supervision dashboards themselves are in the staff navigation (staff_links)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import grants
from gongkai.core.worklist import Queue, Shortcut


def queues(user: Any, today: date) -> Iterator[Queue | Shortcut]:
    # The highest organisation on which the person writes (clerk) or reviews (supervisor)
    # the report; the page itself offers the year (last year by default).
    held = [g.organisation for g in grants(user) if g.role in (Role.SUPERVISOR, Role.CLERK)]
    if not held:
        return
    top = min(held, key=lambda o: (o.depth, o.path))
    yield Shortcut(
        f"{today.year - 1}年度政务公开工作报告",
        reverse("supervision:annual", args=[top.code]),
    )
