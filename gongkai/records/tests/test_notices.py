"""Who hears what as a record moves, and the deadline reminders of the daily job."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.notifications.models import Kind, Notification
from gongkai.records import services
from gongkai.testing import make_record, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county, clerk, document_reviewer, disclosure_reviewer):
    for person, address in (
        (clerk, "clerk@example.org"),
        (document_reviewer, "doc@example.org"),
        (disclosure_reviewer, "dis@example.org"),
    ):
        person.email = address
        person.save()
    return clerk, document_reviewer, disclosure_reviewer


def told(user, kind=None):
    found = Notification.objects.filter(user=user)
    return list(found.filter(kind=kind) if kind else found)


def test_each_step_tells_the_next_person_and_the_author(people, django_capture_on_commit_callbacks):
    clerk, doc, dis = people
    with django_capture_on_commit_callbacks(execute=True):
        record = services.submit(make_record(by=clerk), by=clerk)
    (waiting,) = told(doc, Kind.REVIEW)
    assert waiting.subject == f"待公文审核：{record.title}"
    assert waiting.url == reverse("records:detail", args=[record.pk])
    assert told(dis) == [] and told(clerk) == []
    assert [m.to for m in mail.outbox] == [["doc@example.org"]]

    with django_capture_on_commit_callbacks(execute=True):
        record = services.approve_document(record, by=doc)
    assert [n.subject for n in told(dis, Kind.REVIEW)] == [f"待政务公开审核：{record.title}"]

    with django_capture_on_commit_callbacks(execute=True):
        record = services.approve_disclosure(record, by=dis)
    assert [n.subject for n in told(clerk, Kind.APPROVED)] == [
        f"审核通过，可以发布：{record.title}"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(record, by=dis)
    assert [n.kind for n in told(clerk)] == [Kind.PUBLISHED, Kind.APPROVED]


def test_the_author_hears_of_a_return_with_its_reason(people, django_capture_on_commit_callbacks):
    clerk, doc, _dis = people
    record = services.submit(make_record(by=clerk), by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_changes(record, by=doc, note="请补充招生咨询电话。")
    (returned,) = told(clerk, Kind.RETURNED)
    assert returned.subject == f"被退回修改：{record.title}"
    assert "退回原因：请补充招生咨询电话。" in returned.body
    assert "请补充招生咨询电话。" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["clerk@example.org"]


def test_a_second_return_is_a_second_notice_but_one_event_is_told_once(
    people, django_capture_on_commit_callbacks
):
    clerk, doc, _dis = people
    record = services.submit(make_record(by=clerk), by=clerk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = services.return_for_changes(record, by=doc, note="第一次")
    for callback in callbacks:  # the listener running again for the same event
        callback()
    assert len(told(clerk, Kind.RETURNED)) == 1
    record = services.submit(record, by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_changes(record, by=doc, note="第二次")
    assert [n.body.splitlines()[0] for n in told(clerk, Kind.RETURNED)] == [
        "退回原因：第二次",
        "退回原因：第一次",
    ]


def test_the_daily_reminder_tells_whoever_holds_an_overdue_record_once(
    people, django_capture_on_commit_callbacks
):
    from gongkai.supervision.reminders import send_digests

    clerk, doc, dis = people
    with time_machine.travel(date(2025, 6, 10), tick=False):
        record = services.submit(
            make_record(by=clerk, formed_on=date(2025, 6, 3), written_on=date(2025, 6, 2)),
            by=clerk,
        )
    record.refresh_from_db()
    today = record.due_on + timedelta(days=3)
    send_digests(today=today)
    send_digests(today=today)
    for person in (clerk, doc):
        (notice,) = told(person, Kind.DEADLINE)
        assert notice.subject == f"已超期未公开：{record.title}"
    assert told(dis, Kind.DEADLINE) == []  # not at the disclosure review yet


def test_a_reviewer_who_is_also_the_author_is_not_told_to_review_their_own(
    county, django_capture_on_commit_callbacks
):
    both = make_user(roles=[Role.CLERK, Role.DOCUMENT_REVIEWER], organisation=county)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(make_record(by=both), by=both)
    assert told(both) == []


def test_a_review_notice_is_settled_once_someone_has_taken_the_review(
    county, people, django_capture_on_commit_callbacks
):
    clerk, doc, _dis = people
    colleague = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=county)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.submit(make_record(by=clerk), by=clerk)
    assert Notification.objects.unread().filter(kind=Kind.REVIEW).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_document(record, by=colleague)
    waiting_for_doc = Notification.objects.filter(user__in=[doc, colleague], kind=Kind.REVIEW)
    assert waiting_for_doc.count() == 2 and not waiting_for_doc.unread().exists()
    assert Notification.objects.unread().filter(kind=Kind.REVIEW).count() == 1  # 政务公开审核
