"""The workbench: where sign-in lands, what waits for each role, sorted by deadline."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.records import services
from gongkai.testing import DEMO_PASSWORD, make_record, make_user

pytestmark = pytest.mark.django_db


def queue(page: str, key: str) -> list[str]:
    """The titles listed in one queue of the workbench, in order."""
    html = lxml.html.document_fromstring(page)
    (section,) = html.xpath(f'//section[@aria-labelledby="q-{key}"]')
    return [a.text_content().strip() for a in section.xpath('.//li[contains(@class, "task")]//a')]


def test_signing_in_lands_on_the_workbench(client, clerk):
    response = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")
    page = client.get(response["Location"]).content.decode()
    assert "<h1>工作台</h1>" in page and "信息制作" in page


def test_the_public_header_leads_a_signed_in_person_to_the_workbench(client, clerk):
    client.force_login(clerk)
    page = client.get("/").content.decode()
    assert f'href="{reverse("workbench:home")}"' in page and "#staff" not in page


def test_reviewers_see_what_waits_for_them_sorted_by_deadline(
    client, clerk, document_reviewer, disclosure_reviewer
):
    with time_machine.travel(date(2025, 9, 1), tick=False):
        later = make_record(by=clerk, title="较晚到期", formed_on=date(2025, 8, 20))
        sooner = make_record(by=clerk, title="较早到期", formed_on=date(2025, 8, 1))
        for record in (later, sooner):
            services.submit(record, by=clerk)
        passed = services.approve_document(
            services.submit(make_record(by=clerk, title="已过公文审核"), by=clerk),
            by=document_reviewer,
        )
    client.force_login(document_reviewer)
    page = client.get(reverse("workbench:home")).content.decode()
    assert queue(page, "records_document_review") == ["较早到期", "较晚到期"]
    assert "待我审核（2）" in page
    client.force_login(disclosure_reviewer)
    page = client.get(reverse("workbench:home")).content.decode()
    assert queue(page, "records_disclosure_review") == [passed.title]
    assert "records_document_review" not in page  # not their review


def test_a_clerk_sees_the_returned_draft_with_its_reason_and_what_to_publish(
    client, clerk, document_reviewer, disclosure_reviewer
):
    returned = services.submit(make_record(by=clerk, title="被退回的公告"), by=clerk)
    services.return_for_changes(returned, by=document_reviewer, note="请补充咨询电话。")
    approved = services.submit(make_record(by=clerk, title="可以发布的公告"), by=clerk)
    approved = services.approve_document(approved, by=document_reviewer)
    services.approve_disclosure(approved, by=disclosure_reviewer)
    client.force_login(clerk)
    page = client.get(reverse("workbench:home")).content.decode()
    assert queue(page, "records_write") == ["被退回的公告"]
    assert "退回原因：请补充咨询电话。" in page and "已退回" in page
    assert queue(page, "records_publish") == ["可以发布的公告"]
    assert reverse("records:create") in page  # 新建信息


def test_overdue_records_of_the_organisations_are_listed_with_counts(
    client, clerk, supervisor, school
):
    with time_machine.travel(date(2025, 6, 10), tick=False):
        make_record(
            by=clerk, title="逾期的公告", formed_on=date(2025, 5, 6), written_on=date(2025, 5, 6)
        )
    with time_machine.travel(date(2025, 7, 15), tick=False):
        client.force_login(supervisor)
        page = client.get(reverse("workbench:home")).content.decode()
    assert "逾期的公告" in page and "逾期 1" in page
    assert 'class="badge bad">逾期' in page


def test_applications_are_shown_only_to_those_who_handle_them(
    client, clerk, document_reviewer, county
):
    from gongkai.applications.testing import make_application

    application = make_application(by=clerk)
    client.force_login(clerk)
    assert application.reference in client.get(reverse("workbench:home")).content.decode()
    client.force_login(document_reviewer)
    page = client.get(reverse("workbench:home")).content.decode()
    assert application.reference not in page and "待答复的依申请公开" not in page


def test_administrators_see_their_areas(client, city):
    auditor = make_user(roles=[Role.AUDIT_ADMIN], organisation=city)
    client.force_login(auditor)
    page = client.get(reverse("workbench:home")).content.decode()
    assert "审计管理员" in page and reverse("staff_accounts:audit_log") in page
    assert '<h2 id="areas-title">管理</h2>' in page
    assert 'class="tiles"' not in page  # no empty counters for work they do not do


def test_people_without_a_role_are_refused(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("workbench:home")).status_code == 403


def test_the_workbench_runs_a_bounded_number_of_queries(client, clerk, document_reviewer):
    for n in range(15):
        record = make_record(
            by=clerk, title=f"信息{n}", formed_on=date(2025, 1, 2), written_on=date(2025, 1, 2)
        )
        if n % 2:
            services.submit(record, by=clerk)
    # Everyone doing unit work at once (the 三员 are separate people by rule).
    busy = make_user(
        roles=[
            Role.CLERK,
            Role.DOCUMENT_REVIEWER,
            Role.DISCLOSURE_REVIEWER,
            Role.CONCERN_OFFICER,
            Role.SUPERVISOR,
        ],
        organisation=clerk.role_grants.get().organisation,
    )
    people = [clerk, document_reviewer, busy]
    for person in people:
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("workbench:home")).status_code == 200
        assert len(queries) < 50, f"{person}: {len(queries)} queries"


def test_the_unread_notifications_are_counted_once_per_page(client, clerk):
    """The shell's 通知 badge and the workbench's inbox panel show the same count: one query."""
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workbench:home")).status_code == 200
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "notifications_notification" in q["sql"]
    ]
    assert len(counts) == 1, counts
