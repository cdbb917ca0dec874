"""Consultations, comments, moderation and adoption feedback (意见征集、采纳情况反馈).

Status changes of consultations and comments go through ``core.workflow``; the other writes
(creating, editing, attaching, adoption entries) write their own audit rows. Edits after a
consultation opens are allowed only for the fields that do not change what people commented
on, and each edit keeps the old values in its audit row (the version trail).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import RoleGrant
from gongkai.consultations import permissions as can
from gongkai.consultations import privacy
from gongkai.consultations.models import (
    Adoption,
    Attachment,
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Moderation,
    ReminderKind,
    Section,
    SentReminder,
    Status,
)
from gongkai.consultations.text import split_draft
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, TransitionNotAllowed, Workflow
from gongkai.notifications.models import Kind as NotificationKind
from gongkai.notifications.services import notify, people_holding
from gongkai.organisations.models import Organisation
from gongkai.records.services import sanitise_body
from gongkai.records.uploads import inspect_upload, save_with_file

if TYPE_CHECKING:
    from gongkai.accounts.models import User

S = Status
EDITABLE_FIELDS = (
    "title",
    "item",
    "summary",
    "draft_body",
    "explanation",
    "how_to_comment",
    "opens_at",
    "closes_at",
    "short_period_reason",
    "moderation",
    "name_required",
    "contact_required",
    "max_comment_length",
)
#: Once people are commenting, the text they comment on and the rules they comment under stay.
EDITABLE_WHILE_OPEN = ("summary", "how_to_comment", "closes_at", "short_period_reason")


def _manager_or_system(user: Any, consultation: Consultation) -> bool:
    return user is None or can.can_manage_consultation(user, consultation)


def _check_openable(user: Any, consultation: Consultation) -> None:
    consultation.full_clean()
    if not consultation.explanation.strip():
        raise ValidationError("请填写起草说明。")
    has_files = consultation.attachments.filter(is_current=True).exists()
    if not consultation.draft_body.strip() and not has_files:
        raise ValidationError("征求意见稿正文和附件不能都为空。")


def _check_feedback(user: Any, consultation: Consultation) -> None:
    pending = consultation.comments.pending().count()
    if pending:
        raise ValidationError(f"还有 {pending} 条意见未审核，请先审核。")
    unassigned = consultation.comments.unassigned().count()
    if unassigned:
        raise ValidationError(f"还有 {unassigned} 条已公开的意见未说明采纳情况。")


consultation_workflow: Workflow[Consultation] = Workflow(
    "consultation",
    [
        Transition(
            "open",
            (S.DRAFT,),
            S.OPEN,
            "发布征集",
            allowed=can.can_manage_consultation,
            guard=_check_openable,
            timestamp="opened_at",
        ),
        Transition(
            "close",
            (S.OPEN,),
            S.CLOSED,
            "结束征集",
            allowed=_manager_or_system,
            timestamp="closed_at",
        ),
        Transition(
            "publish_feedback",
            (S.CLOSED,),
            S.FEEDBACK_PUBLISHED,
            "发布采纳情况反馈",
            allowed=can.can_manage_consultation,
            guard=_check_feedback,
            timestamp="feedback_published_at",
        ),
        Transition(
            "withdraw",
            (S.DRAFT, S.OPEN),
            S.WITHDRAWN,
            "撤回征集",
            allowed=can.can_manage_consultation,
            timestamp="withdrawn_at",
            needs_note=True,
        ),
    ],
)

C = CommentStatus
comment_workflow: Workflow[Comment] = Workflow(
    "comment",
    [
        Transition(
            "publish",
            (C.PENDING,),
            C.PUBLISHED,
            "审核通过并公开",
            allowed=can.can_moderate,
            timestamp="moderated_at",
        ),
        Transition(
            "reject",
            (C.PENDING, C.PUBLISHED),
            C.REJECTED,
            "不予公开",
            allowed=can.can_moderate,
            timestamp="moderated_at",
        ),
    ],
)


# --- Drafting -------------------------------------------------------------------------------


def create_consultation(*, by: User, organisation: Organisation, **fields: Any) -> Consultation:
    consultation = Consultation(organisation=organisation, created_by=by)
    if not can.can_manage_consultation(by, consultation):
        raise PermissionDenied("您不能为该单位发起意见征集。")
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"unexpected field {name}")
        setattr(consultation, name, value)
    consultation.draft_body = sanitise_body(consultation.draft_body)
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        _replace_sections(consultation)
        record_event(Verb.CONSULTATION_CREATE, actor=by, target=consultation)
    return consultation


def update_consultation(consultation: Consultation, *, by: User, **fields: Any) -> Consultation:
    """Edit; the audit row keeps the old value of every changed field (the version trail)."""
    allowed = {S.DRAFT: EDITABLE_FIELDS, S.OPEN: EDITABLE_WHILE_OPEN}.get(
        Status(consultation.status), ()
    )
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not can.can_manage_consultation(by, locked):
            raise PermissionDenied("您不能修改该意见征集。")
        changes: dict[str, list[str]] = {}
        for name, value in fields.items():
            if name == "draft_body":
                value = sanitise_body(value)
            old = getattr(locked, name)
            if old == value:
                continue
            if name not in allowed:
                raise ValidationError(
                    f"“{locked.get_status_display()}”状态下不能修改“{_label(name)}”。"
                )
            changes[name] = [str(old), str(value)]
            setattr(locked, name, value)
        if not changes:
            return locked
        locked.full_clean()
        if locked.status == S.OPEN:
            if locked.closes_at <= timezone.now():
                raise ValidationError({"closes_at": "征集截止时间不能早于当前时间。"})
            locked.feedback_due_on = locked.expected_feedback_on()
        locked.save()
        if "draft_body" in changes:
            _replace_sections(locked)
        record_event(Verb.CONSULTATION_EDIT, actor=by, target=locked, data={"changes": changes})
    return locked


def _label(name: str) -> str:
    return str(getattr(Consultation._meta.get_field(name), "verbose_name", name))


def _replace_sections(consultation: Consultation) -> None:
    """Split the draft into articles commenters can target; old ones stay for old comments."""
    consultation.sections.filter(is_current=True).update(is_current=False)
    for number, part in enumerate(split_draft(consultation.draft_body), start=1):
        Section.objects.create(
            consultation=consultation,
            number=number,
            chapter=part.chapter,
            heading=part.heading,
            body=part.body,
        )


def add_attachment(
    consultation: Consultation, fileobj: IO[bytes], name: str, *, by: User
) -> Attachment:
    if consultation.status != S.DRAFT:
        raise ValidationError("只有草稿可以添加附件。")
    if not can.can_manage_consultation(by, consultation):
        raise PermissionDenied("您不能修改该意见征集。")
    info = inspect_upload(fileobj, name)
    attachment = Attachment(
        consultation=consultation,
        **info.fields(),
        uploaded_by=by,
    )
    save_with_file(
        attachment,
        fileobj,
        info.name,
        then=lambda: record_event(
            Verb.CONSULTATION_ATTACH,
            actor=by,
            target=consultation,
            data={"attachment": attachment.pk, "name": info.name, "sha256": info.sha256},
        ),
    )
    return attachment


# --- Workflow verbs -------------------------------------------------------------------------


def open_consultation(consultation: Consultation, *, by: User, note: str = "") -> Consultation:
    return consultation_workflow.apply(
        consultation,
        "open",
        by=by,
        note=note,
        changes={"feedback_due_on": consultation.expected_feedback_on()},
    )


def close_consultation(
    consultation: Consultation, *, by: User | None = None, note: str = ""
) -> Consultation:
    """End the consultation. At its closing time the job runner does this (``by`` None);
    a person ending it earlier must say why (``note``), and the public page says so."""
    note = (note or "").strip()
    early = by is not None and timezone.now() < consultation.closes_at
    if early and not note:
        raise ValidationError("在截止时间前结束征集，须填写提前结束的原因（公开页面显示）。")
    return consultation_workflow.apply(
        consultation,
        "close",
        by=by,
        note=note,
        changes={"closed_early_reason": note} if early else None,
        data={"early": True, "closes_at": consultation.closes_at.isoformat()} if early else None,
    )


def close_due(now: datetime | None = None) -> list[int]:
    """Close every open consultation whose period has ended (the job runner, every minute)."""
    now = now or timezone.now()
    closed = []
    for consultation in Consultation.objects.filter(status=S.OPEN, closes_at__lte=now):
        try:
            close_consultation(consultation, note="征集期届满，系统自动结束。")
        except TransitionNotAllowed:
            continue  # another worker got there first
        closed.append(consultation.pk)
    return closed


def withdraw_consultation(consultation: Consultation, *, by: User, reason: str) -> Consultation:
    return consultation_workflow.apply(
        consultation, "withdraw", by=by, note=reason, changes={"withdrawn_reason": reason.strip()}
    )


def publish_feedback(consultation: Consultation, *, by: User, summary: str) -> Consultation:
    # The engine applies changes after the guard, so the summary is checked here.
    if not summary.strip():
        raise ValidationError("请填写采纳情况总体说明。")
    return consultation_workflow.apply(
        consultation, "publish_feedback", by=by, changes={"feedback_summary": summary.strip()}
    )


# --- Comments -------------------------------------------------------------------------------


def submit_comment(
    consultation: Consultation,
    *,
    body: str,
    section: Section | None = None,
    author_name: str = "",
    contact: str = "",
    show_name: bool = False,
    now: datetime | None = None,
) -> Comment:
    """A comment from the public. It is shown at once only under post-moderation and only
    when no personal data is found in what would be shown; otherwise a moderator sees it
    first. The public text is always the masked one."""
    now = now or timezone.now()
    body, author_name, contact = body.strip(), author_name.strip(), contact.strip()
    if not consultation.is_accepting(now):
        raise ValidationError(f"该意见征集{consultation.phase(now)}，不能提交意见。")
    errors = _comment_errors(consultation, body, section, consultation.max_comment_length)
    if consultation.name_required and not author_name:
        errors["author_name"] = "本次征集要求填写姓名。"
    if consultation.contact_required and not contact:
        errors["contact"] = "本次征集要求填写联系方式（不会公开）。"
    if errors:
        raise ValidationError(errors)
    kinds, status = _screen(consultation, body, author_name, show_name)
    with transaction.atomic():
        comment = Comment.objects.create(
            consultation=consultation,
            section=section,
            body=body,
            public_body=privacy.masked(body),
            author_name=author_name,
            contact=contact,
            show_name=show_name and not privacy.personal_data_kinds(author_name),
            status=status,
            personal_data=kinds,
            submitted_at=now,
        )
        record_event(
            Verb.COMMENT_SUBMIT,
            target=comment,
            to_status=status,
            data={"personal_data": kinds, "consultation": consultation.pk},
        )
    return comment


def _comment_errors(
    consultation: Consultation, body: str, section: Section | None, max_length: int
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = "请填写意见内容。"
    elif len(body) > max_length:
        errors["body"] = (
            f"意见内容共 {len(body)} 字，超过了 {max_length} 字的上限。请精简，或分条提交。"
        )
    if section is not None and (
        section.consultation_id != consultation.pk or not section.is_current
    ):
        errors["section"] = "请选择本征求意见稿中的条款。"
    return errors


def _screen(
    consultation: Consultation, body: str, author_name: str, show_name: bool
) -> tuple[list[str], str]:
    """The personal data found in what would be shown, and the status that follows: shown at
    once only under post-moderation and with nothing found; otherwise held for a moderator."""
    kinds = privacy.personal_data_kinds(body, *([author_name] if show_name else []))
    if consultation.moderation == Moderation.POST and not kinds:
        return kinds, CommentStatus.PUBLISHED
    return kinds, CommentStatus.PENDING


#: Ways a comment reaches the unit other than the online form (the staff enter these).
OFFLINE_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.PHONE, Channel.MEETING)
#: A letter may be longer than the online form allows; the staff enter it whole.
MAX_REGISTERED_LENGTH = 20000


def register_comment(
    consultation: Consultation,
    *,
    by: User,
    channel: str,
    received_on: date,
    body: str,
    section: Section | None = None,
    author_name: str = "",
    contact: str = "",
    show_name: bool = False,
) -> Comment:
    """A comment that came by letter, e-mail, phone or at a meeting, entered by the staff.

    It counts like an online comment (the feedback must say how it was handled) and is
    screened the same way: personal data holds it for a moderator and is masked in the public
    text. It must have arrived within the comment period (a letter: by its postmark), and can
    be entered until the feedback is published."""
    if not can.can_manage_consultation(by, consultation):
        raise PermissionDenied("您不能为该意见征集登记意见。")
    if consultation.status not in (S.OPEN, S.CLOSED):
        raise ValidationError(
            f"该意见征集当前为“{consultation.get_status_display()}”，不能登记意见。"
            "意见须在征集开始后、发布采纳情况反馈之前登记。"
        )
    body, author_name, contact = body.strip(), author_name.strip(), contact.strip()
    errors = _comment_errors(consultation, body, section, MAX_REGISTERED_LENGTH)
    if channel not in OFFLINE_CHANNELS:
        errors["channel"] = (
            "请选择信函、电子邮件、电话或座谈会等收到意见的方式（网上意见由公众自行提交）。"
        )
    opens, closes = (
        timezone.localdate(consultation.opens_at),
        timezone.localdate(consultation.closes_at),
    )
    if received_on > timezone.localdate():
        errors["received_on"] = "收到日期不能晚于今天。"
    elif not opens <= received_on <= closes:
        errors["received_on"] = (
            f"收到日期须在征集期内（{opens:%Y年%m月%d日}至{closes:%Y年%m月%d日}）；"
            "信函以邮戳日期为准。"
        )
    if errors:
        raise ValidationError(errors)
    kinds, status = _screen(consultation, body, author_name, show_name)
    # The hour of a letter is unknown: noon keeps the date whatever the time zone.
    submitted_at = timezone.make_aware(datetime.combine(received_on, time(12)))
    with transaction.atomic():
        comment = Comment.objects.create(
            consultation=consultation,
            section=section,
            body=body,
            public_body=privacy.masked(body),
            author_name=author_name,
            contact=contact,
            show_name=show_name and not privacy.personal_data_kinds(author_name),
            channel=channel,
            status=status,
            personal_data=kinds,
            submitted_at=submitted_at,
            entered_by=by,
        )
        record_event(
            Verb.COMMENT_REGISTER,
            actor=by,
            target=comment,
            to_status=status,
            data={
                "consultation": consultation.pk,
                "channel": channel,
                "received_on": received_on.isoformat(),
                "personal_data": kinds,
            },
        )
    return comment


def publish_comment(comment: Comment, *, by: User, public_body: str | None = None) -> Comment:
    """Approve; a moderator may shorten or mask the public text, never leave personal data."""
    text = comment.public_body if public_body is None else public_body.strip()
    if not text:
        raise ValidationError("公开内容不能为空。")
    found = privacy.personal_data_kinds(text)
    if found:
        raise ValidationError(f"公开内容仍含有{privacy.describe(found)}，请删除或遮盖后再公开。")
    return comment_workflow.apply(
        comment, "publish", by=by, changes={"public_body": text, "moderated_by": by}
    )


def reject_comment(comment: Comment, *, by: User, reason: str, note: str = "") -> Comment:
    if not reason:
        raise ValidationError("请选择不予公开的原因。")
    return comment_workflow.apply(
        comment,
        "reject",
        by=by,
        note=note,
        changes={"rejection_reason": reason, "moderation_note": note.strip(), "moderated_by": by},
        data={"reason": reason},
    )


# --- Adoption feedback ----------------------------------------------------------------------


def record_adoption(
    consultation: Consultation,
    *,
    by: User,
    comments: Iterable[Comment],
    outcome: str,
    reason: str,
    summary: str = "",
) -> Adoption:
    """Mark one comment, or a group of similar ones, adopted / partly / not, with the reason."""
    if not can.can_manage_consultation(by, consultation):
        raise PermissionDenied("您不能处理该意见征集。")
    if consultation.status != S.CLOSED:
        raise ValidationError("征集结束后、发布反馈前才能填写采纳情况。")
    if not reason.strip():
        raise ValidationError({"reason": "请说明采纳或不采纳的理由。"})
    ids = [c.pk for c in comments]
    if not ids:
        raise ValidationError({"comments": "请至少选择一条意见。"})
    with transaction.atomic():
        chosen = list(consultation.comments.unassigned().select_for_update().filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise ValidationError({"comments": "所选意见须是本次征集中已公开、尚未处理的意见。"})
        if len(chosen) > 1 and not summary.strip():
            raise ValidationError({"summary": "多条意见合并处理时，请概括这组意见。"})
        adoption = Adoption.objects.create(
            consultation=consultation,
            summary=summary.strip(),
            outcome=outcome,
            reason=reason.strip(),
            created_by=by,
        )
        Comment.objects.filter(pk__in=ids).update(adoption=adoption)
        record_event(
            Verb.CONSULTATION_ADOPT,
            actor=by,
            target=consultation,
            to_status=outcome,
            data={"adoption": adoption.pk, "comments": sorted(ids)},
        )
    return adoption


def withdraw_adoption(adoption: Adoption, *, by: User) -> Adoption:
    """An entry made in error is withdrawn (kept for the audit), its comments freed again."""
    consultation = adoption.consultation
    if not can.can_manage_consultation(by, consultation):
        raise PermissionDenied("您不能处理该意见征集。")
    if consultation.status != S.CLOSED or adoption.withdrawn_at:
        raise ValidationError("反馈发布后，采纳情况不能再撤回。")
    with transaction.atomic():
        adoption.withdrawn_at = timezone.now()
        adoption.save(update_fields=["withdrawn_at"])
        ids = list(adoption.comments.values_list("pk", flat=True))
        adoption.comments.update(adoption=None)
        record_event(
            Verb.CONSULTATION_ADOPT_WITHDRAW,
            actor=by,
            target=consultation,
            data={"adoption": adoption.pk, "comments": ids},
        )
    return adoption


# --- Reminders ------------------------------------------------------------------------------


def responsible_addresses(organisation: Organisation, roles: Iterable[str]) -> list[str]:
    """E-mail addresses of the people holding ``roles`` on the unit or one of its ancestors."""
    paths = [o.path for o in organisation.ancestors()] + [organisation.path]
    grants = RoleGrant.objects.active().filter(
        role__in=list(roles), organisation__path__in=paths, user__is_active=True
    )
    return sorted({g.user.email for g in grants.select_related("user") if g.user.email})


def send_feedback_reminders(today: date | None = None) -> list[int]:
    """Remind the unit once when its adoption feedback is overdue (never twice)."""
    today = today or timezone.localdate()
    sent = []
    overdue = Consultation.objects.feedback_overdue(today).select_related("organisation")
    for consultation in overdue:
        recipients = responsible_addresses(consultation.organisation, can.MANAGE_ROLES)
        try:
            with transaction.atomic():
                claim = SentReminder.objects.create(
                    kind=ReminderKind.FEEDBACK_OVERDUE,
                    consultation=consultation,
                    organisation=consultation.organisation,
                    recipients=recipients,
                )
                record_event(Verb.CONSULTATION_REMIND, target=consultation, data={"to": recipients})
                notify(
                    people_holding(can.MANAGE_ROLES, consultation.organisation),
                    kind=NotificationKind.DEADLINE,
                    subject=f"采纳情况反馈逾期：{consultation.title}",
                    body=f"采纳情况反馈应在 {consultation.feedback_due_on} 前发布，目前尚未发布。",
                    url=reverse("consultations:staff_detail", args=[consultation.pk]),
                    key=f"consultation-reminder:{claim.pk}",
                    email=False,  # mailed below
                )
        except IntegrityError:
            continue  # already reminded
        if recipients:
            send_mail(
                f"【采纳情况反馈逾期】{consultation.title}",
                f"意见征集“{consultation.title}”已于 {timezone.localdate(consultation.closes_at)}"
                f" 结束，采纳情况反馈应在 {consultation.feedback_due_on} 前发布，目前尚未发布。"
                "请登录平台填写采纳情况并发布反馈。",
                None,
                recipients,
            )
        sent.append(consultation.pk)
    return sent
