"""The mailbox (留言咨询): receive, transfer, reply, refuse, publish as Q&A, remind.

The reply deadline is counted in working days on ``core.calendar`` from the day after the
clock starts (receipt, or the last transfer where the mailbox restarts the clock).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.permissions import has_role, role_holders
from gongkai.consultations import conf, privacy
from gongkai.consultations import permissions as can
from gongkai.consultations.models import (
    Mailbox,
    Message,
    MessageStatus,
    ReminderKind,
    SentReminder,
    Transfer,
    new_tracking_code,
    normalise_tracking_code,
)
from gongkai.consultations.services.consultation import responsible_addresses
from gongkai.core.audit import record_event
from gongkai.core.calendar import (
    CalendarNotLoaded,
    MovedDeadline,
    WorkdayCount,
    add_working_days,
    provisional_mark,
)
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, Workflow
from gongkai.notifications.models import Kind as NotificationKind
from gongkai.notifications.services import notify, people_holding
from gongkai.organisations.models import Organisation

if TYPE_CHECKING:
    from gongkai.accounts.models import User

MAX_SUBJECT = 100
MAX_BODY = 3000

M = MessageStatus
message_workflow: Workflow[Message] = Workflow(
    "message",
    [
        Transition(
            "reply",
            (M.RECEIVED,),
            M.ANSWERED,
            "答复",
            allowed=can.can_handle_message,
            timestamp="replied_at",
        ),
        Transition(
            "reject",
            (M.RECEIVED,),
            M.REJECTED,
            "不予受理",
            allowed=can.can_handle_message,
            timestamp="rejected_at",
            needs_note=True,
        ),
    ],
)


def deadline(mailbox: Mailbox, clock_started_on: date) -> WorkdayCount | None:
    """The reply deadline, or None while the year's holiday notice is not imported."""
    try:
        return add_working_days(clock_started_on, mailbox.reply_working_days)
    except CalendarNotLoaded:
        return None


def submit_message(
    mailbox: Mailbox,
    *,
    subject: str,
    body: str,
    kind: str,
    author_name: str = "",
    contact: str = "",
    allows_publication: bool = False,
    now: datetime | None = None,
) -> Message:
    now = now or timezone.now()
    subject, body = subject.strip(), body.strip()
    errors: dict[str, str] = {}
    if not mailbox.is_active:
        raise ValidationError("该信箱暂停受理留言。")
    if not subject:
        errors["subject"] = "请填写标题。"
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = f"标题不能超过 {MAX_SUBJECT} 字。"
    if not body:
        errors["body"] = "请填写留言内容。"
    elif len(body) > MAX_BODY:
        errors["body"] = f"留言内容共 {len(body)} 字，超过了 {MAX_BODY} 字的上限。"
    if errors:
        raise ValidationError(errors)
    received_on = timezone.localdate(now)
    due = deadline(mailbox, received_on)
    with transaction.atomic():
        code = new_tracking_code()
        while Message.objects.filter(tracking_code=code).exists():
            code = new_tracking_code()
        message = Message.objects.create(
            mailbox=mailbox,
            organisation=mailbox.organisation,
            tracking_code=code,
            kind=kind,
            subject=subject,
            body=body,
            author_name=author_name.strip(),
            contact=contact.strip(),
            allows_publication=allows_publication,
            personal_data=privacy.personal_data_kinds(subject, body),
            received_at=now,
            received_on=received_on,
            clock_started_on=received_on,
            due_on=due.due_on if due else None,
        )
        record_event(Verb.MESSAGE_SUBMIT, target=message, to_status=message.status)
    return message


def find_by_code(code: str) -> Message | None:
    normalised = normalise_tracking_code(code)
    if not normalised:
        return None
    return (
        Message.objects.select_related("mailbox__organisation")
        .filter(tracking_code=normalised)
        .first()
    )


def reply_to_message(message: Message, *, by: User, body: str) -> Message:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "请填写答复内容。"})
    today = timezone.localdate()
    return message_workflow.apply(
        message,
        "reply",
        by=by,
        changes={
            "reply_body": body,
            "replied_on": today,
            "replied_by": by,
            "reply_organisation": message.organisation,
        },
        data={"on_time": message.due_on is None or today <= message.due_on},
    )


def reject_message(message: Message, *, by: User, reason: str) -> Message:
    return message_workflow.apply(
        message, "reject", by=by, note=reason, changes={"rejected_reason": reason.strip()}
    )


def transfer_message(
    message: Message, *, by: User, to: Organisation, note: str, now: datetime | None = None
) -> Message:
    """转办 to another unit; the clock keeps running from receipt unless the mailbox says so."""
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": "请填写转办说明。"})
    with transaction.atomic():
        locked = Message.objects.select_for_update().select_related("mailbox").get(pk=message.pk)
        if not can.can_handle_message(by, locked):
            raise PermissionDenied("您不能转办该留言。")
        if locked.status != M.RECEIVED:
            raise ValidationError("只有办理中的留言可以转办。")
        if to.pk == locked.organisation_id:
            raise ValidationError({"to": "接收单位与当前承办单位相同。"})
        previous = locked.organisation
        Transfer.objects.create(
            message=locked, from_organisation=previous, to_organisation=to, note=note, by=by, at=now
        )
        locked.organisation = to
        if locked.mailbox.restart_clock_on_transfer:
            locked.clock_started_on = timezone.localdate(now)
            due = deadline(locked.mailbox, locked.clock_started_on)
            locked.due_on = due.due_on if due else None
        locked.save()
        record_event(
            Verb.MESSAGE_TRANSFER,
            actor=by,
            target=locked,
            note=note.strip(),
            data={"from": previous.pk, "to": to.pk, "due_on": locked.due_on},
        )
    return locked


def set_publication(message: Message, *, by: User, published: bool) -> Message:
    """Show or hide the Q&A on the public page; only with the writer's consent."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not can.can_handle_message(by, locked) and not has_role(
            by, can.HANDLE_ROLES, locked.reply_organisation
        ):
            raise PermissionDenied("您不能公开该留言。")
        if published and not (locked.status == M.ANSWERED and locked.allows_publication):
            raise ValidationError("只有已答复且留言人同意公开的留言可以公开。")
        locked.is_published = published
        locked.published_at = timezone.now() if published else None
        locked.save(update_fields=["is_published", "published_at"])
        record_event(
            Verb.MESSAGE_PUBLISH if published else "message.unpublish", actor=by, target=locked
        )
    return locked


def _tell_handlers(message: Message, claim: int, subject: str) -> None:
    """The inbox of everyone who may answer it (the reminder mails them itself)."""
    notify(
        people_holding(can.HANDLE_ROLES, message.organisation),
        kind=NotificationKind.DEADLINE,
        subject=subject,
        body=f"答复期限：{message.due_on}",
        url=reverse("consultations:staff_message", args=[message.pk]),
        key=f"mailbox-reminder:{claim}",
        email=False,
    )


def send_reply_reminders(today: date | None = None) -> list[int]:
    """Remind the handling unit once when a reply is overdue (once per unit)."""
    today = today or timezone.localdate()
    sent = []
    for message in Message.objects.overdue(today).select_related("organisation"):
        recipients = responsible_addresses(message.organisation, can.HANDLE_ROLES)
        try:
            with transaction.atomic():
                claim = SentReminder.objects.create(
                    kind=ReminderKind.REPLY_OVERDUE,
                    message=message,
                    organisation=message.organisation,
                    recipients=recipients,
                )
                record_event(Verb.MESSAGE_REMIND, target=message, data={"to": recipients})
                _tell_handlers(message, claim.pk, f"留言答复逾期：{message.subject[:60]}")
        except IntegrityError:
            continue
        if recipients:
            send_mail(
                f"【留言答复逾期】{message.subject[:40]}",
                f"留言 {message.pk} 的答复期限为 {message.due_on}"
                f"{provisional_mark(message.due_on)}，目前尚未答复。"
                "请登录平台尽快答复。",
                None,
                recipients,
            )
        sent.append(message.pk)
    return sent


def send_reply_due_soon_reminders(today: date | None = None) -> list[int]:
    """Remind the handling unit once when an open message's reply falls due within
    ``conf.reply_due_soon_working_days()`` working days (today included), so it is answered
    before it is late. Once per message and unit, like the overdue reminder."""
    today = today or timezone.localdate()
    days = conf.reply_due_soon_working_days()
    if days <= 0:
        return []
    try:
        until = add_working_days(today, days).due_on
    except CalendarNotLoaded:
        return []  # the year's holidays are not imported: no honest date to compare with
    sent = []
    soon = Message.objects.due_within(today, until).select_related("organisation")
    for message in soon.order_by("due_on", "pk"):
        recipients = responsible_addresses(message.organisation, can.HANDLE_ROLES)
        try:
            with transaction.atomic():
                claim = SentReminder.objects.create(
                    kind=ReminderKind.REPLY_DUE_SOON,
                    message=message,
                    organisation=message.organisation,
                    recipients=recipients,
                )
                record_event(
                    Verb.MESSAGE_REMIND_DUE_SOON,
                    target=message,
                    data={"to": recipients, "due_on": str(message.due_on)},
                )
                _tell_handlers(message, claim.pk, f"留言即将到期：{message.subject[:60]}")
        except IntegrityError:
            continue  # already reminded
        if recipients:
            send_mail(
                f"【留言即将到期】{message.subject[:40]}",
                f"留言 {message.pk} 的答复期限为 {message.due_on}"
                f"{provisional_mark(message.due_on)}，目前尚未答复。"
                "请登录平台在期限内答复。",
                None,
                recipients,
            )
        sent.append(message.pk)
    return sent


# --- A new holiday notice -------------------------------------------------------------------


def recompute_deadlines(*, since: date, by: User | None = None) -> list[MovedDeadline]:
    """Recompute the reply deadline of every open message that may count days from ``since``
    on (core.calendar.loading.load_notice, in its transaction)."""
    moved: list[MovedDeadline] = []
    candidates = (
        Message.objects.open()
        .filter(Q(due_on__isnull=True) | Q(due_on__gte=since))
        .select_related("mailbox", "organisation")
    )
    for message in candidates.order_by("pk"):
        due = deadline(message.mailbox, message.clock_started_on)
        new = due.due_on if due else None
        if new == message.due_on:
            continue
        old = message.due_on
        Message.objects.filter(pk=message.pk).update(due_on=new)
        record_event(
            Verb.MESSAGE_DEADLINE_RECOMPUTED, actor=by, target=message,
            note=f"导入节假日安排后重新计算：答复期限由 {old or '无'} 改为 {new or '无'}",
            data={"due_on": [str(old), str(new)]},
        )  # fmt: skip
        people = tuple(role_holders(message.organisation, can.HANDLE_ROLES))
        url = reverse("consultations:staff_message", args=[message.pk])
        moved.append(MovedDeadline(message, "留言答复期限", old, new, people, url))
    return moved
