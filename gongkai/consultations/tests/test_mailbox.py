"""The mailbox: tracking codes, working-day deadlines across holidays, transfers, Q&A."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongkai.consultations.forms import MessageForm
from gongkai.consultations.models import Message, MessageStatus, Transfer
from gongkai.consultations.services import mailbox as services
from gongkai.consultations.testing import make_mailbox, public_form_data
from gongkai.core.models import AuditEvent
from gongkai.testing import at

pytestmark = pytest.mark.django_db


def write(mailbox, day=date(2026, 3, 2), **fields):
    defaults = {"subject": "咨询入学", "body": "请问户籍在本县的孩子如何报名？", "kind": "consult"}
    return services.submit_message(mailbox, now=at(day), **(defaults | fields))


@pytest.fixture
def mailbox(county):
    return make_mailbox(organisation=county)


def test_a_message_received_on_the_adjusted_sunday_before_national_day_2025(mailbox):
    # 2025-09-28 is a make-up working day (Sunday); 10-01..08 国庆节、中秋节; 10-11 (Saturday)
    # is worked. Fifteen working days: 9/29, 9/30, 10/9, 10/10, 10/11, 10/13–17, 10/20–24.
    message = write(mailbox, day=date(2025, 9, 28))
    assert message.due_on == date(2025, 10, 24)
    explanation = services.deadline(mailbox, message.clock_started_on).explain()
    assert "国庆节、中秋节 10月1日—8日" in explanation
    assert "10月11日（周六）" in explanation


def test_a_message_received_the_day_before_national_day_2026(mailbox):
    # 10-01..07 国庆节; 10-10 (Saturday) is worked: 10/8, 10/9, 10/10, 10/12–16, 10/19–23,
    # 10/26, 10/27.
    assert write(mailbox, day=date(2026, 9, 30)).due_on == date(2026, 10, 27)


def test_the_deadline_follows_the_mailbox_setting(county):
    short = make_mailbox(organisation=county, name="校长信箱", reply_working_days=5)
    assert write(short, day=date(2025, 9, 28)).due_on == date(2025, 10, 11)


def test_the_writer_reads_the_status_and_reply_with_the_code(client, mailbox, clerk):
    url = reverse("consultations:mailbox_write", args=[mailbox.pk])
    data = public_form_data(
        MessageForm(), kind="consult", subject="咨询入学", body="户籍学生如何报名？"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.formatted_code in response.content.decode()

    track = reverse("consultations:mailbox_track")
    lowercase = message.tracking_code.lower()
    page = client.post(track, {"code": lowercase}).content.decode()
    assert "办理中" in page
    services.reply_to_message(message, by=clerk, body="请于7月1日携户口簿到学校登记。")
    page = client.post(track, {"code": message.formatted_code}).content.decode()
    assert "已答复" in page and "请于7月1日携户口簿到学校登记。" in page
    missing = client.post(track, {"code": "0000-0000-0000"})
    assert missing.status_code == 404
    assert "没有找到" in missing.content.decode()


def test_overdue_messages_are_highlighted_and_reminded_once(client, mailbox, clerk):
    clerk.email = "clerk@example.org"
    clerk.save()
    message = write(mailbox, day=date(2025, 9, 28))
    with time_machine.travel(at(date(2025, 10, 24)), tick=False):
        assert not message.is_overdue()
        assert services.send_reply_reminders() == []
    with time_machine.travel(at(date(2025, 10, 27)), tick=False):
        assert message.is_overdue()
        client.force_login(clerk)
        page = client.get(reverse("consultations:staff_home")).content.decode()
        assert 'class="overdue"' in page and "已逾期" in page
        assert services.send_reply_reminders() == [message.pk]
        assert services.send_reply_reminders() == []
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["clerk@example.org"]


def test_a_transfer_moves_the_message_keeps_the_clock_and_is_audited(
    mailbox, clerk, other_county, other_county_clerk
):
    message = write(mailbox, day=date(2025, 9, 28))
    moved = services.transfer_message(
        message, by=clerk, to=other_county, note="属另一县学校。", now=at(date(2025, 10, 9))
    )
    assert moved.organisation == other_county
    assert moved.due_on == date(2025, 10, 24)
    transfer = Transfer.objects.get()
    assert (transfer.from_organisation, transfer.to_organisation) == (
        mailbox.organisation,
        other_county,
    )
    event = AuditEvent.objects.get(verb="message.transfer")
    assert event.data["to"] == other_county.pk and event.actor == clerk
    with pytest.raises(PermissionDenied):
        services.reply_to_message(moved, by=clerk, body="已不归我们答复")
    answered = services.reply_to_message(moved, by=other_county_clerk, body="已答复。")
    assert answered.reply_organisation == other_county


def test_a_mailbox_may_restart_the_clock_on_transfer(county, clerk, other_county):
    mailbox = make_mailbox(organisation=county, restart_clock_on_transfer=True)
    message = write(mailbox, day=date(2025, 9, 28))
    moved = services.transfer_message(
        message, by=clerk, to=other_county, note="转办", now=at(date(2025, 10, 9))
    )
    assert moved.clock_started_on == date(2025, 10, 9)
    # From 10-09: 10/10, 10/11 (worked Saturday), 10/13–17, 10/20–24, 10/27–29.
    assert moved.due_on == date(2025, 10, 29)


def test_replies_are_published_as_qa_only_with_the_writers_consent(client, mailbox, clerk):
    private = write(mailbox, body="不要公开我的留言")
    consenting = write(mailbox, body="电话 13812345678，请问入学时间？", allows_publication=True)
    services.reply_to_message(private, by=clerk, body="答复一")
    services.reply_to_message(consenting, by=clerk, body="9月1日入学。")
    with pytest.raises(ValidationError):
        services.set_publication(private, by=clerk, published=True)
    services.set_publication(consenting, by=clerk, published=True)
    page = client.get(reverse("consultations:mailbox")).content.decode()
    assert "9月1日入学。" in page and "答复一" not in page
    assert "13812345678" not in page and "138****5678" in page


def test_empty_and_oversized_messages_are_refused(mailbox):
    with pytest.raises(ValidationError) as empty:
        write(mailbox, subject="", body="")
    assert set(empty.value.message_dict) == {"subject", "body"}
    with pytest.raises(ValidationError, match="超过了"):
        write(mailbox, body="字" * (services.MAX_BODY + 1))


def test_reply_rates_per_organisation_and_month(mailbox, clerk, county):
    on_time = write(mailbox, day=date(2025, 9, 28))
    late = write(mailbox, day=date(2025, 9, 29))
    open_late = write(mailbox, day=date(2025, 9, 30))
    refused = write(mailbox, day=date(2025, 9, 30))
    with time_machine.travel(at(date(2025, 10, 20)), tick=False):
        services.reply_to_message(on_time, by=clerk, body="答复")
        services.reject_message(refused, by=clerk, reason="广告")
    with time_machine.travel(at(date(2025, 11, 20)), tick=False):
        services.reply_to_message(late, by=clerk, body="答复")
    rows = list(
        Message.objects.reply_rates(date(2025, 9, 1), date(2025, 9, 30), today=date(2025, 12, 1))
    )
    assert rows == [
        {
            "organisation": county.pk,
            "received": 3,
            "answered": 2,
            "on_time": 1,
            "overdue": 1,
        }
    ]
    assert open_late.status == MessageStatus.RECEIVED
    monthly = list(Message.objects.monthly())
    assert [(r["month"].month, r["received"], r["on_time"]) for r in monthly] == [(9, 3, 1)]
