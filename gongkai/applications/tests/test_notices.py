"""The applicant who gave an e-mail address hears of each notice and of the reply, once, with
a link to the tracking page and nothing they did not give; a change that rolls back sends
nothing."""

from __future__ import annotations

from datetime import date
from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications import notices, services
from gongkai.applications.models import ApplicantNotice, EventKind
from gongkai.applications.testing import applicant_data, make_application
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TRACK_URL = "https://gongkai.example.invalid/applications/track/"


@pytest.fixture
def application(clerk, travel):
    travel(2025, 9, 25)
    return make_application(
        by=clerk,
        received_on=date(2025, 9, 18),
        applicant=applicant_data(name="王小明", email="wang@example.invalid"),
    )


def only_mail():
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def assert_nothing_personal_beyond_the_address(message, application):
    text = message.subject + message.body
    applicant = application.applicant
    for value in (applicant.name, applicant.id_number, applicant.phone, applicant.address):
        assert value not in text
    assert application.description not in text


@override_settings(SITE_URL="https://gongkai.example.invalid")
def test_a_correction_notice_mails_the_applicant_once_with_the_tracking_link(
    application, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_correction(
            application, by=clerk, on=date(2025, 9, 25), until_on=date(2025, 10, 17),
            note="请写明所需文件的学校名称（王小明所在班级）",
        )  # fmt: skip
    message = only_mail()
    assert message.to == ["wang@example.invalid"]
    assert application.reference in message.subject and "补正" in message.subject
    assert "2025年10月17日" in message.body
    assert TRACK_URL in message.body
    assert "请写明所需文件" not in message.body  # the notice text stays on the tracking page
    assert_nothing_personal_beyond_the_address(message, application)
    event = application.events.get(kind=EventKind.CORRECTION_REQUESTED)
    assert ApplicantNotice.objects.filter(event=event, error="").count() == 1
    audit = AuditEvent.objects.for_object(application).filter(verb="application.notify_applicant")
    assert audit.get().data == {"event": event.pk, "kind": "correction_requested"}
    # A second attempt (a retried job, a replayed callback) sends nothing.
    assert notices.send_notice(event.pk) is False
    assert len(mail.outbox) == 1


def test_extension_and_fee_notices_and_the_reply_each_mail_once(
    application, clerk, disclosure_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(application, by=clerk)
        services.extend(application, by=disclosure_reviewer, on=date(2025, 9, 25), days=10,
                        note="需调取多所学校档案，经负责人批准，电话告知申请人")  # fmt: skip
    application.refresh_from_db()
    extension = only_mail()
    assert "答复期限延长" in extension.subject
    assert "10 个工作日" in extension.body
    assert f"{application.due_on:%Y年%m月%d日}" in extension.body

    with django_capture_on_commit_callbacks(execute=True):
        services.send_fee_notice(application, by=clerk, on=date(2025, 9, 25),
                                 method="per_page", pages=40)  # fmt: skip
    application.refresh_from_db()
    fee = mail.outbox[1]
    assert "缴费通知" in fee.subject and "100 元" in fee.body
    assert f"{application.fee_deadline:%Y年%m月%d日}" in fee.body

    with django_capture_on_commit_callbacks(execute=True):
        services.record_fee_paid(application, by=clerk, on=date(2025, 9, 25))
        services.draft_reply(application, by=clerk, category="granted", body="提供。")
        services.send_reply(application, by=clerk, on=date(2025, 9, 25))
    assert len(mail.outbox) == 3  # paying is the applicant's own act: no mail
    reply = mail.outbox[2]
    assert "已答复" in reply.subject and "答复书" in reply.body
    for message in mail.outbox:
        assert message.to == ["wang@example.invalid"]
        assert_nothing_personal_beyond_the_address(message, application)
    assert ApplicantNotice.objects.count() == 3


def test_sending_the_reply_through_the_staff_page_mails_the_applicant(
    application, clerk, django_capture_on_commit_callbacks
):
    staff = Client()
    staff.force_login(clerk)
    staff.post(
        reverse("applications:reply", args=[application.pk]),
        {"category": "granted", "body": "现提供。"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("applications:send", args=[application.pk]), {"on": "2025-09-25"})
    assert "已答复" in only_mail().subject


def test_an_application_closed_as_abandoned_is_told_too(
    clerk, travel, django_capture_on_commit_callbacks
):
    travel(2026, 2, 3)
    application = make_application(by=clerk, received_on=date(2026, 1, 29))
    services.request_correction(
        application, by=clerk, on=date(2026, 2, 3), until_on=date(2026, 2, 13), note="请补正"
    )  # not captured: this mail is not under test
    travel(2026, 2, 14)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_lapsed(date(2026, 2, 14))
    message = only_mail()
    assert message.to == [application.applicant.email]
    assert "已答复" in message.subject


def test_no_address_no_mail(clerk, travel, django_capture_on_commit_callbacks):
    travel(2025, 9, 25)
    application = make_application(
        by=clerk, received_on=date(2025, 9, 18), applicant=applicant_data(email="")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_correction(
            application, by=clerk, on=date(2025, 9, 25), until_on=date(2025, 10, 17), note="补正"
        )
    assert mail.outbox == []
    assert not ApplicantNotice.objects.exists()


def test_a_change_that_rolls_back_sends_nothing(
    application, clerk, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture, pytest.raises(RuntimeError), transaction.atomic():
        services.request_correction(
            application, by=clerk, on=date(2025, 9, 25), until_on=date(2025, 10, 17), note="补正"
        )
        raise RuntimeError("something after the notice failed")
    assert mail.outbox == []
    assert not ApplicantNotice.objects.exists()


def test_a_failed_sending_is_recorded_and_not_retried_into_a_duplicate(
    application, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise SMTPException("mail server refused")

    monkeypatch.setattr(notices, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_correction(
            application, by=clerk, on=date(2025, 9, 25), until_on=date(2025, 10, 17), note="补正"
        )
    notice = ApplicantNotice.objects.get()
    assert "refused" in notice.error
    failed = AuditEvent.objects.for_object(application).filter(verb="application.notify_failed")
    assert failed.count() == 1
