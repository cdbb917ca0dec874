"""The 节假日安排 page: a system administrator of the city bureau pastes or uploads the notice,
previews it and loads it; nobody else can."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.core import calendar
from gongkai.core.models import AuditEvent, CalendarYear
from gongkai.core.tests.notices import NOTICE_2026, NOTICE_2027_LIKE
from gongkai.holidays.reminders import (
    missing_notice_reminder,
    reminder_for,
    send_missing_notice_reminder,
)
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(county):
    return make_user(roles=[Role.SYSTEM_ADMIN], organisation=county)


def test_only_the_city_system_administrator_sees_and_opens_the_page(
    client, system_admin, county_admin, clerk
):
    url = reverse("holidays:calendar")
    for user in (county_admin, clerk):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(reverse("holidays:load"), {"text": NOTICE_2027_LIKE}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    client.force_login(system_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert ("节假日安排", url) in page.context["staff_links"]


def test_pasting_a_notice_shows_a_preview_and_loads_nothing(client, system_admin):
    client.force_login(system_admin)
    page = client.post(reverse("holidays:calendar"), {"text": NOTICE_2027_LIKE})
    assert page.status_code == 200
    assert page.context["parsed"].year == 2027
    assert "确认导入 2027 年节假日安排" in page.text
    assert "春节" in page.text and "2月5日至2月13日，共 9 天" in page.text
    assert not calendar.is_loaded(2027)
    assert calendar.is_working_day(date(2027, 2, 11))  # still the provisional calendar
    assert not AuditEvent.objects.filter(verb="calendar.import").exists()


def test_confirming_loads_the_year_with_an_audit_row(client, system_admin):
    client.force_login(system_admin)
    response = client.post(reverse("holidays:load"), {"text": NOTICE_2027_LIKE})
    assert response.status_code == 302
    assert response["Location"] == reverse("holidays:year", args=[2027])
    assert calendar.is_loaded(2027)
    assert not calendar.is_working_day(date(2027, 2, 12))
    assert calendar.is_working_day(date(2027, 2, 20))
    event = AuditEvent.objects.get(verb="calendar.import")
    assert event.actor == system_admin and event.data["year"] == 2027
    page = client.get(response["Location"])
    assert "已导入 2027 年节假日安排" in page.text
    assert "暂定" not in page.text.split("<h1>")[1].split("</h1>")[0]


def test_a_notice_with_a_mistake_is_shown_with_the_reason_and_cannot_be_confirmed(
    client, system_admin
):
    client.force_login(system_admin)
    text = NOTICE_2027_LIKE.replace("2月20日（周六）", "2月20日（周五）")
    page = client.post(reverse("holidays:calendar"), {"text": text})
    assert "通知内容有误，不能导入" in page.text
    assert "2027年2月20日是星期六" in page.text
    assert "确认导入" not in page.text
    response = client.post(reverse("holidays:load"), {"text": text})
    assert response.status_code == 200  # the preview again, never a load
    assert not calendar.is_loaded(2027)


def test_an_uploaded_word_file_is_read(client, system_admin):
    from docx import Document

    document = Document()
    for line in NOTICE_2027_LIKE.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("2027.docx", buffer.getvalue())
    client.force_login(system_admin)
    page = client.post(reverse("holidays:calendar"), {"file": upload})
    assert page.context["parsed"].year == 2027
    assert page.context["parsed"].can_load


def test_an_unknown_file_type_gets_a_chinese_error(client, system_admin):
    client.force_login(system_admin)
    upload = SimpleUploadedFile("notice.exe", b"MZ")
    page = client.post(reverse("holidays:calendar"), {"file": upload})
    assert "只能上传 .txt、.docx 或 .pdf 文件" in page.text


def test_reloading_a_loaded_year_says_it_will_replace_it(client, system_admin):
    client.force_login(system_admin)
    page = client.post(reverse("holidays:calendar"), {"text": NOTICE_2026})
    assert "2026 年的安排已导入过" in page.text


def test_the_reminder_starts_on_the_first_of_november_while_next_years_notice_is_missing():
    assert missing_notice_reminder(date(2026, 10, 31)) is None
    text = missing_notice_reminder(date(2026, 11, 1))
    assert text is not None and "尚未导入 2027 年的节假日安排" in text
    assert "尚未导入 2027 年" in (missing_notice_reminder(date(2027, 1, 5)) or "")


def test_the_reminder_is_for_the_administrator_who_can_load_it(system_admin, clerk):
    assert reminder_for(system_admin, date(2026, 12, 4))
    assert reminder_for(clerk, date(2026, 12, 4)) is None


def test_the_calendar_page_shows_the_reminder(client, system_admin):
    client.force_login(system_admin)
    page = client.get(reverse("holidays:calendar"))
    assert (missing_notice_reminder() or "") in page.text  # today is in December 2026


def test_the_daily_check_mails_the_administrators_once_a_week(city, mailoutbox):
    make_user(roles=[Role.SYSTEM_ADMIN], organisation=city, email="admin@example.invalid")
    assert send_missing_notice_reminder(date(2026, 12, 4))
    assert not send_missing_notice_reminder(date(2026, 12, 5))
    [message] = mailoutbox
    assert message.to == ["admin@example.invalid"]
    assert "2027" in message.body
    assert "/staff/calendar/" in message.body
    assert AuditEvent.objects.filter(verb="calendar.reminder_sent").count() == 1


def test_the_deployment_check_warns_while_a_notice_is_missing():
    from gongkai.holidays.checks import missing_holiday_notice

    [warning] = missing_holiday_notice()  # today is in December 2026; 2027 is not loaded
    assert warning.id == "gongkai.holidays.W001"
    assert "2027" in warning.msg


def test_the_reminder_waits_on_the_administrators_workbench(client, system_admin, clerk):
    """Signed in on 4 December 2026 without the 2027 notice: the city administrator's
    workbench says so and links to the page that loads it; a clerk's does not."""
    import time_machine

    with time_machine.travel(date(2026, 12, 4), tick=False):
        client.force_login(system_admin)
        page = client.get(reverse("workbench:home")).content.decode()
        assert "尚未导入 2027 年的节假日安排" in page
        assert reverse("holidays:calendar") in page
        client.force_login(clerk)
        assert "尚未导入 2027 年" not in client.get(reverse("workbench:home")).content.decode()
