"""Deadlines that never go blank (the provisional calendar) and the periods that run from the
day a letter was received (条例第三十二条, the fee notice)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import ClockState
from gongkai.applications.testing import make_application

pytestmark = pytest.mark.django_db


def test_an_application_received_before_the_next_years_notice_gets_a_provisional_due_date(
    clerk, travel
):
    travel(2026, 12, 4)
    application = make_application(by=clerk, received_on=date(2026, 12, 4))
    # 19 working days to 12-31, 元旦 2027-01-01 off by the 办法, then a weekend.
    assert application.due_on == date(2027, 1, 4)
    assert application.clock_state == ClockState.RUNNING
    assert "2027年1月4日（暂定）" in application.clock_explanation
    assert "元旦 1月1日（暂定）" in application.clock_explanation
    assert "2027 年的节假日安排（国务院办公厅通知）尚未导入" in application.clock_explanation


def test_a_provisional_due_date_is_listed_as_due_soon_and_then_as_overdue(client, clerk, travel):
    travel(2026, 12, 4)
    application = make_application(by=clerk, received_on=date(2026, 12, 4))
    client.force_login(clerk)
    travel(2026, 12, 30)
    client.force_login(clerk)
    page = client.get(reverse("applications:workbench"))
    assert application in page.context["due_soon"]
    assert "2027-01-04" in page.text and "暂定" in page.text
    travel(2027, 1, 5)
    client.force_login(clerk)
    page = client.get(reverse("applications:workbench"))
    assert application in page.context["overdue"]
    detail = client.get(reverse("applications:detail", args=[application.pk])).text
    assert "2027年1月4日" in detail and "暂定" in detail


def test_the_third_partys_fifteen_days_run_from_the_recorded_day_of_receipt(clerk, travel):
    travel(2025, 9, 10)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    application = services.start_consultation(
        application, by=clerk, party="third_party", on=date(2025, 9, 10)
    )
    assert application.due_on == date(2025, 10, 27)
    assert "未记录第三方收到征求意见书的日期，暂自发出之日（2025年9月10日）起算" in (
        application.clock_explanation
    )
    travel(2025, 9, 16)
    application = services.record_letter_received(
        application, by=clerk, letter="third_party", on=date(2025, 9, 15), proof="signed"
    )
    # 15 working days from 9-15: 9-28 (Sun) and 10-11 (Sat) worked, 10-1..10-8 off → 10-11;
    # the pause 9-10..10-11 then pushes the reply to 10-30.
    assert application.clock_state == ClockState.CONSULTING
    assert application.due_on == date(2025, 10, 30)
    assert "自第三方收到征求意见书之日（2025年9月15日，签收回执）起算 15 个工作日" in (
        application.clock_explanation
    )
    assert "2025年10月11日" in application.clock_explanation


def test_the_payment_window_runs_from_the_day_the_fee_notice_was_delivered(clerk, travel):
    travel(2026, 9, 11)
    application = make_application(by=clerk, received_on=date(2026, 9, 7))
    application = services.send_fee_notice(
        application, by=clerk, on=date(2026, 9, 11), method="per_page", pages=50
    )
    assert application.fee_deadline == date(2026, 10, 15)
    travel(2026, 9, 15)
    application = services.record_letter_received(
        application, by=clerk, letter="fee", on=date(2026, 9, 14), proof="post"
    )
    assert application.fee_deadline == date(2026, 10, 16)
    assert "自申请人收到收费通知之日（2026年9月14日，邮件妥投（邮政查询记录））起算" in (
        application.clock_explanation
    )


@override_settings(GONGKAI_APPLICATION_RULES={"fee_from_receipt": 0})
def test_counting_from_receipt_is_a_rule_a_deployment_can_turn_off(clerk, travel):
    travel(2026, 9, 15)
    application = make_application(by=clerk, received_on=date(2026, 9, 7))
    services.send_fee_notice(
        application, by=clerk, on=date(2026, 9, 11), method="per_page", pages=50
    )
    application = services.record_letter_received(
        application, by=clerk, letter="fee", on=date(2026, 9, 14), proof="post"
    )
    assert application.fee_deadline == date(2026, 10, 15)
    assert "自发出收费通知之日（2026年9月11日）起算 20 个工作日" in application.clock_explanation


def test_a_letter_cannot_be_received_before_it_was_sent(clerk, travel):
    travel(2025, 9, 12)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    services.start_consultation(application, by=clerk, party="third_party", on=date(2025, 9, 10))
    with pytest.raises(ValidationError, match="早于发出日期"):
        services.record_letter_received(
            application, by=clerk, letter="third_party", on=date(2025, 9, 9), proof="signed"
        )


def test_a_receipt_without_the_letter_is_refused(clerk, travel):
    travel(2025, 9, 12)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="没有"):
        services.record_letter_received(
            application, by=clerk, letter="fee", on=date(2025, 9, 9), proof="signed"
        )


def test_the_receipt_is_recorded_from_the_application_page(client, clerk, travel):
    travel(2025, 9, 16)
    application = make_application(by=clerk, received_on=date(2025, 9, 1))
    services.start_consultation(application, by=clerk, party="third_party", on=date(2025, 9, 10))
    client.force_login(clerk)
    response = client.post(
        reverse("applications:act", args=[application.pk]),
        {"action": "third_party_received", "on": "2025-09-15", "proof": "signed"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.due_on == date(2025, 10, 30)
    assert application.events.filter(kind="third_party_received", on=date(2025, 9, 15)).exists()
