"""A record's 公开截止 in a year without a loaded notice is provisional, and is recomputed when
the notice is loaded (core.calendar.loading.load_notice)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from gongkai.consultations.services.mailbox import submit_message
from gongkai.consultations.testing import make_mailbox
from gongkai.core.calendar import load_notice
from gongkai.core.calendar.notice import parse_notice_text
from gongkai.core.models import AuditEvent
from gongkai.core.tests.notices import NOTICE_2027_LIKE
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

FEBRUARY_2027 = datetime(2027, 2, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(FEBRUARY_2027, tick=False)
def test_a_records_provisional_deadline_is_shown_and_recomputed_when_the_notice_loads(
    client, clerk, system_admin
):
    record = make_record(by=clerk, formed_on=date(2027, 2, 1), written_on=date(2027, 2, 1))
    # Provisionally 春节 2-5 and 2-8..2-10 are off: the 20th working day is 3-5.
    assert record.due_on == date(2027, 3, 5)
    client.force_login(clerk)
    page = client.get(reverse("records:detail", args=[record.pk])).text
    assert "2027-03-05" in page and "暂定" in page
    assert "2027 年的节假日安排（国务院办公厅通知）尚未导入" in page

    result = load_notice(parse_notice_text(NOTICE_2027_LIKE).as_year_notice(), by=system_admin)
    record.refresh_from_db()
    assert record.due_on == date(2027, 3, 8)
    [moved] = [m for m in result.moved if m.target == record]
    assert (moved.what, moved.old, moved.new) == (
        "公开截止日期",
        date(2027, 3, 5),
        date(2027, 3, 8),
    )
    assert moved.people == (clerk,)
    assert AuditEvent.objects.for_object(record).filter(verb="record.deadline_recomputed").exists()
    page = client.get(reverse("records:detail", args=[record.pk])).text
    assert "2027-03-08" in page and "暂定" not in page


def test_a_mailbox_reply_deadline_is_recomputed_when_the_notice_loads(county, system_admin):
    mailbox = make_mailbox(organisation=county, reply_working_days=15)
    message = submit_message(
        mailbox, subject="入学咨询", body="请问入学需要哪些材料？", kind="consult",
        now=datetime(2027, 2, 1, 9, tzinfo=FEBRUARY_2027.tzinfo),
    )  # fmt: skip
    assert message.due_on == date(2027, 2, 26)
    result = load_notice(parse_notice_text(NOTICE_2027_LIKE).as_year_notice(), by=system_admin)
    message.refresh_from_db()
    # 2-5..2-13 off, Saturday 2-20 worked: the 15th working day is 3-1.
    assert message.due_on == date(2027, 3, 1)
    assert any(m.target == message and m.what == "留言答复期限" for m in result.moved)
    assert (
        AuditEvent.objects.for_object(message).filter(verb="message.deadline_recomputed").exists()
    )
