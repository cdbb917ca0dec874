"""The publishing process end to end, and every (state, action) pair of its table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.records import services
from gongkai.records.models import Disclosure, Record, Status, WithheldGround
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


def walk_to(record, status, *, clerk, document_reviewer, disclosure_reviewer):
    if status == Status.DRAFT:
        return record
    record = services.submit(record, by=clerk)
    if status == Status.SUBMITTED:
        return record
    record = services.approve_document(record, by=document_reviewer)
    if status == Status.DOCUMENT_REVIEWED:
        return record
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    if status == Status.APPROVED:
        return record
    if status == Status.SCHEDULED:
        return services.schedule(record, by=clerk, at=timezone.now() + timedelta(hours=1))
    record = services.publish(record, by=clerk)
    if status == Status.PUBLISHED:
        return record
    return services.withdraw(record, by=clerk, reason="测试撤回")


def test_clerk_to_two_reviewers_to_the_published_page(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk)
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    record = services.publish(record, by=clerk)

    assert record.status == Status.PUBLISHED
    assert record.index_number.endswith(f"/{timezone.localdate().year}-00001")
    assert record.current_version.number == 1
    trail = list(
        AuditEvent.objects.for_object(record)
        .filter(to_status__gt="")
        .values_list("from_status", "to_status", "actor__username")
    )
    assert trail == [
        ("", "draft", "clerk"),
        ("draft", "submitted", "clerk"),
        ("submitted", "document_reviewed", "docreviewer"),
        ("document_reviewed", "approved", "disreviewer"),
        ("approved", "published", "clerk"),
    ]
    page = client.get(f"/records/{record.pk}/")
    assert page.status_code == 200
    assert record.title in page.content.decode()


def test_the_author_cannot_review_their_own_record(clerk, county):
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import grant_role

    grant_role(clerk, Role.DOCUMENT_REVIEWER, county, by=None)
    record = services.submit(make_record(by=clerk), by=clerk)
    with pytest.raises(PermissionDenied):
        services.approve_document(record, by=clerk)
    assert Record.objects.get(pk=record.pk).status == Status.SUBMITTED


def test_one_person_cannot_do_both_reviews(clerk, reviewer):
    record = services.submit(make_record(by=clerk), by=clerk)
    record = services.approve_document(record, by=reviewer)
    with pytest.raises(PermissionDenied, match="另一位审核人员"):
        services.approve_disclosure(record, by=reviewer)
    assert Record.objects.get(pk=record.pk).status == Status.DOCUMENT_REVIEWED


def test_a_reviewer_of_another_county_cannot_review(clerk, other_county):
    from gongkai.accounts.models import Role
    from gongkai.testing import make_user

    outsider = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=other_county)
    record = services.submit(make_record(by=clerk), by=clerk)
    with pytest.raises(PermissionDenied):
        services.approve_document(record, by=outsider)


def test_a_withheld_record_is_never_published(clerk, document_reviewer, disclosure_reviewer):
    record = make_record(
        by=clerk,
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.PROCESS,
        reassess_on=date(2026, 6, 1),
    )
    record = walk_to(
        record,
        Status.APPROVED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    with pytest.raises(TransitionNotAllowed, match="不予公开"):
        services.publish(record, by=clerk)
    assert not Record.objects.public().filter(pk=record.pk).exists()


def test_withheld_needs_a_legal_ground_and_a_reassessment_date(clerk):
    with pytest.raises(ValidationError) as excinfo:
        make_record(by=clerk, disclosure=Disclosure.WITHHELD)
    assert {"withheld_ground", "reassess_on"} <= set(excinfo.value.message_dict)


def test_a_reviewer_changing_the_disclosure_attribute_is_recorded(clerk, document_reviewer):
    record = services.submit(make_record(by=clerk), by=clerk)
    services.change_disclosure(
        record,
        by=document_reviewer,
        disclosure=Disclosure.ON_REQUEST,
        note="涉及个人信息，改为依申请公开",
    )
    event = AuditEvent.objects.for_object(record).get(verb="record.disclosure_change")
    assert (event.from_status, event.to_status, event.actor) == (
        "proactive",
        "on_request",
        document_reviewer,
    )


def test_returning_for_changes_needs_a_comment_and_goes_back_to_draft(clerk, document_reviewer):
    record = services.submit(make_record(by=clerk), by=clerk)
    with pytest.raises(TransitionNotAllowed, match="说明"):
        services.return_for_changes(record, by=document_reviewer, note="")
    record = services.return_for_changes(record, by=document_reviewer, note="文号格式不对")
    assert record.status == Status.DRAFT
    assert AuditEvent.objects.for_object(record).filter(note="文号格式不对").exists()


def test_withdrawal_needs_a_reason_and_leaves_a_notice_at_the_same_address(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = walk_to(
        make_record(by=clerk),
        Status.PUBLISHED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(record, by=clerk, reason=" ")
    services.withdraw(record, by=clerk, reason="招生范围调整，以新公告为准")
    page = client.get(f"/records/{record.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "已撤回" in body and "招生范围调整，以新公告为准" in body
    assert "根据就近入学原则" not in body


def test_editing_a_published_record_makes_a_new_version_and_keeps_the_old(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = walk_to(
        make_record(by=clerk),
        Status.PUBLISHED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    record = services.revise(record, by=clerk, change_note="更新招生范围")
    record = services.update_record(
        record,
        by=clerk,
        revision=record.revision,
        body="<p>根据就近入学原则，招生范围更新如下。</p>",
    )
    # While the revision is in review, the public still sees version 1.
    assert (
        "现将2025年城区小学招生范围公告如下"
        in client.get(f"/records/{record.pk}/").content.decode()
    )
    record = walk_to(
        record,
        Status.PUBLISHED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    assert record.versions.count() == 2
    body = client.get(f"/records/{record.pk}/").content.decode()
    assert "招生范围更新如下" in body and "修订记录" in body
    assert record.index_number == record.versions.first().metadata["index_number"]


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_nothing_lost(clerk):
    record = make_record(by=clerk)
    loaded_revision = record.revision
    services.update_record(record, by=clerk, revision=loaded_revision, title="甲的标题")
    with pytest.raises(services.EditConflict, match="已被他人修改"):
        services.update_record(record, by=clerk, revision=loaded_revision, title="乙的标题")
    assert Record.objects.get(pk=record.pk).title == "甲的标题"


def test_scheduled_publication_happens_once_when_due(clerk, document_reviewer, disclosure_reviewer):
    record = walk_to(
        make_record(by=clerk),
        Status.APPROVED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    at = timezone.now() + timedelta(minutes=30)
    services.schedule(record, by=clerk, at=at)
    assert services.publish_due(now=at - timedelta(seconds=1)) == []
    assert services.publish_due(now=at + timedelta(seconds=30)) == [record.pk]
    assert services.publish_due(now=at + timedelta(minutes=1)) == []  # exactly once
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED and record.published_at == at
    assert record.versions.count() == 1


def test_scheduling_in_the_past_is_refused(clerk, document_reviewer, disclosure_reviewer):
    record = walk_to(
        make_record(by=clerk),
        Status.APPROVED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    with pytest.raises(ValidationError, match="晚于现在"):
        services.schedule(record, by=clerk, at=timezone.now() - timedelta(minutes=1))


def test_the_due_date_follows_the_item_time_limit_and_explains_the_holidays(clerk):
    record = make_record(by=clerk, formed_on=date(2025, 9, 26), written_on=date(2025, 9, 26))
    assert record.due_on == date(2025, 10, 30)
    explanation = record.compute_due().explanation
    assert "国庆节、中秋节 10月1日—8日" in explanation


def test_overdue_and_due_soon_queries(clerk):
    late = make_record(by=clerk, formed_on=date(2025, 1, 2), written_on=date(2025, 1, 2))
    fresh = make_record(by=clerk, formed_on=date(2025, 6, 3), written_on=date(2025, 6, 3))
    assert set(Record.objects.overdue(date(2025, 6, 10))) == {late}
    assert set(Record.objects.due_between(date(2025, 6, 10), date(2025, 7, 10))) == {fresh}


@pytest.mark.parametrize(
    "number,ok",
    [
        ("聊教体发〔2025〕12号", True),
        ("东教体字〔2024〕3号", True),
        ("聊教体发[2025]12号", False),
        ("聊教体发(2025)12号", False),
        ("2025年12号", False),
    ],
)
def test_document_numbers_are_validated(clerk, number, ok):
    if ok:
        assert make_record(by=clerk, document_number=number).document_number == number
    else:
        with pytest.raises(ValidationError, match="六角括号"):
            make_record(by=clerk, document_number=number)


def test_index_numbers_are_unique_and_never_reused(clerk, document_reviewer, disclosure_reviewer):
    first = walk_to(
        make_record(by=clerk),
        Status.PUBLISHED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    services.withdraw(first, by=clerk, reason="重复发布")
    second = walk_to(
        make_record(by=clerk, title="第二条"),
        Status.PUBLISHED,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    assert first.index_number != second.index_number
    assert second.index_number.endswith("-00002")


def test_body_html_is_sanitised(clerk):
    record = make_record(
        by=clerk,
        body='<p onclick="x()">正文<script>alert(1)</script>'
        '<a href="javascript:alert(1)">链接</a></p>',
    )
    assert "script" not in record.body and "onclick" not in record.body
    assert "javascript:" not in record.body
    assert "正文" in record.body


STATES = [s.value for s in Status]


@pytest.mark.parametrize("state", STATES)
def test_every_state_allows_exactly_the_actions_in_the_table(state):
    allowed = {t.action for t in services.TRANSITIONS if state in t.sources}
    expected = {
        "draft": {"submit", "withdraw"},
        "submitted": {"approve_document", "return_document", "approve_fast", "withdraw"},
        "document_reviewed": {"approve_disclosure", "return_disclosure", "withdraw"},
        "approved": {"publish", "schedule", "return_approved", "withdraw"},
        "scheduled": {"unschedule", "publish_scheduled", "withdraw"},
        "published": {"revise", "withdraw"},
        "withdrawn": set(),
    }[state]
    assert allowed == expected


DISALLOWED = [(s, t.action) for s in STATES for t in services.TRANSITIONS if s not in t.sources]


@pytest.mark.parametrize("state,action", DISALLOWED)
def test_actions_outside_the_table_are_refused_in_every_state(
    state, action, clerk, document_reviewer, disclosure_reviewer
):
    record = walk_to(
        make_record(by=clerk),
        state,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    with pytest.raises(TransitionNotAllowed):
        services.workflow.apply(record, action, by=clerk, note="尝试")


def test_the_fast_path_is_only_for_concern_responses(clerk, document_reviewer):
    from gongkai.records.models import Kind

    ordinary = services.submit(make_record(by=clerk), by=clerk)
    with pytest.raises(PermissionDenied, match="只用于回应关切"):
        services.approve_fast(ordinary, by=document_reviewer)
    response = services.submit(make_record(by=clerk, title="关于网传招生消息的说明"), by=clerk)
    Record.objects.filter(pk=response.pk).update(kind=Kind.RESPONSE)
    response.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.approve_fast(response, by=clerk)  # never the author
    approved = services.approve_fast(response, by=document_reviewer)
    assert approved.status == Status.APPROVED
