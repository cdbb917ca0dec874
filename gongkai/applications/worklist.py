"""Applications on the workbench: the open ones to answer (by their statutory deadline) and
the deadlines overdue or due soon, for the staff who handle them. Nothing of the applicant
appears here (permissions.py: only handlers see an application at all)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from gongkai.applications import permissions as can
from gongkai.applications.models import Application, ApplicationQuerySet, ClockState
from gongkai.applications.rules import current_rules
from gongkai.core.calendar import CalendarNotLoaded, add_working_days
from gongkai.core.worklist import Queue, Shortcut, Task, is_provisional

SHOWN = 10


def _task(application: Application) -> Task:
    paused = application.clock_state not in (ClockState.RUNNING, "")
    description = application.description.strip().replace("\n", " ")
    return Task(
        title=f"{application.reference} {description[:40]}",
        url=reverse("applications:detail", args=[application.pk]),
        state=application.get_status_display(),
        organisation=application.organisation.display_name,
        due_on=application.due_on,
        provisional=is_provisional(application.due_on),
        note=f"期限{application.get_clock_state_display()}" if paused else "",
    )


def _queue(key: str, group: str, heading: str, found: ApplicationQuerySet, **kw: Any) -> Queue:
    found = found.select_related("organisation")
    return Queue(
        key=key,
        group=group,
        heading=heading,
        tasks=[_task(a) for a in found.order_by("due_on", "received_on")[:SHOWN]],
        count=found.count(),
        more_url=reverse("applications:workbench"),
        kind="依申请公开",
        **kw,
    )


def queues(user: Any, today: date) -> Iterator[Queue | Shortcut]:
    orgs = can.handled_organisations(user)
    if not orgs.exists():
        return
    yield Shortcut("登记申请", reverse("applications:register"))
    visible = Application.objects.in_organisations(orgs)
    yield _queue(
        "applications_answer",
        "answer",
        "待答复的依申请公开",
        visible.open(),
        empty="没有待答复的申请。收到申请后请及时登记，答复期限自动计算。",
    )
    try:
        soon = add_working_days(today, current_rules().due_soon_days).due_on
    except CalendarNotLoaded:
        soon = today
    yield _queue(
        "applications_overdue",
        "watch",
        "依申请公开逾期未答复",
        visible.overdue(today),
        overdue=True,
    )
    yield _queue(
        "applications_due_soon", "watch", "依申请公开即将到期", visible.due_soon(today, soon)
    )
