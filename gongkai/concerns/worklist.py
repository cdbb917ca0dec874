"""Concerns on the workbench: concerns waiting for a response (by their next hour clock),
responses waiting for the one-reviewer fast approval, and clocks overdue or in their last
hour for the organisations someone watches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role, organisations_for
from gongkai.concerns.models import Concern, Response, Status
from gongkai.concerns.permissions import READ_ROLES
from gongkai.core.worklist import Queue, Shortcut, Task
from gongkai.records.models import Kind
from gongkai.records.models import Status as RecordStatus

SHOWN = 10
REVIEWERS = (Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER)
#: Not yet answered: the first response is what the clocks wait for.
UNANSWERED = (Status.REGISTERED, Status.ASSESSED, Status.HANDLING)
URGENCY = {"overdue": "overdue", "due_soon": "soon", "running": "none"}


def _next_clock(concern: Concern, now: datetime) -> Any:
    running = [c for c in concern.clocks(now=now) if not c.is_met]
    return min(running, key=lambda c: c.due_at) if running else None


def _task(concern: Concern, now: datetime, *, title: str = "", url: str = "") -> Task:
    clock = _next_clock(concern, now)
    return Task(
        title=title or concern.subject,
        url=url or reverse("concerns:detail", args=[concern.pk]),
        state=f"{concern.get_level_display()} · {concern.get_status_display()}",
        organisation=concern.responsible_organisation.display_name,
        due_at=clock.due_at if clock else None,
        urgency=URGENCY.get(clock.state, "") if clock else "",
        note=f"{clock.label}：{clock.text}" if clock else "",
    )


def _by_deadline(tasks: Iterable[Task]) -> list[Task]:
    return sorted(tasks, key=Task.sort_key)


def queues(user: Any, today: date) -> Iterator[Queue | Shortcut]:
    now = timezone.now()
    workbench = reverse("concerns:workbench")
    if has_role(user, Role.CONCERN_OFFICER):
        yield Shortcut("登记舆情", reverse("concerns:create"))
        waiting = (
            Concern.objects.in_organisations(organisations_for(user, Role.CONCERN_OFFICER))
            .filter(status__in=UNANSWERED)
            .select_related("responsible_organisation")
            .with_published_responses()
        )
        tasks = _by_deadline(_task(c, now) for c in waiting)
        yield Queue(
            key="concerns_answer",
            group="answer",
            heading="待回应的舆情",
            tasks=tasks[:SHOWN],
            count=len(tasks),
            empty="没有待回应的舆情。发现舆情时点击“登记舆情”，时限从发现时起计算。",
            more_url=workbench,
            kind="舆情",
        )
    if has_role(user, REVIEWERS):
        responses = (
            Response.objects.filter(
                record__status=RecordStatus.SUBMITTED,
                record__kind=Kind.RESPONSE,
                record__organisation__in=organisations_for(user, REVIEWERS),
            )
            .exclude(record__author=user)
            .select_related("record", "concern__responsible_organisation")
        )
        tasks = _by_deadline(
            _task(
                r.concern,
                now,
                title=r.record.title,
                url=reverse("records:detail", args=[r.record_id]),
            )
            for r in responses
        )
        yield Queue(
            key="concerns_fast_review",
            group="review",
            heading="待快速审核的回应关切",
            tasks=tasks[:SHOWN],
            count=len(tasks),
            empty="没有待审核的回应稿件。回应关切由一名审核人员快速审核，提交时会通知您。",
            kind="回应关切",
        )
    if has_role(user, READ_ROLES):
        watched = (
            Concern.objects.in_organisations(organisations_for(user, READ_ROLES))
            .open()
            .select_related("responsible_organisation")
            .with_published_responses()
        )
        tasks = [_task(c, now) for c in watched]
        for overdue, heading in ((True, "舆情回应超时"), (False, "舆情回应即将超时")):
            chosen = _by_deadline(
                t for t in tasks if t.urgency == ("overdue" if overdue else "soon")
            )
            yield Queue(
                key="concerns_overdue" if overdue else "concerns_due_soon",
                group="watch",
                heading=heading,
                tasks=chosen[:SHOWN],
                count=len(chosen),
                more_url=workbench,
                kind="舆情",
                overdue=overdue,
            )
