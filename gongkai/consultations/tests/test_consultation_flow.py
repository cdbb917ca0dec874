"""A consultation end to end: open, comment, moderate, close, feed back — on the public page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.consultations.forms import CommentForm
from gongkai.consultations.models import (
    CommentStatus,
    Consultation,
    Moderation,
    SentReminder,
    Status,
)
from gongkai.consultations.services import consultation as services
from gongkai.consultations.testing import make_consultation, public_form_data
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def comment_data(consultation, **fields):
    return public_form_data(CommentForm(consultation=consultation), **fields)


def test_open_comment_moderate_close_and_publish_feedback_on_the_public_page(client, clerk):
    clerk.email = "clerk@example.org"
    clerk.save()
    with time_machine.travel(START, tick=False):
        consultation = make_consultation(
            by=clerk, organisation=clerk.role_grants.get().organisation
        )
        client.force_login(clerk)
        response = client.post(
            reverse("consultations:staff_act", args=[consultation.pk]), {"action": "open"}
        )
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.status == Status.OPEN
        assert consultation.feedback_due_on == (START + timedelta(days=60)).date()
        client.logout()

        url = reverse("consultations:comment", args=[consultation.pk])
        section = consultation.sections.get(heading="第三条")
        plain = client.post(url, comment_data(consultation, body="建议明确收费上限。"))
        assert plain.status_code == 302
        with_phone = client.post(
            url,
            comment_data(
                consultation,
                body="我的孩子在二小，请联系我 13812345678 了解情况。",
                section=section.pk,
                author_name="张三",
                contact="zhang@example.org",
            ),
        )
        assert with_phone.status_code == 302
        comments = list(consultation.comments.order_by("pk"))
        assert [c.status for c in comments] == [CommentStatus.PENDING, CommentStatus.PENDING]
        held = comments[1]
        assert held.personal_data == ["mobile_phone"]
        assert "13812345678" not in held.public_body
        public = client.get(reverse("consultations:detail", args=[consultation.pk]))
        assert "建议明确收费上限" not in public.content.decode()  # pre-moderation

        client.force_login(clerk)
        moderate = "consultations:staff_moderate"
        client.post(reverse(moderate, args=[comments[0].pk]), {"decision": "publish"})
        client.post(reverse(moderate, args=[held.pk]), {"decision": "publish"})
        held.refresh_from_db()
        assert held.status == CommentStatus.PUBLISHED
        page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
        assert "建议明确收费上限" in page
        assert "138****5678" in page and "13812345678" not in page
        assert "zhang@example.org" not in page and "张三" not in page

    with time_machine.travel(START + timedelta(days=30, minutes=1), tick=False):
        assert services.close_due() == [consultation.pk]
        assert services.close_due() == []
        consultation.refresh_from_db()
        assert consultation.status == Status.CLOSED
        client.force_login(clerk)  # the session of a month ago has expired
        adopt = reverse("consultations:staff_adoption", args=[consultation.pk])
        client.post(
            adopt,
            {
                "comments": [comments[0].pk],
                "outcome": "adopted",
                "reason": "已在第三条增加收费上限。",
            },
        )
        act = reverse("consultations:staff_act", args=[consultation.pk])
        client.post(act, {"action": "publish_feedback", "note": "共收到意见 2 条。"})
        consultation.refresh_from_db()
        assert consultation.status == Status.CLOSED  # one comment still without an outcome
        client.post(
            adopt,
            {"comments": [held.pk], "outcome": "not_adopted", "reason": "属于个案，已转学校处理。"},
        )
        client.post(act, {"action": "publish_feedback", "note": "共收到意见 2 条，采纳 1 条。"})
        consultation.refresh_from_db()
        assert consultation.status == Status.FEEDBACK_PUBLISHED

    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "采纳情况反馈" in page
    assert "共收到意见 2 条，采纳 1 条。" in page
    assert "已在第三条增加收费上限。" in page and "属于个案，已转学校处理。" in page
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "consultation.open",
        "comment.submit",
        "comment.publish",
        "consultation.close",
        "consultation.adopt",
        "consultation.publish_feedback",
    } <= verbs


def test_a_ten_day_consultation_needs_a_stated_reason_shown_to_the_public(client, clerk, county):
    with pytest.raises(ValidationError) as refused:
        make_consultation(by=clerk, organisation=county, days=10)
    assert "short_period_reason" in refused.value.message_dict
    assert not Consultation.objects.exists()

    reason = "秋季学期开学在即，须在开学前公布实施。"
    accepted = make_consultation(
        by=clerk, organisation=county, days=10, short_period_reason=reason, is_open=True
    )
    assert accepted.status == Status.OPEN
    assert (
        reason in client.get(reverse("consultations:detail", args=[accepted.pk])).content.decode()
    )


def test_the_staff_form_refuses_a_short_period_without_a_reason(client, clerk, county):
    client.force_login(clerk)
    response = client.post(
        reverse("consultations:staff_create"),
        {
            "organisation": county.pk,
            "title": "征求意见稿",
            "item": make_consultation(by=clerk, organisation=county).item_id,
            "draft_body": "<p>第一条 内容。</p>",
            "explanation": "说明",
            "opens_at": "2026-03-02T09:00",
            "closes_at": "2026-03-12T09:00",
            "moderation": "pre",
            "max_comment_length": 2000,
        },
    )
    assert response.status_code == 200
    assert "缩短期限须说明理由" in response.content.decode()
    assert Consultation.objects.count() == 1


def test_post_moderation_shows_clean_comments_at_once_but_holds_personal_data(clerk, county):
    consultation = make_consultation(
        by=clerk, organisation=county, moderation=Moderation.POST, is_open=True
    )
    clean = services.submit_comment(consultation, body="赞成。")
    held = services.submit_comment(consultation, body="身份证 110101199003074514 的学生怎么办？")
    assert clean.status == CommentStatus.PUBLISHED
    assert held.status == CommentStatus.PENDING
    assert held.personal_data == ["id_card"]


def test_comments_are_refused_when_empty_oversized_or_missing_required_fields(clerk, county):
    consultation = make_consultation(
        by=clerk, organisation=county, max_comment_length=50, contact_required=True, is_open=True
    )
    with pytest.raises(ValidationError) as empty:
        services.submit_comment(consultation, body="  ", contact="x")
    assert empty.value.message_dict["body"] == ["请填写意见内容。"]
    with pytest.raises(ValidationError) as long:
        services.submit_comment(consultation, body="很" * 51, contact="x")
    assert "超过了 50 字的上限" in long.value.message_dict["body"][0]
    with pytest.raises(ValidationError) as contact:
        services.submit_comment(consultation, body="意见")
    assert "联系方式" in contact.value.message_dict["contact"][0]


def test_a_moderator_cannot_publish_text_that_still_has_personal_data(clerk, county):
    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    comment = services.submit_comment(consultation, body="电话 13812345678")
    with pytest.raises(ValidationError):
        services.publish_comment(comment, by=clerk, public_body="电话 13812345678")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_rejection_needs_a_reason_and_the_reason_is_recorded(clerk, county):
    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    comment = services.submit_comment(consultation, body="广告：低价补课")
    with pytest.raises(ValidationError):
        services.reject_comment(comment, by=clerk, reason="")
    rejected = services.reject_comment(comment, by=clerk, reason="advertising", note="广告")
    assert rejected.status == CommentStatus.REJECTED
    assert AuditEvent.objects.filter(verb="comment.reject", data__reason="advertising").exists()


def test_comments_after_closing_are_refused(clerk, county):
    with time_machine.travel(START, tick=False):
        consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    with (
        time_machine.travel(START + timedelta(days=31), tick=False),
        pytest.raises(ValidationError, match="不能提交意见"),
    ):
        services.submit_comment(consultation, body="迟到的意见")


def test_overdue_feedback_is_reminded_by_email_once(clerk, county):
    clerk.email = "clerk@example.org"
    clerk.save()
    with time_machine.travel(START, tick=False):
        consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    with time_machine.travel(START + timedelta(days=60), tick=False):
        services.close_due()
        assert services.send_feedback_reminders() == []  # due today, not yet overdue
    with time_machine.travel(START + timedelta(days=61), tick=False):
        assert services.send_feedback_reminders() == [consultation.pk]
        assert services.send_feedback_reminders() == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.org"]
    assert "采纳情况反馈逾期" in mail.outbox[0].subject
    assert SentReminder.objects.count() == 1


def test_editing_an_open_consultation_keeps_the_old_values_and_protects_the_text(clerk, county):
    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    later = consultation.closes_at + timedelta(days=5)
    services.update_consultation(consultation, by=clerk, closes_at=later)
    event = AuditEvent.objects.get(verb="consultation.edit")
    assert event.data["changes"]["closes_at"][0] == str(consultation.closes_at)
    with pytest.raises(ValidationError, match="不能修改"):
        services.update_consultation(consultation, by=clerk, draft_body="<p>全新的文本</p>")


def test_withdrawal_needs_a_reason_and_leaves_a_notice(client, clerk, county):
    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    services.withdraw_consultation(consultation, by=clerk, reason="上级政策调整，暂缓出台。")
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "上级政策调整，暂缓出台。" in page
