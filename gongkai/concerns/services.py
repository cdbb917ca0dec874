"""Writing concerns: collect, assess (研判), handle, respond, follow up, close.

Every state change goes through the shared engine (``core.workflow``) and writes an audit row;
edits and level changes write audit rows with the values before and after. Responses are
records of kind ``response``: they are written, screened, fast-approved and published through
``records.services`` like any record, and publishing one moves its concern on (``hooks.py``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import Role, RoleGrant, User
from gongkai.accounts.permissions import has_role
from gongkai.catalogue.models import Item
from gongkai.concerns import conf
from gongkai.concerns import permissions as can
from gongkai.concerns.clocks import reminder_times
from gongkai.concerns.models import (
    OPEN_STATUSES,
    Concern,
    Level,
    Reminder,
    Response,
    ResponseKind,
    Screenshot,
    Source,
    Status,
)
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, Workflow
from gongkai.notifications.models import Kind as NotificationKind
from gongkai.notifications.services import notify
from gongkai.organisations.models import Organisation
from gongkai.records import services as records
from gongkai.records.models import Kind, Record
from gongkai.records.uploads import inspect_upload, save_with_file

log = logging.getLogger(__name__)
S = Status


def _by_publication(user: Any, concern: Concern) -> bool:
    # Taken only by the publishing hook, as whoever published the response (None when the
    # job runner publishes a scheduled one): never offered as a button.
    return True


TRANSITIONS = [
    Transition(
        "assess",
        (S.REGISTERED, S.ASSESSED),
        S.ASSESSED,
        "研判",
        allowed=can.can_handle,
        timestamp="assessed_at",
        denied_message="研判须由责任单位的舆情处置人员进行。",
    ),
    Transition(
        "start_handling",
        (S.ASSESSED,),
        S.HANDLING,
        "开始处置",
        allowed=can.can_handle,
        timestamp="handling_at",
        denied_message="处置须由责任单位的舆情处置人员进行。",
    ),
    Transition(
        "respond",
        (S.REGISTERED, S.ASSESSED, S.HANDLING),
        S.RESPONDED,
        "已发布回应",
        allowed=_by_publication,
        timestamp="responded_at",
    ),
    Transition(
        "follow_up",
        (S.RESPONDED, S.FOLLOWING_UP),
        S.FOLLOWING_UP,
        "发布进展",
        allowed=_by_publication,
    ),
    Transition(
        "close",
        (S.RESPONDED, S.FOLLOWING_UP),
        S.CLOSED,
        "办结",
        allowed=can.can_handle,
        needs_note=True,
        timestamp="closed_at",
        denied_message="办结须由责任单位的舆情处置人员进行。",
    ),
    Transition(
        "withdraw",
        (S.REGISTERED, S.ASSESSED),
        S.WITHDRAWN,
        "撤销（误登记）",
        allowed=can.can_handle,
        needs_note=True,
        timestamp="withdrawn_at",
        denied_message="撤销须由责任单位的舆情处置人员进行。",
    ),
]

workflow: Workflow[Concern] = Workflow("concern", TRANSITIONS)
#: Actions the staff page offers as buttons (the others follow from publishing responses).
MANUAL_ACTIONS = ("start_handling", "close", "withdraw")
NOTE_ACTIONS = {t.action for t in TRANSITIONS if t.needs_note}

EDITABLE_FIELDS = ("subject", "summary", "links", "notes", "organisation", "item")


def _check_officer(officer: User | None, org: Organisation) -> None:
    if officer is not None and not has_role(officer, Role.CONCERN_OFFICER, org):
        raise ValidationError({"officer": "责任人须是责任单位的舆情处置人员。"})


def _check_discovered(discovered_at: datetime) -> None:
    if discovered_at > timezone.now():
        raise ValidationError({"discovered_at": "发现时间不能晚于现在。"})


def register_concern(
    *,
    by: User,
    subject: str,
    summary: str,
    source: str,
    discovered_at: datetime,
    level: str,
    organisation: Organisation,
    item: Item,
    responsible_organisation: Organisation,
    links: str = "",
    officer: User | None = None,
) -> Concern:
    """收集: register a concern. Its clocks run from ``discovered_at``, not from now."""
    concern = Concern(
        subject=subject.strip(),
        summary=summary.strip(),
        source=source,
        discovered_at=discovered_at,
        links=links.strip(),
        level=level,
        organisation=organisation,
        item=item,
        responsible_organisation=responsible_organisation,
        officer=officer or by,
        registered_by=by,
    )
    if not can.can_handle(by, concern):
        raise ValidationError("您不是该责任单位的舆情处置人员，不能以其名义登记舆情。")
    _check_discovered(discovered_at)
    _check_officer(concern.officer, responsible_organisation)
    concern.full_clean()
    with transaction.atomic():
        concern.save()
        record_event(
            Verb.CONCERN_REGISTER,
            actor=by,
            target=concern,
            to_status=concern.status,
            data={
                "level": level,
                "source": source,
                "discovered_at": discovered_at.isoformat(),
                "officer": concern.officer_id,
            },
        )
    return concern


def update_concern(concern: Concern, *, by: User, revision: int, **fields: Any) -> Concern:
    """Edit the description; the audit row keeps the values before the edit."""
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if locked.revision != revision:
            raise ValidationError("保存失败：该舆情已被他人修改，请刷新后重试。")
        if not can.can_handle(by, locked):
            raise ValidationError("您不能修改该舆情。")
        if locked.status in (S.CLOSED, S.WITHDRAWN):
            raise ValidationError("已办结或已撤销的舆情不能修改。")
        before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        for name, value in fields.items():
            if name in EDITABLE_FIELDS:
                setattr(locked, name, value)
        locked.full_clean()
        changed = {
            name: _plain(before[name])
            for name in EDITABLE_FIELDS
            if getattr(locked, name) != before[name]
        }
        locked.revision += 1
        locked.save()
        record_event(Verb.CONCERN_EDIT, actor=by, target=locked, data={"before": changed})
    return locked


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def assess(
    concern: Concern,
    *,
    by: User,
    level: str,
    officer: User,
    plan: str,
    note: str = "",
) -> Concern:
    """研判: set the level, the responsible officer and the response plan."""
    if not plan.strip():
        raise ValidationError({"plan": "请填写回应方案。"})
    if level not in Level.values:
        raise ValidationError({"level": "请选择舆情级别。"})
    _check_officer(officer, concern.responsible_organisation)
    with transaction.atomic():
        previous = Concern.objects.select_for_update().get(pk=concern.pk).level
        assessed = workflow.apply(
            concern,
            "assess",
            by=by,
            note=note,
            changes={"level": level, "officer": officer, "plan": plan.strip()},
            data={"level": level, "officer": officer.pk},
        )
        if previous != level:
            _record_level_change(assessed, by=by, previous=previous, note=note)
    return assessed


def change_level(concern: Concern, *, by: User, level: str, note: str) -> Concern:
    """Re-grade a concern as it develops. The clocks are re-timed from discovery."""
    if level not in Level.values:
        raise ValidationError("请选择舆情级别。")
    if not note.strip():
        raise ValidationError("调整级别须说明理由。")
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if not can.can_handle(by, locked):
            raise ValidationError("调整级别须由责任单位的舆情处置人员进行。")
        if locked.status not in OPEN_STATUSES:
            raise ValidationError("已办结或已撤销的舆情不能调整级别。")
        if locked.level == level:
            raise ValidationError("级别没有变化。")
        previous = locked.level
        locked.level = level
        locked.revision += 1
        locked.save(update_fields=["level", "revision", "updated_at"])
        _record_level_change(locked, by=by, previous=previous, note=note)
    return locked


def _record_level_change(concern: Concern, *, by: User, previous: str, note: str) -> None:
    record_event(
        Verb.CONCERN_LEVEL,
        actor=by,
        target=concern,
        note=note,
        data={"from": previous, "to": concern.level},
    )


def start_handling(concern: Concern, *, by: User, note: str = "") -> Concern:
    return workflow.apply(concern, "start_handling", by=by, note=note)


def close(concern: Concern, *, by: User, note: str) -> Concern:
    return workflow.apply(concern, "close", by=by, note=note)


def withdraw(concern: Concern, *, by: User, reason: str) -> Concern:
    return workflow.apply(concern, "withdraw", by=by, note=reason)


def add_screenshot(concern: Concern, fileobj: IO[bytes], name: str, *, by: User) -> Screenshot:
    """A screenshot is sniffed by its content (an image, not a renamed file) and capped."""
    if not can.can_handle(by, concern):
        raise ValidationError("您不能为该舆情上传截图。")
    info = inspect_upload(fileobj, name)
    if not info.content_type.startswith("image/"):
        raise ValidationError(f"“{info.name}”不是图片。截图只能上传 PNG、JPG、GIF 或 WebP 图片。")
    cap = conf.max_screenshot_bytes()
    if info.size > cap:
        raise ValidationError(f"截图不能超过 {cap // (1024 * 1024)} MB。")
    fileobj.seek(0)
    shot = Screenshot(
        concern=concern,
        **info.fields(),
        uploaded_by=by,
    )
    save_with_file(
        shot,
        fileobj,
        info.name,
        then=lambda: record_event(
            Verb.CONCERN_SCREENSHOT,
            actor=by,
            target=concern,
            data={"screenshot": shot.pk, "name": info.name, "sha256": info.sha256},
        ),
    )
    return shot


# --- Responses ------------------------------------------------------------------------------


def draft_response(
    concern: Concern, *, by: User, kind: str, title: str, body: str, summary: str = ""
) -> Record:
    """Start a response: a draft record of kind ``response`` linked to ``concern``. From here
    it is a record like any other: submit, fast approval (one reviewer), publish; screening
    runs at submission and publication."""
    if kind not in ResponseKind.values:
        raise ValidationError({"kind": "请选择回应形式。"})
    if concern.status in (S.CLOSED, S.WITHDRAWN):
        raise ValidationError("已办结或已撤销的舆情不能再起草回应。")
    if not can.can_draft_response(by, concern):
        raise ValidationError("起草回应须由责任单位的信息制作人员或舆情处置人员进行。")
    with transaction.atomic():
        record = records.create_record(
            by=by,
            kind=Kind.RESPONSE,
            title=title,
            summary=summary,
            body=body,
            item=concern.item,
            organisation=concern.responsible_organisation,
            formed_on=timezone.localdate(),
        )
        response = Response.objects.create(record=record, concern=concern, kind=kind)
        record_event(
            Verb.CONCERN_DRAFT_RESPONSE,
            actor=by,
            target=concern,
            data={"record": record.pk, "kind": response.kind},
        )
    return record


def on_response_published(record: Record, by: User) -> None:
    """Publishing hook (same transaction): the first response marks the concern responded;
    later ones are follow-up updates (持续发布)."""
    response = Response.objects.filter(record=record).select_related("concern").first()
    if response is None:
        return
    concern = response.concern
    at = record.published_at or timezone.now()
    data = {"record": record.pk, "kind": response.kind}
    if concern.status in (S.REGISTERED, S.ASSESSED, S.HANDLING):
        workflow.apply(concern, "respond", by=by, at=at, data=data)
    elif concern.status in (S.RESPONDED, S.FOLLOWING_UP):
        workflow.apply(concern, "follow_up", by=by, data=data)
    else:
        record_event(Verb.CONCERN_RESPONSE_PUBLISHED, actor=by, target=concern, data=data)


def response_checks(record: Record) -> list[str]:
    """A response answers a concern: without one, or for a withdrawn one, it cannot go out."""
    if record.kind != Kind.RESPONSE:
        return []
    response = Response.objects.filter(record=record).select_related("concern").first()
    if response is None:
        return ["回应关切类信息须关联所回应的舆情，请从舆情页面起草回应。"]
    if response.concern.status == S.WITHDRAWN:
        return ["所回应的舆情已撤销，不能发布该回应。"]
    return []


# --- Reminders ------------------------------------------------------------------------------

POINT_LABELS = {"half": "时限过半", "last_hour": "剩余1小时", "overdue": "已超时"}


def supervisors_of(org: Organisation) -> list[User]:
    """Supervisors holding the role on the organisation or any organisation above it."""
    grants = RoleGrant.objects.active().filter(
        role=Role.SUPERVISOR, organisation__in=[*org.ancestors(), org]
    )
    return list(User.objects.filter(pk__in=grants.values("user"), is_active=True).distinct())


def send_due_reminders(now: datetime | None = None) -> list[Reminder]:
    """Send every reminder whose time has come (each minute, by the job runner).

    Each (concern, clock, point) is claimed by inserting its ``Reminder`` row inside a
    transaction before the mail goes out: a second worker's insert hits the unique constraint
    (on PostgreSQL it waits for the first to commit, then fails) and sends nothing. A failed
    send rolls the claim back, so the next run tries again.
    """
    now = now or timezone.now()
    sent: list[Reminder] = []
    concerns = (
        Concern.objects.open()
        .filter(discovered_at__lte=now)
        .select_related("responsible_organisation", "officer")
        .with_published_responses()
    )
    for concern in concerns:
        claimed = set(concern.reminders.values_list("clock", "point"))
        for clock in concern.clocks(now=now):
            if clock.is_met:
                continue
            for point, at, escalate in reminder_times(clock):
                if at > now or (clock.name, point) in claimed:
                    continue
                reminder = _claim_and_send(concern, clock, point, at, escalate)
                if reminder is not None:
                    sent.append(reminder)
    return sent


def _claim_and_send(
    concern: Concern, clock: Any, point: str, at: datetime, escalate: bool
) -> Reminder | None:
    recipients = [concern.officer] if concern.officer else []
    if escalate:
        recipients += [
            u for u in supervisors_of(concern.responsible_organisation) if u not in recipients
        ]
    message = (
        f"【{POINT_LABELS.get(point, point)}】{concern.get_level_display()}舆情“{concern.subject}”"
        f"须在 {timezone.localtime(clock.due_at):%m月%d日 %H:%M} 前{clock.label}，{clock.text}。"
    )[:300]
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                concern=concern,
                clock=clock.name,
                point=point,
                due_at=at,
                escalated=escalate,
                recipients=[u.pk for u in recipients],
                message=message,
            )
            addresses = [u.email for u in recipients if u.email]
            if addresses:
                url = reverse("concerns:detail", args=[concern.pk])
                send_mail(
                    subject=message[:120],
                    message=f"{message}\n\n请登录工作台处理：{url}",
                    from_email=None,
                    recipient_list=addresses,
                )
            record_event(
                "concern.escalate" if escalate else "concern.remind",
                target=concern,
                note=message,
                data={"clock": clock.name, "point": point, "recipients": reminder.recipients},
            )
            # The inbox too (this mail above is the e-mail: the hour clock cannot wait for
            # anyone's daily digest).
            notify(
                recipients,
                kind=NotificationKind.DEADLINE,
                subject=message[:200],
                body=message,
                url=reverse("concerns:detail", args=[concern.pk]),
                key=f"concern-reminder:{reminder.pk}",
                email=False,
            )
    except IntegrityError:
        return None  # another worker claimed it first
    except OSError:
        # The mail server is down: the claim is rolled back and the next run retries.
        log.exception("concern reminder %s/%s/%s not sent", concern.pk, clock.name, point)
        return None
    return reminder


__all__ = [
    "Level",
    "Source",
    "add_screenshot",
    "assess",
    "change_level",
    "close",
    "draft_response",
    "register_concern",
    "send_due_reminders",
    "start_handling",
    "update_concern",
    "withdraw",
]
