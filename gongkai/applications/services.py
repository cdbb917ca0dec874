"""Writing applications: every change goes through here, in a transaction, with an audit row.

Status changes (登记 → 补正 → 办理 → 答复 → 归档, 第四十五条) go through the shared workflow
engine. Clock events (extension, consultation, fee) do not change the status; each is an
``ApplicationEvent`` row plus an audit row, and every write ends with ``refresh_clock`` so the
cached due date always equals ``compute_clock`` of the events. Events the applicant must hear
about (correction, extension, fee notice, reply) queue an e-mail for after the commit
(``notices``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.permissions import role_holders
from gongkai.applications import categories, fees, notices
from gongkai.applications import permissions as can
from gongkai.applications.clock import ClockError, ClockEvent, compute_clock, received_on
from gongkai.applications.models import (
    OPEN_STATUSES,
    Applicant,
    Application,
    ApplicationEvent,
    ApplicationSequence,
    ClockState,
    EventKind,
    InformationCluster,
    ReleasedDocument,
    Remedy,
    Reply,
    Status,
)
from gongkai.applications.rules import current_rules
from gongkai.core.audit import record_event
from gongkai.core.calendar import CalendarNotLoaded, MovedDeadline
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, TransitionNotAllowed, Workflow

if TYPE_CHECKING:
    from gongkai.accounts.models import User


S = Status


def _is_system(user: Any, application: Application) -> bool:
    return user is None


def _handler_or_system(user: Any, application: Application) -> bool:
    return user is None or can.can_handle(user, application)


def _check_reply_ready(user: Any, application: Application) -> None:
    reply = Reply.objects.filter(application=application).first()
    if reply is None:
        raise TransitionNotAllowed("请先起草答复。")
    pending = [
        d.original_name for d in reply.documents.filter(is_current=True) if d.needs_clearance
    ]
    if pending:
        raise TransitionNotAllowed(
            "以下提供的文件在保密和个人信息检查中有发现，须核对处理后才能答复："
            + "、".join(pending)
        )


TRANSITIONS = [
    Transition(
        "request_correction",
        (S.REGISTERED,),
        S.CORRECTION_REQUESTED,
        "告知补正",
        allowed=can.can_handle,
        needs_note=True,
    ),
    Transition(
        "receive_correction", (S.CORRECTION_REQUESTED,), S.CORRECTED, "收到补正", can.can_handle
    ),
    Transition(
        "accept",
        (S.REGISTERED, S.CORRECTED),
        S.IN_PROGRESS,
        "审核通过，开始办理",
        allowed=can.can_handle,
        timestamp="accepted_at",
    ),
    Transition(
        "send_reply",
        (S.REGISTERED, S.CORRECTED, S.IN_PROGRESS),
        S.REPLIED,
        "答复",
        allowed=can.can_handle,
        guard=_check_reply_ready,
        timestamp="replied_at",
    ),
    # 第三十条 / 国办函〔2020〕109号: closed as abandoned, by the daily job or a handler.
    Transition(
        "close_uncorrected",
        (S.CORRECTION_REQUESTED,),
        S.REPLIED,
        "逾期未补正，视为放弃申请",
        allowed=_handler_or_system,
        timestamp="replied_at",
    ),
    Transition(
        "close_unpaid",
        (S.REGISTERED, S.CORRECTED, S.IN_PROGRESS),
        S.REPLIED,
        "逾期未缴费，视为放弃申请",
        allowed=_handler_or_system,
        timestamp="replied_at",
    ),
    Transition(
        "archive", (S.REPLIED,), S.ARCHIVED, "归档", can.can_handle, timestamp="archived_at"
    ),
    Transition(
        "void",
        (S.REGISTERED,),
        S.VOID,
        "登记作废",
        allowed=can.can_handle,
        timestamp="voided_at",
        needs_note=True,
    ),
]

workflow: Workflow[Application] = Workflow("application", TRANSITIONS)


# --- Keys -----------------------------------------------------------------------------------

#: No 0/O, 1/I/L: codes are read over the phone and copied by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _keyed(purpose: str, value: str) -> str:
    key = f"gongkai.applications.{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c in ALPHABET)


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def tracking_hash(code: str) -> str:
    return _keyed("tracking", normalise_code(code))


def check_hash(code: str, secret: str) -> str:
    return _keyed("secret", normalise_code(code) + ":" + normalise_code(secret))


def applicant_key(id_type: str, id_number: str) -> str:
    return _keyed("applicant", f"{id_type}:{id_number.strip().upper()}")


def find_by_keys(code: str, secret: str) -> Application | None:
    """The applicant's own application, or None: a wrong secret looks like a wrong code."""
    if not normalise_code(code) or not normalise_code(secret):
        return None
    application = Application.objects.filter(tracking_hash=tracking_hash(code)).first()
    if application is None or application.status == S.VOID:
        return None
    if not hmac.compare_digest(application.check_hash, check_hash(code, secret)):
        return None
    return application


# --- The clock cache ------------------------------------------------------------------------


def clock_events(application: Application) -> list[ClockEvent]:
    return [
        ClockEvent(e.kind, e.on, e.days, e.until_on, e.note)
        for e in application.events.filter(is_withdrawn=False)
    ]


def refresh_clock(application: Application) -> Application:
    """Recompute the clock from the events and store the cache fields."""
    try:
        clock = compute_clock(clock_events(application), current_rules())
    except CalendarNotLoaded as exc:
        application.clock_state = ClockState.UNKNOWN
        application.due_on = None
        application.clock_explanation = str(exc)
    else:
        application.clock_state = clock.state.value
        application.due_on = clock.due_on
        application.correction_notice_by = clock.correction_notice_by
        application.correction_deadline = clock.correction_deadline
        application.fee_deadline = clock.fee_deadline
        application.clock_explanation = clock.explain()
        application.replied_on = clock.replied_on
        application.late_by = clock.late_by
    application.save(
        update_fields=[
            "clock_state",
            "due_on",
            "correction_notice_by",
            "correction_deadline",
            "fee_deadline",
            "clock_explanation",
            "replied_on",
            "late_by",
            "updated_at",
        ]
    )
    return application


def _add_event(
    application: Application,
    kind: str,
    *,
    on: date,
    by: User,
    days: int = 0,
    until_on: date | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Append an event, check the clock still makes sense, refresh the cache. In a transaction."""
    if on > timezone.localdate():
        raise ValidationError("日期不能晚于今天。")
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        on=on,
        days=days,
        until_on=until_on,
        note=note,
        data=data or {},
        by=by if getattr(by, "pk", None) else None,
    )
    try:
        compute_clock(clock_events(application), current_rules())
    except ClockError as exc:
        raise ValidationError(str(exc)) from exc
    except CalendarNotLoaded:
        pass
    refresh_clock(application)
    notices.queue(event)
    return event


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


# --- Registration (第二十九、三十一条) -----------------------------------------------------


@dataclass(frozen=True)
class Filed:
    """What the applicant must keep: shown once, never stored in clear."""

    application: Application
    tracking_code: str
    secret: str


def _next_reference(organisation: Any, year: int) -> str:
    seq, _ = ApplicationSequence.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{organisation.code}-YSQ-{year}-{seq.last:04d}"


APPLICANT_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "postal_code",
)


def register_application(
    *,
    by: User | None,
    organisation: Any,
    applicant_kind: str,
    applicant: dict[str, Any],
    channel: str,
    description: str,
    document_number: str = "",
    delivery_form: str = "electronic",
    delivery_method: str = "online",
    submitted_on: date | None = None,
    signed_for_on: date | None = None,
    confirmed_on: date | None = None,
    note: str = "",
) -> Filed:
    """File an application: online by the applicant (``by`` None) or registered by staff
    for one that came by letter, in person, by fax (第三十一条 picks the received date)."""
    today = timezone.localdate()
    if by is None and channel != "online":
        raise ValidationError("网上申请只能通过本平台提交。")
    if by is not None:
        if channel == "online":
            raise ValidationError("网上申请由申请人在本平台提交，工作人员不能代为登记为网上申请。")
        if not can.can_handle_organisation(by, organisation):
            raise PermissionDenied("您不能为该机关登记申请。")
    if channel == "online":
        submitted_on = confirmed_on = today
    try:
        received, why = received_on(
            channel,
            submitted_on=submitted_on,
            signed_for_on=signed_for_on,
            confirmed_on=confirmed_on,
        )
    except ClockError as exc:
        raise ValidationError(str(exc)) from exc
    if received > today:
        raise ValidationError("收到日期不能晚于今天。")
    if not description.strip():
        raise ValidationError("请填写所需政府信息的名称、文号或者便于查询的其他特征性描述。")
    unknown = set(applicant) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown applicant fields: {sorted(unknown)}")
    code, secret = _random(12), _random(8)
    with transaction.atomic():
        application = Application(
            reference=_next_reference(organisation, received.year),
            organisation=organisation,
            applicant_kind=applicant_kind,
            applicant_key=applicant_key(applicant["id_type"], applicant["id_number"]),
            channel=channel,
            submitted_on=submitted_on,
            signed_for_on=signed_for_on,
            confirmed_on=confirmed_on,
            received_on=received,
            description=description.strip(),
            document_number=document_number.strip(),
            delivery_form=delivery_form,
            delivery_method=delivery_method,
            registered_by=by if getattr(by, "pk", None) else None,
            tracking_hash=tracking_hash(code),
            check_hash=check_hash(code, secret),
        )
        application.full_clean(exclude=["tokens", "cluster"])
        application.save()
        person = Applicant(application=application, **applicant)
        person.full_clean()
        person.save()
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.RECEIVED, on=received, note=why,
            by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        refresh_clock(application)
        # The audit row names the channel, never the applicant.
        record_event(
            Verb.APPLICATION_REGISTER,
            actor=by,
            target=application,
            to_status=application.status,
            note=note,
            data={"channel": channel, "received_on": received.isoformat()},
        )
    return Filed(application, _format(code), secret)


def _format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- Correction (第三十条) ------------------------------------------------------------------


def request_correction(
    application: Application, *, by: User, on: date, until_on: date, note: str
) -> Application:
    """Send the one correction notice: what to correct (``note``) and by when."""
    if until_on <= on:
        raise ValidationError("补正期限应晚于告知日期。")
    if on < application.received_on:
        raise ValidationError("告知日期不能早于收到申请的日期。")
    with transaction.atomic():
        updated = workflow.apply(application, "request_correction", by=by, note=note)
        _add_event(
            updated, EventKind.CORRECTION_REQUESTED, on=on, until_on=until_on, note=note, by=by
        )
    return _reload(application)


def receive_correction(
    application: Application, *, by: User, on: date, note: str = ""
) -> Application:
    with transaction.atomic():
        updated = workflow.apply(application, "receive_correction", by=by, note=note)
        deadline = updated.correction_deadline
        if deadline is not None and on > deadline:
            raise ValidationError(
                f"补正期限已于 {deadline:%Y年%m月%d日} 届满，逾期补正的申请视为放弃（第三十条）。"
            )
        _add_event(updated, EventKind.CORRECTION_RECEIVED, on=on, note=note, by=by)
    return _reload(application)


def accept(application: Application, *, by: User, note: str = "") -> Application:
    return workflow.apply(application, "accept", by=by, note=note)


# --- Clock events that do not change the status ----------------------------------------------


def _clock_action(
    application: Application, *, by: User, verb: str, predicate: Any = can.can_handle
) -> Application:
    if not predicate(by, application):
        raise PermissionDenied("您没有对该申请执行此操作的权限。")
    locked = _lock(application)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(f"该申请已{locked.get_status_display()}，不能再{verb}。")
    return locked


def extend(application: Application, *, by: User, on: date, days: int, note: str) -> Application:
    """第三十三条第二款: one extension, at most 20 working days, approved and notified."""
    rules = current_rules()
    if not 1 <= days <= rules.max_extension_days:
        raise ValidationError(f"延长期限应为 1 至 {rules.max_extension_days} 个工作日。")
    if not note.strip():
        raise ValidationError("请写明延长的理由和告知申请人的方式。")
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="延期", predicate=can.can_approve)
        if locked.events.filter(kind=EventKind.EXTENSION_APPROVED, is_withdrawn=False).exists():
            raise ValidationError("答复期限只能延长一次（第三十三条）。")
        if locked.due_on is not None and on > locked.due_on:
            raise ValidationError(f"答复期限已于 {locked.due_on:%Y年%m月%d日} 届满，不能再延长。")
        _add_event(locked, EventKind.EXTENSION_APPROVED, on=on, days=days, note=note, by=by)
        record_event(
            Verb.APPLICATION_EXTEND, actor=by, target=locked, note=note,
            data={"on": on.isoformat(), "days": days, "due_on": str(locked.due_on)},
        )  # fmt: skip
    return _reload(application)


CONSULTATIONS = {
    "third_party": (EventKind.THIRD_PARTY_STARTED, EventKind.THIRD_PARTY_ENDED),
    "agency": (EventKind.AGENCY_STARTED, EventKind.AGENCY_ENDED),
}


def start_consultation(
    application: Application, *, by: User, party: str, on: date, note: str = ""
) -> Application:
    """第三十二、三十四条: the written request for opinions went out on ``on``."""
    start, _ = CONSULTATIONS[party]
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="征求意见")
        _add_event(locked, start, on=on, note=note, by=by)
        record_event(f"application.{start}", actor=by, target=locked, data={"on": on.isoformat()})
    return _reload(application)


def end_consultation(
    application: Application, *, by: User, party: str, on: date, note: str = ""
) -> Application:
    _, end = CONSULTATIONS[party]
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="记录意见")
        _add_event(locked, end, on=on, note=note, by=by)
        record_event(f"application.{end}", actor=by, target=locked, data={"on": on.isoformat()})
    return _reload(application)


#: The letters whose addressee's period runs from the day they receive it (clock.RECEIPTS).
LETTERS = {
    "third_party": EventKind.THIRD_PARTY_RECEIVED,
    "agency": EventKind.AGENCY_RECEIVED,
    "fee": EventKind.FEE_NOTICE_RECEIVED,
}
#: How the day of receipt is known: the explanation quotes it.
RECEIPT_PROOFS = {
    "post": "邮件妥投（邮政查询记录）",
    "signed": "签收回执",
    "in_person": "当面送达签收",
    "electronic": "电子送达确认",
}


def record_letter_received(
    application: Application, *, by: User, letter: str, on: date, proof: str
) -> Application:
    """The third party, the consulted agency or the applicant received the letter (征求意见书,
    征求意见函, 收费通知) on ``on``: their period now runs from that day (第三十二条)."""
    if letter not in LETTERS or proof not in RECEIPT_PROOFS:
        raise ValidationError("请选择送达的文书和送达的证明方式。")
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="记录送达日期")
        _add_event(locked, LETTERS[letter], on=on, note=RECEIPT_PROOFS[proof], by=by)
        record_event(
            f"application.{LETTERS[letter]}", actor=by, target=locked,
            data={"on": on.isoformat(), "proof": proof},
        )  # fmt: skip
    return _reload(application)


def quote_fee(application: Application, *, method: str, pages: int = 0) -> fees.FeeQuote:
    """The fee the system computes (国办函〔2020〕109号): by request, counting the applicant's
    earlier applications in the same natural month, or by pages."""
    if method == fees.FeeMethod.PER_PAGE:
        return fees.per_page_fee(pages)
    month_start = application.received_on.replace(day=1)
    earlier = (
        Application.objects.counted()
        .filter(
            applicant_key=application.applicant_key,
            received_on__gte=month_start,
            received_on__lte=application.received_on,
        )
        .filter(received_on__lt=application.received_on)
        .count()
        + Application.objects.counted()
        .filter(
            applicant_key=application.applicant_key,
            received_on=application.received_on,
            pk__lt=application.pk,
        )
        .count()
    )
    return fees.per_request_fee(earlier_this_month=earlier)


def send_fee_notice(
    application: Application, *, by: User, on: date, method: str, pages: int = 0
) -> Application:
    """The fee notice pauses the clock until payment; unpaid in 20 working days → 其他处理 2."""
    quote = quote_fee(application, method=method, pages=pages)
    if quote.amount == 0:
        raise ValidationError("按《政府信息公开信息处理费管理办法》计算，本申请不收费。")
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="发出收费通知")
        if locked.due_on is not None and on > locked.due_on:
            raise ValidationError("收费通知应在答复期限内发出。")
        data = {"method": str(quote.method), "amount": quote.amount, "pages": pages}
        _add_event(locked, EventKind.FEE_NOTICE_SENT, on=on, note=quote.explain(), data=data, by=by)
        record_event(Verb.APPLICATION_FEE_NOTICE, actor=by, target=locked, data=data)
    return _reload(application)


def record_fee_paid(application: Application, *, by: User, on: date, note: str = "") -> Application:
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="记录缴费")
        if locked.fee_deadline is not None and on > locked.fee_deadline:
            raise ValidationError("缴费期限已过，该申请应视为放弃。")
        _add_event(locked, EventKind.FEE_PAID, on=on, note=note, by=by)
        record_event(
            Verb.APPLICATION_FEE_PAID, actor=by, target=locked, data={"on": on.isoformat()}
        )
    return _reload(application)


def withdraw_event(event: ApplicationEvent, *, by: User, reason: str) -> ApplicationEvent:
    """A mistaken entry is withdrawn with a reason, never deleted; the clock then ignores it."""
    if not reason.strip():
        raise ValidationError("请写明撤销原因。")
    if event.kind in (EventKind.RECEIVED, EventKind.REPLY_SENT):
        raise ValidationError("收到申请和答复不能撤销；登记有误请作废登记。")
    application = event.application
    with transaction.atomic():
        locked = _clock_action(application, by=by, verb="撤销事项")
        event.is_withdrawn = True
        event.withdrawn_reason = reason
        event.save(update_fields=["is_withdrawn", "withdrawn_reason"])
        try:
            compute_clock(clock_events(locked), current_rules())
        except ClockError as exc:
            raise ValidationError(str(exc)) from exc
        refresh_clock(locked)
        record_event(
            Verb.APPLICATION_WITHDRAW_EVENT, actor=by, target=locked, note=reason,
            data={"event": event.pk, "kind": event.kind, "on": event.on.isoformat()},
        )  # fmt: skip
    return event


# --- Replies (第三十六、三十七条) ----------------------------------------------------------


def draft_reply(application: Application, *, by: User, category: str, body: str) -> Reply:
    """Create or edit the reply. Each edit is kept in the audit trail (the earlier text)."""
    if category not in categories.BY_VALUE or not categories.BY_VALUE[category].staff_choice:
        raise ValidationError("请选择答复类型。")
    if not body.strip():
        raise ValidationError("请填写答复意见。")
    if not can.can_handle(by, application):
        raise PermissionDenied("您没有对该申请执行此操作的权限。")
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in OPEN_STATUSES:
            raise ValidationError("该申请已办结，答复不能再修改。")
        reply = Reply.objects.filter(application=locked).first()
        before = {"category": reply.category, "body": reply.body} if reply else None
        if reply is None:
            reply = Reply(application=locked, drafted_by=by)
        reply.category, reply.body = category, body.strip()
        reply.save()
        record_event(
            Verb.APPLICATION_DRAFT_REPLY, actor=by, target=locked,
            data={"category": category, "previous": before},
        )  # fmt: skip
    return reply


def add_released_document(
    reply: Reply, fileobj: IO[bytes], name: str, *, by: User
) -> ReleasedDocument:
    """A document to release; screened (gongkai.screening) before the reply can go out."""
    from gongkai.records.uploads import inspect_upload, save_with_file
    from gongkai.screening.scan import active_terms, scan_file

    application = reply.application
    if not can.can_handle(by, application) or application.status not in OPEN_STATUSES:
        raise ValidationError("该申请已办结或您无权处理，不能添加文件。")
    info = inspect_upload(fileobj, name)
    fileobj.seek(0)
    findings = scan_file(fileobj, info.name, terms=active_terms())
    fileobj.seek(0)
    document = ReleasedDocument(
        reply=reply,
        **info.fields(),
        findings=[f.as_dict() for f in findings],
        screened_with="gongkai.screening",
        uploaded_by=by,
    )
    save_with_file(
        document,
        fileobj,
        info.name,
        then=lambda: record_event(
            Verb.APPLICATION_ADD_DOCUMENT,
            actor=by,
            target=application,
            data={"document": document.pk, "sha256": info.sha256, "findings": len(findings)},
        ),
    )
    return document


def clear_document(document: ReleasedDocument, *, by: User, note: str) -> ReleasedDocument:
    """A handler checked the findings (e.g. the numbers are public phone lines) and says why."""
    if not note.strip():
        raise ValidationError("请写明核对意见。")
    if not can.can_handle(by, document.reply.application):
        raise PermissionDenied("您没有对该申请执行此操作的权限。")
    with transaction.atomic():
        document.cleared_by = by
        document.cleared_note = note
        document.save(update_fields=["cleared_by", "cleared_note"])
        record_event(
            Verb.APPLICATION_CLEAR_DOCUMENT, actor=by, target=document.reply.application,
            note=note, data={"document": document.pk},
        )  # fmt: skip
    return document


def send_reply(application: Application, *, by: User, on: date, note: str = "") -> Application:
    """Send the drafted reply: the letter text is frozen, the clock stops."""
    from gongkai.applications.letters import render_letter

    with transaction.atomic():
        reply = Reply.objects.select_for_update().filter(application=application).first()
        category = reply.category if reply else ""
        updated = workflow.apply(
            application, "send_reply", by=by, note=note,
            changes={"reply_category": category}, data={"category": category},
        )  # fmt: skip
        assert reply is not None  # the guard checked
        _add_event(updated, EventKind.REPLY_SENT, on=on, note=note, by=by)
        reply.application = updated
        reply.letter_title, reply.letter_text = render_letter(reply, on=on)
        reply.sent_by, reply.sent_on, reply.sent_at = by, on, timezone.now()
        reply.save()
    return _reload(application)


def _close(
    application: Application, *, action: str, category: str, on: date, by: User | None
) -> Application:
    cat = categories.BY_VALUE[category]
    with transaction.atomic():
        updated = workflow.apply(
            application, action, by=by, note=cat.text,
            changes={"reply_category": category}, data={"category": category},
        )  # fmt: skip
        Reply.objects.create(
            application=updated, category=category, body=cat.text, letter_title="告知书",
            letter_text=cat.text, drafted_by=by if getattr(by, "pk", None) else None,
            sent_on=on, sent_at=timezone.now(),
        )  # fmt: skip
        event = ApplicationEvent.objects.create(
            application=updated, kind=EventKind.REPLY_SENT, on=on, note=cat.label
        )
        refresh_clock(updated)
        notices.queue(event)
    return _reload(application)


def close_uncorrected(application: Application, *, on: date, by: User | None = None) -> Application:
    """第三十条: no correction within the period stated → abandoned (其他处理 1)."""
    if application.correction_deadline is None or on <= application.correction_deadline:
        raise ValidationError("补正期限尚未届满。")
    return _close(
        application, action="close_uncorrected", category="other_no_correction", on=on, by=by
    )


def close_unpaid(application: Application, *, on: date, by: User | None = None) -> Application:
    """Unpaid after the fee period → abandoned (其他处理 2)."""
    if application.fee_deadline is None or on <= application.fee_deadline:
        raise ValidationError("缴费期限尚未届满。")
    return _close(application, action="close_unpaid", category="other_fee_unpaid", on=on, by=by)


def close_lapsed(today: date) -> list[int]:
    """The daily job: close every application whose correction or fee period has run out."""
    closed = []
    for application in Application.objects.correction_lapsed(today):
        closed.append(close_uncorrected(application, on=today).pk)
    for application in Application.objects.fee_lapsed(today):
        closed.append(close_unpaid(application, on=today).pk)
    return closed


def archive(application: Application, *, by: User, note: str = "") -> Application:
    return workflow.apply(application, "archive", by=by, note=note)


def void(application: Application, *, by: User, note: str) -> Application:
    """A registration made in error (e.g. a duplicate entry): kept, but not counted."""
    return workflow.apply(application, "void", by=by, note=note)


# --- Remedies (年报表四) ---------------------------------------------------------------------


def record_remedy(
    application: Application,
    *,
    by: User,
    kind: str,
    filed_on: date,
    outcome: str = "pending",
    decided_on: date | None = None,
    note: str = "",
    remedy: Remedy | None = None,
) -> Remedy:
    """Record a review or lawsuit, or update its outcome (the earlier values go to the audit)."""
    if not can.can_handle(by, application):
        raise PermissionDenied("您没有对该申请执行此操作的权限。")
    today = timezone.localdate()
    if filed_on > today or (decided_on is not None and decided_on > today):
        raise ValidationError("申请复议或起诉日期、审结日期不能晚于今天。")
    if decided_on is not None and decided_on < filed_on:
        raise ValidationError("审结日期不能早于申请复议或起诉日期。")
    with transaction.atomic():
        before = None
        if remedy is None:
            remedy = Remedy(application=application, recorded_by=by)
        else:
            remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
            if remedy.application_id != application.pk:
                raise ValidationError("该复议、诉讼记录不属于本申请。")
            before = {
                "kind": remedy.kind,
                "filed_on": str(remedy.filed_on),
                "outcome": remedy.outcome,
                "decided_on": str(remedy.decided_on),
                "note": remedy.note,
            }
        remedy.kind, remedy.filed_on, remedy.outcome = kind, filed_on, outcome
        remedy.decided_on, remedy.note = decided_on, note
        try:
            remedy.full_clean()
        except ValidationError as exc:
            if outcome == "pending" or decided_on is None:
                raise ValidationError("已审结的须填写审结日期；尚未审结的不填审结日期。") from exc
            raise
        remedy.save()
        record_event(
            Verb.APPLICATION_REMEDY, actor=by, target=application,
            data={"remedy": remedy.pk, "kind": kind, "outcome": outcome, "previous": before},
        )  # fmt: skip
    return remedy


# --- 第四十四条 ------------------------------------------------------------------------------


def group_same_information(
    applications: list[Application], *, by: User, title: str
) -> InformationCluster:
    """Mark several applications as asking for the same information."""
    if len({a.organisation_id for a in applications}) != 1:
        raise ValidationError("只能归并向同一机关提出的申请。")
    if not all(can.can_handle(by, a) for a in applications):
        raise PermissionDenied("您没有处理其中某些申请的权限。")
    with transaction.atomic():
        cluster = InformationCluster.objects.create(
            organisation=applications[0].organisation, title=title, created_by=by
        )
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(cluster=cluster)
        record_event(
            Verb.APPLICATION_GROUP, actor=by, target=cluster,
            data={"applications": [a.pk for a in applications]},
        )  # fmt: skip
    return cluster


def link_proactive_record(
    cluster: InformationCluster, *, by: User, record: Any
) -> InformationCluster:
    """The information is now proactively disclosed: link the public record."""
    from gongkai.records.models import Status as RecordStatus

    if record.organisation_id != cluster.organisation_id:
        raise ValidationError("只能关联本机关的信息。")
    if record.status != RecordStatus.PUBLISHED:
        raise ValidationError("请先将该信息按主动公开流程审核发布，再关联。")
    if not can.can_handle_organisation(by, cluster.organisation):
        raise PermissionDenied("您没有该机关的依申请公开办理权限。")
    with transaction.atomic():
        cluster.record = record
        cluster.save(update_fields=["record", "updated_at"])
        record_event(
            Verb.APPLICATION_LINK_RECORD, actor=by, target=cluster, data={"record": record.pk}
        )
    return cluster


def _reload(application: Application) -> Application:
    return Application.objects.select_related("organisation").get(pk=application.pk)


@dataclass(frozen=True)
class Suggestion:
    """第四十四条: the same information asked for by several applicants."""

    organisation_id: int
    title: str
    applications: tuple[Application, ...]


def _same_key(application: Application) -> str:
    if application.document_number.strip():
        return "doc:" + application.document_number.strip()
    return "text:" + "".join(application.description.split())


def same_information_suggestions(applications: Any) -> list[Suggestion]:
    """Groups of not-yet-grouped applications to one agency for the same document (same
    文号, or the same wording) from at least ``same_information_applicants`` applicants."""
    wanted = current_rules().same_information_applicants
    groups: dict[tuple[int, str], list[Application]] = {}
    rows = applications.counted().filter(cluster__isnull=True).select_related("organisation")
    for application in rows.order_by("received_on", "pk"):
        groups.setdefault((application.organisation_id, _same_key(application)), []).append(
            application
        )
    return [
        Suggestion(org, members[0].document_number or members[0].description[:60], tuple(members))
        for (org, _), members in groups.items()
        if len({m.applicant_key for m in members}) >= wanted
    ]


def save_reply_template(
    organisation: Any, *, by: User, title: str, body: str, review_body: str, court: str
) -> Any:
    """Edit an organisation's reply letter; the earlier text is kept in the audit trail."""
    from gongkai.applications.letters import check_template
    from gongkai.applications.models import ReplyTemplate

    if not can.can_approve_organisation(by, organisation):
        raise PermissionDenied("答复书模板由政务公开审核人员维护。")
    check_template(body)
    if not review_body.strip() or not court.strip():
        raise ValidationError("请填写行政复议机关和管辖法院。")
    with transaction.atomic():
        template = (
            ReplyTemplate.objects.select_for_update().filter(organisation=organisation).first()
        )
        before = None
        if template is None:
            template = ReplyTemplate(organisation=organisation)
        else:
            before = {"title": template.title, "body": template.body,
                      "review_body": template.review_body, "court": template.court}  # fmt: skip
        template.title, template.body = title.strip(), body
        template.review_body, template.court = review_body.strip(), court.strip()
        template.updated_by = by
        template.save()
        record_event(
            Verb.APPLICATION_SAVE_TEMPLATE, actor=by, target=template, data={"previous": before}
        )
    return template


# --- A new holiday notice -------------------------------------------------------------------


def _on(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "无"


def recompute_deadlines(*, since: date, by: User | None = None) -> list[MovedDeadline]:
    """Refresh the clock of every open application whose deadlines may count days from
    ``since`` on (core.calendar.loading.load_notice, in its transaction). Every application
    whose explanation changed gets an audit row; those whose dates moved are returned."""
    moved: list[MovedDeadline] = []
    candidates = Application.objects.open().filter(
        Q(due_on__isnull=True)
        | Q(due_on__gte=since)
        | Q(fee_deadline__gte=since)
        | Q(correction_notice_by__gte=since)
    )
    for application in candidates.order_by("pk"):
        locked = _lock(application)
        before = (locked.due_on, locked.fee_deadline, locked.correction_notice_by)
        explanation = locked.clock_explanation
        refresh_clock(locked)
        after = (locked.due_on, locked.fee_deadline, locked.correction_notice_by)
        if explanation == locked.clock_explanation and before == after:
            continue
        labels = ("答复期限", "缴费期限", "补正告知期限")
        changes = [
            f"{label}由 {_on(old)} 改为 {_on(new)}"
            for label, old, new in zip(labels, before, after, strict=True)
            if old != new
        ]
        record_event(
            Verb.APPLICATION_DEADLINE_RECOMPUTED, actor=by, target=locked,
            note="导入节假日安排后重新计算：" + ("；".join(changes) or "日期未变，期限说明已更新"),
            data={"due_on": [str(before[0]), str(after[0])],
                  "fee_deadline": [str(before[1]), str(after[1])],
                  "correction_notice_by": [str(before[2]), str(after[2])]},
        )  # fmt: skip
        if before != after:
            people = tuple(role_holders(locked.organisation, can.HANDLER_ROLES))
            url = reverse("applications:detail", args=[locked.pk])
            for label, old, new in zip(labels, before, after, strict=True):
                if old != new:
                    moved.append(MovedDeadline(locked, label, old, new, people, url))
    return moved
