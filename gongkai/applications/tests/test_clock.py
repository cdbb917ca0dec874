"""The statutory clock across the 2025 and 2026 holidays and 调休 weekends.

Every expected date below was counted by hand against the State Council's notices as loaded
from gongkai/core/data/holidays.json (the count starts the day after the event; the
N-th working day is the last day; paused days are skipped, both ends included).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gongkai.applications import services
from gongkai.applications.models import Application, ClockState, Status
from gongkai.applications.testing import make_application
from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "received,due,skipped",
    [
        # 9/28 (Sun) and 10/11 (Sat) are worked; 国庆节、中秋节 10/1–10/8 are not.
        (date(2025, 9, 18), date(2025, 10, 22), "国庆节、中秋节 10月1日—8日"),
        # 2/14 and 2/28 (Sat) are worked; 春节 2/15–2/23 is not.
        (date(2026, 2, 2), date(2026, 3, 6), "春节 2月15日—23日"),
        # Across the year end: 元旦 2026 1/1–1/3 off, 1/4 (Sun) worked.
        (date(2025, 12, 15), date(2026, 1, 13), "元旦 1月1日—3日"),
    ],
)
def test_plain_reply_is_due_on_the_twentieth_working_day(clerk, travel, received, due, skipped):
    travel(received.year, received.month, received.day)
    application = make_application(by=clerk, received_on=received)
    assert application.due_on == due
    assert application.clock_state == ClockState.RUNNING
    assert skipped in application.clock_explanation
    assert "第三十一条" in application.clock_explanation


def test_the_explanation_names_the_make_up_working_days(clerk, travel):
    travel(2025, 9, 18)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    assert "9月28日（周日）" in application.clock_explanation
    assert "10月11日（周六）" in application.clock_explanation


def test_a_corrected_application_runs_from_receipt_of_the_correction(clerk, travel):
    travel(2025, 4, 21)
    application = make_application(by=clerk, received_on=date(2025, 4, 21))
    # 7 working days: 4/27 (Sun) is a make-up working day.
    assert application.correction_notice_by == date(2025, 4, 29)
    travel(2025, 4, 25)
    application = services.request_correction(
        application, by=clerk, on=date(2025, 4, 25), until_on=date(2025, 5, 16), note="请写明年份"
    )
    assert application.status == Status.CORRECTION_REQUESTED
    assert application.clock_state == ClockState.AWAITING_CORRECTION
    assert application.due_on is None
    travel(2025, 5, 7)
    application = services.receive_correction(application, by=clerk, on=date(2025, 5, 7))
    # From 5/7: 端午节 5/31–6/2 skipped.
    assert application.due_on == date(2025, 6, 5)
    assert "重新计算" in application.clock_explanation
    assert "端午节 5月31日—6月2日" in application.clock_explanation


def test_a_late_correction_notice_is_flagged(clerk, travel):
    travel(2025, 4, 30)
    application = make_application(by=clerk, received_on=date(2025, 4, 21))
    application = services.request_correction(
        application, by=clerk, on=date(2025, 4, 30), until_on=date(2025, 5, 20), note="请补正"
    )
    assert "补正告知晚于法定期限 1 个工作日" in application.clock_explanation


def test_an_extension_adds_working_days_once_and_needs_the_approver(
    clerk, disclosure_reviewer, travel
):
    travel(2026, 4, 14)
    application = make_application(by=clerk, received_on=date(2026, 4, 14))
    # 劳动节 5/1–5/5 skipped, 5/9 (Sat) worked.
    assert application.due_on == date(2026, 5, 14)
    travel(2026, 5, 12)
    with pytest.raises(Exception, match="权限"):
        services.extend(application, by=clerk, on=date(2026, 5, 12), days=20, note="需检索档案")
    application = services.extend(
        application, by=disclosure_reviewer, on=date(2026, 5, 12), days=20, note="需检索档案"
    )
    assert application.due_on == date(2026, 6, 11)
    assert "原答复期限为 2026年5月14日" in application.clock_explanation
    assert AuditEvent.objects.for_object(application).filter(verb="application.extend").exists()
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.extend(
            application, by=disclosure_reviewer, on=date(2026, 5, 12), days=5, note="再延"
        )


def test_an_extension_cannot_exceed_twenty_working_days(clerk, disclosure_reviewer, travel):
    travel(2026, 4, 20)
    application = make_application(by=clerk, received_on=date(2026, 4, 14))
    with pytest.raises(ValidationError, match="1 至 20"):
        services.extend(
            application, by=disclosure_reviewer, on=date(2026, 4, 20), days=21, note="x"
        )


def test_time_consulting_a_third_party_does_not_count(clerk, travel):
    travel(2025, 9, 1)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    assert application.due_on == date(2025, 9, 28)
    travel(2025, 9, 10)
    application = services.start_consultation(
        application, by=clerk, party="third_party", on=date(2025, 9, 10)
    )
    # Open: the pause lasts at most the third party's 15 working days (to 9/30).
    assert application.clock_state == ClockState.CONSULTING
    assert application.due_on == date(2025, 10, 27)
    travel(2025, 9, 17)
    application = services.end_consultation(
        application, by=clerk, party="third_party", on=date(2025, 9, 17)
    )
    # 9/10–9/17 paused; then 9/28 (Sun) and 10/11 (Sat) worked, 10/1–10/8 off.
    assert application.clock_state == ClockState.RUNNING
    assert application.due_on == date(2025, 10, 13)
    assert "征求第三方意见暂停计时 9月10日（周三）—9月17日（周三）" in application.clock_explanation


def test_time_waiting_for_a_fee_does_not_count(clerk, travel):
    travel(2026, 9, 11)
    application = make_application(by=clerk, received_on=date(2026, 9, 7))
    application = services.send_fee_notice(
        application, by=clerk, on=date(2026, 9, 11), method="per_page", pages=50
    )
    assert application.clock_state == ClockState.AWAITING_FEE
    assert application.due_on is None
    # 20 working days from 9/11: 9/20 (Sun) worked, 中秋 9/25–27 and 国庆 10/1–7 off.
    assert application.fee_deadline == date(2026, 10, 15)
    fee_event = application.events.get(kind="fee_notice_sent")
    assert fee_event.data["amount"] == 200  # pages 31–50 at 10 元
    travel(2026, 9, 22)
    application = services.record_fee_paid(application, by=clerk, on=date(2026, 9, 22))
    # 9/11–9/22 paused (the worked Sunday 9/20 inside it too); then 中秋、国庆 skipped.
    assert application.due_on == date(2026, 10, 22)
    assert application.clock_state == ClockState.RUNNING


def test_unpaid_fee_closes_the_application_as_other_2(clerk, travel):
    travel(2026, 9, 11)
    application = make_application(by=clerk, received_on=date(2026, 9, 7))
    services.send_fee_notice(
        application, by=clerk, on=date(2026, 9, 11), method="per_page", pages=31
    )
    assert services.close_lapsed(date(2026, 10, 15)) == []
    travel(2026, 10, 16)
    assert services.close_lapsed(date(2026, 10, 16)) == [application.pk]
    application.refresh_from_db()
    assert application.status == Status.REPLIED
    assert application.reply_category == "other_fee_unpaid"
    assert application.annual_report_row == "r3_6_2"
    assert application.clock_state == ClockState.STOPPED


def test_no_correction_in_time_closes_the_application_as_abandoned(clerk, travel):
    travel(2026, 2, 3)
    application = make_application(by=clerk, received_on=date(2026, 1, 29))
    assert application.correction_notice_by == date(2026, 2, 9)
    application = services.request_correction(
        application, by=clerk, on=date(2026, 2, 3), until_on=date(2026, 2, 13), note="请写明学校"
    )
    assert services.close_lapsed(date(2026, 2, 13)) == []
    travel(2026, 2, 14)
    assert services.close_lapsed(date(2026, 2, 14)) == [application.pk]
    assert services.close_lapsed(date(2026, 2, 14)) == []
    application.refresh_from_db()
    assert application.reply_category == "other_no_correction"
    assert application.annual_report_row == "r3_6_1"
    with pytest.raises(TransitionNotAllowed, match="已答复"):
        services.receive_correction(application, by=clerk, on=date(2026, 2, 14))


def test_a_correction_after_the_deadline_is_refused(clerk, travel):
    travel(2026, 2, 16)
    application = make_application(by=clerk, received_on=date(2026, 1, 29))
    services.request_correction(
        application, by=clerk, on=date(2026, 2, 3), until_on=date(2026, 2, 13), note="请写明学校"
    )
    with pytest.raises(ValidationError, match="补正期限已于"):
        services.receive_correction(application, by=clerk, on=date(2026, 2, 16))
    assert Application.objects.get(pk=application.pk).status == Status.CORRECTION_REQUESTED


def test_a_withdrawn_event_no_longer_counts(clerk, travel):
    travel(2025, 9, 20)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    application = services.start_consultation(
        application, by=clerk, party="agency", on=date(2025, 9, 10)
    )
    event = application.events.get(kind="agency_started")
    services.withdraw_event(event, by=clerk, reason="误录")
    application.refresh_from_db()
    assert application.due_on == date(2025, 9, 28)
    assert application.events.filter(is_withdrawn=True).count() == 1


def test_received_date_follows_the_channel(clerk, travel):
    travel(2025, 9, 22)
    posted = make_application(by=clerk, received_on=date(2025, 9, 19), channel="post_signed")
    assert posted.received_on == date(2025, 9, 19)
    assert "签收" in posted.clock_explanation
    with pytest.raises(ValidationError, match="须填写确认日期"):
        services.register_application(
            by=clerk,
            organisation=posted.organisation,
            applicant_kind="natural",
            applicant={"name": "甲", "id_type": "resident_id", "id_number": "1"},
            channel="fax",
            description="某文件",
            submitted_on=date(2025, 9, 19),
        )
