"""Records on the workbench: drafts to write (returned ones with their reason), the two
reviews, approved records to publish, and the publication deadlines of the organisations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role, organisations_for
from gongkai.core.worklist import Queue, Shortcut, Task, due_soon_end, is_provisional
from gongkai.records.models import Kind, Record, RecordQuerySet, Status
from gongkai.records.permissions import STAFF_READ_ROLES

SHOWN = 10
FIELDS = (
    "title",
    "status",
    "due_on",
    "current_version_id",
    "returned_at",
    "return_reason",
    "organisation__name",
    "organisation__short_name",
    "kind",
)


def _task(record: Record, *, with_due: bool = True) -> Task:
    note = f"退回原因：{record.return_reason}" if record.is_returned else ""
    state = record.get_status_display()
    if record.is_returned:
        state = "已退回"
    elif record.status == Status.DRAFT and record.current_version_id:
        state = "修订中"
    due = record.due_on if with_due and record.current_version_id is None else None
    return Task(
        title=record.title,
        url=reverse("records:detail", args=[record.pk]),
        state=state,
        organisation=record.organisation.display_name,
        due_on=due,
        provisional=is_provisional(due),
        note=note,
    )


def _queue(
    key: str, group: str, heading: str, records: RecordQuerySet, *, empty: str, more: str = ""
) -> Queue:
    records = records.select_related("organisation").only(*FIELDS)
    ordered = records.order_by("due_on", "pk")
    return Queue(
        key=key,
        group=group,
        heading=heading,
        tasks=[_task(r) for r in ordered[:SHOWN]],
        count=records.count(),
        empty=empty,
        more_url=more,
        kind="信息",
    )


def queues(user: Any, today: date) -> Iterator[Queue | Shortcut]:
    listing = reverse("records:workbench")
    writer_roles = (Role.CLERK, Role.CONCERN_OFFICER)
    if has_role(user, Role.CLERK):
        yield Shortcut("新建信息", reverse("records:create"))
    if has_role(user, writer_roles):
        mine = Record.objects.filter(author=user, status=Status.DRAFT)
        yield _queue(
            "records_write",
            "write",
            "我的草稿和退回修改",
            mine,
            empty="没有草稿。点击“新建信息”开始制作。"
            if has_role(user, Role.CLERK)
            else "没有草稿。回应从舆情页面的“起草回应”开始。",
            more=f"{listing}?status=draft",
        )
    if has_role(user, Role.DOCUMENT_REVIEWER):
        waiting = (
            Record.objects.filter(
                status=Status.SUBMITTED,
                organisation__in=organisations_for(user, Role.DOCUMENT_REVIEWER),
            )
            .exclude(author=user)
            .exclude(kind=Kind.RESPONSE)
        )
        yield _queue(
            "records_document_review",
            "review",
            "待公文审核",
            waiting,
            empty="没有待公文审核的信息。有人提交时会通知您。",
            more=f"{listing}?status=submitted",
        )
    if has_role(user, Role.DISCLOSURE_REVIEWER):
        waiting = (
            Record.objects.filter(
                status=Status.DOCUMENT_REVIEWED,
                organisation__in=organisations_for(user, Role.DISCLOSURE_REVIEWER),
            )
            .exclude(author=user)
            .exclude(document_reviewer=user)
        )
        yield _queue(
            "records_disclosure_review",
            "review",
            "待政务公开审核",
            waiting,
            empty="没有待政务公开审核的信息。公文审核通过后会通知您。",
            more=f"{listing}?status=document_reviewed",
        )
    publishers = Q(organisation__in=organisations_for(user, (Role.CLERK, Role.DISCLOSURE_REVIEWER)))
    publishers |= Q(
        kind=Kind.RESPONSE,
        organisation__in=organisations_for(user, Role.CONCERN_OFFICER),
    )
    if has_role(user, (Role.CLERK, Role.DISCLOSURE_REVIEWER, Role.CONCERN_OFFICER)):
        yield _queue(
            "records_publish",
            "publish",
            "审核通过待发布",
            Record.objects.filter(publishers, status=Status.APPROVED),
            empty="没有待发布的信息。",
            more=f"{listing}?status=approved",
        )
    if has_role(user, STAFF_READ_ROLES):
        visible = Record.objects.filter(
            organisation__in=organisations_for(user, STAFF_READ_ROLES)
        ).awaiting_publication()
        overdue = _queue(
            "records_overdue",
            "watch",
            "信息逾期未公开",
            visible.filter(due_on__lt=today),
            empty="",
            more=f"{listing}?due=overdue",
        )
        overdue.overdue = True
        yield overdue
        yield _queue(
            "records_due_soon",
            "watch",
            "信息即将到期",
            visible.filter(due_on__gte=today, due_on__lte=due_soon_end(today)),
            empty="",
            more=f"{listing}?due=soon",
        )
