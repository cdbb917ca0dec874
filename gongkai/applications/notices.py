"""E-mail to the applicant when something they must act on or read is sent to them.

A correction notice (第三十条), an extension notice (第三十三条), a fee notice and the reply —
including the notice that an application is treated as abandoned — each send one short mail,
if the applicant gave an e-mail address. The mail carries the reference, the receiving
organisation, what happened and the date that matters, and a link to the tracking page; never
the secret (it is not stored), never the text of the notice (it may quote the application),
never anything the applicant did not give.

Services call ``queue`` inside their transaction; the mail is sent after the commit, so a
change that rolls back sends nothing. Each notice goes out once: the ``ApplicantNotice`` row
(one per event) is inserted first, and a second attempt finds it and stops.
"""

from __future__ import annotations

import logging
from datetime import date
from smtplib import SMTPException

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongkai.applications import conf
from gongkai.applications.models import ApplicantNotice, ApplicationEvent, EventKind
from gongkai.core.audit import record_event
from gongkai.core.calendar import provisional_mark
from gongkai.core.verbs import Verb

logger = logging.getLogger(__name__)

#: The events the applicant hears about, with the subject line's words.
NOTIFIED: dict[str, str] = {
    EventKind.CORRECTION_REQUESTED: "请补正申请",
    EventKind.EXTENSION_APPROVED: "答复期限延长",
    EventKind.FEE_NOTICE_SENT: "信息处理费缴费通知",
    EventKind.REPLY_SENT: "已答复",
}


def queue(event: ApplicationEvent) -> None:
    """Send the notice for ``event`` once the current transaction commits."""
    if event.kind in NOTIFIED:
        transaction.on_commit(lambda: send_notice(event.pk))


def _day(value: date | None) -> str:
    if not value:
        return "（请在查询页面查看）"
    return f"{value:%Y年%m月%d日}{provisional_mark(value)}"


def _details(event: ApplicationEvent) -> str:
    application = event.application
    if event.kind == EventKind.CORRECTION_REQUESTED:
        return (
            f"需要您补正申请内容，补正期限为 {_day(event.until_on)}。"
            "需要补正的事项请在查询页面查看；逾期未补正的，视为放弃申请。"
        )
    if event.kind == EventKind.EXTENSION_APPROVED:
        return (
            f"答复期限延长 {event.days} 个工作日，延长后的答复期限为 {_day(application.due_on)}。"
        )
    if event.kind == EventKind.FEE_NOTICE_SENT:
        amount = event.data.get("amount", "")
        return (
            f"本申请需缴纳信息处理费 {amount} 元，缴费期限为 {_day(application.fee_deadline)}。"
            "逾期未缴纳的，视为放弃申请。"
        )
    return "答复已发出，请在查询页面阅读答复书。"


def compose(event: ApplicationEvent) -> tuple[str, str]:
    """Subject and body of the notice for ``event``."""
    application = event.application
    subject = f"【政府信息公开申请】{application.reference} {NOTIFIED[event.kind]}"
    link = conf.site_url() + reverse("applications:track")
    body = (
        "您好：\n\n"
        f"您向{application.organisation.name}提出的政府信息公开申请"
        f"（申请编号 {application.reference}）于 {_day(event.on)} 有新的办理情况：\n"
        f"{_details(event)}\n\n"
        "请打开以下页面，输入提交申请时获得的查询码和密码查看详情：\n"
        f"{link}\n\n"
        "本邮件由系统自动发送，请勿直接回复。工作人员不会向您索要密码。\n"
    )
    return subject, body


def send_notice(event_id: int) -> bool:
    """Send the notice for one event unless it went out already; True if sent now."""
    event = (
        ApplicationEvent.objects.select_related("application__organisation")
        .filter(pk=event_id, is_withdrawn=False)
        .first()
    )
    if event is None or event.kind not in NOTIFIED:
        return False
    application = event.application
    address = getattr(getattr(application, "applicant", None), "email", "")
    if not address:
        return False
    try:
        with transaction.atomic():
            notice = ApplicantNotice.objects.create(event=event)
            record_event(
                Verb.APPLICATION_NOTIFY_APPLICANT,
                target=application,
                data={"event": event.pk, "kind": event.kind},
            )
    except IntegrityError:
        return False  # already sent
    subject, body = compose(event)
    try:
        send_mail(subject, body, conf.reminder_sender(), [address])
    except (SMTPException, OSError) as exc:
        logger.warning("notice for event %s not sent: %s", event.pk, exc)
        with transaction.atomic():
            notice.error = str(exc)[:200]
            notice.save(update_fields=["error"])
            record_event(
                Verb.APPLICATION_NOTIFY_FAILED,
                target=application,
                note=notice.error,
                data={"event": event.pk, "kind": event.kind},
            )
        return False
    return True
