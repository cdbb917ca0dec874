"""The pages: policy ↔ interpretation links, the listing, staff forms and their guards."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.interpretations.models import Form, GraphicImage, InterpretationPlan, RiskAssessment
from gongkai.interpretations.testing import (
    make_interpretation,
    make_policy,
    png_bytes,
    prepare_policy,
)
from gongkai.records import services as records
from gongkai.records.models import Record, Status
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


@pytest.fixture
def published_pair(clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    interpretation = approved(make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC))
    policy = records.publish(policy, by=clerk)
    return policy, Record.objects.get(pk=interpretation.pk)


def test_one_link_from_the_policy_page_reaches_the_interpretation_and_back(client, published_pair):
    policy, interpretation = published_pair
    policy_url = reverse("portal:record", args=[policy.pk])
    interp_url = reverse("portal:record", args=[interpretation.pk])
    policy_page = client.get(policy_url).content.decode()
    assert interp_url in links(policy_page)
    assert "解读 1：发布时" in policy_page
    interp_page = client.get(interp_url)
    assert interp_page.status_code == 200
    assert policy_url in links(interp_page.content.decode())


def test_a_graphic_is_shown_with_its_alt_text_and_its_description(client, published_pair):
    _, interpretation = published_pair
    html = client.get(reverse("portal:record", args=[interpretation.pk])).content.decode()
    assert 'alt="课后服务收费标准一览图"' in html
    assert "每生每学期收费不超过300元" in html
    image = GraphicImage.objects.get()
    media = client.get(reverse("interpretations:media", args=[image.media_id]))
    assert media.status_code == 200 and media["Content-Type"] == "image/png"
    assert media["X-Content-Type-Options"] == "nosniff"


def test_media_of_unpublished_interpretations_are_not_served(client, clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC)
    image = draft.interpretation.images.get()
    assert client.get(reverse("interpretations:media", args=[image.media_id])).status_code == 404


def test_questions_and_transcripts_are_rendered_as_text(client, clerk, approved):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    interpretation = approved(
        make_interpretation(by=clerk, policies=[policy], form=Form.PRESS_CONFERENCE)
    )
    records.publish(policy, by=clerk)
    html = client.get(reverse("portal:record", args=[interpretation.pk])).content.decode()
    assert '<dl class="interp-qa">' in html
    assert "<dt>问1：课后服务是否必须参加？" in html
    assert "<h3>文字实录</h3>" in html and "<h3>发布人</h3>" in html
    assert "测试日报记者" in html


def test_the_listing_is_newest_first_and_filters_by_form_and_organisation(
    client, clerk, approved, other_county
):
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    approved(make_interpretation(by=clerk, policies=[policy], title="第一篇解读"))
    records.publish(policy, by=clerk)
    second = approved(
        make_interpretation(
            by=clerk, policies=[policy], form=Form.PRESS_CONFERENCE, title="第二篇解读"
        )
    )
    records.publish(second, by=clerk)
    html = client.get(reverse("interpretations:list")).content.decode()
    assert html.index("第二篇解读") < html.index("第一篇解读")
    html = client.get(reverse("interpretations:list"), {"form": Form.QA}).content.decode()
    assert "第一篇解读" in html and "第二篇解读" not in html
    html = client.get(reverse("interpretations:list"), {"org": other_county.code}).content
    assert "第一篇解读" not in html.decode()


def test_the_listing_pages_with_a_bounded_number_of_queries(
    client, clerk, approved, settings, django_assert_max_num_queries
):
    settings.GONGKAI_INTERPRETATION_PAGE_SIZE = 2
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    for n in range(3):
        approved(make_interpretation(by=clerk, policies=[policy], title=f"解读{n}"))
    records.publish(policy, by=clerk)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("interpretations:list"), {"page": 2})
    assert "第 2 / 2 页" in page.content.decode()


def test_a_clerk_fills_in_plan_and_risk_assessment_and_reviewers_see_them(
    client, clerk, document_reviewer
):
    policy = make_policy(by=clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("interpretations:plan", args=[policy.pk]),
        {"forms": [Form.QA, Form.VIDEO], "timing": "同步发布", "speakers": "股长 李明"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("interpretations:risk", args=[policy.pk]),
        {
            "level": "high",
            "expected_concerns": "收费",
            "prepared_answers": "自愿参加",
            "monitoring_owner": clerk.pk,
        },
    )
    assert response.status_code == 302
    assert InterpretationPlan.objects.get(policy=policy).forms == [Form.QA, Form.VIDEO]
    assert RiskAssessment.objects.get(policy=policy).monitoring_owner == clerk
    records.submit(policy, by=clerk)
    client.force_login(document_reviewer)
    page = client.get(reverse("records:detail", args=[policy.pk])).content.decode()
    assert "舆情风险评估" in page and "自愿参加" in page and "问答、视频解读" in page


def test_a_clerk_creates_an_interpretation_for_a_policy_of_the_drafting_organisation(client, clerk):
    policy = make_policy(by=clerk)
    client.force_login(clerk)
    form = client.get(reverse("interpretations:create"), {"policy": policy.pk})
    assert form.status_code == 200 and f"关于《{policy.title}》的政策解读" in form.content.decode()
    response = client.post(
        reverse("interpretations:create") + f"?policy={policy.pk}",
        {
            "title": "解读一",
            "body": "<p>起草背景</p>",
            "policies": [policy.pk],
            "form": Form.QA,
            "stage": "发布时",
            "stage_order": "",
        },
    )
    assert response.status_code == 302
    record = Record.objects.get(title="解读一")
    assert record.kind == "interpretation" and record.organisation == policy.organisation
    assert list(record.interpretation.policies.all()) == [policy]


def test_an_image_upload_without_alt_text_is_refused_on_the_page(client, clerk):
    draft = make_interpretation(
        by=clerk, policies=[make_policy(by=clerk)], form=Form.GRAPHIC, with_content=False
    )
    client.force_login(clerk)
    response = client.post(
        reverse("interpretations:image_add", args=[draft.pk]),
        {
            "file": SimpleUploadedFile("图.png", png_bytes(), content_type="image/png"),
            "alt_text": "",
            "description": "说明",
        },
        follow=True,
    )
    assert not GraphicImage.objects.exists()
    assert "替代文字：这个字段是必填项。" in response.content.decode()
    response = client.post(
        reverse("interpretations:image_add", args=[draft.pk]),
        {
            "file": SimpleUploadedFile("图.png", png_bytes(), content_type="image/png"),
            "alt_text": "一图读懂",
            "description": "全文说明",
        },
    )
    assert GraphicImage.objects.get().alt_text == "一图读懂"


def staff_urls(policy, draft, image_media):
    return [
        ("get", reverse("interpretations:create") + f"?policy={policy.pk}"),
        ("get", reverse("interpretations:edit", args=[draft.pk])),
        ("get", reverse("interpretations:content", args=[draft.pk])),
        ("post", reverse("interpretations:qa_add", args=[draft.pk])),
        ("post", reverse("interpretations:speaker_add", args=[draft.pk])),
        ("post", reverse("interpretations:image_add", args=[draft.pk])),
        ("post", reverse("interpretations:video", args=[draft.pk])),
        ("post", reverse("interpretations:captions", args=[draft.pk])),
        ("post", reverse("interpretations:remove", args=[draft.pk])),
        ("get", reverse("interpretations:staff_media", args=[image_media])),
        ("get", reverse("interpretations:plan", args=[policy.pk])),
        ("get", reverse("interpretations:risk", args=[policy.pk])),
    ]


@pytest.fixture
def staff_targets(clerk):
    policy = make_policy(by=clerk)
    draft = make_interpretation(by=clerk, policies=[policy], form=Form.GRAPHIC)
    return policy, draft, draft.interpretation.images.get().media_id


def test_every_staff_url_refuses_the_wrong_role(client, staff_targets, county):
    supervisor = make_user(roles=[Role.SUPERVISOR], organisation=county)
    citizen = make_user()
    for method, url in staff_urls(*staff_targets):
        client.force_login(citizen)
        assert getattr(client, method)(url).status_code == 403, url
        client.force_login(supervisor)
        if "media" in url or url.endswith(f"/{staff_targets[1].pk}/"):
            continue  # supervisors may read what they supervise
        assert getattr(client, method)(url).status_code == 403, url
    client.logout()
    for method, url in staff_urls(*staff_targets):
        assert getattr(client, method)(url).status_code == 302, url  # to the sign-in page


def test_every_staff_url_refuses_the_wrong_organisation(client, staff_targets, other_county_clerk):
    client.force_login(other_county_clerk)
    for method, url in staff_urls(*staff_targets):
        assert getattr(client, method)(url).status_code == 404, url


def test_content_cannot_be_changed_once_submitted(client, clerk, staff_targets):
    _, draft, _ = staff_targets
    records.submit(draft, by=clerk)
    client.force_login(clerk)
    assert client.get(reverse("interpretations:edit", args=[draft.pk])).status_code == 403
    response = client.post(
        reverse("interpretations:qa_add", args=[draft.pk]), {"question": "问", "answer": "答"}
    )
    assert response.status_code == 403
    assert Record.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_removing_an_image_keeps_it_archived(client, clerk, staff_targets):
    _, draft, _ = staff_targets
    image = draft.interpretation.images.get()
    client.force_login(clerk)
    page = client.get(reverse("interpretations:content", args=[draft.pk])).content.decode()
    assert f'name="entry" value="{image.pk}"' in page
    response = client.post(
        reverse("interpretations:remove", args=[draft.pk]), {"kind": "image", "entry": image.pk}
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.is_current is False
    assert not draft.interpretation.images.current().exists()
