"""The concern officer's urgent response, through the pages: draft, submit, one reviewer's fast
approval (what the pages describe), publication; screening still runs; and the inbox."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.concerns import services
from gongkai.concerns.models import Level, Status
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.notifications.models import Kind, Notification
from gongkai.records.models import Status as RecordStatus
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def urgent(officer):
    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        return make_concern(
            by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.ESPECIALLY_SERIOUS
        )


def act(client, record, action, **data):
    return client.post(reverse("records:act", args=[record.pk]), {"action": action, **data})


def test_the_officer_answers_an_urgent_concern_through_one_reviewer(
    client, officer, urgent, document_reviewer, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        client.force_login(officer)
        concern_page = client.get(reverse("concerns:detail", args=[urgent.pk])).content.decode()
        assert reverse("concerns:respond", args=[urgent.pk]) in concern_page
        assert "一名审核人员" in concern_page  # what the page promises …
        client.post(
            reverse("concerns:respond", args=[urgent.pk]),
            {"kind": "statement", "title": "关于网传午餐问题的情况说明", "body": "<p>经核查……</p>"},
        )
        record = urgent.responses.get().record
        with django_capture_on_commit_callbacks(execute=True):
            act(client, record, "submit")
        record.refresh_from_db()
        assert record.status == RecordStatus.SUBMITTED
        (notice,) = Notification.objects.filter(user=document_reviewer, kind=Kind.REVIEW)
        assert notice.subject.startswith("回应关切待快速审核")

        # … is what happens: the reviewer is offered the one-step approval, not a first review.
        client.force_login(document_reviewer)
        workbench = client.get(reverse("workbench:home")).content.decode()
        assert "待快速审核的回应关切" in workbench and record.title in workbench
        page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
        assert 'value="approve_fast"' in page and 'value="approve_document"' not in page
        assert "一名审核人员" in page
        act(client, record, "approve_fast")
        record.refresh_from_db()
        assert record.status == RecordStatus.APPROVED

        client.force_login(officer)
        act(client, record, "publish")
    record.refresh_from_db()
    urgent.refresh_from_db()
    assert record.status == RecordStatus.PUBLISHED
    assert urgent.status == Status.RESPONDED
    approvers = {record.document_reviewer, record.disclosure_reviewer}
    assert approvers == {document_reviewer}  # one reviewer, the fast path


def test_the_fast_path_still_runs_screening_from_the_pages(
    client, officer, urgent, document_reviewer
):
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        record = services.draft_response(
            urgent,
            by=officer,
            kind="statement",
            title="关于网传午餐问题的情况说明",
            body="<p>涉事学生家长电话 13812345678，身份证号 370102198001011234。</p>",
        )
        client.force_login(officer)
        act(client, record, "submit")
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED  # findings are stored, not yet refused
    client.force_login(document_reviewer)
    act(client, record, "approve_fast")
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    client.force_login(officer)
    refused = client.post(
        reverse("records:act", args=[record.pk]), {"action": "publish"}, follow=True
    ).content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED  # screening blocked the publication
    assert "个人信息" in refused or "身份证" in refused


def test_an_officer_sees_the_concerns_waiting_and_their_clock(client, officer, urgent):
    with time_machine.travel(at("2026-03-02 14:30"), tick=False):
        client.force_login(officer)
        page = client.get(reverse("workbench:home")).content.decode()
    assert "待回应的舆情" in page and urgent.subject in page
    assert "发布权威信息：还剩 30分" in page
    assert "即将到期" in page  # its last hour


def test_a_concern_reminder_reaches_the_inbox_once(officer, urgent):
    with time_machine.travel(at("2026-03-02 12:30"), tick=False):
        services.send_due_reminders()
        services.send_due_reminders()
    (notice,) = Notification.objects.filter(user=officer, kind=Kind.DEADLINE)
    assert "时限过半" in notice.subject
    assert notice.url == reverse("concerns:detail", args=[urgent.pk])


def test_a_clerk_of_another_unit_gets_no_fast_review(client, urgent, other_county):
    stranger = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=other_county)
    client.force_login(stranger)
    assert "待快速审核的回应关切" in client.get(reverse("workbench:home")).content.decode()
    assert urgent.subject not in client.get(reverse("workbench:home")).content.decode()
