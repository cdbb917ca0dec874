"""Staff pages: the record's reading panel (polled while it works), the attachment's pages with
findings highlighted, redaction by ticking findings and by typed rectangles (no script)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.ocr.models import Recognition
from gongkai.records.models import Attachment
from gongkai.screening.models import Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned(clerk, draft, attach, small_scan):
    return attach(draft, small_scan.png(), "补助名单.png", clerk)


def test_the_record_page_shows_progress_and_polls_while_the_scan_is_read(client, clerk, scanned):
    Recognition.objects.filter(attachment=scanned).update(
        status="running", pages_to_read=20, pages_done=7, heartbeat_at=timezone.now()
    )
    client.force_login(clerk)
    page = client.get(reverse("records:detail", args=[scanned.record_id])).content.decode()
    assert "正在识别：已完成第 7 / 20 页" in page
    assert f'<progress id="ocr-progress-{scanned.pk}" max="20" value="7">' in page
    panel_url = reverse("ocr:panel", args=[scanned.record_id])
    assert f'hx-get="{panel_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "识别完成并经过保密审查前，不能提交审核或发布" in page

    polled = client.get(panel_url, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polled
    Recognition.objects.filter(attachment=scanned).update(status="done", pages_done=20)
    finished = client.get(panel_url, HTTP_HX_REQUEST="true")
    # Done: the page reloads once so that screening's panel shows the new findings.
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.content.decode()


def test_the_attachment_page_highlights_each_finding_on_its_page(
    client, clerk, scanned, small_scan
):
    client.force_login(clerk)
    response = client.get(reverse("ocr:attachment", args=[scanned.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"发现个人信息 {len(small_scan.numbers)} 处" in page
    rects = re.findall(r'<rect class="ocr-hit personal" data-hit="1-\d+" x="\d+" y="\d+"', page)
    assert len(rects) == len(small_scan.numbers)
    width, height = small_scan.image.size
    assert f'viewBox="0 0 {width} {height}"' in page
    # Personal data is ticked for blacking out; the table shows it masked, never in full.
    assert page.count('name="hits"') == len(small_scan.numbers)
    for _, number in small_scan.numbers:
        assert number not in page
    assert page.count("待处理") >= len(small_scan.numbers)

    image = client.get(reverse("ocr:page_image", args=[scanned.pk, 1]))
    assert image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert "no-store" in image["Cache-Control"]  # an unredacted page is kept in no cache
    assert client.get(reverse("ocr:page_image", args=[scanned.pk, 2])).status_code == 404


def test_other_organisations_see_nothing(client, other_county_clerk, scanned):
    client.force_login(other_county_clerk)
    for url in (
        reverse("ocr:attachment", args=[scanned.pk]),
        reverse("ocr:page_image", args=[scanned.pk, 1]),
        reverse("ocr:panel", args=[scanned.record_id]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("ocr:redact", args=[scanned.pk])).status_code == 404


def test_a_reviewer_sees_the_pages_but_cannot_redact(client, document_reviewer, scanned):
    client.force_login(document_reviewer)
    page = client.get(reverse("ocr:attachment", args=[scanned.pk])).content.decode()
    assert "ocr-hit" in page and 'name="hits"' not in page
    assert client.post(reverse("ocr:redact", args=[scanned.pk])).status_code == 403


def test_the_clerk_redacts_ticked_findings_and_a_typed_rectangle_without_a_script(
    client, clerk, scanned, small_scan, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    page = client.get(reverse("ocr:attachment", args=[scanned.pk])).content.decode()
    keys = re.findall(r'name="hits" value="([\d-]+)"', page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ocr:redact", args=[scanned.pk]),
            {"hits": keys, "regions-1": "70 85 99 99\n", "reason": "公示名单隐去身份证号和电话"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[scanned.record_id])
    cleaned = Attachment.objects.get(replaces=scanned)
    assert cleaned.is_current and not Attachment.objects.get(pk=scanned.pk).is_current
    assert not Finding.objects.open().filter(record=scanned.record).exists()
    # The typed rectangle (bottom right: the signature line) is black in the cleaned image.
    from PIL import Image

    with cleaned.file.open("rb") as handle:
        image = Image.open(handle).convert("L")
        width, height = image.size
        corner = image.crop(
            (int(width * 0.72), int(height * 0.87), int(width * 0.98), int(height * 0.98))
        )
        assert max(corner.get_flattened_data()) < 10
    followed = client.get(response["Location"]).content.decode()
    assert "已生成涂黑后的文件" in followed and "补助名单（已脱敏）.png" in followed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10 20 60", "须填写4个数"),
        ("60 20 10 25", "右大于左"),
        ("10 20 160 25", "0到100之间"),
    ],
)
def test_a_wrongly_typed_rectangle_is_explained_and_nothing_is_replaced(
    client, clerk, scanned, typed, message
):
    client.force_login(clerk)
    response = client.post(reverse("ocr:redact", args=[scanned.pk]), {"regions-1": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "第1页第1行" in page
    assert typed in page  # what was typed is still there to correct
    assert Attachment.objects.get(pk=scanned.pk).is_current


def test_nothing_chosen_is_refused_with_a_reason(client, clerk, scanned):
    client.force_login(clerk)
    response = client.post(reverse("ocr:redact", args=[scanned.pk]), {})
    assert response.status_code == 400
    assert "请勾选需要涂黑的内容，或在页面上框选区域" in response.content.decode()


def test_a_failed_reading_can_be_started_again(
    client, clerk, scanned, django_capture_on_commit_callbacks
):
    Recognition.objects.filter(attachment=scanned).update(status="failed", error="识别时出错")
    client.force_login(clerk)
    page = client.get(reverse("records:detail", args=[scanned.record_id])).content.decode()
    assert "未能识别" in page and "识别时出错" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ocr:retry", args=[scanned.pk]))
    assert response.status_code == 302
    assert Recognition.objects.get(attachment=scanned).status == "done"


def test_the_public_page_offers_the_recognised_text_of_a_published_scan(
    client, clerk, document_reviewer, disclosure_reviewer, scanned,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from gongkai.records import services as records

    record = scanned.record
    for finding in Finding.objects.open().filter(record=record):
        from gongkai.screening.services import dismiss_finding

        dismiss_finding(finding, by=document_reviewer, reason="公示依规需要公开完整信息")
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        records.publish(record, by=clerk)
    page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert "<summary>识别文字（文字版）</summary>" in page
    assert "补助名单公示" in page
    # Search indexes the same text (Attachment.text of the published version's attachments).
    from gongkai.search.models import SearchEntry

    assert "补助名单公示" in SearchEntry.objects.get(record_id=record.pk).text
