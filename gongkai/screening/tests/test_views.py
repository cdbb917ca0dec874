"""Staff pages: each refuses the wrong role and the wrong organisation; actions are audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.records import services as records
from gongkai.screening.models import Finding, FindingStatus, SensitiveTerm
from gongkai.screening.testing import make_xlsx
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaking(clerk, id_number):
    record = make_record(by=clerk, body=f"<p>身份证号码{id_number}</p>")
    return records.submit(record, by=clerk)


def test_the_record_page_shows_findings_masked_with_a_link_to_resolve_them(
    client, leaking, document_reviewer, id_number
):
    client.force_login(document_reviewer)
    page = client.get(reverse("records:detail", args=[leaking.pk])).content.decode()
    assert "保密审查" in page and "1 处待处理" in page
    assert id_number not in page.split("<h2>正文</h2>")[0]  # the panel shows the masked form
    assert reverse("screening:record", args=[leaking.pk]) in page
    page = client.get(reverse("screening:record", args=[leaking.pk])).content.decode()
    assert f"{id_number[:6]}********{id_number[-4:]}" in page and 'name="reason"' in page


def test_findings_pages_refuse_other_organisations_and_the_public(
    client, leaking, other_county_clerk, other_county_reviewer, citizen
):
    finding = Finding.objects.get(record=leaking)
    for user in (other_county_clerk, other_county_reviewer):
        client.force_login(user)
        assert client.get(reverse("screening:record", args=[leaking.pk])).status_code == 404
        assert client.post(reverse("screening:rescan", args=[leaking.pk])).status_code == 404
    client.force_login(other_county_reviewer)
    url = reverse("screening:dismiss", args=[finding.pk])
    assert client.post(url, {"reason": "别的县的审核人员的理由"}).status_code == 404
    client.force_login(citizen)
    assert client.get(reverse("screening:record", args=[leaking.pk])).status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_a_reviewer_dismisses_with_a_reason_and_the_author_cannot(
    client, leaking, clerk, document_reviewer
):
    finding = Finding.objects.get(record=leaking)
    url = reverse("screening:dismiss", args=[finding.pk])
    client.force_login(clerk)
    assert client.post(url, {"reason": "我认为没问题，理由充分"}).status_code == 403
    client.force_login(document_reviewer)
    response = client.post(url, {"reason": ""}, follow=True)
    assert "理由" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    client.post(url, {"reason": "演示数据，号码为虚构，已核实"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert AuditEvent.objects.filter(verb="screening.dismiss", actor=document_reviewer).exists()


def test_the_clerk_masks_a_returned_draft_in_one_click(
    client, leaking, clerk, document_reviewer, other_county_clerk, id_number
):
    record = records.return_for_changes(leaking, by=document_reviewer, note="请脱敏")
    url = reverse("screening:mask", args=[record.pk])
    client.force_login(document_reviewer)
    assert client.post(url, {"revision": record.revision}).status_code == 403
    client.force_login(other_county_clerk)
    assert client.post(url, {"revision": record.revision}).status_code == 404
    client.force_login(clerk)
    assert client.post(url, {"revision": record.revision}).status_code == 302
    record.refresh_from_db()
    assert id_number not in record.body and "********" in record.body
    assert Finding.objects.get(record=record).status == FindingStatus.RESOLVED


def test_a_stale_mask_form_changes_nothing(client, leaking, clerk, document_reviewer, id_number):
    record = records.return_for_changes(leaking, by=document_reviewer, note="请脱敏")
    client.force_login(clerk)
    response = client.post(
        reverse("screening:mask", args=[record.pk]), {"revision": record.revision - 1}, follow=True
    )
    assert "已被他人修改" in response.content.decode()
    record.refresh_from_db()
    assert id_number in record.body


def test_the_clerk_replaces_a_leaking_attachment(
    client, clerk, document_reviewer, other_county_clerk, id_number
):
    record = make_record(by=clerk)
    original = records.add_attachment(
        record, io.BytesIO(make_xlsx({"表": [["身份证号"], [id_number]]})), "名单.xlsx", by=clerk
    )
    record = records.return_for_changes(
        records.submit(record, by=clerk), by=document_reviewer, note="附件含身份证号"
    )
    url = reverse("screening:replace", args=[original.pk])
    cleaned = make_xlsx({"表": [["身份证号"], ["已删除"]]})
    client.force_login(other_county_clerk)
    upload = SimpleUploadedFile("名单.xlsx", cleaned)
    assert client.post(url, {"file": upload}).status_code == 404
    client.force_login(clerk)
    assert client.post(url, {"file": SimpleUploadedFile("名单.xlsx", cleaned)}).status_code == 302
    original.refresh_from_db()
    assert not original.is_current and original.replaced_by is not None
    assert not Finding.objects.open().filter(record=record).exists()


def test_only_the_city_bureau_keeps_the_term_list_and_every_change_is_audited(
    client, city_admin, disclosure_reviewer, clerk
):
    url = reverse("screening:terms")
    for user in (disclosure_reviewer, clerk):  # county roles
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"term": "县里加的词", "is_active": "on"}).status_code == 403
    assert not SensitiveTerm.objects.exists()

    client.force_login(city_admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"term": "某", "is_active": "on"})
    assert response.status_code == 200 and "至少2个字符" in response.content.decode()
    client.post(url, {"term": "某某工程", "note": "市局通知", "is_active": "on"})
    term = SensitiveTerm.objects.get()
    assert term.is_active and term.created_by == city_admin
    client.post(reverse("screening:term_toggle", args=[term.pk]))
    term.refresh_from_db()
    assert not term.is_active
    trail = AuditEvent.objects.filter(verb__startswith="screening.term_", actor=city_admin)
    assert list(trail.order_by("id").values_list("verb", flat=True)) == [
        "screening.term_create",
        "screening.term_update",
    ]


def test_an_active_term_is_found_at_submission(clerk, city_admin):
    SensitiveTerm.objects.create(term="某某工程", created_by=city_admin)
    record = records.submit(make_record(by=clerk, body="<p>关于某某工程的说明</p>"), by=clerk)
    finding = Finding.objects.get(record=record)
    assert (finding.kind, finding.excerpt) == ("sensitive_term", "某某工程")
