"""Public participation on the workbench: comments to moderate, adoption feedback to publish
(by its due date), mailbox messages to answer, and those deadlines overdue or due soon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from gongkai.accounts.permissions import has_role, organisations_for
from gongkai.consultations import permissions as can
from gongkai.consultations.models import CommentStatus, Consultation, Message
from gongkai.core.worklist import Queue, Shortcut, Task, due_soon_end, is_provisional

SHOWN = 10


def _consultation(c: Consultation, note: str = "", due: bool = True) -> Task:
    due_on = c.feedback_due_on if due else None
    return Task(
        title=c.title,
        url=reverse("consultations:staff_detail", args=[c.pk]),
        state=c.get_status_display(),
        organisation=c.organisation.display_name,
        due_on=due_on,
        provisional=is_provisional(due_on),
        note=note,
    )


def _message(m: Message) -> Task:
    return Task(
        title=m.subject,
        url=reverse("consultations:staff_message", args=[m.pk]),
        state=m.get_status_display(),
        organisation=m.organisation.display_name,
        due_on=m.due_on,
        provisional=is_provisional(m.due_on),
    )


def queues(user: Any, today: date) -> Iterator[Queue | Shortcut]:
    home = reverse("consultations:staff_home")
    if has_role(user, can.MANAGE_ROLES):
        yield Shortcut("新建意见征集", reverse("consultations:staff_create"))
        managed = Consultation.objects.filter(
            organisation__in=organisations_for(user, can.MANAGE_ROLES)
        ).select_related("organisation")
        moderating = managed.annotate(
            pending=Count("comments", filter=Q(comments__status=CommentStatus.PENDING))
        ).filter(pending__gt=0)
        yield Queue(
            key="consultations_moderate",
            group="answer",
            heading="待审核的公众意见",
            tasks=[
                _consultation(c, note=f"{c.pending} 条意见待审核", due=False)  # type: ignore[attr-defined]
                for c in moderating.order_by("closes_at")[:SHOWN]
            ],
            count=moderating.count(),
            empty="没有待审核的公众意见。",
            more_url=home,
            kind="意见征集",
        )
        feedback = managed.awaiting_feedback().order_by("feedback_due_on")
        yield Queue(
            key="consultations_feedback",
            group="answer",
            heading="待发布的采纳情况反馈",
            tasks=[_consultation(c) for c in feedback[:SHOWN]],
            count=feedback.count(),
            empty="没有待反馈的意见征集。征集结束后须在期限内发布采纳情况反馈。",
            more_url=home,
            kind="意见征集",
        )
        overdue_feedback = managed.feedback_overdue(today).order_by("feedback_due_on")
        yield Queue(
            key="consultations_feedback_overdue",
            group="watch",
            heading="采纳情况反馈逾期",
            tasks=[_consultation(c) for c in overdue_feedback[:SHOWN]],
            count=overdue_feedback.count(),
            more_url=home,
            kind="意见征集",
            overdue=True,
        )
    if has_role(user, can.HANDLE_ROLES):
        messages = Message.objects.filter(
            organisation__in=organisations_for(user, can.HANDLE_ROLES)
        ).select_related("organisation")
        waiting = messages.open().order_by("due_on", "pk")
        yield Queue(
            key="mailbox_answer",
            group="answer",
            heading="待答复的留言",
            tasks=[_message(m) for m in waiting[:SHOWN]],
            count=waiting.count(),
            empty="没有待答复的留言。",
            more_url=home,
            kind="留言",
        )
        for key, heading, found, overdue in (
            ("mailbox_overdue", "留言答复逾期", messages.overdue(today), True),
            (
                "mailbox_due_soon",
                "留言即将到期",
                messages.due_within(today, due_soon_end(today)),
                False,
            ),
        ):
            yield Queue(
                key=key,
                group="watch",
                heading=heading,
                tasks=[_message(m) for m in found.order_by("due_on", "pk")[:SHOWN]],
                count=found.count(),
                more_url=home,
                kind="留言",
                overdue=overdue,
            )
