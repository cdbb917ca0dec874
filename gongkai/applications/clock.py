"""The statutory clock of a 依申请公开 application: a pure function of its events.

``compute_clock(events)`` reads nothing but the events and the shared working-day calendar and
returns the due date with an explanation in Chinese. The application caches the result
(``Application.due_on``) for queries; the explanation can always be rebuilt from the event rows.

The rules (条例 2019; numbers in ``rules.py``):

* 第三十一条 — the received date depends on the channel (``received_on``).
* 第三十三条 — reply within 20 working days of receipt; one extension of at most 20 working
  days, approved by the head of the disclosure office and told to the applicant.
* 第三十条 — a correction notice goes out, once, within 7 working days of receipt; the reply
  period then runs from receipt of the corrected application. No correction within the period
  stated in the notice → treated as abandoned (其他处理 1).
* 第三十二、三十三、三十四条 — time spent consulting a third party or another agency does not
  count; a consultation ends at the latest when the consulted party's 15 working days are up.
* 国办函〔2020〕109号 — from the fee notice to payment does not count; unpaid after 20 working
  days → abandoned (其他处理 2).
* The consulted party's 15 working days and the payer's 20 run from the day the letter was
  received (第三十二条 "自收到征求意见书之日起") when that day is recorded (postal delivery,
  signed receipt), and from the day it was sent until then; the explanation says which
  (``rules.ClockRules.*_from_receipt``).

Working days are walked by ``core.calendar.walk`` (the one walk of Gongkai), which also says
which days were counted on the provisional calendar of a year whose notice is not loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import models

from gongkai.applications.rules import DEFAULT_RULES, ClockRules
from gongkai.core import calendar
from gongkai.core.calendar import (
    WorkdayCount,
    add_working_days,
    fmt,
    fmt_short,
    working_days_between,
)


class Kind(models.TextChoices):
    """What happened. The values are stored in ``ApplicationEvent.kind``."""

    RECEIVED = "received", "收到申请"
    CORRECTION_REQUESTED = "correction_requested", "发出补正告知"
    CORRECTION_RECEIVED = "correction_received", "收到补正后的申请"
    EXTENSION_APPROVED = "extension_approved", "延长答复期限"
    THIRD_PARTY_STARTED = "third_party_started", "书面征求第三方意见"
    THIRD_PARTY_RECEIVED = "third_party_received", "第三方收到征求意见书"
    THIRD_PARTY_ENDED = "third_party_ended", "第三方意见收到"
    AGENCY_STARTED = "agency_started", "征求其他机关意见"
    AGENCY_RECEIVED = "agency_received", "其他机关收到征求意见函"
    AGENCY_ENDED = "agency_ended", "其他机关意见收到"
    FEE_NOTICE_SENT = "fee_notice_sent", "发出收费通知"
    FEE_NOTICE_RECEIVED = "fee_notice_received", "申请人收到收费通知"
    FEE_PAID = "fee_paid", "申请人缴费"
    REPLY_SENT = "reply_sent", "答复"


#: (start kind, end kind, what the pause is called, its article).
PAUSES = {
    "third_party": (
        Kind.THIRD_PARTY_STARTED,
        Kind.THIRD_PARTY_ENDED,
        "征求第三方意见",
        "第三十二条",
    ),
    "agency": (Kind.AGENCY_STARTED, Kind.AGENCY_ENDED, "征求其他机关意见", "第三十四条"),
    "fee": (Kind.FEE_NOTICE_SENT, Kind.FEE_PAID, "等待缴纳信息处理费", "国办函〔2020〕109号"),
}

#: The event recording the day the letter of a pause reached its addressee, and what the
#: letter is called: the addressee's period runs from that day once it is known.
RECEIPTS = {
    "third_party": (Kind.THIRD_PARTY_RECEIVED, "第三方", "征求意见书"),
    "agency": (Kind.AGENCY_RECEIVED, "被征求意见机关", "征求意见函"),
    "fee": (Kind.FEE_NOTICE_RECEIVED, "申请人", "收费通知"),
}


class State(models.TextChoices):
    """Where the clock stands. The values are cached in ``Application.clock_state``."""

    RUNNING = "running", "计时中"
    AWAITING_CORRECTION = "awaiting_correction", "等待补正（暂不计时）"
    AWAITING_FEE = "awaiting_fee", "等待缴费（暂停计时）"
    CONSULTING = "consulting", "征求意见中（暂停计时）"
    STOPPED = "stopped", "已答复（停止计时）"
    #: Never computed here: what the cached state says while a holiday notice the count needs
    #: is missing (``CalendarNotLoaded``).
    UNKNOWN = "unknown", "无法计算（缺少节假日安排）"


class ClockError(ValueError):
    """The events cannot describe a real application (a bug or bad data, never guessed)."""


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    on: date
    days: int = 0
    until_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Pause:
    key: str
    reason: str
    start: date
    end: date | None  # the day recorded as its end (None: still open)
    limit_on: date  # the latest day it can last (the consulted party's or payer's deadline)
    #: The day the addressee's period counts from, and the sentence saying which day that is.
    limit_from: date | None = None
    limit_basis: str = ""

    @property
    def effective_end(self) -> date | None:
        """Consultations end at their limit even if nobody records it; a fee pause does not."""
        if self.end is not None:
            return min(self.end, self.limit_on) if self.key != "fee" else self.end
        return self.limit_on if self.key != "fee" else None


@dataclass(frozen=True)
class Clock:
    state: State
    received_on: date
    start_on: date | None
    due_on: date | None
    days: int
    correction_notice_by: date
    correction_deadline: date | None = None
    fee_deadline: date | None = None
    pauses: tuple[Pause, ...] = ()
    replied_on: date | None = None
    late_by: int = 0
    counted: int = 0
    lines: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    count: WorkdayCount | None = field(default=None, compare=False)
    #: Years whose working days were counted on the provisional calendar (暂定).
    provisional_years: tuple[int, ...] = ()

    @property
    def is_provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state != State.STOPPED

    def explain(self) -> str:
        return "\n".join(self.lines + tuple(f"注意：{w}" for w in self.warnings))


# --- 第三十一条: the received date by channel ----------------------------------------------


class Channel(models.TextChoices):
    ONLINE = "online", "网上申请（本平台）"
    IN_PERSON = "in_person", "当面提交"
    ORAL = "oral", "口头提出（工作人员代为填写）"
    POST_SIGNED = "post_signed", "邮寄（需签收：挂号信、特快专递等）"
    POST_UNSIGNED = "post_unsigned", "平信等无需签收的邮件"
    FAX = "fax", "传真"
    EMAIL = "email", "电子邮件"


#: Which date is the received date, and why (第三十一条). [记忆: 条文措辞待核]
RECEIVED_RULES: dict[str, tuple[str, str]] = {
    Channel.ONLINE: ("confirmed_on", "通过互联网渠道提交，以双方确认之日为收到日期"),
    Channel.IN_PERSON: ("submitted_on", "当面提交，以提交之日为收到日期"),
    Channel.ORAL: ("submitted_on", "口头提出、代为填写，以提出之日为收到日期"),
    Channel.POST_SIGNED: ("signed_for_on", "邮寄，以本机关签收之日为收到日期"),
    Channel.POST_UNSIGNED: (
        "confirmed_on",
        "平信等无需签收的，以工作机构与申请人确认之日为收到日期",
    ),
    Channel.FAX: ("confirmed_on", "传真，以双方确认之日为收到日期"),
    Channel.EMAIL: ("confirmed_on", "电子邮件，以双方确认之日为收到日期"),
}

DATE_LABELS = {
    "submitted_on": "提交日期",
    "signed_for_on": "签收日期",
    "confirmed_on": "确认日期",
}


def received_on(
    channel: str,
    *,
    submitted_on: date | None = None,
    signed_for_on: date | None = None,
    confirmed_on: date | None = None,
) -> tuple[date, str]:
    """The received date for ``channel`` and the sentence explaining it (第三十一条)."""
    if channel not in RECEIVED_RULES:
        raise ClockError(f"未知的申请渠道：{channel}")
    name, why = RECEIVED_RULES[channel]
    value = {
        "submitted_on": submitted_on,
        "signed_for_on": signed_for_on,
        "confirmed_on": confirmed_on,
    }[name]
    if value is None:
        raise ClockError(f"{Channel(channel).label}须填写{DATE_LABELS[name]}（{why}）。")
    return value, f"{why}（第三十一条）"


# --- The clock ------------------------------------------------------------------------------


def compute_clock(events: Iterable[ClockEvent], rules: ClockRules = DEFAULT_RULES) -> Clock:
    """Due date and explanation from the events. Raises ``ClockError`` for impossible event
    lists and ``CalendarNotLoaded`` when a needed year has no holiday notice."""
    ordered = sorted(events, key=lambda e: (e.on, _ORDER.get(e.kind, 99)))
    received = _one(ordered, Kind.RECEIVED, required=True)
    assert received is not None
    lines = [f"{fmt(received.on)}：收到申请。{received.note}".rstrip()]
    warnings: list[str] = []

    notice_count = add_working_days(received.on, rules.correction_notice_days)
    notice_by = notice_count.due_on
    correction = _one(ordered, Kind.CORRECTION_REQUESTED)
    corrected = _one(ordered, Kind.CORRECTION_RECEIVED)
    reply = _one(ordered, Kind.REPLY_SENT)
    start = received.on
    if corrected is not None and correction is None:
        raise ClockError("没有补正告知，却记录了收到补正。")
    if correction is not None:
        deadline = correction.until_on
        lines.append(
            f"{fmt(correction.on)}：发出补正告知（第三十条，应在收到申请后 "
            f"{rules.correction_notice_days} 个工作日内即 {fmt(notice_by)} 前一次性告知）"
            + (f"，补正期限至 {fmt(deadline)}" if deadline else "")
            + "。"
        )
        if correction.on > notice_by:
            late = working_days_between(notice_by, correction.on)
            warnings.append(
                f"补正告知晚于法定期限 {late} 个工作日（应于 {fmt(notice_by)} 前发出）。"
            )
        if corrected is None:
            if reply is not None:
                return _stopped_without_due(received, notice_by, reply, lines, warnings, deadline)
            lines.append("等待申请人补正：答复期限自收到补正后的申请之日起计算，目前不计时。")
            return Clock(
                state=State.AWAITING_CORRECTION,
                received_on=received.on,
                start_on=None,
                due_on=None,
                days=rules.reply_days,
                correction_notice_by=notice_by,
                correction_deadline=deadline,
                lines=tuple(lines),
                warnings=tuple(warnings),
            )
        if corrected.on < correction.on:
            raise ClockError("收到补正的日期早于补正告知的日期。")
        start = corrected.on
        lines.append(
            f"{fmt(corrected.on)}：收到补正后的申请，答复期限自该日起重新计算（第三十条）。"
        )

    extensions = [e for e in ordered if e.kind == Kind.EXTENSION_APPROVED]
    extension_days = sum(e.days for e in extensions)
    if extension_days > rules.max_extension_days:
        warnings.append(
            f"延长期限合计 {extension_days} 个工作日，超过第三十三条规定的最长 "
            f"{rules.max_extension_days} 个工作日。"
        )
    pauses = _pauses(ordered, start, rules)
    for p in pauses:
        lines.append(_pause_line(p))

    base, _ = _walk(start, rules.reply_days, pauses)
    for e in extensions:
        lines.append(
            f"{fmt(e.on)}：经政府信息公开工作机构负责人同意并告知申请人，延长答复期限 "
            f"{e.days} 个工作日（第三十三条第二款）。{e.note}".rstrip()
        )
        if base.due_on is not None and e.on > base.due_on:
            warnings.append(f"延长决定（{fmt(e.on)}）晚于原答复期限 {fmt(base.due_on)}。")
    total = rules.reply_days + extension_days
    walked, open_pause = _walk(start, total, pauses)
    provisional = tuple(sorted(set(walked.provisional_years) | set(notice_count.provisional_years)))
    fee_deadline = next((p.limit_on for p in pauses if p.key == "fee" and p.end is None), None)

    if walked.due_on is None:
        # Stopped inside an open fee pause: the clock waits for the payment.
        assert open_pause is not None
        lines.append(
            f"{open_pause.reason}，自 {fmt(open_pause.start)} 起暂停计时；此前已计 "
            f"{walked.counted} 个工作日，缴费后还有 {total - walked.counted} 个工作日。"
            f"申请人应于 {fmt(open_pause.limit_on)} 前缴费，逾期视为放弃申请（其他处理 2）。"
        )
        if reply is not None:
            return _stopped_without_due(received, notice_by, reply, lines, warnings, None)
        return Clock(
            state=State.AWAITING_FEE,
            received_on=received.on,
            start_on=start,
            due_on=None,
            days=total,
            correction_notice_by=notice_by,
            correction_deadline=correction.until_on if correction else None,
            fee_deadline=fee_deadline,
            pauses=pauses,
            counted=walked.counted,
            lines=tuple(lines),
            warnings=tuple(warnings),
            provisional_years=provisional,
        )

    count = walked.count(
        paused=tuple(
            (p.start, p.effective_end or p.start, p.reason)
            for p in pauses
            if p.effective_end is not None and p.start <= walked.due_on
        ),
    )
    if extensions and base.due_on is not None:
        lines.append(f"原答复期限为 {fmt(base.due_on)}。")
    lines.append("答复期限：" + count.explain())

    consulting = [
        p for p in pauses if p.key != "fee" and p.end is None and p.start <= walked.due_on
    ]
    for p in consulting:
        lines.append(
            f"{p.reason}尚未结束：按被征求意见方的最后期限 {fmt(p.limit_on)} 推算；"
            "意见提前收到并记录后，答复期限相应提前。"
        )

    if reply is not None:
        late_by = working_days_between(walked.due_on, reply.on)
        verdict = f"逾期 {late_by} 个工作日" if late_by else "在法定期限内"
        lines.append(f"{fmt(reply.on)}：已答复，{verdict}。")
        return Clock(
            state=State.STOPPED,
            received_on=received.on,
            start_on=start,
            due_on=walked.due_on,
            days=total,
            correction_notice_by=notice_by,
            correction_deadline=correction.until_on if correction else None,
            pauses=pauses,
            replied_on=reply.on,
            late_by=late_by,
            counted=total,
            lines=tuple(lines),
            warnings=tuple(warnings),
            count=count,
            provisional_years=provisional,
        )
    return Clock(
        state=State.CONSULTING if consulting else State.RUNNING,
        received_on=received.on,
        start_on=start,
        due_on=walked.due_on,
        days=total,
        correction_notice_by=notice_by,
        correction_deadline=correction.until_on if correction else None,
        pauses=pauses,
        counted=total,
        lines=tuple(lines),
        warnings=tuple(warnings),
        count=count,
        provisional_years=provisional,
    )


# --- Helpers --------------------------------------------------------------------------------

_ORDER: dict[str, int] = {kind: i for i, kind in enumerate(Kind)}


def _one(events: list[ClockEvent], kind: Kind, *, required: bool = False) -> ClockEvent | None:
    found = [e for e in events if e.kind == kind]
    if len(found) > 1:
        raise ClockError(f"“{Kind(kind).label}”只能有一次。")
    if required and not found:
        raise ClockError(f"缺少“{Kind(kind).label}”。")
    return found[0] if found else None


def _pauses(events: list[ClockEvent], start: date, rules: ClockRules) -> tuple[Pause, ...]:
    limits = {
        "third_party": rules.third_party_days,
        "agency": rules.agency_days,
        "fee": rules.fee_payment_days,
    }
    from_receipt = {
        "third_party": bool(rules.third_party_from_receipt),
        "agency": bool(rules.agency_from_receipt),
        "fee": bool(rules.fee_from_receipt),
    }
    found: list[Pause] = []
    for key, (start_kind, end_kind, reason, _article) in PAUSES.items():
        receipt_kind = RECEIPTS[key][0]
        begun: ClockEvent | None = None
        receipt: ClockEvent | None = None
        for e in events:
            if e.kind == start_kind:
                if begun is not None:
                    raise ClockError(f"上一次{reason}尚未结束，不能再次开始。")
                begun, receipt = e, None
            elif e.kind == receipt_kind:
                if begun is None and any(x.kind == start_kind and x.on > e.on for x in events):
                    whom, letter = RECEIPTS[key][1:]
                    raise ClockError(f"{whom}收到{letter}的日期早于发出日期。")
                if begun is None:
                    raise ClockError(f"没有{reason}，却记录了{Kind(receipt_kind).label}。")
                if receipt is not None:
                    raise ClockError(f"“{Kind(receipt_kind).label}”只能记录一次。")
                receipt = e
            elif e.kind == end_kind:
                if begun is None:
                    raise ClockError(f"没有开始{reason}，却记录了结束。")
                found.append(
                    _pause(key, reason, begun, receipt, e.on, limits[key], from_receipt[key])
                )
                begun = None
        if begun is not None:
            found.append(_pause(key, reason, begun, receipt, None, limits[key], from_receipt[key]))
    # Periods before the reply period started (e.g. before a correction) do not matter.
    kept = (p for p in found if p.effective_end is None or p.effective_end > start)
    return tuple(sorted(kept, key=_by_start))


def _by_start(p: Pause) -> date:
    return p.start


def _pause(
    key: str,
    reason: str,
    begun: ClockEvent,
    receipt: ClockEvent | None,
    end: date | None,
    days: int,
    from_receipt: bool,
) -> Pause:
    if end is not None and end < begun.on:
        raise ClockError(f"{reason}的结束日期早于开始日期。")
    _kind, whom, letter = RECEIPTS[key]
    if receipt is not None and receipt.on < begun.on:
        raise ClockError(f"{whom}收到{letter}的日期早于发出日期。")
    if receipt is not None and from_receipt:
        how = f"，{receipt.note}" if receipt.note else ""
        basis = f"自{whom}收到{letter}之日（{fmt(receipt.on)}{how}）起算 {days} 个工作日"
        limit_from = receipt.on
    else:
        basis = (
            f"未记录{whom}收到{letter}的日期，暂自发出之日（{fmt(begun.on)}）起算 {days} 个"
            "工作日；记录送达（签收）日期后按收到之日重新计算"
            if from_receipt
            else f"自发出{letter}之日（{fmt(begun.on)}）起算 {days} 个工作日"
        )
        limit_from = begun.on
    limit = add_working_days(limit_from, days).due_on
    return Pause(key, reason, begun.on, end, limit, limit_from, basis)


def _pause_line(p: Pause) -> str:
    article = next(v[3] for k, v in PAUSES.items() if k == p.key)
    head = f"{fmt(p.start)}：{p.reason}（{article}），期间不计入答复期限"
    basis = f"（{p.limit_basis}）" if p.limit_basis else ""
    if p.key == "fee":
        if p.end is None:
            return f"{head}；应于 {fmt(p.limit_on)} 前缴费{basis}。"
        paused = f"{fmt_short(p.start)}—{fmt_short(p.end)}"
        return f"{head}；{fmt(p.end)} 缴费，{p.reason}暂停计时 {paused}。"
    if p.end is None:
        return f"{head}；被征求意见方应于 {fmt(p.limit_on)} 前提出意见{basis}。"
    if p.end > p.limit_on:
        return (
            f"{head}；意见于 {fmt(p.end)} 才收到，超过最后期限 {fmt(p.limit_on)}{basis}，"
            f"暂停计时只算到期限届满：{fmt_short(p.start)}—{fmt_short(p.limit_on)}。"
        )
    return f"{head}；{fmt(p.end)} 收到意见，暂停计时 {fmt_short(p.start)}—{fmt_short(p.end)}。"


def _walk(start: date, days: int, pauses: tuple[Pause, ...]) -> tuple[calendar.Walk, Pause | None]:
    """Count ``days`` working days after ``start`` on the shared calendar, skipping every
    paused day (inclusive); an open fee pause stops the count (returned second)."""
    spans = [calendar.Pause(p.start, p.effective_end, p.reason) for p in pauses]
    walked = calendar.walk(start, days, spans)
    stopped = walked.stopped_at
    return walked, (pauses[spans.index(stopped)] if stopped is not None else None)


def _stopped_without_due(
    received: ClockEvent,
    notice_by: date,
    reply: ClockEvent,
    lines: list[str],
    warnings: list[str],
    deadline: date | None,
) -> Clock:
    lines.append(f"{fmt(reply.on)}：办结，停止计时。")
    return Clock(
        state=State.STOPPED,
        received_on=received.on,
        start_on=None,
        due_on=None,
        days=0,
        correction_notice_by=notice_by,
        correction_deadline=deadline,
        replied_on=reply.on,
        lines=tuple(lines),
        warnings=tuple(warnings),
    )
