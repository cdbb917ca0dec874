"""谁起草、谁预判、谁解读: plan and risk assessment at submission, publication together."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongkai.core.models import AuditEvent
from gongkai.interpretations import services
from gongkai.interpretations.models import Form, GraphicImage, Interpretation, RiskLevel
from gongkai.interpretations.testing import (
    make_interpretation,
    make_policy,
    png_bytes,
    prepare_policy,
)
from gongkai.records import services as records
from gongkai.records.models import Record, Status
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fresh(record):
    return Record.objects.get(pk=record.pk)


def test_a_normative_document_without_plan_and_risk_assessment_cannot_be_submitted(clerk):
    policy = make_policy(by=clerk)
    with pytest.raises(ValidationError) as caught:
        records.submit(policy, by=clerk)
    text = "".join(caught.value.messages)
    assert "解读方案" in text and "舆情风险评估" in text
    assert fresh(policy).status == Status.DRAFT


def test_an_incomplete_risk_assessment_names_what_is_missing(clerk):
    policy = make_policy(by=clerk)
    services.save_plan(policy, by=clerk, forms=[Form.QA], timing="同步发布", speakers="股长")
    services.save_risk_assessment(
        policy,
        by=clerk,
        level=RiskLevel.LOW,
        expected_concerns="",
        prepared_answers="口径",
        monitoring_owner=None,
    )
    with pytest.raises(ValidationError, match="缺少预判的社会关注点、舆情监测责任人"):
        records.submit(policy, by=clerk)


def test_an_admission_policy_needs_them_too_and_a_prepared_one_is_submitted(clerk):
    policy = make_policy(by=clerk, item_code="05.02", title="2025年义务教育招生入学政策")
    with pytest.raises(ValidationError):
        records.submit(policy, by=clerk)
    prepare_policy(policy, by=clerk)
    assert records.submit(policy, by=clerk).status == Status.SUBMITTED


def test_other_items_are_submitted_without_a_plan_unless_configured(clerk, settings):
    assert records.submit(make_record(by=clerk), by=clerk).status == Status.SUBMITTED
    settings.GONGKAI_INTERPRETATION_EXTRA_ITEMS = ["05.04"]
    with pytest.raises(ValidationError, match="解读方案"):
        records.submit(make_record(by=clerk, title="另一份招生范围公告"), by=clerk)


def test_plan_and_risk_assessment_are_frozen_once_submitted_and_audited(clerk):
    policy = prepare_policy(make_policy(by=clerk), by=clerk)
    records.submit(policy, by=clerk)
    with pytest.raises(ValidationError, match="只有文件为草稿时"):
        services.save_plan(fresh(policy), by=clerk, forms=[], timing="", speakers="")
    verbs = set(AuditEvent.objects.for_object(policy).values_list("verb", flat=True))
    assert {"interpretation.plan", "interpretation.risk"} <= verbs


def test_a_policy_without_an_approved_interpretation_cannot_be_published(clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    draft = make_interpretation(by=clerk, policies=[policy])
    with pytest.raises(ValidationError, match="须与政策解读同时发布"):
        records.publish(policy, by=clerk)
    assert fresh(policy).current_version is None
    records.submit(draft, by=clerk)  # submitted, not approved: still not enough
    with pytest.raises(ValidationError, match="须与政策解读同时发布"):
        records.publish(fresh(policy), by=clerk)


def test_publishing_the_policy_publishes_its_approved_interpretation_in_the_same_moment(
    clerk, approved
):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    interpretation = approved(make_interpretation(by=clerk, policies=[policy]))
    policy = records.publish(policy, by=clerk)
    interpretation = fresh(interpretation)
    assert interpretation.status == Status.PUBLISHED
    assert interpretation.published_at == policy.published_at
    frozen = interpretation.current_version.metadata["interpretation"]
    assert frozen["qa"][0]["question"] == "课后服务是否必须参加？"
    assert frozen["policies"] == [policy.pk]


def test_an_interpretation_cannot_go_out_before_its_policy(clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    interpretation = approved(make_interpretation(by=clerk, policies=[policy]))
    with pytest.raises(ValidationError, match="同时发布"):
        records.publish(interpretation, by=clerk)
    assert fresh(interpretation).current_version is None


def test_policy_and_interpretation_go_live_at_the_same_scheduled_minute(clerk, approved):
    start = datetime(2025, 8, 20, 9, 0, tzinfo=SHANGHAI)
    at = datetime(2025, 8, 25, 8, 30, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
        interpretation = approved(make_interpretation(by=clerk, policies=[policy]))
        records.schedule(policy, by=clerk, at=at)
        assert fresh(interpretation).status == Status.SCHEDULED
        assert fresh(interpretation).scheduled_at == at
    with time_machine.travel(at - timedelta(minutes=1), tick=False):
        assert records.publish_due() == []
        assert fresh(interpretation).current_version is None
    with time_machine.travel(at + timedelta(seconds=20), tick=False):
        done = records.publish_due()
    assert done == [policy.pk]
    policy, interpretation = fresh(policy), fresh(interpretation)
    assert policy.status == interpretation.status == Status.PUBLISHED
    assert policy.published_at == interpretation.published_at == at
    assert interpretation.current_version is not None


def test_an_interpretation_scheduled_at_another_minute_is_refused(clerk, approved):
    with time_machine.travel(datetime(2025, 8, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
        first = approved(make_interpretation(by=clerk, policies=[policy]))
        at = datetime(2025, 8, 25, 8, 30, tzinfo=SHANGHAI)
        records.schedule(policy, by=clerk, at=at)
        later = approved(make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC))
        with pytest.raises(ValidationError, match="08:30"):
            records.schedule(later, by=clerk, at=at + timedelta(hours=1))
        assert records.schedule(fresh(later), by=clerk, at=at).status == Status.SCHEDULED
        assert fresh(first).scheduled_at == at


def test_withdrawing_the_policy_withdraws_its_interpretations_with_a_notice(clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    interpretation = approved(make_interpretation(by=clerk, policies=[policy]))
    policy = records.publish(policy, by=clerk)
    records.withdraw(policy, by=clerk, reason="文件内容调整")
    interpretation = fresh(interpretation)
    assert interpretation.status == Status.WITHDRAWN
    assert policy.title in interpretation.withdrawn_reason
    assert "文件内容调整" in interpretation.withdrawn_reason


def test_a_later_stage_is_published_on_its_own_once_the_policy_is_out(clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    approved(make_interpretation(by=clerk, policies=[policy]))
    records.publish(policy, by=clerk)
    later = make_interpretation(
        by=clerk, policies=[policy], form=Form.PRESS_CONFERENCE, stage="实施三个月后"
    )
    assert later.interpretation.stage_order == 2
    assert records.publish(approved(later), by=clerk).status == Status.PUBLISHED
    stages = [i.stage for i in Interpretation.objects.of_policy(policy).published().timeline()]
    assert stages == ["发布时", "实施三个月后"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (Form.QA, "至少需要一组问题和回答"),
        (Form.GRAPHIC, "至少需要一张图片"),
        (Form.VIDEO, "视频文件或填写视频链接"),
        (Form.PRESS_CONFERENCE, "发布人"),
    ],
)
def test_each_form_needs_its_content_before_submission(clerk, form, message):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=form, with_content=False)
    with pytest.raises(ValidationError, match=message):
        records.submit(draft, by=clerk)


def test_a_video_needs_captions_or_a_transcript(clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(
        by=clerk,
        policies=[policy],
        form=Form.VIDEO,
        with_content=False,
        video_url="https://v.example.org/1",
    )
    with pytest.raises(ValidationError, match="字幕文件或文字实录"):
        records.submit(draft, by=clerk)


def test_an_image_without_a_text_alternative_is_refused(clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC, with_content=False)
    for alt, description in [("", "完整说明"), ("一图读懂", "  "), ("", "")]:
        with pytest.raises(ValidationError, match="替代文字和文字说明"):
            services.add_image(
                draft,
                io.BytesIO(png_bytes()),
                "图解.png",
                by=clerk,
                alt_text=alt,
                description=description,
            )
    assert not GraphicImage.objects.exists()


def test_the_database_refuses_an_image_without_text_even_past_the_service(clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC)
    image = draft.interpretation.images.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        GraphicImage.objects.filter(pk=image.pk).update(alt_text="")


def test_a_renamed_file_is_not_accepted_as_an_image(clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC, with_content=False)
    with pytest.raises(ValidationError):
        services.add_image(
            draft,
            io.BytesIO(b"MZ\x90\x00not an image"),
            "图解.png",
            by=clerk,
            alt_text="图",
            description="说明",
        )
