"""Staff work the model supported but no page offered: comments received by letter or phone,
draft attachments checked by content, and the mailbox's "reply due soon" reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gongkai.consultations.models import (
    Attachment,
    Comment,
    CommentStatus,
    Moderation,
    SentReminder,
)
from gongkai.consultations.services import consultation as services
from gongkai.consultations.services import mailbox as mailboxes
from gongkai.consultations.tasks import send_reminders
from gongkai.consultations.testing import make_consultation, make_mailbox
from gongkai.core.models import AuditEvent
from gongkai.testing import SHANGHAI, at

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def consultation(clerk, county):
    with time_machine.travel(START, tick=False):
        return make_consultation(
            by=clerk, organisation=county, moderation=Moderation.POST, is_open=True
        )


def register_url(consultation):
    return reverse("consultations:staff_comment_register", args=[consultation.pk])


def letter(**fields):
    data = {"channel": "letter", "received_on": "2026-03-05", "body": "建议课后服务延长到六点。"}
    return data | fields


# --- Comments received by letter, e-mail or phone -------------------------------------------


def test_a_clerk_registers_a_letter_and_it_counts_like_an_online_comment(
    client, clerk, consultation
):
    client.force_login(clerk)
    with time_machine.travel(START + timedelta(days=5), tick=False):
        assert client.get(register_url(consultation)).status_code == 200
        response = client.post(register_url(consultation), letter(author_name="张家长"))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.channel, comment.entered_by, comment.status) == ("letter", clerk, "published")
    assert timezone.localdate(comment.submitted_at) == date(2026, 3, 5)
    audit = AuditEvent.objects.for_object(comment).get(verb="comment.register")
    assert audit.actor == clerk
    assert audit.data["channel"] == "letter" and audit.data["received_on"] == "2026-03-05"
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "建议课后服务延长到六点。" in page


def test_a_registered_comment_with_personal_data_is_held_and_masked(clerk, consultation):
    with time_machine.travel(START + timedelta(days=5), tick=False):
        comment = services.register_comment(
            consultation, by=clerk, channel="phone", received_on=date(2026, 3, 6),
            body="来电人手机 13912345678，建议降低收费。",
        )  # fmt: skip
    assert comment.status == CommentStatus.PENDING
    assert comment.personal_data == ["mobile_phone"]
    assert "13912345678" not in comment.public_body and "建议降低收费" in comment.public_body
    audit = AuditEvent.objects.get(verb="comment.register")
    assert "13912345678" not in str(audit.data) + audit.object_repr


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"received_on": "2026-02-27"}, "收到日期须在征集期内"),
        ({"received_on": "2026-03-09"}, "收到日期不能晚于今天"),
        ({"channel": "online"}, "收到方式"),
        ({"body": " "}, "请填写意见内容"),
    ],
)
def test_registration_outside_the_rules_is_refused_in_chinese(
    client, clerk, consultation, fields, error
):
    client.force_login(clerk)
    with time_machine.travel(START + timedelta(days=5), tick=False):
        response = client.post(register_url(consultation), letter(**fields))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Comment.objects.exists()


def test_a_late_letter_postmarked_in_time_is_registered_after_closing(clerk, consultation):
    with time_machine.travel(START + timedelta(days=33), tick=False):
        services.close_due()
        consultation.refresh_from_db()
        comment = services.register_comment(
            consultation, by=clerk, channel="letter", received_on=date(2026, 3, 31), body="赞成。"
        )
    assert comment.consultation.status == "closed"
    # It must be handled in the feedback like any other comment.
    with pytest.raises(Exception, match="未说明采纳情况"):
        services.publish_feedback(consultation, by=clerk, summary="总体说明")


def test_only_the_units_managers_may_register_comments(
    client, consultation, supervisor, other_county_clerk, document_reviewer
):
    url = register_url(consultation)
    client.force_login(other_county_clerk)
    assert client.get(url).status_code == 404
    assert client.post(url, letter()).status_code == 404
    for persona in (supervisor, document_reviewer):
        client.force_login(persona)
        assert client.get(url).status_code == 403
        assert client.post(url, letter()).status_code == 403
    assert not Comment.objects.exists()


# --- Attachments of the draft ---------------------------------------------------------------


@pytest.fixture
def draft(clerk, county):
    return make_consultation(by=clerk, organisation=county, draft_body="")


def upload(client, consultation, name, content):
    return client.post(
        reverse("consultations:staff_attachment", args=[consultation.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_pdf_attached_to_the_draft_lets_it_open(client, clerk, draft):
    client.force_login(clerk)
    page = client.get(reverse("consultations:staff_detail", args=[draft.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = upload(client, draft, "征求意见稿.pdf", PDF)
    assert "已上传附件" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.uploaded_by == clerk
    assert AuditEvent.objects.for_object(draft).filter(verb="consultation.attach").exists()
    opened = services.open_consultation(draft, by=clerk)  # draft text empty, attachment present
    assert opened.status == "open"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("说明.pdf", b"<html>not a pdf</html>", "内容与扩展名不符"),
        ("说明.pdf", b"MZ\x90\x00 a program", "可执行程序"),
        ("脚本.exe", b"MZ\x90\x00", "不支持"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_files_are_checked_by_content_not_name(client, clerk, draft, name, content, error):
    client.force_login(clerk)
    response = upload(client, draft, name, content)
    assert error in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(GONGKAI_MAX_ATTACHMENT_MB=1)
def test_files_over_the_size_cap_are_refused(client, clerk, draft):
    client.force_login(clerk)
    response = upload(client, draft, "大文件.pdf", PDF + b"0" * (1024 * 1024))
    assert "超过 1 MB 的上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_open_consultation_takes_no_new_attachments(client, clerk, consultation):
    client.force_login(clerk)
    response = upload(client, consultation, "补充.pdf", PDF)
    assert "只有草稿可以添加附件" in response.content.decode()
    assert not Attachment.objects.exists()


def test_only_the_units_managers_may_attach(client, draft, supervisor, other_county_clerk):
    url = reverse("consultations:staff_attachment", args=[draft.pk])
    client.force_login(other_county_clerk)
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    client.force_login(supervisor)
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    assert client.get(url).status_code == 405  # only POST uploads
    assert not Attachment.objects.exists()


# --- Mailbox: reply due soon ----------------------------------------------------------------


@pytest.fixture
def message(clerk, county):
    clerk.email = "clerk@example.org"
    clerk.save()
    # Received Monday 2026-03-02; 15 working days: due Monday 2026-03-23.
    mailbox = make_mailbox(organisation=county)
    return mailboxes.submit_message(
        mailbox, subject="咨询入学", body="请问如何报名？", kind="consult", now=at(date(2026, 3, 2))
    )


def test_a_reply_due_within_three_working_days_is_reminded_once(message):
    assert message.due_on == date(2026, 3, 23)
    # Thursday 03-17 + 3 working days = Friday 03-20: not yet.
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 17)) == []
    # Wednesday 03-18 + 3 working days = Monday 03-23 (the weekend skipped): remind.
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 18)) == [message.pk]
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 19)) == []
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 23)) == []
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["clerk@example.org"] and "即将到期" in sent.subject
    assert "请问如何报名" not in sent.body
    assert SentReminder.objects.get().kind == "reply_due_soon"
    assert AuditEvent.objects.filter(verb="message.remind_due_soon").count() == 1


@override_settings(GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS=5)
def test_the_number_of_days_is_configurable(message):
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 16)) == [message.pk]


@override_settings(GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS=0)
def test_zero_days_turns_the_reminder_off(message):
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 23)) == []


def test_answered_or_overdue_messages_are_not_reminded_as_due_soon(message, clerk):
    assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 24)) == []  # already late
    with time_machine.travel(at(date(2026, 3, 18)), tick=False):
        mailboxes.reply_to_message(message, by=clerk, body="请于7月1日到学校登记。")
        assert mailboxes.send_reply_due_soon_reminders(date(2026, 3, 18)) == []


def test_the_daily_job_sends_the_due_soon_reminder(message):
    with time_machine.travel(at(date(2026, 3, 18)), tick=False):
        result = send_reminders.call_local()
        again = send_reminders.call_local()
    assert result["replies_due_soon"] == [message.pk]
    assert again["replies_due_soon"] == []
