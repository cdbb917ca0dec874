"""Who is told what when a record moves (notifications.notify, after the transition commits).

Reviewers learn that a record waits for them, the author that it was returned (with the
reason), approved or published. Each message is keyed by the audit row of its transition,
so a person hears of each step once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from gongkai.accounts.models import Role, User
from gongkai.core.models import AuditEvent
from gongkai.notifications.models import Kind
from gongkai.notifications.services import notify, people_holding, resolve
from gongkai.records.models import Kind as RecordKind
from gongkai.records.models import Record, Status

REVIEWERS = (Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER)


def on_transition(name: str, record: Any, action: str) -> None:
    """``core.workflow.on_committed_transition`` listener."""
    if name != "record":
        return
    if action != "submit":
        # Whatever happened, the record no longer waits at the review it was announced for.
        resolve(url=reverse("records:detail", args=[record.pk]), kind=Kind.REVIEW)
    if action not in _MESSAGES:
        return
    event = (
        AuditEvent.objects.for_object(record)
        .filter(verb=f"record.{action}")
        .order_by("-id")
        .only("id", "note", "actor_name", "actor_id")
        .first()
    )
    if event is None:
        return
    record = Record.objects.select_related("organisation", "author").get(pk=record.pk)
    people, kind, subject, lines = _MESSAGES[action](record, event)
    people = [p for p in people if p.pk != event.actor_id]
    if not people:
        return
    notify(
        people,
        kind=kind,
        subject=subject,
        body="\n".join(line for line in lines if line),
        url=reverse("records:detail", args=[record.pk]),
        key=f"audit:{event.pk}",
    )


def _facts(record: Record) -> list[str]:
    due = (
        f"公开截止：{record.due_on:%Y-%m-%d}"
        if record.due_on and record.current_version_id is None
        else ""
    )
    return [f"发布机构：{record.organisation.name}", due]


def _submitted(record: Record, event: AuditEvent) -> tuple[list[User], str, str, list[str]]:
    if record.kind == RecordKind.RESPONSE:
        people = people_holding(REVIEWERS, record.organisation)
        subject = f"回应关切待快速审核：{record.title}"
        lines = ["回应关切稿件由一名审核人员快速审核（不能是起草人），请尽快处理。"]
    else:
        people = people_holding(Role.DOCUMENT_REVIEWER, record.organisation)
        subject = f"待公文审核：{record.title}"
        lines = []
    people = people.exclude(pk=record.author_id)
    return (
        list(people),
        Kind.REVIEW,
        subject,
        [f"{event.actor_name} 提交了审核。", *lines, *_facts(record)],
    )


def _document_reviewed(record: Record, event: AuditEvent) -> tuple[list[User], str, str, list[str]]:
    people = people_holding(Role.DISCLOSURE_REVIEWER, record.organisation).exclude(
        pk__in=[record.author_id, record.document_reviewer_id or 0]
    )
    return (
        list(people),
        Kind.REVIEW,
        f"待政务公开审核：{record.title}",
        [f"{event.actor_name} 已完成公文审核。", *_facts(record)],
    )


def _returned(record: Record, event: AuditEvent) -> tuple[list[User], str, str, list[str]]:
    return (
        [record.author],
        Kind.RETURNED,
        f"被退回修改：{record.title}",
        [f"退回原因：{event.note}", f"退回人：{event.actor_name}", *_facts(record)],
    )


def _approved(record: Record, event: AuditEvent) -> tuple[list[User], str, str, list[str]]:
    return (
        [record.author],
        Kind.APPROVED,
        f"审核通过，可以发布：{record.title}",
        [f"{event.actor_name} 审核通过。请发布或设定发布时间。", *_facts(record)],
    )


def _published(record: Record, event: AuditEvent) -> tuple[list[User], str, str, list[str]]:
    return (
        [record.author],
        Kind.PUBLISHED,
        f"已发布：{record.title}",
        [f"索引号：{record.index_number}" if record.index_number else ""],
    )


def holders(record: Record) -> list[User]:
    """Whoever has the record on their desk now: its author, and the reviewers of the step
    it waits at."""
    people = [record.author]
    waiting_for = {
        Status.SUBMITTED: REVIEWERS
        if record.kind == RecordKind.RESPONSE
        else Role.DOCUMENT_REVIEWER,
        Status.DOCUMENT_REVIEWED: Role.DISCLOSURE_REVIEWER,
        Status.APPROVED: Role.DISCLOSURE_REVIEWER,
    }.get(Status(record.status))
    if waiting_for:
        people += list(people_holding(waiting_for, record.organisation))
    return people


def remind_deadline(record: Record, *, today: date) -> None:
    """A record formed but not yet published is overdue or due soon: tell whoever holds it,
    once per deadline (the daily reminder job calls this; its digest is the e-mail)."""
    if record.due_on is None:
        return
    overdue = record.due_on < today
    notify(
        holders(record),
        kind=Kind.DEADLINE,
        subject=f"{'已超期未公开' if overdue else '即将到期'}：{record.title}",
        body=f"应于 {record.due_on:%Y-%m-%d} 前公开（{record.organisation.name}）。",
        url=reverse("records:detail", args=[record.pk]),
        key=f"record-due:{record.pk}:{'overdue' if overdue else 'soon'}:{record.due_on}",
        email=False,
    )


_MESSAGES = {
    "submit": _submitted,
    "approve_document": _document_reviewed,
    "return_document": _returned,
    "return_disclosure": _returned,
    "return_approved": _returned,
    "approve_disclosure": _approved,
    "approve_fast": _approved,
    "publish": _published,
    "publish_scheduled": _published,
}
