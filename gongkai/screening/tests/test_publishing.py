"""Screening in the publishing process, end to end: leaks are blocked at publication, fixed
(masked body, replaced attachment) or dismissed with a reason, then published; every step
leaves an audit row."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.concerns.models import ResponseKind
from gongkai.concerns.services import draft_response
from gongkai.concerns.testing import make_concern
from gongkai.core.models import AuditEvent
from gongkai.records import services as records
from gongkai.records.models import Attachment, Record, Status
from gongkai.screening.masking import mask_number
from gongkai.screening.models import Finding, FindingStatus, SensitiveTerm
from gongkai.screening.services import (
    dismiss_finding,
    mask_body,
    replace_attachment,
    screen_record,
)
from gongkai.screening.testing import make_pdf, make_xlsx, make_zip_bomb
from gongkai.testing import make_record, make_user

pytestmark = pytest.mark.django_db


def verbs(record: Record) -> list[str]:
    return list(AuditEvent.objects.for_object(record).order_by("id").values_list("verb", flat=True))


def approve(record, document_reviewer, disclosure_reviewer):
    record = records.approve_document(record, by=document_reviewer)
    return records.approve_disclosure(record, by=disclosure_reviewer)


def attach(record, data: bytes, name: str, clerk) -> Attachment:
    return records.add_attachment(record, io.BytesIO(data), name, by=clerk)


def test_an_id_number_in_the_body_blocks_publication_until_masked(
    clerk, document_reviewer, disclosure_reviewer, id_number
):
    record = make_record(by=clerk, body=f"<p>学生李明，身份证号码{id_number}，准予转学。</p>")
    record = records.submit(record, by=clerk)
    finding = Finding.objects.get(record=record)
    assert (finding.kind, finding.status, finding.attachment) == ("id_card", "open", None)
    # Stored safely: the masked form, and a keyed hash rather than the number.
    assert finding.excerpt == mask_number("id_card", id_number) != id_number
    assert id_number not in finding.excerpt + finding.fingerprint + finding.location

    record = approve(record, document_reviewer, disclosure_reviewer)
    with pytest.raises(ValidationError) as refused:
        records.publish(record, by=clerk)
    assert "身份证号码" in refused.value.messages[0]
    assert finding.excerpt in refused.value.messages[0]
    record.refresh_from_db()
    assert record.status == Status.APPROVED and record.current_version is None

    record = records.return_for_changes(record, by=disclosure_reviewer, note="请脱敏身份证号码")
    record = mask_body(record, by=clerk, revision=record.revision)
    assert id_number not in record.body
    assert f"{id_number[:6]}********{id_number[-4:]}" in record.body
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED and finding.resolved_at is not None

    record = records.submit(record, by=clerk)
    record = approve(record, document_reviewer, disclosure_reviewer)
    record = records.publish(record, by=clerk)
    assert record.status == Status.PUBLISHED
    assert id_number not in record.current_version.body
    trail = verbs(record)
    assert "screening.mask" in trail and "record.edit" in trail
    assert trail.index("screening.mask") < trail.index("record.version")
    stages = [
        e.data["stage"]
        for e in AuditEvent.objects.for_object(record).filter(verb="screening.screen")
    ]
    # The refused publication's scan rolled back with it; its refusal named the finding.
    assert stages == ["submit", "mask", "submit", "publish"]


def test_an_id_number_in_a_spreadsheet_blocks_publication_until_the_file_is_replaced(
    client, clerk, document_reviewer, disclosure_reviewer, id_number
):
    record = make_record(by=clerk, body="<p>2025年资助学生名单见附件。</p>")
    leaking = make_xlsx({"名单": [["姓名", "身份证号"], ["李明", id_number]]})
    original = attach(record, leaking, "资助名单.xlsx", clerk)
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)

    finding = Finding.objects.get(record=record)
    assert finding.attachment == original and finding.kind == "id_card"
    assert "名单" in finding.location and "B2" in finding.location
    with pytest.raises(ValidationError, match=r"资助名单\.xlsx"):
        records.publish(record, by=clerk)

    record = records.return_for_changes(record, by=disclosure_reviewer, note="附件含身份证号")
    cleaned_bytes = make_xlsx(
        {"名单": [["姓名", "身份证号"], ["李明", mask_number("id_card", id_number)]]}
    )
    cleaned = replace_attachment(original, io.BytesIO(cleaned_bytes), "资助名单.xlsx", by=clerk)
    original.refresh_from_db()
    assert not original.is_current and original.replaced_by == cleaned
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED

    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    record = records.publish(record, by=clerk)
    assert record.current_version.attachment_ids == [cleaned.pk]
    assert "screening.replace_attachment" in verbs(record)
    # The original stays on file for the audit, never on the portal.
    assert Attachment.objects.filter(pk=original.pk).exists()
    url = reverse("portal:attachment", args=[original.pk, original.original_name])
    assert client.get(url).status_code == 404
    url = reverse("portal:attachment", args=[cleaned.pk, cleaned.original_name])
    assert client.get(url).status_code == 200


def test_a_dismissal_needs_a_written_reason_and_is_audited(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk, body="<p>密级：秘密</p><p>本文件为演示用的假例。</p>")
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    finding = Finding.objects.get(record=record)
    assert finding.kind == "classified_marking"

    for reason in ("", "   ", "无"):
        with pytest.raises(ValidationError, match="理由"):
            dismiss_finding(finding, by=disclosure_reviewer, reason=reason)
    with pytest.raises(ValidationError, match="不能是该信息的制作人"):
        dismiss_finding(finding, by=clerk, reason="作者认为不涉密，理由充分")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert "screening.dismiss" not in verbs(record)

    reason = "已解密：依据市保密局2025年解密通知，标志为历史遗留"
    dismiss_finding(finding, by=disclosure_reviewer, reason=reason)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert finding.dismissed_by == disclosure_reviewer and finding.dismissed_at is not None
    event = AuditEvent.objects.for_object(record).get(verb="screening.dismiss")
    assert event.note == reason and event.actor == disclosure_reviewer

    record = records.publish(record, by=clerk)  # the rescan keeps the dismissal
    assert record.status == Status.PUBLISHED
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED


def test_the_database_refuses_a_dismissal_without_a_reason(clerk):
    record = make_record(by=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(
            record=record, kind="id_card", excerpt="x", fingerprint="f", status="dismissed"
        )


def test_the_one_reviewer_fast_path_is_blocked_too(clerk, reviewer, county, mobile):
    # A response to a public concern: the fast path (one reviewer) that cannot skip screening.
    officer = make_user(roles=[Role.CONCERN_OFFICER], organisation=county)
    concern = make_concern(by=officer, discovered_at=timezone.now() - timedelta(hours=1))
    record = draft_response(
        concern,
        by=clerk,
        kind=ResponseKind.STATEMENT,
        title="关于网传午餐问题的情况说明",
        body=f"<p>关于家长反映的问题，联系人王老师，手机{mobile}。</p>",
    )
    record = records.approve_fast(records.submit(record, by=clerk), by=reviewer)
    assert record.status == Status.APPROVED
    with pytest.raises(ValidationError, match="手机号码"):
        records.publish(record, by=clerk)
    with pytest.raises(ValidationError, match="手机号码"):
        records.schedule(record, by=clerk, at=timezone.now() + timedelta(hours=1))
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED


def test_scheduled_publication_is_screened_again_when_it_comes_due(
    clerk, document_reviewer, disclosure_reviewer, city_admin
):
    record = make_record(by=clerk, body="<p>关于某某工程项目的说明。</p>")
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    at = timezone.now() + timedelta(hours=2)
    records.schedule(record, by=clerk, at=at)
    # The city bureau lists a term after the record was approved and scheduled.
    SensitiveTerm.objects.create(term="某某工程", created_by=city_admin)

    with time_machine.travel(at + timedelta(minutes=1)):
        assert records.publish_due() == []
    record.refresh_from_db()
    assert record.status == Status.SCHEDULED and record.current_version is None
    failure = AuditEvent.objects.get(verb="record.schedule_failed", object_id=str(record.pk))
    assert "敏感词" in failure.note and "某某工程" in failure.note


def test_a_scan_needs_a_person_and_never_passes_silently(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk)
    attach(record, make_pdf([None, "第二页有文字，没有问题。"]), "扫描件.pdf", clerk)
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    finding = Finding.objects.get(record=record)
    assert finding.kind == "no_text_layer" and "第1页" in finding.location
    with pytest.raises(ValidationError, match="无文字层"):
        records.publish(record, by=clerk)
    dismiss_finding(finding, by=document_reviewer, reason="已逐页人工核对扫描件，无个人信息")
    assert records.publish(record, by=clerk).status == Status.PUBLISHED


def test_dismissals_survive_rescans_and_resolved_findings_reopen(
    clerk, document_reviewer, disclosure_reviewer, id_number
):
    record = make_record(by=clerk, body="<p>不宜公开</p>")
    record = records.submit(record, by=clerk)
    marking = Finding.objects.get(record=record)
    dismiss_finding(marking, by=document_reviewer, reason="这是标题中的普通说明，并非标志")
    record = records.return_for_changes(record, by=document_reviewer, note="补充名单")
    record = records.update_record(
        record,
        by=clerk,
        revision=record.revision,
        body=f"<p>名单</p><p>不宜公开</p><p>{id_number}</p>",
    )
    open_findings = screen_record(record)
    assert [f.kind for f in open_findings] == ["id_card"]
    marking.refresh_from_db()
    assert marking.status == FindingStatus.DISMISSED

    record = mask_body(record, by=clerk, revision=record.revision)
    assert screen_record(record) == []
    record = records.update_record(
        record, by=clerk, revision=record.revision, body=f"<p>{id_number}</p>"
    )
    assert [f.status for f in screen_record(record)] == ["open"]
    assert Finding.objects.filter(record=record, kind="id_card").count() == 1


def _stored_attachment(record, data: bytes, name: str, clerk) -> Attachment:
    """An attachment already on file (an import, or one stored under older upload rules):
    screening must cope with whatever is there."""
    from django.core.files.base import ContentFile

    attachment = Attachment(
        record=record,
        original_name=name,
        content_type="application/octet-stream",
        size=len(data),
        sha256="0" * 64,
        uploaded_by=clerk,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["机密文件"]))).pages:
        writer.add_page(page)
    writer.encrypt("user-secret", "owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE = {
    "corrupt.pdf": lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage",
    "encrypted.pdf": _encrypted_pdf,
    "bomb.docx": lambda: make_zip_bomb("docx", unpacked_mb=30),
    "bomb.xlsx": lambda: make_zip_bomb("xlsx", unpacked_mb=30),
    "missing.pdf": None,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_give_a_clear_finding_and_the_review_pages_still_open(
    client, clerk, document_reviewer, name
):
    record = make_record(by=clerk)
    build = HOSTILE[name]
    attachment = _stored_attachment(record, build() if build else b"", name, clerk)
    if build is None:
        attachment.file.storage.delete(attachment.file.name)
    record = records.submit(record, by=clerk)

    finding = Finding.objects.get(record=record)
    assert finding.kind == "unreadable" and finding.attachment == attachment
    assert re.search("[\u4e00-\u9fff]{4}", finding.excerpt), finding.excerpt  # says why, in Chinese
    client.force_login(document_reviewer)
    for url in (
        reverse("records:detail", args=[record.pk]),
        reverse("screening:record", args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "无法读取" in response.content.decode()


def test_a_dismissal_goes_through_the_workflow_and_reads_in_chinese_in_the_records_history(
    clerk, document_reviewer, disclosure_reviewer
):
    from gongkai.core import verbs

    record = make_record(by=clerk, body="<p>密级：秘密</p><p>本文件为演示用的假例。</p>")
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    finding = Finding.objects.get(record=record)
    dismiss_finding(finding, by=disclosure_reviewer, reason="已解密：依据市保密局2025年解密通知")
    event = AuditEvent.objects.for_object(record).get(verb="screening.dismiss")
    assert (event.from_status, event.to_status) == ("open", "dismissed")
    assert verbs.label(event.verb) == "保密审查：排除疑点"
    assert (verbs.status_label(event, "open"), verbs.status_label(event, "dismissed")) == (
        "待处理",
        "已排除",
    )
    with pytest.raises(ValidationError, match="不能执行"):
        dismiss_finding(finding, by=disclosure_reviewer, reason="再排除一次，理由同上。")
