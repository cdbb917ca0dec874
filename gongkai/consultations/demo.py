"""Demo data for public participation: deterministic, idempotent and fictional.

One consultation with published adoption feedback, one open for comment, a 局长信箱 with an
answered Q&A, and an announced open day. Each is found by its title, so a second run adds
nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.consultations.models import Consultation, Event, Mailbox
from gongkai.consultations.services import consultation as consultations
from gongkai.consultations.services import event as events
from gongkai.consultations.services import mailbox as mailboxes
from gongkai.consultations.testing import make_consultation, make_event

TZ = ZoneInfo("Asia/Shanghai")
CLOSED_TITLE = "（演示）关于规范义务教育学校课后服务收费的办法（征求意见稿）"
OPEN_TITLE = "（演示）县城区义务教育学校学区划分方案（征求意见稿）"


def seed(command: Any) -> None:
    clerk = User.objects.filter(username="county_clerk").first()
    if clerk is None:
        return
    county = clerk.role_grants.get().organisation
    if not Consultation.objects.filter(title=CLOSED_TITLE).exists():
        start = datetime(2025, 3, 3, 9, tzinfo=TZ)
        closed = make_consultation(
            by=clerk, organisation=county, title=CLOSED_TITLE, opens_at=start, is_open=True
        )
        comment = consultations.submit_comment(
            closed, body="建议明确每月收费上限，并公示收支情况。", now=start + timedelta(days=2)
        )
        consultations.publish_comment(comment, by=clerk)
        closed = consultations.close_consultation(closed, by=clerk)
        consultations.record_adoption(
            closed,
            by=clerk,
            comments=[comment],
            outcome="adopted",
            reason="已在第三条增加收费上限和收支公示要求。",
        )
        consultations.publish_feedback(
            closed, by=clerk, summary="征集期间共收到意见 1 条，采纳 1 条。"
        )
    if not Consultation.objects.filter(title=OPEN_TITLE).exists():
        make_consultation(by=clerk, organisation=county, title=OPEN_TITLE, is_open=True)
    mailbox, _ = Mailbox.objects.get_or_create(
        organisation=county,
        name="局长信箱",
        defaults={"description": "受理义务教育方面的咨询、建议和投诉（演示）。"},
    )
    if not mailbox.messages.exists():
        message = mailboxes.submit_message(
            mailbox,
            subject="（演示）外地务工子女如何入学？",
            body="我们在本县务工，孩子明年上一年级，需要准备哪些材料？",
            kind="consult",
            allows_publication=True,
        )
        mailboxes.reply_to_message(
            message, by=clerk, body="请携居住证、户口簿和务工证明，于6月到学区学校登记。"
        )
        mailboxes.set_publication(message, by=clerk, published=True)
    title = "（演示）县教育和体育局政府开放日"
    if not Event.objects.filter(title=title).exists():
        event = make_event(
            by=clerk,
            organisation=county,
            title=title,
            starts_at=timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
            + timedelta(days=14),
        )
        events.announce_event(event, by=clerk)
