"""A scan in the publishing process, end to end: read on upload, screened with the same
detectors as text, held back while it is being read, redacted (the original kept, not
public), read and screened again, published with its text searchable."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from gongkai.core.models import AuditEvent
from gongkai.ocr import services
from gongkai.ocr.models import PageKind, Recognition, RecognitionStatus
from gongkai.ocr.testing import image_pdf, make_id, make_scanned_list
from gongkai.records import services as records
from gongkai.records.models import Status
from gongkai.screening.masking import mask_number
from gongkai.screening.models import Finding, FindingStatus
from gongkai.screening.services import dismiss_finding, screen_record

pytestmark = pytest.mark.django_db


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit() or c in "Xx")


def personal(record, attachment=None):
    found = Finding.objects.filter(record=record, kind__in=["id_card", "mobile_phone", "bank_card"])
    return found.filter(attachment=attachment) if attachment else found


def test_an_uploaded_scan_is_read_page_by_page_and_its_numbers_become_findings(
    clerk, draft, attach, small_scan
):
    attachment = attach(draft, small_scan.png(), "补助名单.png", clerk)

    recognition = Recognition.objects.get(attachment=attachment)
    assert recognition.status == RecognitionStatus.DONE
    assert (recognition.pages_total, recognition.pages_to_read, recognition.pages_done) == (1, 1, 1)
    page = recognition.pages.get()
    assert page.kind == PageKind.SCAN and page.is_legible
    assert len(page.boxes) == len(page.text)
    # Every number printed in full is a finding, stored masked, located on the page.
    findings = personal(draft, attachment)
    assert sorted(f.excerpt for f in findings) == sorted(
        mask_number(kind, number) for kind, number in small_scan.numbers
    )
    assert all(f.location.startswith("第1页（识别文字）第") for f in findings)
    # The page was read, so it no longer needs a person's look for its missing text layer.
    assert not Finding.objects.filter(record=draft, kind="no_text_layer").exists()
    # Search and the public text alternative read the attachment's text.
    attachment.refresh_from_db()
    assert "公示" in attachment.text
    for _, number in small_scan.numbers:
        assert number in digits(attachment.text)
    event = AuditEvent.objects.get(verb="ocr.recognise")
    assert event.data["attachment"] == attachment.pk and event.data["read"] == 1


def test_each_finding_has_a_box_around_its_number_on_the_page(clerk, draft, attach, small_scan):
    attachment = attach(draft, small_scan.png(), "补助名单.png", clerk)
    recognition = Recognition.objects.get(attachment=attachment)
    hits = [h for h in services.hits(recognition) if h.is_personal]
    assert sorted(h.excerpt for h in hits) == sorted(
        mask_number(kind, number) for kind, number in small_scan.numbers
    )
    width, height = small_scan.image.size
    grey = small_scan.image.convert("L")
    for hit in hits:
        (x0, y0, x1, y1), *rest = hit.boxes
        assert not rest  # one number, one line, one box
        # About the size of a printed number at 150 dpi: 10.5 pt digits are ~22 px high and
        # an 11-18 digit number is 150-280 px wide.
        assert 14 <= y1 - y0 <= 60 and 120 <= x1 - x0 <= 360
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        # There is print inside the box, and the box is where the number was read.
        inked = sum(1 for v in grey.crop((x0, y0, x1, y1)).get_flattened_data() if v < 100)
        assert inked > 100
    # The same boxes reach screening with the part, for screens that show places.
    assert Finding.objects.filter(record=draft, attachment=attachment).count() == len(hits)


def test_a_record_cannot_be_submitted_or_published_while_its_scan_is_being_read(
    clerk, document_reviewer, disclosure_reviewer, draft, attach, small_scan
):
    attachment = attach(draft, small_scan.png(), "补助名单.png", clerk)
    recognition = Recognition.objects.get(attachment=attachment)
    recognition.status, recognition.pages_to_read, recognition.pages_done = "running", 12, 3
    recognition.heartbeat_at = timezone.now()
    recognition.save()

    with pytest.raises(ValidationError) as refused:
        records.submit(draft, by=clerk)
    assert "补助名单.png" in str(refused.value) and "3/12页" in str(refused.value)
    assert "提交审核" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_scheduled_publication_waits_for_the_reading(
    clerk, document_reviewer, disclosure_reviewer, draft, attach, small_scan
):
    attachment = attach(draft, small_scan.png(), "补助名单.png", clerk)
    for finding in personal(draft):
        dismiss_finding(finding, by=document_reviewer, reason="经核实为公示要求公开的号码")
    record = records.submit(draft, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    at = timezone.now() + timedelta(hours=1)
    record = records.schedule(record, by=clerk, at=at)
    # Before it comes due, the reading starts again (an administrator requeued it).
    Recognition.objects.filter(attachment=attachment).update(
        status="queued", queued_at=timezone.now()
    )
    with time_machine.travel(at + timedelta(minutes=1)):
        assert records.publish_due() == []
    record.refresh_from_db()
    assert record.status == Status.SCHEDULED and record.current_version is None
    failure = AuditEvent.objects.get(verb="record.schedule_failed", object_id=str(record.pk))
    assert "正在文字识别" in failure.note and "发布" in failure.note
    Recognition.objects.filter(attachment=attachment).update(status="done")
    with time_machine.travel(at + timedelta(minutes=2)):
        assert records.publish_due() == [record.pk]


def test_redacting_a_scan_removes_the_numbers_and_keeps_the_original_private(
    clerk, document_reviewer, disclosure_reviewer, draft, attach, small_scan, redact
):
    original = attach(draft, small_scan.png(), "补助名单.png", clerk)
    recognition = Recognition.objects.get(attachment=original)
    hits = [h for h in services.hits(recognition) if h.is_personal]
    regions = [services.Region(h.page, box) for h in hits for box in h.boxes]
    cleaned = redact(original, regions, clerk)

    original.refresh_from_db()
    assert not original.is_current and original.replaced_by == cleaned
    assert cleaned.is_current and cleaned.original_name == "补助名单（已脱敏）.png"
    # The cleaned file was read again: none of the numbers is there any more.
    again = Recognition.objects.get(attachment=cleaned)
    assert again.status == RecognitionStatus.DONE
    for _, number in small_scan.numbers:
        assert number not in digits(again.pages.get().text)
        assert number not in digits(cleaned.text)
    # The rest of the page is still readable.
    assert "补助" in cleaned.text
    # Screening found nothing personal in the cleaned file; the old findings are resolved.
    assert not personal(draft).filter(status=FindingStatus.OPEN).exists()
    assert not Finding.objects.open().filter(record=draft).exists()
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert "ocr.redact" in verbs and "screening.replace_attachment" in verbs
    redact_event = AuditEvent.objects.get(verb="ocr.redact")
    assert (
        redact_event.data["original"] == original.pk and redact_event.data["cleaned"] == cleaned.pk
    )
    # It goes through review and out, and the public sees the cleaned file only.
    record = records.submit(draft, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    record = records.publish(record, by=clerk)
    assert record.current_version.attachment_ids == [cleaned.pk]


def test_a_text_pdf_is_cleaned_of_the_removed_characters_and_other_pages_are_kept(
    clerk, draft, attach, redact
):
    from gongkai.ocr.tests.files import text_pdf

    number = make_id(random.Random(1))
    pdf = text_pdf(
        [
            ["关于2025年秋季学期生活补助的公示", "第一页没有个人信息。"],
            ["学生张三，身份证号码 " + number + "，电话 13812345678。", "其余内容照常公开。"],
        ]
    )
    original = attach(draft, pdf, "公示.pdf", clerk)
    recognition = Recognition.objects.get(attachment=original)
    assert recognition.pages_to_read == 0 and recognition.pages.count() == 2
    hits = [h for h in services.hits(recognition) if h.is_personal]
    assert {h.page for h in hits} == {2} and len(hits) == 2
    cleaned = redact(original, [services.Region(h.page, b) for h in hits for b in h.boxes], clerk)

    with cleaned.file.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert "第一页没有个人信息" in reader.pages[0].extract_text()  # kept as it was
    assert reader.pages[1].extract_text().strip() == ""  # rasterised: no text layer left
    everything = data.decode("latin-1")
    assert "Gongkai" in everything  # our producer, nothing of the original's catalogue
    # Read back by OCR and by text extraction: the numbers are gone, the rest is legible.
    again = Recognition.objects.get(attachment=cleaned)
    assert again.pages_to_read == 1
    text = again.pages.get(number=2).text
    assert number not in digits(text) and "13812345678" not in digits(text)
    assert "其余内容照常公开" in text
    assert not Finding.objects.open().filter(record=draft, attachment=cleaned).exists()


def test_redaction_needs_a_finished_reading_and_a_draft(clerk, draft, attach, small_scan):
    attachment = attach(draft, small_scan.png(), "补助名单.png", clerk)
    Recognition.objects.filter(attachment=attachment).update(status="running")
    with pytest.raises(ValidationError, match="尚未完成文字识别"):
        services.redact_attachment(
            attachment, regions=[services.Region(1, (0, 0, 10, 10))], by=clerk
        )
    with pytest.raises(ValidationError, match="请至少选择"):
        services.redact_attachment(attachment, regions=[], by=clerk)


def test_a_page_the_engine_cannot_read_still_needs_a_person(clerk, draft, attach):
    from PIL import Image

    blank = Image.new("RGB", (600, 400), "white")
    buffer = io.BytesIO()
    blank.save(buffer, format="PNG")
    attachment = attach(draft, buffer.getvalue(), "照片.png", clerk)
    page = Recognition.objects.get(attachment=attachment).pages.get()
    assert not page.is_legible
    finding = Finding.objects.get(record=draft, attachment=attachment)
    assert finding.kind == "no_text_layer"


def test_a_multi_page_scan_reads_every_page_and_keeps_unread_pages_for_a_person(
    clerk, draft, attach, small_scan, settings
):
    second = make_scanned_list(random.Random(8), dpi=150, rows=2, paper=(6.2, 2.2))
    pdf = image_pdf([small_scan.image, second.image], dpi=150)
    settings.GONGKAI_OCR_MAX_PAGES = 1  # only the first page is read
    attachment = attach(draft, pdf, "扫描件.pdf", clerk)
    recognition = Recognition.objects.get(attachment=attachment)
    assert (recognition.pages_total, recognition.pages_to_read) == (2, 1)
    scan = Finding.objects.get(record=draft, attachment=attachment, kind="no_text_layer")
    assert scan.location == "第2页"
    settings.GONGKAI_OCR_MAX_PAGES = 300
    services.queue_recognition(attachment)
    services.recognise(attachment.pk)
    screen_record(draft)
    assert not Finding.objects.open().filter(record=draft, kind="no_text_layer").exists()
    pages = {f.location.split("（")[0] for f in personal(draft, attachment)}
    assert pages == {"第1页", "第2页"}
