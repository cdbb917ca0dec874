from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.catalogue.models import Item
from gongkai.records import services
from gongkai.records.models import Record, Status
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_clerk_creates_a_record_through_the_form(client, clerk, county):
    client.force_login(clerk)
    item = Item.objects.current().get(code="05.04")
    response = client.post(
        reverse("records:create"),
        {
            "title": "关于2026年城区小学招生范围的公告",
            "body": "<p>招生范围如下。</p>",
            "item": item.pk,
            "organisation": county.pk,
            "formed_on": "2026-06-01",
            "written_on": "2026-06-01",
            "theme": "教育",
            "disclosure": "proactive",
        },
    )
    record = Record.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[record.pk])
    assert record.author == clerk and record.five_disclosure == item.five_disclosure


def test_form_errors_are_shown_in_chinese(client, clerk, county):
    client.force_login(clerk)
    item = Item.objects.current().get(code="05.04")
    response = client.post(
        reverse("records:create"),
        {
            "title": "x",
            "item": item.pk,
            "organisation": county.pk,
            "formed_on": "2026-06-01",
            "theme": "教育",
            "disclosure": "withheld",
            "document_number": "聊教体发[2025]1号",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "六角括号" in body and "法定依据" in body
    assert not Record.objects.exists()


def test_a_conflicting_save_keeps_the_users_text_in_the_form(client, clerk):
    record = make_record(by=clerk)
    client.force_login(clerk)
    stale = record.revision
    services.update_record(record, by=clerk, revision=stale, title="别人先保存的标题")
    form = {
        "title": "我的新标题",
        "body": "<p>我辛苦写的正文</p>",
        "item": record.item_id,
        "organisation": record.organisation_id,
        "formed_on": "2025-06-03",
        "written_on": "2025-06-02",
        "theme": "教育",
        "disclosure": "proactive",
        "revision": stale,
    }
    response = client.post(reverse("records:edit", args=[record.pk]), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "已被他人修改" in body and "我辛苦写的正文" in body and "我的新标题" in body
    assert Record.objects.get(pk=record.pk).title == "别人先保存的标题"


def test_review_actions_through_the_page(client, clerk, document_reviewer, disclosure_reviewer):
    record = make_record(by=clerk)
    client.force_login(clerk)
    client.post(reverse("records:act", args=[record.pk]), {"action": "submit"})
    client.force_login(document_reviewer)
    client.post(reverse("records:act", args=[record.pk]), {"action": "approve_document"})
    client.force_login(disclosure_reviewer)
    client.post(reverse("records:act", args=[record.pk]), {"action": "approve_disclosure"})
    client.force_login(clerk)
    response = client.post(
        reverse("records:act", args=[record.pk]), {"action": "publish"}, follow=True
    )
    assert "已完成：发布" in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PUBLISHED


def test_self_approval_through_the_page_is_refused_with_a_message(client, clerk, county):
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import grant_role

    grant_role(clerk, Role.DOCUMENT_REVIEWER, county, by=None)
    record = services.submit(make_record(by=clerk), by=clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("records:act", args=[record.pk]), {"action": "approve_document"}, follow=True
    )
    assert "不能审核自己制作的信息" in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.SUBMITTED


def test_a_clerk_of_another_county_cannot_see_the_record(client, clerk, other_county_clerk):
    record = make_record(by=clerk)
    client.force_login(other_county_clerk)
    assert client.get(reverse("records:detail", args=[record.pk])).status_code == 404
    assert (
        client.post(
            reverse("records:act", args=[record.pk]), {"action": "withdraw", "note": "x"}
        ).status_code
        == 404
    )


def test_a_reviewer_cannot_edit_a_draft(client, clerk, document_reviewer):
    record = make_record(by=clerk)
    client.force_login(document_reviewer)
    assert client.get(reverse("records:edit", args=[record.pk])).status_code == 403


def test_uploads_are_checked_by_content(client, clerk):
    record = make_record(by=clerk)
    client.force_login(clerk)
    fake = SimpleUploadedFile("名单.pdf", PNG, content_type="application/pdf")
    response = client.post(reverse("records:attach", args=[record.pk]), {"file": fake}, follow=True)
    assert "内容与扩展名不符" in response.content.decode()
    assert not record.attachments.exists()
    good = SimpleUploadedFile("示意图.png", PNG, content_type="image/png")
    client.post(reverse("records:attach", args=[record.pk]), {"file": good})
    attachment = record.attachments.get()
    assert attachment.content_type == "image/png"
    assert "示意图" not in attachment.file.name  # stored under a random name


def test_the_workbench_shows_queue_and_overdue_with_bounded_queries(
    client, clerk, document_reviewer
):
    for n in range(12):
        record = make_record(
            by=clerk, title=f"信息{n}", formed_on=date(2025, 1, 2), written_on=date(2025, 1, 2)
        )
        if n % 2:
            services.submit(record, by=clerk)
    client.force_login(document_reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("records:workbench"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "待我审核（6）" in body and "已超期（12）" in body
    assert len(queries) < 25


def test_the_workbench_list_filters_through_htmx(client, clerk):
    make_record(by=clerk, title="招生范围公告")
    make_record(by=clerk, title="营养改善计划")
    client.force_login(clerk)
    response = client.get(reverse("records:workbench"), {"q": "营养"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "营养改善计划" in body and "招生范围公告" not in body
    assert "<html" not in body  # a fragment, not a page
